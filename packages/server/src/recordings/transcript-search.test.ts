import { describe, expect, it } from 'vitest';
import { parseTranscriptQuery, snippetOf, toFts5Query, toTsQuery } from './transcript-search.js';

describe('parseTranscriptQuery', () => {
  it('keeps letters and digits as lower-case terms, once each', () => {
    expect(parseTranscriptQuery('Refund  order 42, refund!')).toEqual(['refund', 'order', '42']);
  });

  it('turns FTS syntax into plain words instead of operators', () => {
    expect(parseTranscriptQuery('"pay*" OR (NEAR x:y) -z ^a')).toEqual([
      'pay',
      'or',
      'near',
      'x',
      'y',
      'z',
      'a',
    ]);
  });

  it('splits words at apostrophes the way both indexes do', () => {
    expect(parseTranscriptQuery("don't")).toEqual(['don', 't']);
  });

  it.each([
    ['only punctuation', '"*()-:'],
    ['too long', 'a'.repeat(201)],
    ['control characters', 'hello\u0000world'],
    ['too many words', 'one two three four five six seven eight nine'],
    ['a word too long', 'x'.repeat(41)],
  ])('refuses %s', (_why, query) => {
    expect(() => parseTranscriptQuery(query)).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('the database expressions', () => {
  it('FTS5: quoted prefix terms, all required', () => {
    expect(toFts5Query(['refund', 'and'])).toBe('"refund"* AND "and"*');
  });

  it('tsquery: quoted prefix terms, all required', () => {
    expect(toTsQuery(['refund', 'or'])).toBe("'refund':* & 'or':*");
  });
});

describe('snippetOf', () => {
  it('returns a short segment whole', () => {
    expect(snippetOf('I would like a refund please', ['refund'])).toBe(
      'I would like a refund please',
    );
  });

  it('cuts a long segment around the first hit', () => {
    const text = Array.from({ length: 40 }, (_, i) => (i === 25 ? 'Refunds' : `w${i}`)).join(' ');
    const snippet = snippetOf(text, ['refund']);
    expect(snippet.startsWith('… w20 ')).toBe(true);
    expect(snippet).toContain('Refunds');
    expect(snippet.endsWith(' …')).toBe(true);
    expect(snippet.replace(/…/g, '').trim().split(/\s+/)).toHaveLength(16);
  });
});
