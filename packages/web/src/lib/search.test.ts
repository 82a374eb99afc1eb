import { describe, expect, it } from 'vitest';
import { matchesSearch, toServerFilter } from './search.js';

describe('matchesSearch', () => {
  const alice = ['Alice Andersson', 'alice@example.com', '1001', null, 'Stockholm'];
  it('matches any column, case-insensitively', () => {
    expect(matchesSearch('ALICE', alice)).toBe(true);
    expect(matchesSearch('example.com', alice)).toBe(true);
    expect(matchesSearch('100', alice)).toBe(true);
    expect(matchesSearch('stock', alice)).toBe(true);
  });
  it('requires every word to match', () => {
    expect(matchesSearch('alice stockholm', alice)).toBe(true);
    expect(matchesSearch('alice oslo', alice)).toBe(false);
  });
  it('matches everything with an empty or blank term', () => {
    expect(matchesSearch('', alice)).toBe(true);
    expect(matchesSearch('   ', [])).toBe(true);
  });
  it('matches nothing when no column contains the word', () => {
    expect(matchesSearch('bob', alice)).toBe(false);
  });
});

describe('toServerFilter', () => {
  it('searches a complete email address exactly', () => {
    expect(toServerFilter(' alice@example.com ')).toEqual({ email: 'alice@example.com' });
  });
  it('searches names by prefix', () => {
    expect(toServerFilter('Ali')).toEqual({ displayName: 'Ali' });
    expect(toServerFilter('Åsa')).toEqual({ displayName: 'Åsa' });
  });
  it('leaves numbers, partial emails and blank terms to the client', () => {
    expect(toServerFilter('1001')).toBeNull();
    expect(toServerFilter('alice@exa')).toBeNull();
    expect(toServerFilter('  ')).toBeNull();
  });
});
