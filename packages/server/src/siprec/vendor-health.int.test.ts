// The external recorders' health on the database under test, over real sockets: a recorder's UAS
// core probes a registered vendor — a tiny UDP SIP responder on loopback, at an address no trunk
// allows, let in through the opened peers — with OPTIONS; 200 makes it up, silence after the
// responder stops makes it down (no response within Timer F), a URI that does not resolve makes
// it down at once. The health is stored for every API process (GET /api/recording-vendors) and
// shown on /metrics.
import dgram from 'node:dgram';
import {
  anySourceAdmission,
  createFakeSipDns,
  createOpenedPeers,
  createSipServer,
  createSipUserAgentCore,
  createSystemTimerService,
  listenOnUdpAndTcp,
  type OpenedPeers,
  type SipUserAgentCore,
} from '@callvault/recorder';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { createLogger } from '../observability/logger.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { startVendorHealth, type VendorHealthMonitor } from './vendor-health.js';

let t: TestApp;
let core: SipUserAgentCore;
let server: ReturnType<typeof createSipServer>;
let openedPeers: OpenedPeers;
const refused: string[] = [];

const VENDOR_ADDRESS = '127.0.0.8';

/** A SIP UAS that answers every OPTIONS with 200 (or the status given), over UDP. */
async function startResponder(status = 200) {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (message, from) => {
    const text = message.toString('latin1');
    received.push(text);
    const headers = text
      .split('\r\n')
      .filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
      .map((l) => (/^To:/i.test(l) && !l.includes('tag=') ? `${l};tag=vendor` : l));
    const reason = status === 200 ? 'OK' : 'Service Unavailable';
    const response = [`SIP/2.0 ${status} ${reason}`, ...headers, 'Content-Length: 0', '', ''];
    socket.send(Buffer.from(response.join('\r\n')), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, VENDOR_ADDRESS, () => resolve()));
  return { socket, received, port: socket.address().port };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function registerVendor(name: string, sipUri: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/recording-vendors',
    headers: bearer(t.seed.admin.token),
    payload: { name, sipUri },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ id: string }>().id;
}

async function vendorHealth(id: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/recording-vendors/${id}`,
    headers: bearer(t.seed.admin.token),
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ health: Record<string, unknown> | null }>().health;
}

beforeAll(async () => {
  t = await createTestApp();
  openedPeers = createOpenedPeers();
  const refuse = () => Promise.resolve({ status: 488 });
  core = createSipUserAgentCore({
    timers: createSystemTimerService(),
    // Short timers: Timer F (64·T1) is 1.3 s instead of 32 s.
    timerValues: { T1: 20, T2: 80, T4: 100 },
    handler: {
      onInvite: refuse,
      onReinvite: refuse,
      onUpdate: refuse,
      onAck: () => undefined,
      onBye: () => undefined,
      onCancel: () => undefined,
      onAckTimeout: () => undefined,
    },
  });
  server = createSipServer({
    transports: listenOnUdpAndTcp('127.0.0.1', 0),
    core,
    // No trunk at all: only the peers the recorder opened are let in.
    isAdmissibleSource: anySourceAdmission((address, transport) =>
      openedPeers.has(address, transport),
    ),
    onRefused: (r) => refused.push(r.address),
  });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  core?.close();
  await t?.close();
});

describe(`external recorder health on ${testDialect}`, () => {
  it('a vendor answering OPTIONS 200 is up; once it stops answering it is down since the first miss, with the last error; /metrics and the API show it', async () => {
    const responder = await startResponder();
    const registry = new Registry();
    const id = await registerVendor('Loopback SRS', `sip:srs@${VENDOR_ADDRESS}:${responder.port}`);
    expect(await vendorHealth(id)).toEqual({
      state: 'unknown',
      downSince: null,
      lastError: null,
      lastUpAt: null,
      checkedAt: null,
    });
    let monitor: VendorHealthMonitor | undefined;
    let responderOpen = true;
    try {
      monitor = await startVendorHealth({
        core,
        db: t.db.db,
        clock: systemClock,
        logger: createLogger({ level: 'silent' }),
        openedPeers,
        probeIntervalMs: 100,
        reloadIntervalMs: 60_000,
        metricsRegistry: registry,
      });
      await waitFor(async () => (await vendorHealth(id))?.state === 'up');
      const up = await vendorHealth(id);
      expect(up).toMatchObject({ state: 'up', downSince: null, lastError: null });
      expect(typeof up?.checkedAt).toBe('string');
      expect(responder.received[0]).toMatch(/^OPTIONS sip:srs@127\.0\.0\.8:\d+ SIP\/2\.0\r\n/);
      // The vendor's answers came from an address no trunk allows: let in as an opened peer.
      expect(openedPeers.has(VENDOR_ADDRESS, 'udp')).toBe(true);
      expect(refused).toEqual([]);
      expect(await registry.metrics()).toContain(`callvault_recording_vendor_up{vendor="${id}"} 1`);
      // Each probe refreshes checkedAt.
      const firstChecked = String(up?.checkedAt);
      await waitFor(async () => String((await vendorHealth(id))?.checkedAt) !== firstChecked);

      const stoppedAt = Date.now();
      responder.socket.close();
      responderOpen = false;
      await waitFor(async () => (await vendorHealth(id))?.state === 'down', 10_000);
      const down = await vendorHealth(id);
      expect(down).toMatchObject({ state: 'down', lastError: 'no response' });
      expect(Date.parse(String(down?.downSince))).toBeGreaterThanOrEqual(stoppedAt - 200);
      expect(await registry.metrics()).toContain(`callvault_recording_vendor_up{vendor="${id}"} 0`);
    } finally {
      await monitor?.stop();
      if (responderOpen) responder.socket.close();
    }
    // Stopped: the vendor's address is no longer let in.
    expect(openedPeers.has(VENDOR_ADDRESS, 'udp')).toBe(false);
  });

  it('a 503 is down with the status as the error; a URI that resolves to nothing is down at once; vendors are reloaded (a deleted one is no longer probed)', async () => {
    const busy = await startResponder(503);
    const busyId = await registerVendor('Busy SRS', `sip:srs@${VENDOR_ADDRESS}:${busy.port}`);
    const nowhereId = await registerVendor('Nowhere SRS', 'sip:srs@recorder.nowhere.example');
    let monitor: VendorHealthMonitor | undefined;
    try {
      monitor = await startVendorHealth({
        core,
        db: t.db.db,
        clock: systemClock,
        logger: createLogger({ level: 'silent' }),
        openedPeers,
        dns: createFakeSipDns({}),
        probeIntervalMs: 100,
        reloadIntervalMs: 60_000,
      });
      await waitFor(async () => (await vendorHealth(busyId))?.state === 'down');
      expect(await vendorHealth(busyId)).toMatchObject({
        state: 'down',
        lastError: '503 Service Unavailable',
      });
      await waitFor(async () => (await vendorHealth(nowhereId))?.state === 'down');
      expect(await vendorHealth(nowhereId)).toMatchObject({
        state: 'down',
        lastError: 'sip:srs@recorder.nowhere.example resolves to no address',
      });
      expect(monitor.list().map((v) => v.name)).toEqual(
        expect.arrayContaining(['Busy SRS', 'Nowhere SRS']),
      );
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/recording-vendors/${nowhereId}`,
        headers: bearer(t.seed.admin.token),
      });
      expect(res.statusCode).toBe(204);
      await monitor.reload();
      expect(monitor.list().map((v) => v.name)).not.toContain('Nowhere SRS');
    } finally {
      await monitor?.stop();
      busy.socket.close();
    }
  });
});
