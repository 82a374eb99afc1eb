// The recorder role's SIP side on the database under test: only the trunks' networks and the peers
// the recorder opened legs towards are admitted (UDP from elsewhere dropped unanswered), a refused message is answered with its reason,
// logged once per source and reason however often it repeats, and counted on /metrics.
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { parseConfig } from '../config/config.js';
import { computeDigestResponse } from '@callvault/recorder';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { digestHa1, insertNewTrunk } from '../recording-trunks/recording-trunks.service.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createSessionRegistry } from './session-registry.js';
import { startSiprecRecorder, type SiprecRecorder } from './siprec-recorder.js';

let db: TestDatabase;
let recorder: SiprecRecorder;
let seed: DemoSeed;
const lines: Array<Record<string, unknown>> = [];
const registry = new Registry();
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
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
    nonceSecret: Buffer.alloc(32, 5),
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

/**
 * A SIPREC-less INVITE from an SBC at `host` (one sendonly PCMU stream) to the recorder's `uri`:
 * Call-ID `<callIdPrefix>-<n>`, with `extra` headers before the body.
 */
function sbcInvite(
  sbc: { host: string; port: number },
  uri: string,
  callIdPrefix: string,
  n: number,
  extra: string[] = [],
): Buffer {
  const sdp = [
    'v=0',
    `o=SBC 1 1 IN IP4 ${sbc.host}`,
    's=-',
    `c=IN IP4 ${sbc.host}`,
    't=0 0',
    'm=audio 16000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=sendonly',
    '',
  ].join('\r\n');
  return Buffer.from(
    [
      `INVITE ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${sbc.host}:${sbc.port};branch=z9hG4bK${callIdPrefix}${n}`,
      'Max-Forwards: 70',
      `To: <${uri}>`,
      `From: <sip:sbc@${sbc.host}>;tag=${callIdPrefix}${n}`,
      `Call-ID: ${callIdPrefix}-${n}`,
      `CSeq: ${n} INVITE`,
      `Contact: <sip:sbc@${sbc.host}:${sbc.port}>`,
      ...extra,
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
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

  it('lets in a peer the recorder opened a leg towards while the leg is open, and only then', async () => {
    const sip = recorder.addresses[0]!;
    const vendor = await peer('127.0.0.8');
    const refusedNow = () =>
      recorder.stats().transports.find((t) => t.transport === 'udp')?.refused['unknown-source'] ??
      0;
    try {
      const release = recorder.openedPeers.open({ transport: 'udp', address: '127.0.0.8' });
      vendor.socket.send(badRequestLine(vendor.port, 1), sip.port, sip.host);
      await waitFor(() => vendor.inbox.length === 1);
      expect(vendor.inbox[0]).toMatch(/^SIP\/2\.0 400 Bad Request-Line\r\n/);
      release();
      const before = refusedNow();
      vendor.socket.send(badRequestLine(vendor.port, 2), sip.port, sip.host);
      await waitFor(() => refusedNow() === before + 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(vendor.inbox).toHaveLength(1);
    } finally {
      vendor.socket.close();
    }
  });

  it('RFC 3261 §22.4: a trunk with credentials is challenged by the recorder, which admits the right answer itself', async () => {
    await db.db.transaction().execute((trx) =>
      insertNewTrunk(trx, { db: db.db, clock }, null, seed.orgId, {
        name: 'sbc with digest',
        allowedSources: ['127.0.0.2/32'],
        digest: { username: 'sbc1', realm: 'callvault', password: 's3cret' },
      }),
    );
    await recorder.refreshTrunkSources();
    const sip = recorder.addresses[0]!;
    const sbc = await peer('127.0.0.2');
    const uri = `sip:callvault@127.0.0.1:${sip.port}`;
    const invite = (n: number, extra: string[]): Buffer =>
      sbcInvite({ host: '127.0.0.2', port: sbc.port }, uri, 'digest', n, extra);
    try {
      sbc.socket.send(invite(1, []), sip.port, sip.host);
      await waitFor(() => sbc.inbox.some((r) => r.startsWith('SIP/2.0 401 ')));
      const challenge =
        /^WWW-Authenticate: (.*)$/m.exec(
          sbc.inbox.find((r) => r.startsWith('SIP/2.0 401 ')) ?? '',
        )?.[1] ?? '';
      expect(challenge).toMatch(
        /^Digest realm="callvault", nonce="[A-Za-z0-9_-]{32}", algorithm=MD5, qop="auth"\r?$/,
      );
      const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
      const response = computeDigestResponse({
        ha1: digestHa1('sbc1', 'callvault', 's3cret'),
        algorithm: 'MD5',
        method: 'INVITE',
        uri,
        nonce,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c0ffee',
      });
      const authorization = `Authorization: Digest username="sbc1", realm="callvault", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"`;
      sbc.socket.send(invite(2, [authorization]), sip.port, sip.host);
      await waitFor(() => sbc.inbox.some((r) => r.startsWith('SIP/2.0 200 ')));
      expect(recorder.handler.listSessions().map((s) => s.callId)).toEqual(['digest-2']);
      expect(recorder.handler.listSessions()[0]).toMatchObject({ trunkName: 'sbc with digest' });
    } finally {
      recorder.handler.closeAll();
      sbc.socket.close();
    }
  });
});

describe(`the overload guard of a recorder just started on ${testDialect}`, () => {
  it('refuses when the event loop stays late, not for one stall of a start or a young window', async () => {
    await db.db.transaction().execute((trx) =>
      insertNewTrunk(trx, { db: db.db, clock }, null, seed.orgId, {
        name: 'sbc of a fresh recorder',
        allowedSources: ['127.0.0.3/32'],
      }),
    );
    const fresh = await startSiprecRecorder({
      config: parseConfig({
        CALLVAULT_SIP_ADDR: '127.0.0.1:0',
        CALLVAULT_RTP_PORTS: '47200-47299',
      }),
      db: db.db,
      clock,
      logger: createLogger({ level: 'silent' }),
      sessions: createSessionRegistry(),
      metricsRegistry: new Registry(),
      maxEventLoopDelayMs: 100,
    });
    const sbc = await peer('127.0.0.3');
    const sip = fresh.addresses[0]!;
    const uri = `sip:callvault@127.0.0.1:${sip.port}`;
    const invite = (n: number): Buffer =>
      sbcInvite({ host: '127.0.0.3', port: sbc.port }, uri, 'overload', n);
    const answerTo = async (n: number): Promise<string> => {
      sbc.socket.send(invite(n), sip.port, sip.host);
      await waitFor(() =>
        sbc.inbox.some((r) => r.includes(`Call-ID: overload-${n}`) && !r.startsWith('SIP/2.0 100')),
      );
      return sbc.inbox.find(
        (r) => r.includes(`Call-ID: overload-${n}`) && !r.startsWith('SIP/2.0 100'),
      )!;
    };
    const busyFor = (ms: number): void => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // the event loop held
      }
    };
    try {
      await fresh.refreshTrunkSources();
      // A start-up that held the event loop (loading, migrations) for 400 ms: not an overload.
      busyFor(400);
      fresh.startupDone();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await answerTo(1)).toMatch(/^SIP\/2\.0 200 /);
      // One stall in a window too young to judge is not an overload either.
      busyFor(400);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await answerTo(2)).toMatch(/^SIP\/2\.0 200 /);
      // A loop late again and again for over 3 s is: new calls are refused.
      const lateUntil = Date.now() + 3500;
      while (Date.now() < lateUntil) {
        busyFor(150);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const refused = await answerTo(3);
      expect(refused).toMatch(/^SIP\/2\.0 503 /);
      expect(refused).toMatch(/^Reason: SIP;cause=503;text="media overload"\r?$/m);
    } finally {
      fresh.handler.closeAll();
      sbc.socket.close();
      await fresh.stop();
    }
  });
});

