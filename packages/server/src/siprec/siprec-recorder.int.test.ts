// The recorder role's SIP side on the database under test: only the trunks' networks are
// admitted (UDP from elsewhere dropped unanswered), a refused message is answered with its reason,
// logged once per source and reason however often it repeats, and counted on /metrics.
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { parseConfig } from '../config/config.js';
import { runDemoSeed } from '../demo/demo-seed.service.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createSessionRegistry } from './session-registry.js';
import { startSiprecRecorder, type SiprecRecorder } from './siprec-recorder.js';

let db: TestDatabase;
let recorder: SiprecRecorder;
const lines: Array<Record<string, unknown>> = [];
const registry = new Registry();
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  await runDemoSeed({ db: db.db, clock });
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  recorder = await startSiprecRecorder({
    config: parseConfig({ CALLVAULT_SIP_ADDR: '127.0.0.1:0', CALLVAULT_RTP_PORTS: '47000-47099' }),
    db: db.db,
    clock,
    logger: createLogger({ level: 'info', destination }),
    sessions: createSessionRegistry(),
    metricsRegistry: registry,
  });
});
afterAll(async () => {
  await recorder?.stop();
  await db?.drop();
});

async function peer(address: string) {
  const socket = dgram.createSocket('udp4');
  const inbox: string[] = [];
  socket.on('message', (m) => inbox.push(m.toString('latin1')));
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  return { socket, inbox, port: socket.address().port };
}

function badRequestLine(port: number, n: number): Buffer {
  return Buffer.from(
    [
      'OPTIONS  sip:callvault@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKrl${n}`,
      'To: <sip:callvault@127.0.0.1>',
      'From: <sip:probe@127.0.0.1>;tag=1',
      `Call-ID: rl-${n}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`the recorder's SIP admission and refusals on ${testDialect}`, () => {
  it('answers every bad Request-Line 400 but logs it once per source and reason', async () => {
    const sip = recorder.addresses[0]!;
    const trunk = await peer('127.0.0.1');
    try {
      for (let n = 0; n < 5; n++)
        trunk.socket.send(badRequestLine(trunk.port, n), sip.port, sip.host);
      await waitFor(() => trunk.inbox.length === 5);
      expect(trunk.inbox.every((r) => r.startsWith('SIP/2.0 400 Bad Request-Line\r\n'))).toBe(true);
      const refused = lines.filter((l) => String(l.msg).startsWith('SIP message refused'));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ reason: 'start-line', answered: 400, level: 40 });
      expect(await registry.metrics()).toContain(
        'callvault_sip_parse_errors_total{reason="start-line",header=""} 5',
      );
    } finally {
      trunk.socket.close();
    }
  });

  it('drops UDP from outside every trunk unanswered, logged once and counted', async () => {
    const sip = recorder.addresses[0]!;
    const stranger = await peer('127.0.0.9');
    try {
      for (let n = 0; n < 3; n++) {
        stranger.socket.send(badRequestLine(stranger.port, n), sip.port, sip.host);
      }
      await waitFor(
        () =>
          (recorder.stats().transports.find((t) => t.transport === 'udp')?.refused[
            'unknown-source'
          ] ?? 0) === 3,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stranger.inbox).toEqual([]);
      const logged = lines.filter((l) => String(l.msg).includes('outside every recording trunk'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ reason: 'unknown-source' });
      expect(String(logged[0]!.source)).toMatch(/^udp:127\.0\.0\.9:\d+$/);
      expect(await registry.metrics()).toContain(
        'callvault_sip_refused_total{transport="udp",reason="unknown-source"} 3',
      );
    } finally {
      stranger.socket.close();
    }
  });
});
