import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('configuration (SPEC §9.4)', () => {
  it('has the embedded defaults', () => {
    const c = parseConfig({ CALLVAULT_DATA_DIR: '/srv/cv' });
    expect(c).toMatchObject({
      dataDir: '/srv/cv',
      database: { kind: 'sqlite', file: '/srv/cv/callvault.db' },
      storage: { kind: 'file', dir: '/srv/cv/blobs' },
      queue: 'embedded',
      http: { host: '127.0.0.1', port: 8080 },
      sip: { host: '127.0.0.1', port: 5060 },
      sipTls: { host: '127.0.0.1', port: 5061 },
      tls: { certFile: null, keyFile: null },
      rtpPorts: { min: 20000, max: 29999 },
      masterKey: null,
      transcriber: { kind: 'pocketsphinx' },
      udpReceiver: 'batch',
      publicUrl: null,
      https: false,
      minFreeBytes: 1024 ** 3,
      sipLimits: {
        maxMessageBytes: 262_144,
        tcpMessageTimeoutMs: 10_000,
        tcpIdleTimeoutMs: 300_000,
        tcpMaxConnections: 1024,
        tcpMaxConnectionsPerSource: 128,
        tlsHandshakeTimeoutMs: 5_000,
      },
      drainTimeoutMs: 4 * 3_600_000,
      journalShipIntervalMs: 2_000,
      jobRetry: { baseMs: 10_000, maxDelayMs: 900_000, horizonMs: 24 * 3_600_000 },
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('reads PostgreSQL, S3, pg-boss, addresses, a hex master key and sherpa-onnx', () => {
    const c = parseConfig({
      CALLVAULT_DATABASE_URL: 'postgres://u@db:5432/cv',
      CALLVAULT_STORAGE_URL: 's3://rec?endpoint=http://127.0.0.1:8081&region=eu-north-1',
      CALLVAULT_QUEUE: 'pg-boss',
      CALLVAULT_HTTP_ADDR: '0.0.0.0:80',
      CALLVAULT_SIP_ADDR: '[::1]:5070',
      CALLVAULT_RTP_PORTS: '40000-40100',
      CALLVAULT_MASTER_KEY: 'ab'.repeat(32),
      CALLVAULT_TRANSCRIBER: 'sherpa-onnx:/models/en',
      CALLVAULT_MAX_SESSIONS: '250',
      CALLVAULT_UDP_RECEIVER: 'dgram',
      CALLVAULT_SIP_MAX_MESSAGE_BYTES: '65536',
      CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT: '5',
      CALLVAULT_SIP_TCP_IDLE_TIMEOUT: '60',
      CALLVAULT_SIP_TCP_MAX_CONNECTIONS: '200',
      CALLVAULT_SIP_TCP_MAX_CONNECTIONS_PER_SOURCE: '20',
      CALLVAULT_SIP_TLS_HANDSHAKE_TIMEOUT: '3',
      CALLVAULT_SIP_TLS_ADDR: '0.0.0.0:5071',
      CALLVAULT_TLS_CERT: '/etc/callvault/chain.pem',
      CALLVAULT_TLS_KEY: '/etc/callvault/key.pem',
      CALLVAULT_JOB_RETRY_BASE_MS: '500',
      CALLVAULT_JOB_RETRY_MAX_DELAY_MS: '2000',
      CALLVAULT_JOB_RETRY_HORIZON_HOURS: '2',
    });
    expect(c.sipLimits).toEqual({
      maxMessageBytes: 65_536,
      tcpMessageTimeoutMs: 5_000,
      tcpIdleTimeoutMs: 60_000,
      tcpMaxConnections: 200,
      tcpMaxConnectionsPerSource: 20,
      tlsHandshakeTimeoutMs: 3_000,
    });
    expect(c.sipTls).toEqual({ host: '0.0.0.0', port: 5071 });
    expect(c.tls).toEqual({
      certFile: '/etc/callvault/chain.pem',
      keyFile: '/etc/callvault/key.pem',
    });
    expect(c.jobRetry).toEqual({ baseMs: 500, maxDelayMs: 2000, horizonMs: 7_200_000 });
    expect(c.maxSessions).toBe(250);
    expect(c.udpReceiver).toBe('dgram');
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/cv' });
    expect(c.storage).toMatchObject({
      kind: 's3',
      bucket: 'rec',
      endpoint: 'http://127.0.0.1:8081',
      region: 'eu-north-1',
    });
    expect(c.sip).toEqual({ host: '::1', port: 5070 });
    expect(c.masterKey?.length).toBe(32);
    expect(c.transcriber).toEqual({ kind: 'sherpa-onnx', modelDir: '/models/en' });
  });

  it('CALLVAULT_JOURNAL_SHIP_INTERVAL is whole seconds from 0 (shipping off) to a minute', () => {
    expect(parseConfig({ CALLVAULT_JOURNAL_SHIP_INTERVAL: '5' }).journalShipIntervalMs).toBe(5_000);
    expect(parseConfig({ CALLVAULT_JOURNAL_SHIP_INTERVAL: '0' }).journalShipIntervalMs).toBe(0);
    for (const bad of ['2s', '-1', '61']) {
      expect(() => parseConfig({ CALLVAULT_JOURNAL_SHIP_INTERVAL: bad })).toThrow(
        `CALLVAULT_JOURNAL_SHIP_INTERVAL: "${bad}" is not a whole number from 0 to 60`,
      );
    }
  });

  it('CALLVAULT_DRAIN_TIMEOUT is whole seconds from 0 (end live calls at once) to a week', () => {
    expect(parseConfig({ CALLVAULT_DRAIN_TIMEOUT: '90' }).drainTimeoutMs).toBe(90_000);
    expect(parseConfig({ CALLVAULT_DRAIN_TIMEOUT: '0' }).drainTimeoutMs).toBe(0);
    for (const bad of ['4h', '-1', '604801', '']) {
      expect(() => parseConfig({ CALLVAULT_DRAIN_TIMEOUT: bad })).toThrow(
        `CALLVAULT_DRAIN_TIMEOUT: "${bad}" is not a whole number from 0 to 604800`,
      );
    }
  });

  it('SIP over TLS can be switched off; a certificate needs its key', () => {
    expect(parseConfig({ CALLVAULT_SIP_TLS_ADDR: 'off' }).sipTls).toBeNull();
    expect(() => parseConfig({ CALLVAULT_TLS_CERT: '/etc/cert.pem' })).toThrow(
      'CALLVAULT_TLS_CERT, CALLVAULT_TLS_KEY: give both files, or neither',
    );
  });

  it('CALLVAULT_RTP_INACTIVITY_TIMEOUT: seconds (default 60), 0 turns the watcher off', () => {
    expect(parseConfig({}).rtpInactivityTimeoutMs).toBe(60_000);
    expect(parseConfig({ CALLVAULT_RTP_INACTIVITY_TIMEOUT: '2.5' }).rtpInactivityTimeoutMs).toBe(
      2_500,
    );
    expect(parseConfig({ CALLVAULT_RTP_INACTIVITY_TIMEOUT: '0' }).rtpInactivityTimeoutMs).toBe(0);
  });

  it('CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: seconds (default 300), 0 turns probing off', () => {
    expect(parseConfig({}).sipDialogProbeIntervalMs).toBe(300_000);
    expect(
      parseConfig({ CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: '1.5' }).sipDialogProbeIntervalMs,
    ).toBe(1_500);
    expect(parseConfig({ CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: '0' }).sipDialogProbeIntervalMs).toBe(
      0,
    );
  });

  it('CALLVAULT_SIP_SESSION_MIN_SE: whole seconds, default 90, never below the 90 of RFC 4028 §4', () => {
    expect(parseConfig({}).sipSessionMinSeSeconds).toBe(90);
    expect(parseConfig({ CALLVAULT_SIP_SESSION_MIN_SE: '1800' }).sipSessionMinSeSeconds).toBe(1800);
    expect(() => parseConfig({ CALLVAULT_SIP_SESSION_MIN_SE: '89' })).toThrow(ConfigError);
    expect(() => parseConfig({ CALLVAULT_SIP_SESSION_MIN_SE: '90.5' })).toThrow(ConfigError);
  });

  it('names every bad variable and why, all at once', () => {
    let error: unknown;
    try {
      parseConfig({
        CALLVAULT_DATABASE_URL: 'mysql://x',
        CALLVAULT_QUEUE: 'redis',
        CALLVAULT_HTTP_ADDR: 'localhost',
        CALLVAULT_SIP_ADDR: '1.2.3.4:99999',
        CALLVAULT_RTP_PORTS: '30000-20000',
        CALLVAULT_MASTER_KEY: 'short',
        CALLVAULT_TRANSCRIBER: 'whisper',
        CALLVAULT_STORAGE_URL: 'ftp://x',
        CALLVAULT_MAX_SESSIONS: 'lots',
        CALLVAULT_UDP_RECEIVER: 'epoll',
        CALLVAULT_PUBLIC_URL: 'callvault.example.com',
        CALLVAULT_HTTPS: 'yes',
        CALLVAULT_MIN_FREE_BYTES: 'plenty',
        CALLVAULT_SIP_MAX_MESSAGE_BYTES: '100',
        CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT: '0',
        CALLVAULT_SIP_TCP_MAX_CONNECTIONS: 'many',
        CALLVAULT_SIP_TCP_MAX_CONNECTIONS_PER_SOURCE: '-1',
        CALLVAULT_JOB_RETRY_BASE_MS: '0',
        CALLVAULT_JOB_RETRY_HORIZON_HOURS: 'a day',
        CALLVAULT_RTP_INACTIVITY_TIMEOUT: 'a minute',
        CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: '-5',
        CALLVAULT_SIP_SESSION_MIN_SE: '30',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(
      [
        'CALLVAULT_DATABASE_URL',
        'CALLVAULT_QUEUE',
        'CALLVAULT_HTTP_ADDR',
        'CALLVAULT_SIP_ADDR',
        'CALLVAULT_RTP_PORTS',
        'CALLVAULT_MASTER_KEY',
        'CALLVAULT_TRANSCRIBER',
        'CALLVAULT_STORAGE_URL',
        'CALLVAULT_MAX_SESSIONS',
        'CALLVAULT_UDP_RECEIVER',
        'CALLVAULT_PUBLIC_URL',
        'CALLVAULT_HTTPS',
        'CALLVAULT_MIN_FREE_BYTES',
        'CALLVAULT_SIP_MAX_MESSAGE_BYTES',
        'CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT',
        'CALLVAULT_SIP_TCP_MAX_CONNECTIONS',
        'CALLVAULT_SIP_TCP_MAX_CONNECTIONS_PER_SOURCE',
        'CALLVAULT_JOB_RETRY_BASE_MS',
        'CALLVAULT_JOB_RETRY_HORIZON_HOURS',
        'CALLVAULT_RTP_INACTIVITY_TIMEOUT',
        'CALLVAULT_SIP_DIALOG_PROBE_INTERVAL',
        'CALLVAULT_SIP_SESSION_MIN_SE',
      ].sort(),
    );
  });

  it('is served over HTTPS when the public URL is https:// or CALLVAULT_HTTPS=true, not otherwise', () => {
    const cases: Array<[Record<string, string>, boolean]> = [
      [{ CALLVAULT_PUBLIC_URL: 'https://calls.example.com' }, true],
      [{ CALLVAULT_PUBLIC_URL: 'http://calls.example.com' }, false],
      [{ CALLVAULT_HTTPS: 'true' }, true],
      [{ CALLVAULT_HTTPS: 'false' }, false],
      [{ CALLVAULT_HTTPS: 'true', CALLVAULT_PUBLIC_URL: 'http://10.0.0.5:8080' }, true],
      [{}, false],
    ];
    for (const [source, https] of cases) expect(parseConfig(source).https).toBe(https);
    expect(parseConfig({ CALLVAULT_PUBLIC_URL: 'https://calls.example.com' }).publicUrl).toBe(
      'https://calls.example.com/',
    );
    expect(() => parseConfig({ CALLVAULT_PUBLIC_URL: 'ftp://calls.example.com' })).toThrow(
      /CALLVAULT_PUBLIC_URL/,
    );
  });

  it('reads the minimum free disk space in bytes or with a unit', () => {
    const at = (v: string) => parseConfig({ CALLVAULT_MIN_FREE_BYTES: v }).minFreeBytes;
    expect(at('0')).toBe(0);
    expect(at('1048576')).toBe(1048576);
    expect(at('512MiB')).toBe(512 * 1024 ** 2);
    expect(at('2G')).toBe(2 * 1024 ** 3);
    expect(at('1.5 GB')).toBe(1.5e9);
    for (const bad of ['-1', '1 parsec', '']) {
      expect(() => at(bad)).toThrow(/CALLVAULT_MIN_FREE_BYTES/);
    }
  });

  it('the TCP idle timeout may not be shorter than the message timeout', () => {
    expect(() =>
      parseConfig({
        CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT: '30',
        CALLVAULT_SIP_TCP_IDLE_TIMEOUT: '10',
      }),
    ).toThrow(/CALLVAULT_SIP_TCP_IDLE_TIMEOUT: must be at least/);
  });

  it('pg-boss needs PostgreSQL', () => {
    expect(() => parseConfig({ CALLVAULT_QUEUE: 'pg-boss' })).toThrow(/pg-boss needs/);
  });
});