// Last: a drain cannot be undone.
describe(`a draining recorder on ${testDialect}`, () => {
  it('answers an out-of-dialog OPTIONS 503 with Retry-After, and its drain ends with no live session', async () => {
    const sip = recorder.addresses[0]!;
    const dispatcher = await peer('127.0.0.1');
    const options = (n: number): Buffer =>
      Buffer.from(
        [
          'OPTIONS sip:callvault@127.0.0.1 SIP/2.0',
          `Via: SIP/2.0/UDP 127.0.0.1:${dispatcher.port};branch=z9hG4bKdrain${n}`,
          'Max-Forwards: 70',
          'To: <sip:callvault@127.0.0.1>',
          'From: <sip:dispatcher@127.0.0.1>;tag=d1',
          `Call-ID: drain-${n}`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    try {
      dispatcher.socket.send(options(1), sip.port, sip.host);
      await waitFor(() => dispatcher.inbox.length === 1);
      expect(dispatcher.inbox[0]).toMatch(/^SIP\/2\.0 200 /);
      await recorder.drain();
      expect(recorder.handler.draining).toBe(true);
      dispatcher.socket.send(options(2), sip.port, sip.host);
      await waitFor(() => dispatcher.inbox.length === 2);
      expect(dispatcher.inbox[1]).toMatch(/^SIP\/2\.0 503 /);
      expect(dispatcher.inbox[1]).toMatch(/\r\nRetry-After: 5\r\n/);
      expect(dispatcher.inbox[1]).toContain('text="the recorder is draining"');
    } finally {
      dispatcher.socket.close();
    }
  });
});
