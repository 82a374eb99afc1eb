import { describe, expect, it } from 'vitest';
import {
  escapeVttText,
  formatVttTimestamp,
  mergeChannelTranscripts,
  parseTranscriptDocument,
  renderTranscript,
  splitIntoSegments,
  type TranscriptSpeaker,
} from './transcript-formats.js';
import type { TranscribedWord } from './transcriber.js';

const w = (start: number, end: number, word: string, confidence = 0.9): TranscribedWord => ({
  start,
  end,
  word,
  confidence,
});

const SPEAKERS: TranscriptSpeaker[] = [
  { channel: 0, participant: 'p-alice', name: 'Alice <Sales> & Co' },
  { channel: 1, participant: 'p-bob', name: 'Bob' },
];

// Alice says hello, pauses 0.8 s, asks a question; Bob answers in between and after.
const ALICE = [w(0.5, 0.9, 'hello'), w(0.9, 1.2, 'bob'), w(2.0, 2.3, 'how'), w(2.3, 2.6, 'are')];
const BOB = [w(1.25, 1.7, 'hi'), w(3.0, 3.4, 'fine'), w(3.41, 3.9, 'thanks', 0.456789)];

const doc = mergeChannelTranscripts(
  [
    { channel: 1, words: BOB },
    { channel: 0, words: ALICE },
  ],
  SPEAKERS,
  { language: 'en_us', engine: 'pocketsphinx' },
);

describe('splitIntoSegments', () => {
  it('starts a new segment at a pause of 0.8 s or more, not at a shorter one', () => {
    const segments = splitIntoSegments(
      [w(0, 1, 'a'), w(1.79, 2, 'b'), w(2.8, 3, 'c'), w(3.1, 3.5, 'd')],
      'p',
    );
    expect(segments.map((s) => s.text)).toEqual(['a b', 'c d']);
    expect(segments[1]).toMatchObject({ start: 2.8, end: 3.5, speaker: 'p' });
  });

  it('cuts a segment that would run longer than the maximum', () => {
    const words = Array.from({ length: 10 }, (_, i) => w(i, i + 0.9, `w${i}`));
    expect(splitIntoSegments(words, 'p', 0.8, 4).map((s) => s.text)).toEqual([
      'w0 w1 w2 w3',
      'w4 w5 w6 w7',
      'w8 w9',
    ]);
  });

  it('gives no segment for no words', () => {
    expect(splitIntoSegments([], 'p')).toEqual([]);
  });
});

describe('mergeChannelTranscripts', () => {
  it('puts every channel’s segments on one timeline, each naming its speaker', () => {
    expect(doc.speakers).toEqual(SPEAKERS);
    expect(doc.segments.map((s) => [s.start, s.speaker, s.text])).toEqual([
      [0.5, 'p-alice', 'hello bob'],
      [1.25, 'p-bob', 'hi'],
      [2, 'p-alice', 'how are'],
      [3, 'p-bob', 'fine thanks'],
    ]);
  });

  it('names a channel missing from the map "Speaker N"', () => {
    const d = mergeChannelTranscripts([{ channel: 2, words: [w(0, 1, 'x')] }], SPEAKERS, {
      language: 'en',
      engine: 'none',
    });
    expect(d.speakers).toEqual([{ channel: 2, participant: 'channel-2', name: 'Speaker 3' }]);
    expect(d.segments[0]?.speaker).toBe('channel-2');
  });
});

describe('WebVTT', () => {
  it.each([
    [0, '00:00:00.000'],
    [1.2345, '00:00:01.235'],
    [59.9996, '00:01:00.000'],
    [3723.004, '01:02:03.004'],
    [360_000, '100:00:00.000'],
    [-1, '00:00:00.000'],
  ])('formats %s s as %s', (seconds, text) => {
    expect(formatVttTimestamp(seconds)).toBe(text);
  });

  it('escapes &, < and > and keeps a cue on one line', () => {
    expect(escapeVttText('a < b && c --> d\nnext')).toBe('a &lt; b &amp;&amp; c --&gt; d next');
  });

  it('renders cues with voice spans (byte-exact)', () => {
    expect(renderTranscript(doc, 'vtt')).toBe(
      'WEBVTT\n' +
        '\n00:00:00.500 --> 00:00:01.200\n<v Alice &lt;Sales&gt; &amp; Co>hello bob</v>\n' +
        '\n00:00:01.250 --> 00:00:01.700\n<v Bob>hi</v>\n' +
        '\n00:00:02.000 --> 00:00:02.600\n<v Alice &lt;Sales&gt; &amp; Co>how are</v>\n' +
        '\n00:00:03.000 --> 00:00:03.900\n<v Bob>fine thanks</v>\n',
    );
  });

  it('renders an empty transcript as a bare header', () => {
    expect(renderTranscript({ ...doc, segments: [] }, 'vtt')).toBe('WEBVTT\n');
  });
});

describe('plain text and JSON', () => {
  it('renders one line per segment (byte-exact)', () => {
    expect(renderTranscript(doc, 'txt')).toBe(
      '[00:00:00] Alice <Sales> & Co: hello bob\n' +
        '[00:00:01] Bob: hi\n' +
        '[00:00:02] Alice <Sales> & Co: how are\n' +
        '[00:00:03] Bob: fine thanks\n',
    );
  });

  it('renders the JSON document (byte-exact) and reads it back', () => {
    const json = renderTranscript(
      mergeChannelTranscripts([{ channel: 1, words: BOB.slice(1) }], SPEAKERS, {
        language: 'en_us',
        engine: 'pocketsphinx',
      }),
      'json',
    );
    expect(json).toBe(
      '{"language":"en_us","engine":"pocketsphinx",' +
        '"speakers":[{"channel":1,"participant":"p-bob","name":"Bob"}],' +
        '"segments":[{"start":3,"end":3.9,"speaker":"p-bob","text":"fine thanks","words":[' +
        '{"start":3,"end":3.4,"word":"fine","confidence":0.9},' +
        '{"start":3.41,"end":3.9,"word":"thanks","confidence":0.457}]}]}\n',
    );
    expect(parseTranscriptDocument(json).segments[0]?.text).toBe('fine thanks');
  });

  it('refuses a document that is not a transcript', () => {
    expect(() => parseTranscriptDocument('{"language":"en"}')).toThrow(/not a Callvault/);
    expect(() => parseTranscriptDocument('[]')).toThrow(/not a Callvault/);
  });
});
