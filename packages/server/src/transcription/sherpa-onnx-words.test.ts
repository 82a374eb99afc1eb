import { describe, expect, it } from 'vitest';
import { groupSherpaTokens, planChunks } from './sherpa-onnx-words.js';

describe('groupSherpaTokens', () => {
  it('joins SentencePiece pieces into words at the ▁ boundary mark', () => {
    // The shape sherpa-onnx's zipformer English transducers return.
    const words = groupSherpaTokens(
      {
        text: ' HE WAS NOT AN ILL DISPOSED',
        tokens: ['▁HE', '▁WAS', '▁NOT', '▁AN', '▁ILL', '▁DIS', 'PO', 'SED'],
        timestamps: [0.2, 0.32, 0.56, 1.12, 1.3, 1.52, 1.68, 1.8],
      },
      10,
      20,
    );
    expect(words).toEqual([
      { start: 10.2, end: 10.32, word: 'he', confidence: 1 },
      { start: 10.32, end: 10.56, word: 'was', confidence: 1 },
      { start: 10.56, end: 11.12, word: 'not', confidence: 1 },
      { start: 11.12, end: 11.3, word: 'an', confidence: 1 },
      { start: 11.3, end: 11.52, word: 'ill', confidence: 1 },
      { start: 11.52, end: 12.1, word: 'disposed', confidence: 1 },
    ]);
  });

  it('uses token durations and probabilities when the model gives them (NeMo TDT)', () => {
    const words = groupSherpaTokens(
      {
        tokens: [' he', ' was', 'n', "'t"],
        timestamps: [0.08, 0.4, 0.56, 0.64],
        durations: [0.16, 0.16, 0.08, 0.16],
        ys_log_probs: [0, Math.log(0.5), Math.log(0.7), Math.log(0.9)],
      },
      0,
      5,
    );
    expect(words).toEqual([
      { start: 0.08, end: 0.24, word: 'he', confidence: 1 },
      { start: 0.4, end: 0.8, word: "wasn't", confidence: 0.7 },
    ]);
  });

  it('keeps words inside the chunk and gives nothing for a malformed result', () => {
    expect(groupSherpaTokens({ tokens: ['▁YES'], timestamps: [4.9] }, 0, 5)).toEqual([
      { start: 4.9, end: 5, word: 'yes', confidence: 1 },
    ]);
    expect(groupSherpaTokens({ tokens: ['▁A'], timestamps: [] }, 0, 5)).toEqual([]);
    expect(groupSherpaTokens({ text: '' }, 0, 5)).toEqual([]);
  });
});

describe('planChunks', () => {
  it('keeps short audio whole', () => {
    expect(planChunks(new Int16Array(16_000), 16_000, 20)).toEqual([0, 16_000]);
  });

  it('cuts long audio at its quietest point near each chunk end', () => {
    const rate = 1000;
    const pcm = new Int16Array(50 * rate).fill(5000);
    // Silence at 17.0–17.2 s: inside the last quarter (15–20 s) of the first 20 s chunk.
    pcm.fill(0, 17_000, 17_200);
    const cuts = planChunks(pcm, rate, 20);
    expect(cuts[0]).toBe(0);
    expect(cuts[1]).toBeGreaterThanOrEqual(17_000);
    expect(cuts[1]).toBeLessThan(17_200);
    expect(cuts[cuts.length - 1]).toBe(pcm.length);
    for (let i = 1; i < cuts.length; i++) {
      expect((cuts[i] ?? 0) - (cuts[i - 1] ?? 0)).toBeLessThanOrEqual(20 * rate);
    }
  });
});
