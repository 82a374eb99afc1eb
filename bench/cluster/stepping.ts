// The cluster benchmark's search and statistics, pure: the load steps up geometrically until a
// step fails (or the cap is reached), then bisects between the last level that passed and the
// first that failed; the figure is the highest level that passed. Calls held at once are the
// largest overlap of the calls' [answered, ended] intervals.

export interface StepPlan {
  /** The first level tried (an integer ≥ 1). */
  readonly start: number;
  /** Each next level is the previous times this (> 1), rounded up to a whole level. */
  readonly factor: number;
  /** The highest level tried. */
  readonly max: number;
  /** Bisection steps between the last pass and the first failure (0: none). */
  readonly refine: number;
}

export interface StepSearch {
  /** The highest level that passed, or 0 when the first one failed. */
  readonly maximum: number;
  /** The cap was reached and passed: the true maximum may be higher. */
  readonly capped: boolean;
  /** Every level tried, in order. */
  readonly tried: ReadonlyArray<{ readonly level: number; readonly passed: boolean }>;
}

/** The geometric levels of a plan: start, start·factor, ... and the cap itself last. */
export function plannedLevels(plan: StepPlan): number[] {
  const { start, factor, max } = plan;
  if (!Number.isInteger(start) || start < 1) throw new Error(`start must be ≥ 1: ${start}`);
  if (!(factor > 1)) throw new Error(`factor must be > 1: ${factor}`);
  if (!Number.isInteger(max) || max < start) throw new Error(`max must be ≥ start: ${max}`);
  const levels: number[] = [];
  for (let level = start; level < max; level = Math.max(level + 1, Math.ceil(level * factor))) {
    levels.push(level);
  }
  levels.push(max);
  return levels;
}

/**
 * Steps up through `plannedLevels(plan)` while `trial` passes, then bisects `plan.refine` times
 * between the last pass and the first failure. Levels are whole numbers.
 */
export async function stepUp(
  plan: StepPlan,
  trial: (level: number) => Promise<boolean>,
): Promise<StepSearch> {
  const tried: Array<{ level: number; passed: boolean }> = [];
  const attempt = async (level: number): Promise<boolean> => {
    const passed = await trial(level);
    tried.push({ level, passed });
    return passed;
  };
  let passedAt = 0;
  let failedAt: number | null = null;
  for (const level of plannedLevels(plan)) {
    if (await attempt(level)) passedAt = level;
    else {
      failedAt = level;
      break;
    }
  }
  if (failedAt === null) return { maximum: passedAt, capped: true, tried };
  let low = passedAt;
  let high = failedAt;
  for (let i = 0; i < plan.refine; i++) {
    const middle = Math.floor((low + high) / 2);
    if (middle <= low || middle < 1) break;
    if (await attempt(middle)) low = middle;
    else high = middle;
  }
  return { maximum: low, capped: false, tried };
}

/** The most intervals open at one moment; an interval ending when another starts does not overlap. */
export function maxOverlap(intervals: ReadonlyArray<{ start: number; end: number }>): number {
  const edges: Array<[number, number]> = [];
  for (const { start, end } of intervals) {
    if (!(end >= start)) throw new Error(`interval ends before it starts: ${start}..${end}`);
    edges.push([start, 1], [end, -1]);
  }
  // At equal times the ends come first.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

/** The p-th percentile (0..100, nearest rank) of `values`; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile out of 0..100: ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** cluster / direct, rounded to 3 decimals; null when the direct figure is 0. */
export function ratio(cluster: number, direct: number): number | null {
  return direct > 0 ? Math.round((cluster / direct) * 1000) / 1000 : null;
}
