import { describe, expect, it } from 'vitest';
import {
  activeSegmentIndex,
  findHits,
  isTranscriptDocument,
  markMatches,
  searchTerms,
  speakerNameOf,
  stepHit,
  type TranscriptDocument,
} from './transcript.js';

const document: TranscriptDocument = {
  language: 'en',
  engine: 'pocketsphinx',
  speakers: [
    { channel: 0, participant: 'p0', name: 'Alice' },
    { channel: 1, participant: 'p1', name: 'Caller' },
  ],
  segments: [
    { start: 0.5, end: 1.5, speaker: 'p0', text: 'hello there' },
    { start: 2, end: 3, speaker: 'p1', text: 'I want a refund' },
    { start: 4, end: 6, speaker: 'p0', text: 'refunds take five days' },
    { start: 7, end: 8, speaker: 'p1', text: 'thank you' },
  ],
};
const { segments } = document;

describe('activeSegmentIndex', () => {
  it.each([
    [0, -1],
    [0.5, 0],
    [1.9, 0],
    [2, 1],
    [3.5, 1],
    [6.5, 2],
    [100, 3],
  ])('at %s s the line is %i', (time, index) => {
    expect(activeSegmentIndex(segments, time)).toBe(index);
  });

  it('is -1 for an empty transcript', () => {
    expect(activeSegmentIndex([], 3)).toBe(-1);
  });
});

describe('search', () => {
  it('finds lines holding every word as a word start', () => {
    expect(findHits(segments, searchTerms('REFUND'))).toEqual([1, 2]);
    expect(findHits(segments, searchTerms('refund days'))).toEqual([2]);
    expect(findHits(segments, searchTerms('fund'))).toEqual([]);
    expect(findHits(segments, searchTerms('  '))).toEqual([]);
  });

  it('steps forwards and backwards, wrapping around', () => {
    const hits = [1, 2];
    expect(stepHit(hits, null, 1)).toBe(0);
    expect(stepHit(hits, 0, 1)).toBe(1);
    expect(stepHit(hits, 1, 1)).toBe(0);
    expect(stepHit(hits, 0, -1)).toBe(1);
    expect(stepHit([], null, 1)).toBeNull();
  });

  it('starts from the line being played', () => {
    expect(stepHit([1, 2], null, 1, 2)).toBe(1);
    expect(stepHit([1, 2], null, 1, 3)).toBe(0);
    expect(stepHit([1, 2], null, -1, 1)).toBe(0);
    expect(stepHit([1, 2], null, -1, 0)).toBe(1);
  });

  it('marks the matching words of a line', () => {
    expect(markMatches('Refunds take five days.', ['refund', 'day'])).toEqual([
      { text: 'Refunds', match: true },
      { text: ' take five ', match: false },
      { text: 'days', match: true },
      { text: '.', match: false },
    ]);
    expect(markMatches('hello', [])).toEqual([{ text: 'hello', match: false }]);
  });
});

describe('the document', () => {
  it('names speakers, falling back to the participant', () => {
    expect(speakerNameOf(document, 'p1')).toBe('Caller');
    expect(speakerNameOf(document, 'p9')).toBe('p9');
  });

  it('recognises the transcript JSON', () => {
    expect(isTranscriptDocument(document)).toBe(true);
    expect(isTranscriptDocument({ speakers: [], segments: [{ start: '1' }] })).toBe(false);
    expect(isTranscriptDocument(null)).toBe(false);
  });
});
