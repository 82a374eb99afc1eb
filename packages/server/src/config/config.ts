// Configuration (SPEC §9.4): read once from the environment (or the same names given as flags),
// validated with every problem listed, typed and frozen. Nothing else in the server reads
// process.env.
import path from 'node:path';

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string };

export type StorageConfig =
  | { readonly kind: 'file'; readonly dir: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly endpoint: string | null;
      readonly region: string;
      readonly url: string;
    };

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly storage: StorageConfig;
  readonly queue: 'embedded' | 'pg-boss';
  readonly http: HostPort;
  readonly sip: HostPort;
  /** SIP over TLS (RFC 3261 §26), or null when CALLVAULT_SIP_TLS_ADDR is `off`. */
  readonly sipTls: HostPort | null;
  /**
   * The SIP TLS certificate chain and key (PEM files); both null: a self-signed certificate
   * created in the data dir on the first start.
   */
  readonly tls: { readonly certFile: string | null; readonly keyFile: string | null };
  readonly rtpPorts: { readonly min: number; readonly max: number };
  /** Most SIPREC sessions taken at once before answering 503 (null: half the RTP port pairs). */
  readonly maxSessions: number | null;
  /**
   * Most ended calls whose finalize has not finished in this process (queued, running or
   * retrying) before new SIPREC sessions are answered 503: a burst of BYEs, or a finalize slower
   * than the calls, cannot grow the backlog (journals on disk, jobs, memory) without bound.
   */
  readonly maxFinalizeBacklog: number;
  /**
   * A session with no RTP on any stream for this long (held calls excepted) is ended with BYE
   * and endReason rtp-timeout (CALLVAULT_RTP_INACTIVITY_TIMEOUT, seconds; 0 turns it off).
   */
  readonly rtpInactivityTimeoutMs: number;
  /**
   * How often the recorder sends an OPTIONS inside each live session's dialog; a 481 or no
   * answer ends the session with BYE and endReason probe-failed
   * (CALLVAULT_SIP_DIALOG_PROBE_INTERVAL, seconds; 0 turns probing off).
   */
  readonly sipDialogProbeIntervalMs: number;
  /**
   * Our Min-SE (RFC 4028): an SRC's session interval below it is refused 422
   * (CALLVAULT_SIP_SESSION_MIN_SE, whole seconds, at least 90 as the RFC requires).
   */
  readonly sipSessionMinSeSeconds: number;
  /** 32-byte key given as 64 hex characters or base64; null means "use the key file in dataDir". */
  readonly masterKey: Buffer | null;
  readonly transcriber:
    | { readonly kind: 'pocketsphinx' }
    | { readonly kind: 'none' }
    | { readonly kind: 'sherpa-onnx'; readonly modelDir: string };
  /**
   * How the media capture receives RTP: `batch` (the native addon `make deps` builds; Node's
   * dgram when it is not built) or `dgram`.
   */
  readonly udpReceiver: 'batch' | 'dgram';
  /** The address people reach Callvault at (e.g. a TLS-terminating proxy's), or null. */
  readonly publicUrl: string | null;
  /**
   * Callvault is reached over HTTPS: CALLVAULT_HTTPS=true or an https:// CALLVAULT_PUBLIC_URL.
   * The session cookie is then Secure and responses carry Strict-Transport-Security.
   */
  readonly https: boolean;
  /**
   * Free bytes the journal and data dir must keep: below it new SIPREC sessions are answered 503
   * and /api/health is degraded (0: never refuse).
   */
  readonly minFreeBytes: number;
  /** How the SIP transports protect themselves from slow, idle and oversized peers. */
  readonly sipLimits: SipLimitsConfig;
  /**
   * How long a recorder drains after SIGTERM (CALLVAULT_DRAIN_TIMEOUT, seconds; default 4 h):
   * new sessions are refused while live calls record to their end; once this passes, the calls
   * still live are ended with BYE and kept as recordings. 0 ends them at once.
   */
  readonly drainTimeoutMs: number;
  /**
   * How often a recorder ships the growth of its live calls' journals to the blob store
   * (CALLVAULT_JOURNAL_SHIP_INTERVAL, seconds; default 2). Recorder processes without the worker
   * role on PostgreSQL ship (any worker may finalize); 0 turns it off.
   */
  readonly journalShipIntervalMs: number;
  /**
   * How long the jobs that must not be lost (finalize, peaks, transcription, webhooks) keep
   * retrying: delays double from `baseMs`, capped at `maxDelayMs`, for up to `horizonMs`.
   */
  readonly jobRetry: {
    readonly baseMs: number;
    readonly maxDelayMs: number;
    readonly horizonMs: number;
  };
}

