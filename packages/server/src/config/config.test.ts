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
      rtpPorts: { min: 20000, max: 29999 },
      masterKey: null,
      transcriber: { kind: 'pocketsphinx' },
      udpReceiver: 'batch',
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
      CALLVAULT_JOB_RETRY_BASE_MS: '500',
      CALLVAULT_JOB_RETRY_MAX_DELAY_MS: '2000',
      CALLVAULT_JOB_RETRY_HORIZON_HOURS: '2',
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
        CALLVAULT_JOB_RETRY_BASE_MS: '0',
        CALLVAULT_JOB_RETRY_HORIZON_HOURS: 'a day',
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
        'CALLVAULT_JOB_RETRY_BASE_MS',
        'CALLVAULT_JOB_RETRY_HORIZON_HOURS',
      ].sort(),
    );
  });

  it('pg-boss needs PostgreSQL', () => {
    expect(() => parseConfig({ CALLVAULT_QUEUE: 'pg-boss' })).toThrow(/pg-boss needs/);
  });
});
