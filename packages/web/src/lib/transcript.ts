// Pure helpers of the transcript beside the player (SPEC §7): which line is being spoken at a
// time, which lines hold the words searched for (every word, as the start of a word — the same rule
// as the server's transcript search), stepping between those hits, and splitting a line's text so
// the matching words can be marked.

/** A speaker of Callvault's transcript JSON: one per channel. */
export interface TranscriptSpeaker {
  readonly channel: number;
  readonly participant: string;
  readonly name: string;
}

export interface TranscriptSegment {
  readonly start: number;
  readonly end: number;
  /** The `participant` of one of the document's speakers. */
  readonly speaker: string;
  readonly text: string;
}

/** `?format=json` of a recording's transcript link (the words' timings are not needed here). */
export interface TranscriptDocument {
  readonly language: string;
  readonly engine: string;
  readonly speakers: readonly TranscriptSpeaker[];
  readonly segments: readonly TranscriptSegment[];
}

/** Whether `value` has the shape of a transcript document (the link serves what it serves). */
export function isTranscriptDocument(value: unknown): value is TranscriptDocument {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof TranscriptDocument, unknown>>;
  return (
    Array.isArray(v.speakers) &&
    Array.isArray(v.segments) &&
    v.segments.every(
      (s: unknown) =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as TranscriptSegment).start === 'number' &&
        typeof (s as TranscriptSegment).end === 'number' &&
        typeof (s as TranscriptSegment).text === 'string' &&
        typeof (s as TranscriptSegment).speaker === 'string',
    )
  );
}

/** The name a segment's speaker goes by in the transcript. */
export function speakerNameOf(document: TranscriptDocument, participant: string): string {
  return document.speakers.find((s) => s.participant === participant)?.name ?? participant;
}

/**
 * The line being spoken at `time`: the last one started at or before it (so a pause keeps the
 * previous line lit), or -1 before the first. Segments are in time order.
 */
export function activeSegmentIndex(segments: readonly TranscriptSegment[], time: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((segments[mid]?.start ?? Infinity) <= time) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a search box, lower case, once each. */
export function searchTerms(query: string): string[] {
  return [...new Set(query.toLowerCase().match(WORD) ?? [])];
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Indexes of the lines holding every term as the start of one of their words. */
export function findHits(
  segments: readonly TranscriptSegment[],
  terms: readonly string[],
): number[] {
  if (terms.length === 0) return [];
  const hits: number[] = [];
  segments.forEach((segment, index) => {
    const words = wordsOf(segment.text);
    if (terms.every((t) => words.some((w) => w.startsWith(t)))) hits.push(index);
  });
  return hits;
}

/**
 * Which hit (an index into `hits`) comes after (`+1`) or before (`-1`) the current one, wrapping
 * around; with none current, the first hit at or after `fromLine` (or the last before it).
 */
export function stepHit(
  hits: readonly number[],
  current: number | null,
  direction: 1 | -1,
  fromLine = 0,
): number | null {
  if (hits.length === 0) return null;
  if (current === null || current < 0 || current >= hits.length) {
    if (direction === 1) {
      const next = hits.findIndex((line) => line >= fromLine);
      return next < 0 ? 0 : next;
    }
    for (let i = hits.length - 1; i >= 0; i--) if ((hits[i] ?? 0) <= fromLine) return i;
    return hits.length - 1;
  }
  return (current + direction + hits.length) % hits.length;
}

export interface TextPart {
  readonly text: string;
  readonly match: boolean;
}

/** A line's text in parts, the words a term begins marked as matches. */
export function markMatches(text: string, terms: readonly string[]): TextPart[] {
  if (terms.length === 0) return [{ text, match: false }];
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const index = m.index;
    if (!terms.some((t) => word.toLowerCase().startsWith(t))) continue;
    if (index > at) parts.push({ text: text.slice(at, index), match: false });
    parts.push({ text: word, match: true });
    at = index + word.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}
