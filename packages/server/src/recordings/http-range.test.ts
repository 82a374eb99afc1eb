import { describe, expect, it } from 'vitest';
import { parseRangeHeader } from './http-range.js';

describe('HTTP Range (RFC 9110 §14.1.2) for a 1000-byte object', () => {
  it.each([
    ['bytes=0-499', { kind: 'range', start: 0, end: 499 }],
    ['bytes=500-', { kind: 'range', start: 500, end: 999 }],
    ['bytes=-100', { kind: 'range', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'range', start: 0, end: 999 }],
    ['bytes=900-5000', { kind: 'range', start: 900, end: 999 }],
    ['bytes=0-0, 5-9', { kind: 'range', start: 0, end: 0 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
    ['bytes=-', { kind: 'none' }],
  ])('%s → %o', (header, expected) => {
    expect(parseRangeHeader(header, 1000)).toEqual(expected);
  });

  it('no header reads the whole object', () => {
    expect(parseRangeHeader(undefined, 1000)).toEqual({ kind: 'none' });
  });

  it('nothing of an empty object is satisfiable', () => {
    expect(parseRangeHeader('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});
