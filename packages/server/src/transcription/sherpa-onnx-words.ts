// sherpa-onnx recognises sub-word tokens (BPE pieces) with a start time each; a word is a run of
// tokens of which the first begins with the word-boundary mark ("▁" in SentencePiece vocabularies,
// a space in NeMo's). Pure, so it is tested on recorded results without a model.
import type { TranscribedWord } from './transcriber.js';

/** The fields of sherpa-onnx's OfflineRecognizerResult that words are made from. */
export interface SherpaResult {
  readonly text?: string;
  readonly tokens?: readonly string[];
  /** Start of each token in seconds from the start of the decoded audio. */
  readonly timestamps?: readonly number[];
  /** Duration of each token (TDT models give them; others do not). */
  readonly durations?: readonly number[];
  /** Log probability of each token, when the model gives it. */
  readonly ys_log_probs?: readonly number[];
}

const BOUNDARY = /^[▁\s]/u;
/** A last word with no following token and no duration is given this long. */
const LAST_WORD_SECONDS = 0.3;

/**
 * Words of one decoded chunk: times shifted by `offset` (the chunk's start in the channel) and
 * kept before `chunkEnd`; text lowercased, as the other engines give it.
 */
export function groupSherpaTokens(
  result: SherpaResult,
  offset: number,
  chunkEnd: number,
): TranscribedWord[] {
  const tokens = result.tokens ?? [];
  const times = result.timestamps ?? [];
  if (tokens.length === 0 || times.length !== tokens.length) return [];
  interface Building {
    text: string;
    start: number;
    lastTokenIndex: number;
    probabilities: number[];
  }
  const built: Building[] = [];
  tokens.forEach((token, i) => {
    const start = times[i] ?? 0;
    const logProb = result.ys_log_probs?.[i];
    const probability = logProb === undefined ? 1 : Math.exp(logProb);
    const current = built[built.length - 1];
    if (current === undefined || BOUNDARY.test(token)) {
      built.push({ text: token, start, lastTokenIndex: i, probabilities: [probability] });
    } else {
      current.text += token;
      current.lastTokenIndex = i;
      current.probabilities.push(probability);
    }
  });
  const words: TranscribedWord[] = [];
  built.forEach((b, index) => {
    const text = b.text.replace(/[▁\s]+/gu, '').toLowerCase();
    if (text === '') return;
    const next = built[index + 1];
    const duration = result.durations?.[b.lastTokenIndex];
    const tokenStart = times[b.lastTokenIndex] ?? b.start;
    let end =
      duration !== undefined && duration > 0
        ? tokenStart + duration
        : next !== undefined
          ? next.start
          : tokenStart + LAST_WORD_SECONDS;
    if (next !== undefined) end = Math.min(end, next.start);
    const start = offset + b.start;
    const absoluteEnd = Math.min(offset + end, chunkEnd);
    if (!(absoluteEnd > start)) return;
    const confidence =
      b.probabilities.reduce((sum, p) => sum + p, 0) / Math.max(1, b.probabilities.length);
    words.push({
      start: round3(start),
      end: round3(absoluteEnd),
      word: text,
      confidence: Math.min(1, Math.max(0, round3(confidence))),
    });
  });
  return words;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Where to cut long audio into chunks of at most `maxSamples`: at the quietest 20 ms frame in the
 * last quarter of each chunk, so that a cut rarely falls inside a word.
 */
export function planChunks(pcm: Int16Array, sampleRate: number, maxSeconds: number): number[] {
  const maxSamples = Math.floor(maxSeconds * sampleRate);
  const frame = Math.max(1, Math.floor(sampleRate / 50));
  const cuts: number[] = [0];
  let start = 0;
  while (pcm.length - start > maxSamples) {
    const searchFrom = start + Math.floor(maxSamples * 0.75);
    const searchTo = start + maxSamples - frame;
    let best = start + maxSamples;
    let bestEnergy = Infinity;
    for (let f = searchFrom; f <= searchTo; f += frame) {
      let energy = 0;
      for (let i = f; i < f + frame; i++) {
        const v = pcm[i] ?? 0;
        energy += v * v;
      }
      if (energy < bestEnergy) {
        bestEnergy = energy;
        best = f + Math.floor(frame / 2);
      }
    }
    cuts.push(best);
    start = best;
  }
  cuts.push(pcm.length);
  return cuts;
}
