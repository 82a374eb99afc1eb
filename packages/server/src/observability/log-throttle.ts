// Rate limit for log lines about peers: one line per key (e.g. source address and reason) per
// interval, with the number held back reported on the next line, so a flood from one address
// costs a few log lines rather than one per packet. Memory is bounded: past maxKeys the oldest
// key is forgotten. maxPerInterval caps the lines of all keys together, for floods from many
// (possibly forged) addresses.

export interface LogThrottle {
  /** Whether to log for `key` now, and how many were held back for it since the last line. */
  admit(key: string): { readonly log: boolean; readonly suppressed: number };
}

export function createLogThrottle(options: {
  readonly intervalMs: number;
  readonly maxKeys?: number;
  /** Most lines of all keys together per interval (default 100). */
  readonly maxPerInterval?: number;
  readonly now?: () => number;
}): LogThrottle {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 1000;
  const maxPerInterval = options.maxPerInterval ?? 100;
  const seen = new Map<string, { at: number; suppressed: number }>();
  let windowStart = -Infinity;
  let windowLines = 0;
  return {
    admit(key) {
      const t = now();
      const entry = seen.get(key);
      if (t - windowStart >= options.intervalMs) {
        windowStart = t;
        windowLines = 0;
      }
      if ((entry && t - entry.at < options.intervalMs) || windowLines >= maxPerInterval) {
        if (entry) entry.suppressed++;
        return { log: false, suppressed: entry?.suppressed ?? 0 };
      }
      windowLines++;
      const suppressed = entry?.suppressed ?? 0;
      seen.delete(key);
      seen.set(key, { at: t, suppressed: 0 });
      if (seen.size > maxKeys) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return { log: true, suppressed };
    },
  };
}
