import { describe, expect, it } from 'vitest';
import {
  createResponse,
  getHeader,
  type SipRequest,
  type SipResponse,
} from '../../sip/message/index.js';
import { createClientTransactionTable } from '../../sip/transaction/client-transaction-table.js';
import { createFakeTimerService } from '../../sip/transaction/fake-timer-service.js';
import { DEFAULT_SIP_TIMER_VALUES } from '../../sip/transaction/sip-timers.js';
import type { SipDestination } from '../../sip/transport/sip-transport.js';
import { createVendorProbe, type VendorHealth } from './vendor-probe.js';

const VENDOR: SipDestination = { transport: 'tcp', address: '198.51.100.7', port: 5060 };

/** Lets the probe's resolve() promise settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function harness(resolve: () => Promise<SipDestination | null> = () => Promise.resolve(VENDOR)) {
  const timers = createFakeTimerService(1_000);
  const sent: SipRequest[] = [];
  const table = createClientTransactionTable({
    timers,
    timerValues: DEFAULT_SIP_TIMER_VALUES,
    sendRequest: (request) => sent.push(request),
    onTimeout: () => {},
  });
  const changes: VendorHealth[] = [];
  let n = 0;
  const probe = createVendorProbe({
    timers,
    requestUri: 'sip:srs@vendor.example.net',
    resolve,
    local: { transport: 'tcp', host: '192.0.2.1', port: 5060 },
    intervalMs: 30_000,
    generateBranch: () => `z9hG4bKprobe${++n}`,
    generateTag: () => `t${n}`,
    generateCallId: () => `probe-${n}@192.0.2.1`,
    sendRequest: (request, destination, handlers) => table.send(request, destination, handlers),
    onChange: (health) => changes.push(health),
  });
  const answer = (status: number): SipResponse => {
    const response = createResponse(sent.at(-1)!, status, { toTag: 'v' });
    table.receive(response);
    return response;
  };
  return { timers, sent, probe, changes, answer };
}

describe('external recorder health by OPTIONS (RFC 3261 §11)', () => {
  it('RFC 3261 §11.1: the probe is an OPTIONS to the vendor URI, outside any dialog', async () => {
    const h = harness();
    h.probe.start();
    await settle();
    const options = h.sent[0]!;
    expect(options.method).toBe('OPTIONS');
    expect(options.uri).toBe('sip:srs@vendor.example.net');
    expect(getHeader(options, 'To')).toBe('<sip:srs@vendor.example.net>');
    expect(getHeader(options, 'CSeq')).toBe('1 OPTIONS');
    expect(getHeader(options, 'Accept')).toBe('application/sdp');
  });

  it('a 200 makes the vendor up; the next probe follows after the interval', async () => {
    const h = harness();
    h.probe.start();
    await settle();
    h.answer(200);
    expect(h.probe.health).toMatchObject({ state: 'up', lastUpAt: 1_000, probes: 1 });
    h.timers.advance(29_999);
    await settle();
    expect(h.sent).toHaveLength(1);
    h.timers.advance(1);
    await settle();
    expect(h.sent).toHaveLength(2);
  });

  it.each([
    [200, 'up'],
    [405, 'up'],
    [404, 'up'],
    [408, 'down'],
    [500, 'down'],
    [503, 'down'],
  ])('a final response %i counts as %s', async (status, state) => {
    const h = harness();
    h.probe.start();
    await settle();
    h.answer(status);
    expect(h.probe.health.state).toBe(state);
  });

  it('no response within Timer F makes the vendor down since that probe, with the error; a later 200 clears it', async () => {
    const h = harness();
    h.probe.start();
    await settle();
    h.answer(200);
    h.timers.advance(30_000);
    await settle();
    h.timers.advance(32_000);
    expect(h.probe.health).toMatchObject({
      state: 'down',
      downSince: 63_000,
      lastError: 'no response',
    });
    h.timers.advance(30_000);
    await settle();
    h.answer(503);
    expect(h.probe.health).toMatchObject({
      state: 'down',
      downSince: 63_000,
      lastError: '503 Service Unavailable',
    });
    h.timers.advance(30_000);
    await settle();
    h.answer(200);
    expect(h.probe.health.state).toBe('up');
    expect(h.probe.health.downSince).toBeUndefined();
    expect(h.probe.health.lastError).toBeUndefined();
    expect(h.changes.map((c) => c.state)).toEqual(['up', 'down', 'down', 'up']);
  });

  it('a vendor URI that resolves to nothing, or whose resolution fails, is down with the reason', async () => {
    const none = harness(() => Promise.resolve(null));
    none.probe.start();
    await settle();
    expect(none.probe.health).toMatchObject({
      state: 'down',
      lastError: 'sip:srs@vendor.example.net resolves to no address',
    });
    const failing = harness(() => Promise.reject(new Error('SERVFAIL')));
    failing.probe.start();
    await settle();
    expect(failing.probe.health.lastError).toBe(
      'resolving sip:srs@vendor.example.net failed: SERVFAIL',
    );
    expect(failing.sent).toEqual([]);
  });

  it('stop() cancels the next probe', async () => {
    const h = harness();
    h.probe.start();
    await settle();
    h.answer(200);
    h.probe.stop();
    h.timers.advance(120_000);
    await settle();
    expect(h.sent).toHaveLength(1);
    expect(h.timers.pendingCount()).toBe(0);
  });
});
