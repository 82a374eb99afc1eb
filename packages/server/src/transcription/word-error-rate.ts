// Word error rate, the usual measure of a recogniser against a reference transcript:
// (substitutions + deletions + insertions) / reference words, from the word-level Levenshtein
// alignment with unit costs (as NIST sclite scores it). Text is compared lowercased with
// punctuation removed, so "Mr. Dashwood," and "mr dashwood" are the same two words.

export interface WordErrors {
  readonly referenceWords: number;
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
  readonly errors: number;
}

/** Lowercase words without punctuation; an apostrophe inside a word stays ("don't"). */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '');
}

/** Minimum-edit alignment counts of `hypothesis` against `reference`. */
export function countWordErrors(
  reference: readonly string[],
  hypothesis: readonly string[],
): WordErrors {
  const n = reference.length;
  const m = hypothesis.length;
  // cost[j] and ops[j] for the previous and current rows; ops keeps (sub, del, ins) of the best path.
  type Cell = { cost: number; s: number; d: number; i: number };
  let previous: Cell[] = Array.from({ length: m + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= n; r++) {
    const current: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let h = 1; h <= m; h++) {
      const diagonal = previous[h - 1] as Cell;
      const up = previous[h] as Cell;
      const left = current[h - 1] as Cell;
      const same = reference[r - 1] === hypothesis[h - 1];
      const candidates: Cell[] = [
        same
          ? { ...diagonal }
          : { cost: diagonal.cost + 1, s: diagonal.s + 1, d: diagonal.d, i: diagonal.i },
        { cost: up.cost + 1, s: up.s, d: up.d + 1, i: up.i },
        { cost: left.cost + 1, s: left.s, d: left.d, i: left.i + 1 },
      ];
      let best = candidates[0] as Cell;
      for (const c of candidates) if (c.cost < best.cost) best = c;
      current.push(best);
    }
    previous = current;
  }
  const last = previous[m] as Cell;
  return {
    referenceWords: n,
    substitutions: last.s,
    deletions: last.d,
    insertions: last.i,
    errors: last.cost,
  };
}

/** Sums counts over utterances (corpus WER weighs each utterance by its length). */
export function sumWordErrors(all: readonly WordErrors[]): WordErrors {
  return all.reduce(
    (a, b) => ({
      referenceWords: a.referenceWords + b.referenceWords,
      substitutions: a.substitutions + b.substitutions,
      deletions: a.deletions + b.deletions,
      insertions: a.insertions + b.insertions,
      errors: a.errors + b.errors,
    }),
    { referenceWords: 0, substitutions: 0, deletions: 0, insertions: 0, errors: 0 },
  );
}

/** errors / reference words (0 for two empty texts; Infinity for words against nothing). */
export function wordErrorRate(counts: WordErrors): number {
  if (counts.referenceWords === 0) return counts.errors === 0 ? 0 : Infinity;
  return counts.errors / counts.referenceWords;
}

export function computeWordErrorRate(reference: string, hypothesis: string): number {
  return wordErrorRate(countWordErrors(normaliseWords(reference), normaliseWords(hypothesis)));
}
