// Parsing what `pocketsphinx_continuous -time yes` prints on standard output (pocketsphinx
// 5prealpha, Debian's `pocketsphinx`): for every utterance the decoder found, one hypothesis line
// with the recognised words, then one line per word as `WORD START END POSTERIOR`, e.g.
//
//   he was not an illness those young man
//   <s> 0.000 0.060 0.999500
//   was(2) 0.330 0.540 0.999800
//   [SPEECH] 0.980 1.100 0.535598
//   </s> 2.800 2.970 1.000000
//
// Times are seconds from the start of the file. `<s>`, `</s>` and `<sil>` mark utterance edges and
// silence, `[NOISE]`-style entries are fillers, and `(2)` names an alternative pronunciation.
import type { EngineSegment, TranscribedWord } from './transcriber.js';

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?(?:e-?\d+)?)$/;

export interface PocketsphinxOutput {
  readonly words: TranscribedWord[];
  readonly segments: EngineSegment[];
}

/** A dictionary entry as a plain word: no pronunciation suffix; null for markers and fillers. */
export function normalisePocketsphinxWord(token: string): string | null {
  if (token.startsWith('<') || token.startsWith('[') || token.startsWith('+')) return null;
  const word = token.replace(/\(\d+\)$/, '');
  return word === '' ? null : word;
}

/**
 * Words with times and confidences, and one segment per utterance (`<s>` … `</s>`) that has
 * words. Lines that are neither (hypotheses, stray log lines) are ignored.
 */
export function parsePocketsphinxOutput(stdout: string): PocketsphinxOutput {
  const words: TranscribedWord[] = [];
  const segments: EngineSegment[] = [];
  let utterance: TranscribedWord[] = [];
  const closeUtterance = (): void => {
    const first = utterance[0];
    const last = utterance[utterance.length - 1];
    if (first && last) {
      segments.push({
        start: first.start,
        end: last.end,
        text: utterance.map((w) => w.word).join(' '),
      });
    }
    utterance = [];
  };
  for (const raw of stdout.split('\n')) {
    const match = WORD_LINE.exec(raw.trim());
    if (!match) continue;
    const [, token = '', startText = '', endText = '', confidenceText = ''] = match;
    if (token === '<s>') {
      closeUtterance();
      continue;
    }
    if (token === '</s>') {
      closeUtterance();
      continue;
    }
    const word = normalisePocketsphinxWord(token);
    if (word === null) continue;
    const start = Number(startText);
    // Frame times are inclusive (a word ending at 0.320 occupies the frame that starts there):
    // one 10 ms frame is added so that end > start even for one-frame words.
    const end = Number(endText) + 0.01;
    const confidence = Math.min(1, Math.max(0, Number(confidenceText)));
    const entry = { start, end: round3(end), word, confidence };
    words.push(entry);
    utterance.push(entry);
  }
  closeUtterance();
  return { words, segments };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
