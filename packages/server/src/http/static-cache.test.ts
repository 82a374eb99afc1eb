import { describe, expect, it } from 'vitest';
import { IMMUTABLE, REVALIDATE, staticCacheControl } from './static-cache.js';

const root = '/srv/callvault/web';

describe('cache lifetime of the console files', () => {
  it.each([
    ['assets/index-grkgAU64.js', IMMUTABLE],
    ['assets/index-grkgAU64.js.br', IMMUTABLE],
    ['assets/index-DJIbK2Oo.css.gz', IMMUTABLE],
    ['assets/mantine-U86A2tH3.js', IMMUTABLE],
    ['index.html', REVALIDATE],
    ['index.html.br', REVALIDATE],
    ['favicon.svg', REVALIDATE],
    ['assets/unhashed.js', REVALIDATE],
  ])('%s → %s', (file, expected) => {
    expect(staticCacheControl(root, `${root}/${file}`)).toBe(expected);
  });
});
