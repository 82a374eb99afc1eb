import { describe, expect, it } from 'vitest';
import { normalisePocketsphinxWord, parsePocketsphinxOutput } from './pocketsphinx-output.js';

// Captured from `pocketsphinx_continuous -infile two.wav -time yes -logfn /dev/null` on two of
// pocketsphinx-testdata's LibriVox clips joined together (shortened).
const CAPTURE = `and mr john
<s> 0.000 0.140 0.999600
and(2) 0.150 0.360 0.260109
mr 0.370 0.620 0.988960
<sil> 3.910 3.930 0.553458
john 0.630 1.000 0.929314
</s> 7.080 7.200 1.000000
he was not
<s> 7.240 7.260 0.999800
he 7.270 7.370 0.998601
[SPEECH] 0.980 1.100 0.535598
was(2) 7.380 7.590 0.999800
not 7.600 8.020 0.997104
</s> 9.780 10.140 1.000000
`;

describe('parsePocketsphinxOutput', () => {
  it('reads each word line as a word with start, end and confidence', () => {
    const { words } = parsePocketsphinxOutput(CAPTURE);
    expect(words).toEqual([
      { start: 0.15, end: 0.37, word: 'and', confidence: 0.260109 },
      { start: 0.37, end: 0.63, word: 'mr', confidence: 0.98896 },
      { start: 0.63, end: 1.01, word: 'john', confidence: 0.929314 },
      { start: 7.27, end: 7.38, word: 'he', confidence: 0.998601 },
      { start: 7.38, end: 7.6, word: 'was', confidence: 0.9998 },
      { start: 7.6, end: 8.03, word: 'not', confidence: 0.997104 },
    ]);
  });

  it('makes one segment per utterance between <s> and </s>', () => {
    expect(parsePocketsphinxOutput(CAPTURE).segments).toEqual([
      { start: 0.15, end: 1.01, text: 'and mr john' },
      { start: 7.27, end: 8.03, text: 'he was not' },
    ]);
  });

  it('ignores hypothesis lines, log lines and an utterance with only silence', () => {
    const out = parsePocketsphinxOutput(
      'INFO: cmd_ln.c(702): Parsing command line:\n\n<s> 0.000 0.970 1.000000\n</s> 0.980 1.010 1.000000\n',
    );
    expect(out).toEqual({ words: [], segments: [] });
    expect(parsePocketsphinxOutput('')).toEqual({ words: [], segments: [] });
  });

  it('keeps an utterance cut off before its </s>', () => {
    const out = parsePocketsphinxOutput('<s> 0.000 0.100 1\nyes 0.110 0.400 0.5\n');
    expect(out.segments).toEqual([{ start: 0.11, end: 0.41, text: 'yes' }]);
  });

  it('clamps confidences into 0…1 and reads exponent notation', () => {
    const { words } = parsePocketsphinxOutput('no 1.000 1.200 1.000100\nso 1.210 1.300 5e-05\n');
    expect(words.map((w) => w.confidence)).toEqual([1, 0.00005]);
  });
});

describe('normalisePocketsphinxWord', () => {
  it.each([
    ['<s>', null],
    ['</s>', null],
    ['<sil>', null],
    ['[NOISE]', null],
    ['[SPEECH]', null],
    ['+BREATH+', null],
    ['was(2)', 'was'],
    ['leisure(12)', 'leisure'],
    ["don't", "don't"],
    ['mr', 'mr'],
  ])('%s → %s', (token, word) => {
    expect(normalisePocketsphinxWord(token)).toBe(word);
  });
});
