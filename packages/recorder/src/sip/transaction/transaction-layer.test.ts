import { describe, expect, it } from 'vitest';
import {
  createResponse,
  getHeader,
  getTo,
  parseDatagram,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import type { SipSource } from '../transport/sip-transport.js';
import { createFakeTimerService } from './fake-timer-service.js';
import type { InviteServerTransaction, ServerTransaction } from './server-transaction.js';
import { createTransactionLayer, type TransactionUser } from './transaction-layer.js';

const UDP: SipSource = { transport: 'udp', address: '192.0.2.10', port: 5060 };
const TCP: SipSource = { transport: 'tcp', address: '192.0.2.10', port: 40000, connectionId: 'c1' };

interface RequestOptions {
  method?: string;
  branch?: string | null;
  sentBy?: string;
  cseq?: number;
  cseqMethod?: string;
  toTag?: string;
  callId?: string;
  transport?: string;
}

function makeRequest(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const branch = o.branch === null ? '' : `;branch=${o.branch ?? 'z9hG4bK74bf9'}`;
  const text = [
    `${method} sip:srs@192.0.2.1 SIP/2.0`,
    `Via: SIP/2.0/${o.transport ?? 'UDP'} ${o.sentBy ?? 'src.example.com:5060'}${branch}`,
    'Max-Forwards: 70',
    `To: <sip:srs@192.0.2.1>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    'From: <sip:src@example.com>;tag=9fxced76sl',
    `Call-ID: ${o.callId ?? '3848276298220188511@src.example.com'}`,
    `CSeq: ${o.cseq ?? 1} ${o.cseqMethod ?? method}`,
    'Contact: <sip:src@192.0.2.10:5060>',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const msg = parseDatagram(Buffer.from(text));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

function createHarness(overrides: Partial<TransactionUser> = {}) {
  const timers = createFakeTimerService();
  const sent: Array<{ at: number; response: SipResponse; source: SipSource }> = [];
  const sentRequests: Array<{ at: number; request: SipRequest }> = [];
  const requests: Array<{ request: SipRequest; tx: ServerTransaction }> = [];
  const acks: SipRequest[] = [];
  const cancels: SipRequest[] = [];
  const timeouts: ServerTransaction[] = [];
  const user: TransactionUser = {
    onRequest: (request, tx) => requests.push({ request, tx }),
    onAck: (ack) => acks.push(ack),
    onCancel: (cancel) => cancels.push(cancel),
    onTransactionTimeout: (tx) => timeouts.push(tx),
    ...overrides,
  };
  let tags = 0;
  const layer = createTransactionLayer({
    timers,
    user,
    sendResponse: (response, source) => sent.push({ at: timers.now(), response, source }),
    sendRequest: (request) => sentRequests.push({ at: timers.now(), request }),
    generateTag: () => `tag${++tags}`,
  });
  return { timers, layer, sent, sentRequests, requests, acks, cancels, timeouts };
}

function statuses(sent: Array<{ response: SipResponse }>): number[] {
  return sent.map((s) => s.response.status);
}

function inviteTx(h: ReturnType<typeof createHarness>, index = 0): InviteServerTransaction {
  const tx = h.requests[index]?.tx;
  if (tx?.kind !== 'invite') throw new Error('INVITE transaction expected');
  return tx;
}

describe('INVITE server transaction (RFC 3261 §17.2.1)', () => {
  it('RFC 3261 §17.2.1: the server transaction generates a 100 (Trying) and passes the INVITE to the TU', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    expect(statuses(h.sent)).toEqual([100]);
    expect(h.requests).toHaveLength(1);
    expect(inviteTx(h).state).toBe('proceeding');
    expect(getTo(h.sent[0]!.response)?.params.tag).toBeUndefined();
  });

  it('RFC 3261 §17.2.1: a retransmitted INVITE in Proceeding gets the most recent provisional response and does not reach the TU', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 180, { toTag: 'x1' }));
    h.layer.receiveRequest(makeRequest(), UDP);
    expect(statuses(h.sent)).toEqual([100, 180, 180]);
    expect(h.requests).toHaveLength(1);
    expect(h.layer.stats().retransmissionsAbsorbed).toBe(1);
  });

  it('RFC 3261 §17.2.1: the server transaction retransmits the final response when the INVITE is retransmitted', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 486, { toTag: 'x1' }));
    expect(tx.state).toBe('completed');
    h.layer.receiveRequest(makeRequest(), UDP);
    expect(statuses(h.sent)).toEqual([100, 486, 486]);
    expect(h.requests).toHaveLength(1);
  });

  it('RFC 3261 §17.2.1: over UDP Timer G retransmits the final response at T1, doubling up to T2, until Timer H (64*T1) tells the TU', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 480, { toTag: 'x1' }));
    h.timers.advance(40_000);
    const times = h.sent.filter((s) => s.response.status === 480).map((s) => s.at);
    // 0, then +500, +1000, +2000, +4000, +4000 ... while t < 32000.
    expect(times.slice(0, 6)).toEqual([0, 500, 1500, 3500, 7500, 11500]);
    expect(times.at(-1)).toBe(31500);
    expect(times).toHaveLength(11); // the original and 10 retransmissions
    expect(tx.state).toBe('terminated');
    expect(h.timeouts).toEqual([tx]);
    expect(h.layer.stats().serverTransactions).toBe(0);
    expect(h.timers.pendingCount()).toBe(0);
  });

  it('RFC 3261 §17.2.1: over a reliable transport Timer G is not started, Timer H still is', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ transport: 'TCP' }), TCP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 480, { toTag: 'x1' }));
    h.timers.advance(31_999);
    expect(statuses(h.sent)).toEqual([100, 480]);
    expect(tx.state).toBe('completed');
    h.timers.advance(1);
    expect(tx.state).toBe('terminated');
    expect(h.timeouts).toHaveLength(1);
  });

  it('RFC 3261 §17.2.1: an ACK in Completed moves to Confirmed, stops retransmissions, and Timer I (T4) ends the transaction', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 603, { toTag: 'x1' }));
    h.timers.advance(600); // one Timer G retransmission
    h.layer.receiveRequest(makeRequest({ method: 'ACK', toTag: 'x1', cseqMethod: 'ACK' }), UDP);
    expect(tx.state).toBe('confirmed');
    expect(h.acks).toHaveLength(0);
    // ACK retransmissions are absorbed in Confirmed.
    h.layer.receiveRequest(makeRequest({ method: 'ACK', toTag: 'x1', cseqMethod: 'ACK' }), UDP);
    expect(h.acks).toHaveLength(0);
    h.timers.advance(4_999);
    expect(tx.state).toBe('confirmed');
    h.timers.advance(1);
    expect(tx.state).toBe('terminated');
    expect(statuses(h.sent)).toEqual([100, 603, 603]);
    expect(h.timeouts).toHaveLength(0);
  });

  it('RFC 3261 §17.2.1: Timer I is zero on reliable transports', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ transport: 'TCP' }), TCP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 603, { toTag: 'x1' }));
    h.layer.receiveRequest(
      makeRequest({ method: 'ACK', toTag: 'x1', cseqMethod: 'ACK', transport: 'TCP' }),
      TCP,
    );
    expect(tx.state).toBe('terminated');
    expect(h.timers.pendingCount()).toBe(0);
  });

  it('RFC 3261 §17.2.1 / RFC 6026 §7.1: the transaction never retransmits a 2xx; in Accepted it absorbs INVITE retransmissions until Timer L', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    const ok = createResponse(tx.request, 200, { toTag: 'x1' });
    tx.respond(ok);
    expect(tx.state).toBe('accepted');
    h.layer.receiveRequest(makeRequest(), UDP);
    h.timers.advance(10_000);
    expect(statuses(h.sent)).toEqual([100, 200]);
    expect(h.requests).toHaveLength(1);
    // The TU's own retransmission passes through.
    expect(tx.respond(ok)).toBe(true);
    expect(statuses(h.sent)).toEqual([100, 200, 200]);
    h.timers.advance(22_000);
    expect(tx.state).toBe('terminated');
  });

  it('RFC 3261 §17.2.1: a final response from the TU after the final response is refused', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    expect(tx.respond(createResponse(tx.request, 486, { toTag: 'x1' }))).toBe(true);
    expect(tx.respond(createResponse(tx.request, 200, { toTag: 'x1' }))).toBe(false);
    expect(statuses(h.sent)).toEqual([100, 486]);
  });

  it('RFC 3261 §17.2.1: the ACK for a 2xx matches no transaction and goes to the TU', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 200, { toTag: 'x1' }));
    h.layer.receiveRequest(
      makeRequest({ method: 'ACK', branch: 'z9hG4bKack2', toTag: 'x1', cseqMethod: 'ACK' }),
      UDP,
    );
    expect(h.acks).toHaveLength(1);
  });

  it('RFC 6026 §7.1: an ACK matching a transaction in Accepted is passed to the TU', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 200, { toTag: 'x1' }));
    h.layer.receiveRequest(makeRequest({ method: 'ACK', toTag: 'x1', cseqMethod: 'ACK' }), UDP);
    expect(h.acks).toHaveLength(1);
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('RFC 3261 §17.2.2: retransmissions in Trying are discarded', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    expect(h.sent).toHaveLength(0);
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0]!.tx.state).toBe('trying');
  });

  it('RFC 3261 §17.2.2: in Proceeding a retransmission gets the last provisional response', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'BYE', toTag: 'a' }), UDP);
    const tx = h.requests[0]!.tx;
    tx.respond(createResponse(tx.request, 183));
    expect(tx.state).toBe('proceeding');
    h.layer.receiveRequest(makeRequest({ method: 'BYE', toTag: 'a' }), UDP);
    expect(statuses(h.sent)).toEqual([183, 183]);
  });

  it('RFC 3261 §17.2.2: in Completed a retransmission gets the final response until Timer J (64*T1) fires', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    const tx = h.requests[0]!.tx;
    tx.respond(createResponse(tx.request, 200, { toTag: 'o1' }));
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    expect(statuses(h.sent)).toEqual([200, 200]);
    h.timers.advance(31_999);
    expect(tx.state).toBe('completed');
    h.timers.advance(1);
    expect(tx.state).toBe('terminated');
    // After Timer J a copy of the request is a new transaction.
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    expect(h.requests).toHaveLength(2);
  });

  it('RFC 3261 §17.2.2: Timer J is zero on reliable transports', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS', transport: 'TCP' }), TCP);
    const tx = h.requests[0]!.tx;
    tx.respond(createResponse(tx.request, 200, { toTag: 'o1' }));
    expect(tx.state).toBe('terminated');
    expect(h.layer.stats().serverTransactions).toBe(0);
  });
});

describe('matching requests to server transactions (RFC 3261 §17.2.3)', () => {
  it('RFC 3261 §17.2.3: the same branch from another sent-by is another transaction', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS', sentBy: 'other.example.com' }), UDP);
    expect(h.requests).toHaveLength(2);
  });

  it('RFC 3261 §17.2.3: the same branch with another method is another transaction', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'INFO' }), UDP);
    expect(h.requests.map((r) => r.request.method)).toEqual(['OPTIONS', 'INFO']);
  });

  it('RFC 3261 §17.2.3: sent-by hosts compare case-insensitively', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS', sentBy: 'SRC.example.COM:5060' }), UDP);
    expect(h.requests).toHaveLength(1);
  });

  it('RFC 3261 §17.2.3: without the magic cookie, a retransmission is matched on Request-URI, tags, Call-ID, CSeq and top Via (RFC 2543)', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ branch: null }), UDP);
    h.layer.receiveRequest(makeRequest({ branch: null }), UDP);
    expect(h.requests).toHaveLength(1);
    h.layer.receiveRequest(makeRequest({ branch: null, cseq: 2 }), UDP);
    expect(h.requests).toHaveLength(2);
  });

  it('RFC 3261 §17.2.3: a bare magic cookie branch is not an RFC 3261 branch', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ branch: 'z9hG4bK' }), UDP);
    h.layer.receiveRequest(makeRequest({ branch: 'z9hG4bK', cseq: 2 }), UDP);
    expect(h.requests).toHaveLength(2);
  });

  it('RFC 3261 §17.2.3: an RFC 2543 ACK matches when its To tag equals the tag of the response sent', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ branch: null }), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 486, { toTag: 'r1' }));
    h.layer.receiveRequest(
      makeRequest({ method: 'ACK', branch: null, toTag: 'other', cseqMethod: 'ACK' }),
      UDP,
    );
    expect(tx.state).toBe('completed');
    expect(h.acks).toHaveLength(1);
    h.layer.receiveRequest(
      makeRequest({ method: 'ACK', branch: null, toTag: 'r1', cseqMethod: 'ACK' }),
      UDP,
    );
    expect(tx.state).toBe('confirmed');
    expect(h.acks).toHaveLength(1);
  });
});

describe('CANCEL (RFC 3261 §9.2)', () => {
  it('RFC 3261 §9.2: a CANCEL for a proceeding INVITE gets 200, the TU is told, and the INVITE gets 487', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    expect(h.cancels).toHaveLength(1);
    expect(h.sent.map((s) => `${s.response.status} ${getHeader(s.response, 'CSeq')}`)).toEqual([
      '100 1 INVITE',
      '200 1 CANCEL',
      '487 1 INVITE',
    ]);
    // Same To tag on the 200 to CANCEL and the 487.
    expect(getTo(h.sent[1]!.response)?.params.tag).toBe(getTo(h.sent[2]!.response)?.params.tag);
    expect(tx.state).toBe('completed');
    // The CANCEL does not reach the TU as a request.
    expect(h.requests).toHaveLength(1);
    // The TU's late answer is refused.
    expect(tx.respond(createResponse(tx.request, 200, { toTag: 'late' }))).toBe(false);
  });

  it('RFC 3261 §9.2: the 487 and the 200 to CANCEL reuse the To tag of a provisional response already sent', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 180, { toTag: 'early' }));
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    expect(h.sent.slice(2).map((s) => getTo(s.response)?.params.tag)).toEqual(['early', 'early']);
  });

  it('RFC 3261 §9.2: a CANCEL after the final response gets 200 and has no effect', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    const tx = inviteTx(h);
    tx.respond(createResponse(tx.request, 200, { toTag: 'x1' }));
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    expect(statuses(h.sent)).toEqual([100, 200, 200]);
    expect(getHeader(h.sent[2]!.response, 'CSeq')).toBe('1 CANCEL');
    expect(getTo(h.sent[2]!.response)?.params.tag).toBe('x1');
    expect(h.cancels).toHaveLength(0);
  });

  it('RFC 3261 §9.2: a CANCEL matching no transaction gets 481', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    expect(statuses(h.sent)).toEqual([481]);
    expect(h.layer.stats().cancelsUnmatched).toBe(1);
  });

  it('RFC 3261 §9.2: a retransmitted CANCEL is absorbed by its own transaction', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    expect(statuses(h.sent)).toEqual([100, 200, 487, 200]);
    expect(h.cancels).toHaveLength(1);
  });

  it('RFC 3261 §9.2: when the TU answers the INVITE during onCancel, no 487 follows', () => {
    const h = createHarness({
      onCancel: (_cancel, invite) => {
        invite.respond(createResponse(invite.request, 486, { toTag: 'busy' }));
      },
    });
    h.layer.receiveRequest(makeRequest(), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'CANCEL' }), UDP);
    expect(statuses(h.sent)).toEqual([100, 200, 486]);
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  function makeBye(branch = 'z9hG4bKbye1'): SipRequest {
    return makeRequest({ method: 'BYE', branch, sentBy: '192.0.2.1:5060', toTag: 'a' });
  }

  it('RFC 3261 §17.1.2.2: over UDP Timer E retransmits at T1 doubling up to T2, and Timer F (64*T1) times out', () => {
    const h = createHarness();
    const timeouts: number[] = [];
    h.layer.sendRequest(makeBye(), UDP, {
      onResponse: () => {},
      onTimeout: () => timeouts.push(h.timers.now()),
    });
    h.timers.advance(40_000);
    const times = h.sentRequests.map((s) => s.at);
    expect(times.slice(0, 6)).toEqual([0, 500, 1500, 3500, 7500, 11500]);
    expect(times.at(-1)).toBe(31500);
    expect(timeouts).toEqual([32_000]);
    expect(h.layer.stats().clientTransactions).toBe(0);
  });

  it('RFC 3261 §17.1.2.2: a final response stops retransmission and goes to the TU; its retransmissions are absorbed', () => {
    const h = createHarness();
    const responses: number[] = [];
    const bye = makeBye();
    const tx = h.layer.sendRequest(bye, UDP, {
      onResponse: (r) => responses.push(r.status),
      onTimeout: () => responses.push(408),
    });
    h.timers.advance(600);
    h.layer.receiveResponse(createResponse(bye, 200), UDP);
    h.layer.receiveResponse(createResponse(bye, 200), UDP);
    h.timers.advance(40_000);
    expect(responses).toEqual([200]);
    expect(h.sentRequests).toHaveLength(2);
    expect(tx.state).toBe('terminated');
  });

  it('RFC 3261 §17.1.3: a response whose branch matches no client transaction is dropped', () => {
    const h = createHarness();
    const responses: number[] = [];
    h.layer.sendRequest(makeBye(), UDP, {
      onResponse: (r) => responses.push(r.status),
      onTimeout: () => {},
    });
    h.layer.receiveResponse(createResponse(makeBye('z9hG4bKother'), 200), UDP);
    expect(responses).toEqual([]);
    expect(h.layer.stats().strayResponses).toBe(1);
  });

  it('RFC 3261 §17.1.2.2: over a reliable transport there is no Timer E', () => {
    const h = createHarness();
    h.layer.sendRequest(makeBye(), TCP, { onResponse: () => {}, onTimeout: () => {} });
    h.timers.advance(31_000);
    expect(h.sentRequests).toHaveLength(1);
  });
});

describe('transaction layer housekeeping', () => {
  it('close() terminates every transaction and leaves no timer behind', () => {
    const h = createHarness();
    h.layer.receiveRequest(makeRequest(), UDP);
    h.layer.receiveRequest(makeRequest({ method: 'OPTIONS', branch: 'z9hG4bKo' }), UDP);
    inviteTx(h).respond(createResponse(inviteTx(h).request, 500, { toTag: 'e' }));
    expect(h.layer.stats().serverTransactions).toBe(2);
    h.layer.close();
    expect(h.layer.stats().serverTransactions).toBe(0);
    expect(h.timers.pendingCount()).toBe(0);
  });
});
