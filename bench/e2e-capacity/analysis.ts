// The end-to-end capacity benchmark's arithmetic, pure: percentiles, the CPU per packet of a
// window of samples, and RSS explained by live calls and queued finalizes (least squares).

export interface Sample {
  /** ms since the step started. */
  readonly t: number;
  /** CPU seconds of the measured processes since they started. */
  readonly cpuSeconds: number;
  /** Of cpuSeconds: the main process's own (the rest: the children it started). */
  readonly ownCpuSeconds?: number;
  readonly rssKiB: number;
  /** Media packets counted so far (received by Callvault; sent to the peer). */
  readonly packets: number;
  /** Calls up (Callvault: SIPREC sessions open; peer: calls relayed). */
  readonly liveCalls: number;
  /** Ended calls whose finalize has not ended (Callvault only; 0 for the peer). */
  readonly finalizeBacklog: number;
}

/** The p-th percentile (nearest rank) of `values`; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** `a / b` rounded to 3 decimals; null when b is 0 or either is null. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000;
}

/**
 * CPU microseconds per packet between the first and the last sample inside [from, to] (ms of the
 * step); null when fewer than two samples fall inside or no packet was counted.
 */
export function cpuPerPacket(
  samples: readonly Sample[],
  from: number,
  to: number,
): { microseconds: number | null; cpuPercent: number | null; seconds: number; packets: number } {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  const first = inside[0];
  const last = inside.at(-1);
  if (!first || !last || last === first) {
    return { microseconds: null, cpuPercent: null, seconds: 0, packets: 0 };
  }
  const cpu = last.cpuSeconds - first.cpuSeconds;
  const packets = last.packets - first.packets;
  const seconds = (last.t - first.t) / 1000;
  return {
    microseconds: packets > 0 ? Math.round((cpu / packets) * 1e7) / 10 : null,
    cpuPercent: Math.round((cpu / seconds) * 1000) / 10,
    seconds: Math.round(seconds * 10) / 10,
    packets,
  };
}

/** Solves the 3×3 system m·x = v (Gaussian elimination); null when singular. */
function solve3(m: number[][], v: number[]): number[] | null {
  const a = m.map((row, i) => [...row, v[i]!]);
  for (let c = 0; c < 3; c++) {
    let pivot = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-9) return null;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 4; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[3]! / row[i]!);
}

/**
 * RSS = base + perLiveCall · live calls + perQueuedFinalize · finalize backlog, fitted by least
 * squares over the samples. A term the samples do not vary (no backlog ever) is left out and
 * reported null.
 */
export function rssModel(samples: readonly Sample[]): {
  baseKiB: number | null;
  perLiveCallKiB: number | null;
  perQueuedFinalizeKiB: number | null;
} {
  const none = { baseKiB: null, perLiveCallKiB: null, perQueuedFinalizeKiB: null };
  if (samples.length < 3) return none;
  const varies = (f: (s: Sample) => number) => new Set(samples.map(f)).size > 1;
  const useBacklog = varies((s) => s.finalizeBacklog);
  if (!varies((s) => s.liveCalls)) return none;
  const rows = samples.map((s) => [1, s.liveCalls, useBacklog ? s.finalizeBacklog : 0]);
  const y = samples.map((s) => s.rssKiB);
  const m = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => rows.reduce((sum, r) => sum + r[i]! * r[j]!, 0)),
  );
  const v = [0, 1, 2].map((i) => rows.reduce((sum, r, k) => sum + r[i]! * y[k]!, 0));
  if (!useBacklog) {
    // Two unknowns: the backlog row and column are all zero.
    m[2]![2] = 1;
  }
  const x = solve3(m, v);
  if (!x) return none;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    baseKiB: round(x[0]!),
    perLiveCallKiB: round(x[1]!),
    perQueuedFinalizeKiB: useBacklog ? round(x[2]!) : null,
  };
}
