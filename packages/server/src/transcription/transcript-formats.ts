// A call's transcript from its channels (SPEC §8): each channel is one party, so each
// channel's words become that party's segments (split where they pause), and all segments are
// merged into one timeline. Rendered as Callvault's JSON document, WebVTT (W3C WebVTT: cue timings
// `hh:mm:ss.ttt --> hh:mm:ss.ttt`, voice spans `<v Name>`) and plain text. Pure.
import type { TranscribedWord, TranscriberEngine } from './transcriber.js';

export interface TranscriptSpeaker {
  /** 0-based channel of the recording. */
  readonly channel: number;
  /** The participant's id in the call metadata (or `channel-N` when the metadata has none). */
  readonly participant: string;
  /** What the transcript shows: a name, else a number, else "Speaker N". */
  readonly name: string;
}

export interface TranscriptWord {
  readonly start: number;
  readonly end: number;
  readonly word: string;
  readonly confidence: number;
}

export interface TranscriptSegment {
  readonly start: number;
  readonly end: number;
  /** The `participant` of one of the document's speakers. */
  readonly speaker: string;
  readonly text: string;
  readonly words: readonly TranscriptWord[];
}

export interface TranscriptDocument {
  readonly language: string;
  readonly engine: TranscriberEngine;
  readonly speakers: readonly TranscriptSpeaker[];
  readonly segments: readonly TranscriptSegment[];
}

export interface ChannelWords {
  readonly channel: number;
  readonly words: readonly TranscribedWord[];
}

export interface MergeOptions {
  readonly language: string;
  readonly engine: TranscriberEngine;
  /** A pause at least this long starts a new segment (default 0.8 s). */
  readonly pauseSeconds?: number;
  /** A segment is also cut when it would grow longer than this (default 30 s), for readable cues. */
  readonly maxSegmentSeconds?: number;
}

export const TRANSCRIPT_FORMATS = ['json', 'vtt', 'txt'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export const TRANSCRIPT_CONTENT_TYPES: Readonly<Record<TranscriptFormat, string>> = {
  json: 'application/json; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

const ms = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/** The speaker of `channel`: from the map, or a stand-in that still tells the parties apart. */
export function speakerOfChannel(
  speakers: readonly TranscriptSpeaker[],
  channel: number,
): TranscriptSpeaker {
  return (
    speakers.find((s) => s.channel === channel) ?? {
      channel,
      participant: `channel-${channel}`,
      name: `Speaker ${channel + 1}`,
    }
  );
}

/** One channel's words as segments, cut at pauses ≥ pauseSeconds and at maxSegmentSeconds. */
export function splitIntoSegments(
  words: readonly TranscribedWord[],
  speaker: string,
  pauseSeconds = 0.8,
  maxSegmentSeconds = 30,
): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let current: TranscriptWord[] = [];
  const close = (): void => {
    const first = current[0];
    const last = current[current.length - 1];
    if (first && last) {
      segments.push({
        start: first.start,
        end: last.end,
        speaker,
        text: current.map((w) => w.word).join(' '),
        words: current,
      });
    }
    current = [];
  };
  for (const w of [...words].sort((a, b) => a.start - b.start)) {
    const word: TranscriptWord = {
      start: ms(w.start),
      end: ms(w.end),
      word: w.word,
      confidence: ms(w.confidence),
    };
    const previous = current[current.length - 1];
    const first = current[0];
    if (
      previous &&
      first &&
      (word.start - previous.end >= pauseSeconds - 1e-9 ||
        word.end - first.start > maxSegmentSeconds)
    ) {
      close();
    }
    current.push(word);
  }
  close();
  return segments;
}

/** All channels' segments on one timeline (by start; the lower channel first on a tie). */
export function mergeChannelTranscripts(
  channels: readonly ChannelWords[],
  speakers: readonly TranscriptSpeaker[],
  options: MergeOptions,
): TranscriptDocument {
  const used = [...channels].sort((a, b) => a.channel - b.channel);
  const segments = used.flatMap((c) =>
    splitIntoSegments(
      c.words,
      speakerOfChannel(speakers, c.channel).participant,
      options.pauseSeconds,
      options.maxSegmentSeconds,
    ).map((segment) => ({ segment, channel: c.channel })),
  );
  segments.sort((a, b) => a.segment.start - b.segment.start || a.channel - b.channel);
  return {
    language: options.language,
    engine: options.engine,
    speakers: used.map((c) => speakerOfChannel(speakers, c.channel)),
    segments: segments.map((s) => s.segment),
  };
}

// Rendering --------------------------------------------------------------------------------------

/** `hh:mm:ss.ttt` (WebVTT §4.4 allows more hour digits; there are always at least two). */
export function formatVttTimestamp(seconds: number): string {
  const total = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const t = total % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(t).padStart(3, '0')}`;
}

/**
 * Cue text and voice annotations are escaped as WebVTT requires: `&`, `<` and `>` become
 * character references (which also keeps "-->" out of a cue), and line breaks become spaces so
 * that no cue ends early.
 */
export function escapeVttText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ');
}

function nameOf(doc: TranscriptDocument, participant: string): string {
  return doc.speakers.find((s) => s.participant === participant)?.name ?? participant;
}

export function renderTranscriptVtt(doc: TranscriptDocument): string {
  let out = 'WEBVTT\n';
  for (const segment of doc.segments) {
    out +=
      `\n${formatVttTimestamp(segment.start)} --> ${formatVttTimestamp(segment.end)}\n` +
      `<v ${escapeVttText(nameOf(doc, segment.speaker))}>${escapeVttText(segment.text)}</v>\n`;
  }
  return out;
}

/** One line per segment: `[hh:mm:ss] Name: text`. */
export function renderTranscriptText(doc: TranscriptDocument): string {
  return doc.segments
    .map((segment) => {
      const stamp = formatVttTimestamp(segment.start).slice(0, 8);
      const name = nameOf(doc, segment.speaker).replace(/[\r\n]+/g, ' ');
      return `[${stamp}] ${name}: ${segment.text}\n`;
    })
    .join('');
}

export function renderTranscriptJson(doc: TranscriptDocument): string {
  return `${JSON.stringify(doc)}\n`;
}

export function renderTranscript(doc: TranscriptDocument, format: TranscriptFormat): string {
  switch (format) {
    case 'json':
      return renderTranscriptJson(doc);
    case 'vtt':
      return renderTranscriptVtt(doc);
    case 'txt':
      return renderTranscriptText(doc);
  }
}

/** Reads a stored JSON transcript back, refusing anything that is not one. */
export function parseTranscriptDocument(text: string): TranscriptDocument {
  const value = JSON.parse(text) as unknown;
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (
    !isObject(value) ||
    typeof value.language !== 'string' ||
    typeof value.engine !== 'string' ||
    !Array.isArray(value.speakers) ||
    !Array.isArray(value.segments) ||
    !value.segments.every(
      (s) =>
        isObject(s) &&
        typeof s.start === 'number' &&
        typeof s.end === 'number' &&
        typeof s.speaker === 'string' &&
        typeof s.text === 'string' &&
        Array.isArray(s.words),
    )
  ) {
    throw new Error('not a Callvault transcript document');
  }
  return value as unknown as TranscriptDocument;
}
