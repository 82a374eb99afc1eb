// How long a browser may keep each file of the console. Vite names every file under assets/ after a
// hash of its content, so a file there never changes under its name: cached for a year, immutable.
// index.html (which names the current assets) and the files without a hash are revalidated on every
// use, so a new release is seen at once.
import path from 'node:path';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** A Vite output name carries an 8-character content hash: `index-grkgAU64.js`. */
const HASHED_NAME = /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

export function staticCacheControl(webRoot: string, filePath: string): string {
  const relative = path.relative(webRoot, filePath).split(path.sep).join('/');
  const original = relative.replace(/\.(br|gz)$/, '');
  return original.startsWith('assets/') && HASHED_NAME.test(original) ? IMMUTABLE : REVALIDATE;
}
