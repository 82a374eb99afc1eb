import { describe, expect, it } from 'vitest';
import {
  computeWordErrorRate,
  countWordErrors,
  normaliseWords,
  sumWordErrors,
  wordErrorRate,
} from './word-error-rate.js';

describe('normaliseWords', () => {
  it('lowercases, drops punctuation and keeps apostrophes inside words', () => {
    expect(normaliseWords('Mr. Dashwood,  "don\'t" — go!  \'Tis')).toEqual([
      'mr',
      'dashwood',
      "don't",
      'go',
      'tis',
    ]);
    expect(normaliseWords('  ')).toEqual([]);
  });
});

describe('countWordErrors', () => {
  it('counts a substitution, a deletion and an insertion', () => {
    const ref = 'he was not an ill disposed young man'.split(' ');
    // pocketsphinx-testdata's own hypothesis for clip 0880.
    const hyp = 'he was not an illness those young man'.split(' ');
    expect(countWordErrors(ref, hyp)).toEqual({
      referenceWords: 8,
      substitutions: 2,
      deletions: 0,
      insertions: 0,
      errors: 2,
    });
    expect(countWordErrors(['a', 'b', 'c'], ['a', 'c'])).toMatchObject({ deletions: 1, errors: 1 });
    expect(countWordErrors(['a', 'c'], ['a', 'b', 'c'])).toMatchObject({
      insertions: 1,
      errors: 1,
    });
  });

  it('is the Levenshtein distance on words (empty sides)', () => {
    expect(countWordErrors([], [])).toMatchObject({ errors: 0 });
    expect(countWordErrors(['a', 'b'], [])).toMatchObject({ deletions: 2, errors: 2 });
    expect(countWordErrors([], ['x'])).toMatchObject({ insertions: 1, errors: 1 });
    expect(countWordErrors('a b c d'.split(' '), 'b c d e'.split(' '))).toMatchObject({
      errors: 2,
    });
  });
});

describe('wordErrorRate', () => {
  it('is errors over reference words, summed over utterances', () => {
    const total = sumWordErrors([
      countWordErrors(['a', 'b'], ['a', 'x']),
      countWordErrors(['c', 'd', 'e', 'f'], ['c', 'd', 'e', 'f']),
    ]);
    expect(wordErrorRate(total)).toBeCloseTo(1 / 6, 10);
    expect(computeWordErrorRate('Hello, World', 'hello world')).toBe(0);
    expect(computeWordErrorRate('one', 'two three')).toBe(2);
    expect(computeWordErrorRate('', 'extra')).toBe(Infinity);
  });
});