export interface SipLimitsConfig {
  /** Largest SIP message accepted; larger ones are answered 513 (CALLVAULT_SIP_MAX_MESSAGE_BYTES). */
  readonly maxMessageBytes: number;
  /**
   * A TCP connection must complete its first message within this long of connecting, and any
   * message within this long of its first octet (CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT, seconds).
   */
  readonly tcpMessageTimeoutMs: number;
  /** A TCP connection without traffic for this long is closed (CALLVAULT_SIP_TCP_IDLE_TIMEOUT, seconds). */
  readonly tcpIdleTimeoutMs: number;
  /** Most TCP connections at once (CALLVAULT_SIP_TCP_MAX_CONNECTIONS). */
  readonly tcpMaxConnections: number;
  /** Most TCP connections at once from one address (CALLVAULT_SIP_TCP_MAX_CONNECTIONS_PER_SOURCE). */
  readonly tcpMaxConnectionsPerSource: number;
  /**
   * A TLS connection must finish its handshake within this long of being accepted
   * (CALLVAULT_SIP_TLS_HANDSHAKE_TIMEOUT, seconds). The TCP limits above apply to TLS as well.
   */
  readonly tlsHandshakeTimeoutMs: number;
}

/** Every configuration variable, with its default. The names double as CLI flags. */
export const CONFIG_VARIABLES = {
  CALLVAULT_DATA_DIR: './data',
  CALLVAULT_DATABASE_URL: '',
  CALLVAULT_STORAGE_URL: '',
  CALLVAULT_QUEUE: 'embedded',
  CALLVAULT_HTTP_ADDR: '127.0.0.1:8080',
  CALLVAULT_SIP_ADDR: '127.0.0.1:5060',
  CALLVAULT_SIP_TLS_ADDR: '127.0.0.1:5061',
  CALLVAULT_TLS_CERT: '',
  CALLVAULT_TLS_KEY: '',
  CALLVAULT_RTP_PORTS: '20000-29999',
  CALLVAULT_MASTER_KEY: '',
  CALLVAULT_TRANSCRIBER: 'pocketsphinx',
  CALLVAULT_MAX_SESSIONS: '',
  CALLVAULT_MAX_FINALIZE_BACKLOG: '5000',
  CALLVAULT_RTP_INACTIVITY_TIMEOUT: '60',
  CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: '300',
  CALLVAULT_SIP_SESSION_MIN_SE: '90',
  CALLVAULT_UDP_RECEIVER: 'batch',
  CALLVAULT_PUBLIC_URL: '',
  CALLVAULT_HTTPS: 'false',
  CALLVAULT_MIN_FREE_BYTES: '1GiB',
  CALLVAULT_SIP_MAX_MESSAGE_BYTES: '262144',
  CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT: '10',
  CALLVAULT_SIP_TCP_IDLE_TIMEOUT: '300',
  CALLVAULT_SIP_TCP_MAX_CONNECTIONS: '1024',
  CALLVAULT_SIP_TCP_MAX_CONNECTIONS_PER_SOURCE: '128',
  CALLVAULT_SIP_TLS_HANDSHAKE_TIMEOUT: '5',
  CALLVAULT_DRAIN_TIMEOUT: '14400',
  CALLVAULT_JOURNAL_SHIP_INTERVAL: '2',
  CALLVAULT_JOB_RETRY_BASE_MS: '10000',
  CALLVAULT_JOB_RETRY_MAX_DELAY_MS: '900000',
  CALLVAULT_JOB_RETRY_HORIZON_HOURS: '24',
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;
export type ConfigSource = Partial<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseHostPort(name: string, raw: string, problems: string[]): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(raw);
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${name}: "${raw}" is not HOST:PORT with a port from 0 to 65535`);
    return { host: '127.0.0.1', port: 0 };
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

function parseDatabase(raw: string, dataDir: string, problems: string[]): DatabaseConfig {
  if (raw === '') return { kind: 'sqlite', file: path.join(dataDir, 'callvault.db') };
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
      return { kind: 'postgres', url: raw };
    } catch {
      problems.push('CALLVAULT_DATABASE_URL: not a valid postgres:// URL');
    }
  } else if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (file === '') problems.push('CALLVAULT_DATABASE_URL: sqlite: needs a file path');
    return { kind: 'sqlite', file: path.resolve(file || path.join(dataDir, 'callvault.db')) };
  } else {
    problems.push(
      'CALLVAULT_DATABASE_URL: must be empty (SQLite in the data dir), sqlite:PATH or postgres://…',
    );
  }
  return { kind: 'sqlite', file: path.join(dataDir, 'callvault.db') };
}

function parseStorage(raw: string, dataDir: string, problems: string[]): StorageConfig {
  if (raw === '' || raw === 'file:') return { kind: 'file', dir: path.join(dataDir, 'blobs') };
  if (raw.startsWith('file:')) {
    return { kind: 'file', dir: path.resolve(raw.slice('file:'.length).replace(/^\/\//, '')) };
  }
  if (raw.startsWith('s3://')) {
    try {
      const url = new URL(raw);
      if (url.hostname === '') throw new Error('no bucket');
      const endpoint = url.searchParams.get('endpoint');
      if (endpoint !== null) new URL(endpoint);
      return {
        kind: 's3',
        bucket: url.hostname,
        endpoint,
        region: url.searchParams.get('region') ?? 'us-east-1',
        url: raw,
      };
    } catch {
      problems.push(
        'CALLVAULT_STORAGE_URL: s3 URLs look like s3://bucket?endpoint=http://host:port&region=r',
      );
    }
  } else {
    problems.push('CALLVAULT_STORAGE_URL: must be empty, file:PATH or s3://bucket?endpoint=…');
  }
  return { kind: 'file', dir: path.join(dataDir, 'blobs') };
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  K: 1024,
  KB: 1000,
  KIB: 1024,
  M: 1024 ** 2,
  MB: 1000 ** 2,
  MIB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1000 ** 3,
  GIB: 1024 ** 3,
  T: 1024 ** 4,
  TB: 1000 ** 4,
  TIB: 1024 ** 4,
};

/** A size: bytes, or a number with a unit (K/M/G/T and KiB… are powers of 1024, KB… of 1000). */
export function parseByteSize(name: string, raw: string, problems: string[]): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(raw);
  const unit = BYTE_UNITS[match?.[2]?.toUpperCase() ?? 'x'];
  if (!match || unit === undefined || !Number.isSafeInteger(Math.floor(Number(match[1]) * unit))) {
    problems.push(`${name}: "${raw}" is not a size in bytes (e.g. 1073741824, 512MiB or 1GiB)`);
    return 0;
  }
  return Math.floor(Number(match[1]) * unit);
}

/** A whole number from `min` to `max`, or the problem noted and `fallback` returned. */
function parseWholeNumber(
  name: string,
  raw: string,
  range: { min: number; max: number; fallback: number },
  problems: string[],
): number {
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    problems.push(`${name}: "${raw}" is not a whole number from ${range.min} to ${range.max}`);
    return range.fallback;
  }
  return value;
}

function parseSipLimits(
  read: (name: ConfigVariable) => string,
  problems: string[],
): SipLimitsConfig {
  const num = (name: ConfigVariable, min: number, max: number): number =>
    parseWholeNumber(
      name,
      read(name),
      { min, max, fallback: Number(CONFIG_VARIABLES[name]) },
      problems,
    );
  const limits = {
    maxMessageBytes: num('CALLVAULT_SIP_MAX_MESSAGE_BYTES', 4096, 16_777_216),
    tcpMessageTimeoutMs: num('CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT', 1, 3600) * 1000,
    tcpIdleTimeoutMs: num('CALLVAULT_SIP_TCP_IDLE_TIMEOUT', 1, 86_400) * 1000,
    tcpMaxConnections: num('CALLVAULT_SIP_TCP_MAX_CONNECTIONS', 1, 1_000_000),
    tcpMaxConnectionsPerSource: num('CALLVAULT_SIP_TCP_MAX_CONNECTIONS_PER_SOURCE', 1, 1_000_000),
    tlsHandshakeTimeoutMs: num('CALLVAULT_SIP_TLS_HANDSHAKE_TIMEOUT', 1, 300) * 1000,
  };
  if (limits.tcpIdleTimeoutMs < limits.tcpMessageTimeoutMs) {
    problems.push(
      'CALLVAULT_SIP_TCP_IDLE_TIMEOUT: must be at least CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT',
    );
  }
  return limits;
}

function parseMasterKey(raw: string, problems: string[]): Buffer | null {
  if (raw === '') return null;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    problems.push('CALLVAULT_MASTER_KEY: must be 32 bytes, as 64 hex characters or base64');
    return null;
  }
  return key;
}

/**
 * Parses the configuration from `source` (normally process.env merged with CLI flags).
 * Throws ConfigError naming every bad variable and why.
 */
export function parseConfig(source: ConfigSource): Config {
  const problems: string[] = [];
  const read = (name: ConfigVariable): string => {
    const value = source[name];
    return value === undefined ? CONFIG_VARIABLES[name] : value.trim();
  };

  const dataDirRaw = read('CALLVAULT_DATA_DIR');
  if (dataDirRaw === '') problems.push('CALLVAULT_DATA_DIR: must not be empty');
  const dataDir = path.resolve(dataDirRaw || './data');
  const database = parseDatabase(read('CALLVAULT_DATABASE_URL'), dataDir, problems);
  const storage = parseStorage(read('CALLVAULT_STORAGE_URL'), dataDir, problems);

  const queueRaw = read('CALLVAULT_QUEUE');
  let queue: Config['queue'] = 'embedded';
  if (queueRaw === 'embedded' || queueRaw === 'pg-boss') queue = queueRaw;
  else problems.push(`CALLVAULT_QUEUE: "${queueRaw}" is not one of embedded, pg-boss`);
  if (queue === 'pg-boss' && database.kind !== 'postgres') {
    problems.push('CALLVAULT_QUEUE: pg-boss needs CALLVAULT_DATABASE_URL=postgres://…');
  }

  const http = parseHostPort('CALLVAULT_HTTP_ADDR', read('CALLVAULT_HTTP_ADDR'), problems);
  const sip = parseHostPort('CALLVAULT_SIP_ADDR', read('CALLVAULT_SIP_ADDR'), problems);
  const sipTlsRaw = read('CALLVAULT_SIP_TLS_ADDR');
  const sipTls =
    sipTlsRaw === 'off' ? null : parseHostPort('CALLVAULT_SIP_TLS_ADDR', sipTlsRaw, problems);
  const certRaw = read('CALLVAULT_TLS_CERT');
  const keyRaw = read('CALLVAULT_TLS_KEY');
  if ((certRaw === '') !== (keyRaw === '')) {
    problems.push('CALLVAULT_TLS_CERT, CALLVAULT_TLS_KEY: give both files, or neither');
  }
  const tls = {
    certFile: certRaw === '' || keyRaw === '' ? null : path.resolve(certRaw),
    keyFile: certRaw === '' || keyRaw === '' ? null : path.resolve(keyRaw),
  };

  const rtpRaw = read('CALLVAULT_RTP_PORTS');
  const rtpMatch = /^(\d{1,5})-(\d{1,5})$/.exec(rtpRaw);
  let rtpPorts = { min: 20000, max: 29999 };
  if (!rtpMatch) {
    problems.push(`CALLVAULT_RTP_PORTS: "${rtpRaw}" is not a range MIN-MAX`);
  } else {
    const min = Number(rtpMatch[1]);
    const max = Number(rtpMatch[2]);
    if (min < 1024 || max > 65535 || max - min < 3) {
      problems.push(
        'CALLVAULT_RTP_PORTS: needs 1024 ≤ MIN and MAX ≤ 65535 with room for at least two port pairs',
      );
    } else {
      rtpPorts = { min, max };
    }
  }

  const maxSessionsRaw = read('CALLVAULT_MAX_SESSIONS');
  let maxSessions: number | null = null;
  if (maxSessionsRaw !== '') {
    if (/^\d{1,6}$/.test(maxSessionsRaw) && Number(maxSessionsRaw) >= 1)
      maxSessions = Number(maxSessionsRaw);
    else
      problems.push(
        `CALLVAULT_MAX_SESSIONS: "${maxSessionsRaw}" is not a whole number of at least 1`,
      );
  }

  const backlogRaw = read('CALLVAULT_MAX_FINALIZE_BACKLOG');
  let maxFinalizeBacklog = 5000;
  if (/^\d{1,7}$/.test(backlogRaw) && Number(backlogRaw) >= 1)
    maxFinalizeBacklog = Number(backlogRaw);
  else
    problems.push(
      `CALLVAULT_MAX_FINALIZE_BACKLOG: "${backlogRaw}" is not a whole number of at least 1`,
    );

  const inactivityRaw = read('CALLVAULT_RTP_INACTIVITY_TIMEOUT');
  let rtpInactivityTimeoutMs = 60_000;
  if (/^\d{1,6}(\.\d{1,3})?$/.test(inactivityRaw)) {
    rtpInactivityTimeoutMs = Math.round(Number(inactivityRaw) * 1000);
  } else {
    problems.push(
      `CALLVAULT_RTP_INACTIVITY_TIMEOUT: "${inactivityRaw}" is not a number of seconds (0 turns it off)`,
    );
  }

  const probeRaw = read('CALLVAULT_SIP_DIALOG_PROBE_INTERVAL');
  let sipDialogProbeIntervalMs = 300_000;
  if (/^\d{1,6}(\.\d{1,3})?$/.test(probeRaw)) {
    sipDialogProbeIntervalMs = Math.round(Number(probeRaw) * 1000);
  } else {
    problems.push(
      `CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: "${probeRaw}" is not a number of seconds (0 turns probing off)`,
    );
  }

  const minSeRaw = read('CALLVAULT_SIP_SESSION_MIN_SE');
  let sipSessionMinSeSeconds = 90;
  if (/^\d{1,6}$/.test(minSeRaw) && Number(minSeRaw) >= 90) {
    sipSessionMinSeSeconds = Number(minSeRaw);
  } else {
    problems.push(
      `CALLVAULT_SIP_SESSION_MIN_SE: "${minSeRaw}" is not a whole number of seconds of at least 90 (RFC 4028 §4)`,
    );
  }

  const masterKey = parseMasterKey(read('CALLVAULT_MASTER_KEY'), problems);

  const transcriberRaw = read('CALLVAULT_TRANSCRIBER');
  let transcriber: Config['transcriber'] = { kind: 'pocketsphinx' };
  if (transcriberRaw === 'pocketsphinx' || transcriberRaw === 'none') {
    transcriber = { kind: transcriberRaw };
  } else if (transcriberRaw.startsWith('sherpa-onnx:') && transcriberRaw.length > 12) {
    transcriber = { kind: 'sherpa-onnx', modelDir: path.resolve(transcriberRaw.slice(12)) };
  } else {
    problems.push(
      `CALLVAULT_TRANSCRIBER: "${transcriberRaw}" is not one of pocketsphinx, none, sherpa-onnx:/path/to/model`,
    );
  }

  const udpReceiverRaw = read('CALLVAULT_UDP_RECEIVER');
  const udpReceiver = udpReceiverRaw === 'dgram' ? 'dgram' : 'batch';
  if (udpReceiverRaw !== 'batch' && udpReceiverRaw !== 'dgram') {
    problems.push(`CALLVAULT_UDP_RECEIVER: "${udpReceiverRaw}" is not one of batch, dgram`);
  }

  const publicUrl = parsePublicUrl(read('CALLVAULT_PUBLIC_URL'), problems);
  const httpsRaw = read('CALLVAULT_HTTPS');
  if (httpsRaw !== 'true' && httpsRaw !== 'false') {
    problems.push(`CALLVAULT_HTTPS: "${httpsRaw}" is not one of true, false`);
  }
  const https = httpsRaw === 'true' || publicUrl?.startsWith('https:') === true;
  const minFreeBytes = parseByteSize(
    'CALLVAULT_MIN_FREE_BYTES',
    read('CALLVAULT_MIN_FREE_BYTES'),
    problems,
  );
  const sipLimits = parseSipLimits(read, problems);
  const drainTimeoutMs =
    parseWholeNumber(
      'CALLVAULT_DRAIN_TIMEOUT',
      read('CALLVAULT_DRAIN_TIMEOUT'),
      { min: 0, max: 604_800, fallback: 14_400 },
      problems,
    ) * 1000;
  const journalShipIntervalMs =
    parseWholeNumber(
      'CALLVAULT_JOURNAL_SHIP_INTERVAL',
      read('CALLVAULT_JOURNAL_SHIP_INTERVAL'),
      { min: 0, max: 60, fallback: 2 },
      problems,
    ) * 1000;
  const jobRetry = {
    baseMs: parseAtLeast('CALLVAULT_JOB_RETRY_BASE_MS', read, 1, problems) ?? 10_000,
    maxDelayMs: parseAtLeast('CALLVAULT_JOB_RETRY_MAX_DELAY_MS', read, 1, problems) ?? 900_000,
    horizonMs:
      (parseAtLeast('CALLVAULT_JOB_RETRY_HORIZON_HOURS', read, 1, problems) ?? 24) * 3_600_000,
  };
  if (jobRetry.maxDelayMs < jobRetry.baseMs) {
    problems.push('CALLVAULT_JOB_RETRY_MAX_DELAY_MS: must be at least CALLVAULT_JOB_RETRY_BASE_MS');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    dataDir,
    database,
    storage,
    queue,
    http,
    sip,
    sipTls,
    tls,
    rtpPorts,
    maxSessions,
    maxFinalizeBacklog,
    rtpInactivityTimeoutMs,
    sipDialogProbeIntervalMs,
    sipSessionMinSeSeconds,
    masterKey,
    transcriber,
    udpReceiver,
    publicUrl,
    https,
    minFreeBytes,
    sipLimits,
    drainTimeoutMs,
    journalShipIntervalMs,
    jobRetry,
  });
}

function parsePublicUrl(raw: string, problems: string[]): string | null {
  if (raw === '') return null;
  try {
    const url = new URL(raw);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') {
      return url.toString();
    }
  } catch {
    // reported below
  }
  problems.push(`CALLVAULT_PUBLIC_URL: "${raw}" is not an http:// or https:// URL`);
  return null;
}

/** A whole number ≥ `min` (at most 10 digits), or null with the problem listed. */
function parseAtLeast(
  name: ConfigVariable,
  read: (name: ConfigVariable) => string,
  min: number,
  problems: string[],
): number | null {
  const raw = read(name);
  if (/^\d{1,10}$/.test(raw) && Number(raw) >= min) return Number(raw);
  problems.push(`${name}: "${raw}" is not a whole number of at least ${min}`);
  return null;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The process environment, the one place it is read. */
export function readEnvironment(): ConfigSource {
  return process.env;
}
