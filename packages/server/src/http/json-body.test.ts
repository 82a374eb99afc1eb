import { describe, expect, it } from 'vitest';
import { measureJsonDepth } from './json-body.js';

describe('measureJsonDepth', () => {
  it.each([
    ['1', 0],
    ['"{[{["', 0],
    ['{}', 1],
    ['[[], {}]', 2],
    ['{"a":{"b":[1,{"c":null}]}}', 4],
    ['{"a":"\\"{{{"}', 1],
    ['{"a":"\\\\","b":{}}', 2],
    ['[[[', 3],
  ])('%s nests %i deep', (text, depth) => {
    expect(measureJsonDepth(text, 100)).toBe(depth);
  });

  it('stops counting once past the limit', () => {
    expect(measureJsonDepth('['.repeat(1_000_000), 32)).toBe(33);
  });
});
