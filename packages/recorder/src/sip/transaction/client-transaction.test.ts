import { describe, expect, it } from 'vitest';
import {
  createResponse,
  parseDatagram,
  serializeMessage,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import type { SipDestination, SipTransportName } from '../transport/sip-transport.js';
import { createClientTransactionTable } from './client-transaction-table.js';
import { createFakeTimerService } from './fake-timer-service.js';
import { buildAckForNonSuccess } from './invite-client-transaction.js';
import { DEFAULT_SIP_TIMER_VALUES, deriveTimers } from './sip-timers.js';
import { createTransactionLayer } from './transaction-layer.js';

function destination(transport: SipTransportName): SipDestination {
  return { transport, address: '198.51.100.7', port: transport === 'tls' ? 5061 : 5060 };
}

function parseRequest(text: string): SipRequest {
  const msg = parseDatagram(Buffer.from(text.split('\n').join('\r\n')));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

function makeInvite(branch = 'z9hG4bKsrc1'): SipRequest {
  return parseRequest(
    [
      'INVITE sip:recorder@vendor.example.net SIP/2.0',
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`,
      'Route: <sip:proxy.vendor.example.net;lr>',
      'Max-Forwards: 70',
      'From: <sip:callvault@recorder.example.com>;tag=cv1',
      'To: <sip:recorder@vendor.example.net>',
      'Call-ID: f81d4fae-7dec@recorder.example.com',
      'CSeq: 314159 INVITE',
      'Contact: <sip:callvault@192.0.2.1:5060>;+sip.src',
      'Content-Length: 0',
      '',
      '',
    ].join('\n'),
  );
}

function makeOptions(branch = 'z9hG4bKopt1'): SipRequest {
  return parseRequest(
    [
      'OPTIONS sip:recorder@vendor.example.net SIP/2.0',
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`,
      'Max-Forwards: 70',
      'From: <sip:callvault@recorder.example.com>;tag=cv2',
      'To: <sip:recorder@vendor.example.net>',
      'Call-ID: probe-1@recorder.example.com',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\n'),
  );
}

function createHarness(timerValues = DEFAULT_SIP_TIMER_VALUES) {
  const timers = createFakeTimerService();
  const sent: Array<{ at: number; request: SipRequest; to: SipDestination }> = [];
  let tableTimeouts = 0;
  const table = createClientTransactionTable({
    timers,
    timerValues,
    sendRequest: (request, to) => sent.push({ at: timers.now(), request, to }),
    onTimeout: () => {
      tableTimeouts++;
    },
  });
  const responses: Array<{ at: number; status: number }> = [];
  const timeouts: number[] = [];
  const handlers = {
    onResponse: (r: SipResponse) => responses.push({ at: timers.now(), status: r.status }),
    onTimeout: () => timeouts.push(timers.now()),
  };
  return {
    timers,
    table,
    sent,
    responses,
    timeouts,
    handlers,
    tableTimeouts: () => tableTimeouts,
    sentMethods: () => sent.map((s) => s.request.method),
    sentTimes: (method: string) => sent.filter((s) => s.request.method === method).map((s) => s.at),
  };
}

describe('RFC 3261 Table 4: the timers of the client and server transactions', () => {
  const T1 = 500;
  const T2 = 4000;
  const T4 = 5000;
  // timer, transport, expected ms (defaults T1 = 500 ms, T2 = 4 s, T4 = 5 s)
  const table: Array<[string, SipTransportName, number]> = [
    ['TIMER_A', 'udp', T1],
    ['TIMER_A', 'tcp', T1],
    ['TIMER_A', 'tls', T1],
    ['TIMER_B', 'udp', 64 * T1],
    ['TIMER_B', 'tcp', 64 * T1],
    ['TIMER_B', 'tls', 64 * T1],
    ['TIMER_D', 'udp', 32_000],
    ['TIMER_D', 'tcp', 0],
    ['TIMER_D', 'tls', 0],
    ['TIMER_E', 'udp', T1],
    ['TIMER_E', 'tcp', T1],
    ['TIMER_E', 'tls', T1],
    ['TIMER_F', 'udp', 64 * T1],
    ['TIMER_F', 'tcp', 64 * T1],
    ['TIMER_F', 'tls', 64 * T1],
    ['TIMER_G', 'udp', T1],
    ['TIMER_H', 'udp', 64 * T1],
    ['TIMER_H', 'tcp', 64 * T1],
    ['TIMER_I', 'udp', T4],
    ['TIMER_I', 'tcp', 0],
    ['TIMER_I', 'tls', 0],
    ['TIMER_J', 'udp', 64 * T1],
    ['TIMER_J', 'tcp', 0],
    ['TIMER_J', 'tls', 0],
    ['TIMER_K', 'udp', T4],
    ['TIMER_K', 'tcp', 0],
    ['TIMER_K', 'tls', 0],
  ];
  it.each(table)('%s over %s is %i ms', (timer, transport, expected) => {
    const derived = deriveTimers({ T1, T2, T4 }, transport !== 'udp') as Record<string, number>;
    expect(derived[timer]).toBe(expected);
  });

  it('RFC 3261 Table 4: Timer D is at least 32 s over UDP even with a small T1, and 64*T1 past it', () => {
    expect(deriveTimers({ T1: 100, T2: 4000, T4: 5000 }, false).TIMER_D).toBe(32_000);
    expect(deriveTimers({ T1: 1000, T2: 4000, T4: 5000 }, false).TIMER_D).toBe(64_000);
  });
});

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2)', () => {
  it('RFC 3261 §17.1.1.2: over UDP Timer A retransmits at T1 and doubles each time, and Timer B (64*T1) in Calling informs the TU of the timeout', () => {
    const h = createHarness();
    const tx = h.table.send(makeInvite(), destination('udp'), h.handlers);
    h.timers.advance(40_000);
    expect(h.sentTimes('INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(h.timeouts).toEqual([32_000]);
    expect(h.tableTimeouts()).toBe(1);
    expect(tx.state).toBe('terminated');
    expect(h.table.size).toBe(0);
    expect(h.timers.pendingCount()).toBe(0);
  });

  it.each<SipTransportName>(['tcp', 'tls'])(
    'RFC 3261 §17.1.1.2: over a reliable transport (%s) Timer A is not started, Timer B still is',
    (transport) => {
      const h = createHarness();
      h.table.send(makeInvite(), destination(transport), h.handlers);
      h.timers.advance(31_999);
      expect(h.sentTimes('INVITE')).toEqual([0]);
      expect(h.timeouts).toEqual([]);
      h.timers.advance(1);
      expect(h.timeouts).toEqual([32_000]);
      expect(h.sent[0]?.to.transport).toBe(transport);
    },
  );

  it('RFC 3261 §17.1.1.2: a provisional response in Calling moves to Proceeding, goes to the TU and stops retransmissions; Timer B no longer fires', () => {
    const h = createHarness();
    const invite = makeInvite();
    const tx = h.table.send(invite, destination('udp'), h.handlers);
    h.timers.advance(600);
    h.table.receive(createResponse(invite, 100));
    h.table.receive(createResponse(invite, 180, { toTag: 'v1' }));
    h.timers.advance(60_000);
    expect(tx.state).toBe('proceeding');
    expect(h.sentTimes('INVITE')).toEqual([0, 500]);
    expect(h.responses.map((r) => r.status)).toEqual([100, 180]);
    expect(h.timeouts).toEqual([]);
  });

  it('RFC 3261 §17.1.1.2: a 300-699 response in Calling or Proceeding is acknowledged by the transaction, passed to the TU once, and its retransmissions get the ACK again until Timer D', () => {
    const h = createHarness();
    const invite = makeInvite();
    const tx = h.table.send(invite, destination('udp'), h.handlers);
    h.table.receive(createResponse(invite, 180, { toTag: 'v1' }));
    const busy = createResponse(invite, 503, { toTag: 'v1' });
    h.timers.advance(1000);
    h.table.receive(busy);
    expect(tx.state).toBe('completed');
    h.timers.advance(2000);
    h.table.receive(busy);
    expect(h.responses.map((r) => r.status)).toEqual([180, 503]);
    expect(h.sentMethods()).toEqual(['INVITE', 'ACK', 'ACK']);
    expect(h.sentTimes('ACK')).toEqual([1000, 3000]);
    h.timers.advance(31_999 - 2000);
    expect(tx.state).toBe('completed');
    h.timers.advance(1);
    expect(tx.state).toBe('terminated');
    expect(h.timers.pendingCount()).toBe(0);
  });

  it.each<SipTransportName>(['tcp', 'tls'])(
    'RFC 3261 §17.1.1.2: Timer D is zero on a reliable transport (%s): Completed ends at once',
    (transport) => {
      const h = createHarness();
      const invite = makeInvite();
      const tx = h.table.send(invite, destination(transport), h.handlers);
      h.table.receive(createResponse(invite, 486, { toTag: 'v1' }));
      expect(tx.state).toBe('terminated');
      expect(h.sentMethods()).toEqual(['INVITE', 'ACK']);
      expect(h.table.size).toBe(0);
    },
  );

  it('RFC 3261 §17.1.1.3: the ACK for a non-2xx response has the INVITE Request-URI, Call-ID, From, CSeq number, top Via and Route, and the To of the response', () => {
    const invite = makeInvite();
    const ack = buildAckForNonSuccess(invite, createResponse(invite, 404, { toTag: 'v9' }));
    expect(Buffer.from(serializeMessage(ack)).toString()).toBe(
      [
        'ACK sip:recorder@vendor.example.net SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKsrc1',
        'Route: <sip:proxy.vendor.example.net;lr>',
        'Max-Forwards: 70',
        'From: <sip:callvault@recorder.example.com>;tag=cv1',
        'To: <sip:recorder@vendor.example.net>;tag=v9',
        'Call-ID: f81d4fae-7dec@recorder.example.com',
        'CSeq: 314159 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('RFC 6026 §7.2: a 2xx moves to Accepted, goes to the TU with each retransmission, is not acknowledged by the transaction, and Timer M (64*T1) ends it', () => {
    const h = createHarness();
    const invite = makeInvite();
    const tx = h.table.send(invite, destination('udp'), h.handlers);
    const ok = createResponse(invite, 200, { toTag: 'v1' });
    h.table.receive(ok);
    expect(tx.state).toBe('accepted');
    h.timers.advance(500);
    h.table.receive(ok);
    h.table.receive(createResponse(invite, 503, { toTag: 'v1' }));
    expect(h.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(h.sentMethods()).toEqual(['INVITE']);
    h.timers.advance(31_499);
    expect(tx.state).toBe('accepted');
    h.timers.advance(1);
    expect(tx.state).toBe('terminated');
    expect(h.timeouts).toEqual([]);
  });

  it('RFC 3261 §17.1.3: a response with the INVITE branch but another CSeq method (the CANCEL) does not reach the INVITE transaction', () => {
    const h = createHarness();
    const invite = makeInvite('z9hG4bKsame');
    h.table.send(invite, destination('udp'), h.handlers);
    const cancelResponse = createResponse(
      {
        ...invite,
        method: 'CANCEL',
        headers: invite.headers.map((x) =>
          x.name === 'CSeq' ? { name: 'CSeq', value: '314159 CANCEL' } : x,
        ),
      },
      200,
      { toTag: 'v1' },
    );
    expect(h.table.receive(cancelResponse)).toBe(false);
    expect(h.responses).toEqual([]);
  });

  it('terminate() stops every timer of the INVITE transaction', () => {
    const h = createHarness();
    const tx = h.table.send(makeInvite(), destination('udp'), h.handlers);
    tx.terminate();
    expect(h.timers.pendingCount()).toBe(0);
    h.timers.advance(40_000);
    expect(h.sentTimes('INVITE')).toEqual([0]);
    expect(h.timeouts).toEqual([]);
  });
});

describe('non-INVITE client transaction over each transport (RFC 3261 §17.1.2)', () => {
  it('RFC 3261 §17.1.2.2: in Proceeding Timer E retransmits every T2', () => {
    const h = createHarness();
    const options = makeOptions();
    h.table.send(options, destination('udp'), h.handlers);
    h.timers.advance(600);
    h.table.receive(createResponse(options, 100));
    h.timers.advance(10_000);
    // Timer E fired at 500 in Trying (next after 1 s); from Proceeding on the interval is T2.
    const times = h.sentTimes('OPTIONS');
    expect(times.slice(0, 3)).toEqual([0, 500, 1500]);
    expect(times[3]! - times[2]!).toBe(4000);
  });

  it.each<[SipTransportName, number]>([
    ['udp', 5000],
    ['tcp', 0],
    ['tls', 0],
  ])(
    'RFC 3261 §17.1.2.2: after a final response over %s Timer K (%i ms) absorbs its retransmissions then ends the transaction',
    (transport, timerK) => {
      const h = createHarness();
      const options = makeOptions();
      const tx = h.table.send(options, destination(transport), h.handlers);
      const ok = createResponse(options, 200, { toTag: 'v2' });
      h.table.receive(ok);
      if (timerK > 0) {
        expect(tx.state).toBe('completed');
        h.table.receive(ok);
        h.timers.advance(timerK - 1);
        expect(tx.state).toBe('completed');
        h.timers.advance(1);
      }
      expect(tx.state).toBe('terminated');
      expect(h.responses.map((r) => r.status)).toEqual([200]);
      expect(h.timers.pendingCount()).toBe(0);
    },
  );

  it.each<SipTransportName>(['udp', 'tcp', 'tls'])(
    'RFC 3261 §17.1.2.2: Timer F (64*T1) over %s tells the TU of the timeout',
    (transport) => {
      const h = createHarness();
      h.table.send(makeOptions(), destination(transport), h.handlers);
      h.timers.advance(32_000);
      expect(h.timeouts).toEqual([32_000]);
      expect(h.sentTimes('OPTIONS').length).toBe(transport === 'udp' ? 11 : 1);
    },
  );
});

describe('client transaction table', () => {
  it('refuses ACK, which has no client transaction (RFC 3261 §17.1.1.3, §13.2.2.4)', () => {
    const h = createHarness();
    const ack = { ...makeInvite(), method: 'ACK' };
    expect(() => h.table.send(ack, destination('udp'), h.handlers)).toThrow(RangeError);
  });

  it('refuses a second transaction on a branch in use', () => {
    const h = createHarness();
    h.table.send(makeInvite('z9hG4bKdup'), destination('udp'), h.handlers);
    expect(() => h.table.send(makeInvite('z9hG4bKdup'), destination('udp'), h.handlers)).toThrow(
      /already in use/,
    );
  });

  it('terminateAll() ends INVITE and non-INVITE transactions and their timers', () => {
    const h = createHarness();
    h.table.send(makeInvite(), destination('udp'), h.handlers);
    h.table.send(makeOptions(), destination('udp'), h.handlers);
    expect(h.table.size).toBe(2);
    h.table.terminateAll();
    expect(h.table.size).toBe(0);
    expect(h.timers.pendingCount()).toBe(0);
  });
});

describe('client transactions through the transaction layer', () => {
  it('RFC 3261 §17.1.3: the layer hands each response to the INVITE client transaction of its branch and counts strays', () => {
    const timers = createFakeTimerService();
    const sent: SipRequest[] = [];
    const layer = createTransactionLayer({
      timers,
      user: {
        onRequest: () => {},
        onAck: () => {},
        onCancel: () => {},
        onTransactionTimeout: () => {},
      },
      sendResponse: () => {},
      sendRequest: (request) => sent.push(request),
    });
    const statuses: number[] = [];
    const invite = makeInvite('z9hG4bKlayer');
    const tx = layer.sendRequest(invite, destination('tcp'), {
      onResponse: (r) => statuses.push(r.status),
      onTimeout: () => statuses.push(408),
    });
    expect(tx.kind).toBe('invite');
    expect(layer.stats().clientTransactions).toBe(1);
    layer.receiveResponse(createResponse(invite, 180, { toTag: 'v' }), destination('tcp'));
    layer.receiveResponse(
      createResponse(makeInvite('z9hG4bKother'), 200, { toTag: 'v' }),
      destination('tcp'),
    );
    layer.receiveResponse(createResponse(invite, 486, { toTag: 'v' }), destination('tcp'));
    expect(statuses).toEqual([180, 486]);
    expect(sent.map((r) => r.method)).toEqual(['INVITE', 'ACK']);
    expect(layer.stats()).toMatchObject({ clientTransactions: 0, strayResponses: 1 });
  });
});
