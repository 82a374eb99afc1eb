// The soak benchmark's settings: flags (`--name value` or `--name=value`), else SOAK_* environment
// variables, else the defaults. Durations are a number with a unit: 500ms, 30s, 4m, 1h (a bare
// number is seconds).

export const FAULT_KINDS = ['pg', 'disk', 's3', 'kill9', 'sigterm'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SoakOptions {
  /** How long calls are placed; the run then waits for the last calls and their recordings. */
  readonly durationS: number;
  /** Calls up at once (SIPp's -l, and the call rate that keeps that many up). */
  readonly concurrency: number;
  /** Each call's audio (the conversation looped); the BYE follows it. */
  readonly callLengthS: number;
  /** A fault every this often, the first one after this long. */
  readonly faultIntervalS: number;
  /** The faults injected, in turn. */
  readonly faults: readonly FaultKind[];
  /** How long PostgreSQL stays down in the `pg` fault. */
  readonly pgDownS: number;
  /** How long the journal disk stays full in the `disk` fault. */
  readonly diskFullS: number;
  /** How long the S3 server stays stopped in the `s3` fault. */
  readonly s3DownS: number;
  /** RSS of serve is read this often. */
  readonly rssIntervalS: number;
  /** The journal tmpfs's size in MiB (default: twice what the calls up at once keep there). */
  readonly journalMiB: number;
  /** The most the run waits after the last call for its recordings to be finalized. */
  readonly drainTimeoutS: number;
  /** Memory is flat when the last quarter's median RSS is at most this times the first's. */
  readonly rssGrowthLimit: number;
  /** The first RTP port of the recorder's range (16 ports per concurrent call). */
  readonly rtpBasePort: number;
  /** Keep the work directory (logs of serve, SIPp, PostgreSQL, Swift) instead of removing it. */
  readonly keep: boolean;
  /** Exit 3 (not 0) when a target is missed. */
  readonly strict: boolean;
}

export class OptionsError extends Error {}

/** Seconds of "30s", "4m", "1h", "500ms" or "45" (seconds). */
export function parseDuration(raw: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new OptionsError(`${name}: "${raw}" is not a duration like 30s, 4m or 1h`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 0.001 : unit === 's' ? 1 : unit === 'm' ? 60 : 3600;
  return value * factor;
}

function parseFaults(raw: string): FaultKind[] {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  const names = trimmed.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(FAULT_KINDS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new OptionsError(
      `--faults: ${unknown.join(', ')} not among ${FAULT_KINDS.join(', ')} (or none)`,
    );
  }
  return names as FaultKind[];
}

/** The value of `--name value` / `--name=value`, or of the environment variable. */
function lookup(argv: readonly string[], env: NodeJS.ProcessEnv, name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new OptionsError(`--${name} needs a value`);
      }
      return value;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return env[`SOAK_${name.toUpperCase().replace(/-/g, '_')}`];
}

function flag(argv: readonly string[], env: NodeJS.ProcessEnv, name: string): boolean {
  return argv.includes(`--${name}`) || env[`SOAK_${name.toUpperCase()}`] === '1';
}

const KNOWN = [
  'duration',
  'concurrency',
  'call-length',
  'fault-interval',
  'faults',
  'pg-down',
  'disk-full',
  's3-down',
  'rss-interval',
  'journal-mib',
  'drain-timeout',
  'rss-growth-limit',
  'rtp-base-port',
];

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SoakOptions {
  for (const arg of argv) {
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!;
    if (!KNOWN.includes(name) && name !== 'keep' && name !== 'strict') {
      throw new OptionsError(`unknown flag ${arg}`);
    }
  }
  const duration = (name: string, fallback: string, min: number): number => {
    const seconds = parseDuration(lookup(argv, env, name) ?? fallback, `--${name}`);
    if (seconds < min) throw new OptionsError(`--${name}: at least ${min} s`);
    return seconds;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = lookup(argv, env, name);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new OptionsError(`--${name}: a whole number from ${min} to ${max}`);
    }
    return value;
  };
  const durationS = duration('duration', '30m', 30);
  const concurrency = integer('concurrency', 200, 1, 2000);
  const callLengthS = duration('call-length', '60s', 5);
  const faultIntervalS = duration('fault-interval', '5m', 10);
  const faults = parseFaults(lookup(argv, env, 'faults') ?? FAULT_KINDS.join(','));
  // What the calls up at once keep in the journal: two streams of 50 packets a second, each a
  // 160-byte payload and its record header (about 180 bytes).
  const journalPeakMiB = (concurrency * callLengthS * 2 * 50 * 180) / (1 << 20);
  const journalMiB = integer(
    'journal-mib',
    Math.max(64, Math.ceil(2 * journalPeakMiB + 32)),
    16,
    16384,
  );
  const rssGrowthRaw = lookup(argv, env, 'rss-growth-limit');
  const rssGrowthLimit = rssGrowthRaw === undefined ? 1.25 : Number(rssGrowthRaw);
  if (!Number.isFinite(rssGrowthLimit) || rssGrowthLimit < 1) {
    throw new OptionsError('--rss-growth-limit: a ratio of at least 1');
  }
  const rtpBasePort = integer('rtp-base-port', 50000, 1024, 65000);
  if (rtpBasePort + 16 * concurrency > 65535) {
    throw new OptionsError(
      `--rtp-base-port ${rtpBasePort} leaves no room for ${concurrency} calls (16 ports each)`,
    );
  }
  if (callLengthS >= durationS) throw new OptionsError('--call-length must be below --duration');
  return {
    durationS,
    concurrency,
    callLengthS,
    faultIntervalS,
    faults,
    pgDownS: duration('pg-down', '10s', 1),
    diskFullS: duration('disk-full', '30s', 1),
    s3DownS: duration('s3-down', '60s', 1),
    rssIntervalS: duration('rss-interval', '5s', 1),
    journalMiB,
    drainTimeoutS: duration('drain-timeout', '5m', 10),
    rssGrowthLimit,
    rtpBasePort,
    keep: flag(argv, env, 'keep'),
    strict: flag(argv, env, 'strict'),
  };
}

export const USAGE = `tsx bench/soak.bench.ts [--duration 30m] [--concurrency 200] [--call-length 60s]
    [--fault-interval 5m] [--faults=${FAULT_KINDS.join(',')}|none] [--pg-down 10s] [--disk-full 30s]
    [--s3-down 60s] [--rss-interval 5s] [--journal-mib N] [--drain-timeout 5m]
    [--rss-growth-limit 1.25] [--rtp-base-port 50000] [--keep] [--strict]
  (each flag also as SOAK_<NAME> in the environment, e.g. SOAK_DURATION=4m)`;
