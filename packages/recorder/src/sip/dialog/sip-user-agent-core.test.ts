import { describe, expect, it } from 'vitest';
import {
  createResponse,
  getCSeq,
  getHeader,
  getHeaders,
  getTo,
  getVias,
  parseDatagram,
  serializeMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import { createFakeTimerService } from '../transaction/index.js';
import type { SipDestination, SipSource } from '../transport/sip-transport.js';
import { createFakeUserAgentHandler } from './fake-user-agent-handler.js';
import { createSipUserAgentCore, type SipUasAnswer } from './sip-user-agent-core.js';
import { addressDialogRequest, resolveNextHop, type SipDialog } from './sip-dialog.js';

const SRC: SipSource = { transport: 'udp', address: '192.0.2.10', port: 5060 };
const SDP_OFFER =
  'v=0\r\no=src 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n';
const SDP_ANSWER =
  'v=0\r\no=srs 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\na=recvonly\r\n';
const OK: SipUasAnswer = {
  status: 200,
  body: Buffer.from(SDP_ANSWER),
  contentType: 'application/sdp',
};

interface RequestOptions {
  method?: string;
  branch?: string;
  cseq?: number;
  toTag?: string;
  fromTag?: string;
  callId?: string;
  body?: string;
  contentType?: string;
  contact?: string | null;
  extra?: string[];
  uri?: string;
}

let branchCounter = 0;

function makeRequest(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const body = o.body ?? '';
  const lines = [
    `${method} ${o.uri ?? 'sip:srs@192.0.2.1'} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=${o.branch ?? `z9hG4bKc${++branchCounter}`}`,
    'Max-Forwards: 70',
    `To: <sip:srs@192.0.2.1>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `From: <sip:src@example.com>;tag=${o.fromTag ?? 'rt1'}`,
    `Call-ID: ${o.callId ?? 'call-1@192.0.2.10'}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    ...(o.contact === null ? [] : [`Contact: ${o.contact ?? '<sip:src@192.0.2.10:5060>'}`]),
    ...(o.extra ?? []),
    ...(body.length > 0 ? [`Content-Type: ${o.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  const msg = parseDatagram(Buffer.from(lines.join('\r\n')));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

function createHarness(autoAnswer?: (request: SipRequest) => SipUasAnswer) {
  const timers = createFakeTimerService();
  const handler = createFakeUserAgentHandler(autoAnswer);
  const sent: Array<{ at: number; message: SipMessage; destination: SipDestination }> = [];
  let tags = 0;
  let branches = 0;
  const core = createSipUserAgentCore({
    timers,
    handler,
    userAgent: 'Callvault-test',
    generateTag: () => `lt${++tags}`,
    generateBranch: () => `z9hG4bKsrs${++branches}`,
    random: () => 0.5,
  });
  core.connect({
    send: (message, destination) => {
      // Everything the core emits must serialize: it goes on the wire as it is.
      serializeMessage(message);
      sent.push({ at: timers.now(), message, destination });
    },
    getLocalAddress: (transport) => ({
      address: '192.0.2.1',
      port: transport === 'udp' ? 5060 : 5070,
    }),
  });
  const responses = (): SipResponse[] =>
    sent.flatMap((s) => (s.message.kind === 'response' ? [s.message] : []));
  const requests = (): SipRequest[] =>
    sent.flatMap((s) => (s.message.kind === 'request' ? [s.message] : []));
  const summary = (): string[] =>
    responses().map((r) => `${r.status} ${getHeader(r, 'CSeq') ?? ''}`);
  return { timers, handler, core, sent, responses, requests, summary };
}

/** Lets the handler's promises settle. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function establish(
  h: ReturnType<typeof createHarness>,
  invite = makeRequest({ body: SDP_OFFER }),
) {
  h.handler.autoAnswer = () => OK;
  h.core.receive(invite, SRC);
  await flush();
  h.handler.autoAnswer = undefined;
  const ok = h.responses().find((r) => r.status === 200);
  const localTag = ok ? getTo(ok)?.params.tag : undefined;
  if (typeof localTag !== 'string') throw new Error('no 200 with a To tag');
  const dialog = h.core.listDialogs()[0];
  if (!dialog) throw new Error('no dialog');
  return { ok: ok!, localTag, dialog };
}

function ackFor(localTag: string, cseq = 1): SipRequest {
  return makeRequest({ method: 'ACK', toTag: localTag, cseq, contact: null });
}

describe('OPTIONS and method checks (RFC 3261 §8.2.1, §11.2)', () => {
  it('RFC 3261 §11.2: OPTIONS outside a dialog gets 200 with Allow, Accept and Supported', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ method: 'OPTIONS' }), SRC);
    const [res] = h.responses();
    expect(res?.status).toBe(200);
    expect(getHeader(res!, 'Allow')).toBe('INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE');
    expect(getHeader(res!, 'Accept')).toBe(
      'application/sdp, application/rs-metadata+xml, application/rs-metadata, multipart/mixed',
    );
    expect(getHeader(res!, 'Supported')).toBe('siprec');
    expect(getHeader(res!, 'Server')).toBe('Callvault-test');
    expect(getTo(res!)?.params.tag).toBe('lt1');
  });

  it('RFC 3261 §11.2: OPTIONS inside a dialog gets 200 with the dialog tag', async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.core.receive(makeRequest({ method: 'OPTIONS', toTag: localTag, cseq: 2 }), SRC);
    const res = h.responses().at(-1)!;
    expect(res.status).toBe(200);
    expect(getTo(res)?.params.tag).toBe(localTag);
    expect(getHeader(res, 'Allow')).toContain('UPDATE');
  });

  it("RFC 3261 §21.5.4: OPTIONS outside a dialog gets the TU's refusal (503 while draining); inside a dialog still 200", async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.handler.refuseOptions = () => ({
      status: 503,
      headers: [{ name: 'Retry-After', value: '30' }],
    });
    h.core.receive(makeRequest({ method: 'OPTIONS', callId: 'probe' }), SRC);
    const refused = h.responses().at(-1)!;
    expect(refused.status).toBe(503);
    expect(getHeader(refused, 'Retry-After')).toBe('30');
    expect(getHeader(refused, 'Allow')).toBeUndefined();
    h.core.receive(makeRequest({ method: 'OPTIONS', toTag: localTag, cseq: 2 }), SRC);
    expect(h.responses().at(-1)?.status).toBe(200);
    h.handler.refuseOptions = () => undefined;
    h.core.receive(makeRequest({ method: 'OPTIONS', callId: 'probe-2' }), SRC);
    expect(h.responses().at(-1)?.status).toBe(200);
  });

  it('RFC 3261 §8.2.1: an unknown method gets 501', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ method: 'FROBNICATE' }), SRC);
    expect(h.summary()).toEqual(['501 1 FROBNICATE']);
  });

  it('RFC 3261 §8.2.1: a known method the recorder does not allow gets 405 with Allow', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ method: 'MESSAGE' }), SRC);
    const [res] = h.responses();
    expect(res?.status).toBe(405);
    expect(getHeader(res!, 'Allow')).toBe('INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE');
  });

  it('RFC 3261 §8.2.3: a body of a type the recorder does not understand gets 415 with Accept', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ body: 'hello', contentType: 'text/plain' }), SRC);
    const res = h.responses().at(-1)!;
    expect(res.status).toBe(415);
    expect(getHeader(res, 'Accept')).toContain('application/rs-metadata+xml');
    expect(h.handler.events).toHaveLength(0);
  });

  it('RFC 3261 §8.2.2.3: Require with an unknown extension gets 420, Require: siprec is accepted', async () => {
    const h = createHarness(() => OK);
    h.core.receive(makeRequest({ extra: ['Require: 100rel'] }), SRC);
    h.core.receive(makeRequest({ extra: ['Require: siprec'], callId: 'c2' }), SRC);
    await flush();
    expect(h.summary()).toEqual(['100 1 INVITE', '420 1 INVITE', '100 1 INVITE', '200 1 INVITE']);
    expect(getHeader(h.responses()[1]!, 'Unsupported')).toBe('100rel');
  });
});

describe('dialog creation (RFC 3261 §12.1.1, §13.3.1)', () => {
  it('RFC 3261 §12.1.1: the 2xx to INVITE carries the local tag, our Contact and the Record-Route of the request, and creates the dialog', async () => {
    const h = createHarness();
    const invite = makeRequest({
      body: SDP_OFFER,
      extra: [
        'Record-Route: <sip:p2.example.com;lr>',
        'Record-Route: <sip:192.0.2.20;lr>, <sip:p0.example.com;lr>',
      ],
    });
    h.core.receive(invite, SRC);
    expect(h.summary()).toEqual(['100 1 INVITE']);
    const [event] = h.handler.events;
    expect(event?.kind).toBe('invite');
    const pending = h.handler.pending[0]!;
    expect(pending.ctx).toMatchObject({
      callId: 'call-1@192.0.2.10',
      localTag: 'lt1',
      remoteTag: 'rt1',
      source: SRC,
    });
    pending.resolve(OK);
    await flush();
    const ok = h.responses()[1]!;
    expect(ok.status).toBe(200);
    expect(getTo(ok)?.params.tag).toBe('lt1');
    expect(getHeader(ok, 'Contact')).toBe('<sip:192.0.2.1:5060>');
    expect(getHeaders(ok, 'Record-Route')).toEqual([
      '<sip:p2.example.com;lr>',
      '<sip:192.0.2.20;lr>',
      '<sip:p0.example.com;lr>',
    ]);
    expect(getHeader(ok, 'Content-Type')).toBe('application/sdp');
    expect(Buffer.from(ok.body).toString()).toBe(SDP_ANSWER);
    const dialog = h.core.getDialog(pending.ctx.dialogId);
    expect(dialog).toMatchObject({
      callId: 'call-1@192.0.2.10',
      localTag: 'lt1',
      remoteTag: 'rt1',
      remoteTarget: 'sip:src@192.0.2.10:5060',
      routeSet: ['<sip:p2.example.com;lr>', '<sip:192.0.2.20;lr>', '<sip:p0.example.com;lr>'],
      remoteSeq: 1,
      state: 'awaiting-ack',
    });
  });

  it('RFC 3261 §18.2.2: over TCP the Contact names the TCP transport', async () => {
    const h = createHarness(() => OK);
    const tcp: SipSource = {
      transport: 'tcp',
      address: '192.0.2.10',
      port: 40123,
      connectionId: 'k',
    };
    h.core.receive(makeRequest({ body: SDP_OFFER }), tcp);
    await flush();
    expect(getHeader(h.responses()[1]!, 'Contact')).toBe('<sip:192.0.2.1:5070;transport=tcp>');
    expect(h.sent.every((s) => s.destination === tcp)).toBe(true);
  });

  it('RFC 3261 §13.3.1.4: the 200 OK to INVITE is retransmitted at T1, doubling up to T2, until the ACK, and the ACK stops it', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.timers.advance(10_000);
    const okTimes = h.sent
      .filter((s) => s.message.kind === 'response' && s.message.status === 200)
      .map((s) => s.at);
    // 0, +500, +1000, +2000, +4000, +4000 ... within 10 s.
    expect(okTimes).toEqual([0, 500, 1500, 3500, 7500]);
    h.core.receive(ackFor(localTag), SRC);
    expect(h.core.getDialog(dialog.id)?.state).toBe('confirmed');
    expect(h.handler.events.map((e) => e.kind)).toEqual(['invite', 'ack']);
    const before = h.sent.length;
    h.timers.advance(60_000);
    expect(h.sent.length).toBe(before);
    expect(h.core.stats().okRetransmissions).toBe(4);
    expect(h.timers.pendingCount()).toBe(0);
  });

  it('RFC 3261 §13.3.1.4: the 200 OK is retransmitted over TCP as well (the reliability of 2xx is end to end)', async () => {
    const h = createHarness(() => OK);
    const tcp: SipSource = {
      transport: 'tcp',
      address: '192.0.2.10',
      port: 40123,
      connectionId: 'k',
    };
    h.core.receive(makeRequest({ body: SDP_OFFER }), tcp);
    await flush();
    h.timers.advance(600);
    expect(h.summary()).toEqual(['100 1 INVITE', '200 1 INVITE', '200 1 INVITE']);
  });

  it('RFC 3261 §13.3.1.4: with no ACK after 64*T1 the session is ended with a BYE', async () => {
    const h = createHarness();
    const { dialog } = await establish(
      h,
      makeRequest({ body: SDP_OFFER, extra: ['Record-Route: <sip:192.0.2.30:5080;lr>'] }),
    );
    h.timers.advance(32_000);
    const okCount = h.responses().filter((r) => r.status === 200).length;
    expect(okCount).toBe(11); // the original and 10 retransmissions within 64*T1
    expect(h.handler.events.map((e) => e.kind)).toEqual(['invite', 'ack-timeout']);
    expect(h.core.getDialog(dialog.id)).toBeUndefined();
    const [bye] = h.requests();
    expect(bye?.method).toBe('BYE');
    expect(bye?.uri).toBe('sip:src@192.0.2.10:5060');
    expect(getHeader(bye!, 'Route')).toBe('<sip:192.0.2.30:5080;lr>');
    expect(getHeader(bye!, 'From')).toBe('<sip:srs@192.0.2.1>;tag=lt1');
    expect(getHeader(bye!, 'To')).toBe('<sip:src@example.com>;tag=rt1');
    expect(getHeader(bye!, 'CSeq')).toBe('1 BYE');
    expect(getHeader(bye!, 'User-Agent')).toBe('Callvault-test');
    expect(getVias(bye!)[0]).toMatchObject({
      transport: 'UDP',
      host: '192.0.2.1',
      port: 5060,
      branch: 'z9hG4bKsrs1',
    });
    // The BYE goes to the loose route, an IP literal.
    expect(h.sent.at(-1)?.destination).toEqual({
      transport: 'udp',
      address: '192.0.2.30',
      port: 5080,
    });
    // Its 200 completes the client transaction.
    h.core.receive(createResponse(bye!, 200), SRC);
    expect(h.core.stats()).toMatchObject({ ackTimeouts: 1, clientTransactions: 1 });
    h.timers.advance(5_000); // Timer K
    expect(h.core.stats().clientTransactions).toBe(0);
    expect(h.requests()).toHaveLength(1);
  });

  it('RFC 4475 §3.4.1: an INVITE without Contact (RFC 2543 syntax) is accepted; the dialog targets its source', async () => {
    const h = createHarness(() => OK);
    const tcpSource: SipSource = { ...SRC, transport: 'tcp', port: 40123, connectionId: 'tcp-9' };
    h.core.receive(makeRequest({ contact: null, body: SDP_OFFER }), tcpSource);
    await flush();
    expect(h.summary()).toEqual(['100 1 INVITE', '200 1 INVITE']);
    const [dialog] = h.core.listDialogs();
    expect(dialog?.remoteTarget).toBe('sip:192.0.2.10:40123;transport=tcp');
    // Its requests (a BYE when the recorder ends the session) go back on the same connection.
    expect(resolveNextHop(dialog!.remoteTarget, tcpSource)).toBe(tcpSource);
  });

  it('RFC 3261 §20.10 (liberal reading): an INVITE whose Contact lacks its ">" makes a dialog targeting that URI', async () => {
    const h = createHarness(() => OK);
    h.core.receive(
      makeRequest({ contact: '<sip:src@192.0.2.10:5070;transport=tcp', body: SDP_OFFER }),
      SRC,
    );
    await flush();
    expect(h.summary()).toEqual(['100 1 INVITE', '200 1 INVITE']);
    expect(h.core.listDialogs()[0]?.remoteTarget).toBe('sip:src@192.0.2.10:5070;transport=tcp');
  });

  it('RFC 3261 §21.4.1, RFC 4475 §3.3.1: a request missing Call-ID gets 400 with a Warning 399 saying so', async () => {
    const h = createHarness(() => OK);
    const request = makeRequest({ method: 'OPTIONS' });
    h.core.receive(
      { ...request, headers: request.headers.filter((x) => x.name !== 'Call-ID') },
      SRC,
    );
    await flush();
    const res = h.responses().at(-1)!;
    expect(res.status).toBe(400);
    expect(getHeader(res, 'Warning')).toBe('399 callvault "missing Call-ID"');
  });

  it('RFC 3261 §8.1.1.8: an INVITE whose Contact is not one SIP URI gets 400 and no dialog', async () => {
    const h = createHarness(() => OK);
    h.core.receive(makeRequest({ contact: '<sip:a@192.0.2.10>, <sip:b@192.0.2.10>' }), SRC);
    h.core.receive(makeRequest({ contact: '<tel:+15550100>', callId: 'call-2@192.0.2.10' }), SRC);
    await flush();
    expect(h.summary()).toEqual(['100 1 INVITE', '400 1 INVITE', '100 1 INVITE', '400 1 INVITE']);
    expect(h.handler.events).toHaveLength(0);
  });

  it('RFC 3261 §8.2.6: a refusal from the handler is sent with the local tag and no dialog is made', async () => {
    const h = createHarness(() => ({
      status: 503,
      headers: [{ name: 'Retry-After', value: '30' }],
    }));
    h.core.receive(makeRequest({ body: SDP_OFFER }), SRC);
    await flush();
    const res = h.responses()[1]!;
    expect(res.status).toBe(503);
    expect(getHeader(res, 'Retry-After')).toBe('30');
    expect(getTo(res)?.params.tag).toBe('lt1');
    expect(h.core.listDialogs()).toHaveLength(0);
  });

  it('an answer that cannot be sent (a header with CR LF) is reported and the INVITE fails with 500', async () => {
    const errors: Error[] = [];
    const timers = createFakeTimerService();
    const handler = createFakeUserAgentHandler(() => ({
      status: 200,
      headers: [{ name: 'X-Injected', value: 'a\r\nVia: evil' }],
    }));
    const core = createSipUserAgentCore({ timers, handler, onError: (e) => errors.push(e) });
    const sent: SipMessage[] = [];
    core.connect({
      send: (message) => {
        serializeMessage(message);
        sent.push(message);
      },
      getLocalAddress: () => ({ address: '192.0.2.1', port: 5060 }),
    });
    core.receive(makeRequest({ body: SDP_OFFER }), SRC);
    await flush();
    expect(sent.map((m) => (m.kind === 'response' ? m.status : 0))).toEqual([100, 500]);
    expect(errors).toHaveLength(1);
    expect(core.listDialogs()).toHaveLength(0);
    // Only the 500 is retransmitted (Timer G); no 2xx ever goes out.
    timers.advance(60_000);
    expect(sent.slice(1).every((m) => m.kind === 'response' && m.status === 500)).toBe(true);
  });

  it('a handler that throws makes the INVITE fail with 500', async () => {
    const h = createHarness();
    h.core.receive(makeRequest({ body: SDP_OFFER }), SRC);
    h.handler.pending[0]!.reject(new Error('boom'));
    await flush();
    expect(h.summary()).toEqual(['100 1 INVITE', '500 1 INVITE']);
  });

  it('RFC 3261 §8.2.2.2: the same INVITE arriving with another branch while the first is in progress gets 482', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ branch: 'z9hG4bKpath1', body: SDP_OFFER }), SRC);
    h.core.receive(makeRequest({ branch: 'z9hG4bKpath2', body: SDP_OFFER }), SRC);
    expect(h.summary()).toEqual(['100 1 INVITE', '100 1 INVITE', '482 1 INVITE']);
    expect(h.handler.events).toHaveLength(1);
  });

  it('RFC 3261 §17.2.1: a retransmitted INVITE while the handler works gets 100 again and does not reach the handler', () => {
    const h = createHarness();
    const invite = makeRequest({ branch: 'z9hG4bKsame', body: SDP_OFFER });
    h.core.receive(invite, SRC);
    h.core.receive(invite, SRC);
    expect(h.summary()).toEqual(['100 1 INVITE', '100 1 INVITE']);
    expect(h.handler.events).toHaveLength(1);
    expect(h.core.stats().retransmissionsAbsorbed).toBe(1);
  });
});

describe('CANCEL (RFC 3261 §9.2)', () => {
  it('RFC 3261 §9.2: CANCEL of a pending INVITE: the handler hears it, 200 to CANCEL, 487 to INVITE with the same tag, and a late answer is dropped', async () => {
    const h = createHarness();
    h.core.receive(makeRequest({ branch: 'z9hG4bKinv', body: SDP_OFFER }), SRC);
    h.core.receive(makeRequest({ method: 'CANCEL', branch: 'z9hG4bKinv', contact: null }), SRC);
    expect(h.summary()).toEqual(['100 1 INVITE', '200 1 CANCEL', '487 1 INVITE']);
    expect(
      h
        .responses()
        .slice(1)
        .map((r) => getTo(r)?.params.tag),
    ).toEqual(['lt1', 'lt1']);
    expect(h.handler.events.map((e) => e.kind)).toEqual(['invite', 'cancel']);
    h.handler.pending[0]!.resolve(OK);
    await flush();
    expect(h.summary()).toHaveLength(3);
    expect(h.core.listDialogs()).toHaveLength(0);
    // The ACK for the 487 is absorbed by the INVITE transaction.
    h.core.receive(
      makeRequest({ method: 'ACK', branch: 'z9hG4bKinv', toTag: 'lt1', contact: null }),
      SRC,
    );
    expect(h.handler.events).toHaveLength(2);
  });

  it('RFC 3261 §9.2: a CANCEL matching nothing gets 481', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ method: 'CANCEL', contact: null }), SRC);
    expect(h.summary()).toEqual(['481 1 CANCEL']);
  });
});

describe('requests inside a dialog (RFC 3261 §12.2.2, §14, §15; RFC 3311)', () => {
  it('RFC 3261 §12.2.2: a request with a To tag that matches no dialog gets 481', () => {
    const h = createHarness();
    h.core.receive(makeRequest({ method: 'BYE', toTag: 'nope' }), SRC);
    h.core.receive(makeRequest({ method: 'INVITE', toTag: 'nope' }), SRC);
    expect(h.summary()).toEqual(['481 1 BYE', '100 1 INVITE', '481 1 INVITE']);
  });

  it('RFC 3261 §15.1.2: BYE gets 200, the handler hears it and the dialog ends; a second BYE gets 481', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(makeRequest({ method: 'BYE', toTag: localTag, cseq: 2 }), SRC);
    expect(h.summary().at(-1)).toBe('200 2 BYE');
    expect(h.handler.events.map((e) => e.kind)).toEqual(['invite', 'ack', 'bye']);
    expect(h.core.getDialog(dialog.id)).toBeUndefined();
    h.core.receive(makeRequest({ method: 'BYE', toTag: localTag, cseq: 3 }), SRC);
    expect(h.summary().at(-1)).toBe('481 3 BYE');
  });

  it('RFC 3261 §15.1.2: BYE before the ACK ends the dialog and stops the 2xx retransmission', async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.core.receive(makeRequest({ method: 'BYE', toTag: localTag, cseq: 2 }), SRC);
    const count = h.sent.length;
    h.timers.advance(40_000);
    expect(h.sent.length).toBe(count);
    expect(h.requests()).toHaveLength(0);
  });

  it('RFC 3261 §12.2.2: a request whose CSeq is lower than the remote sequence number gets 500', async () => {
    const h = createHarness();
    const { localTag } = await establish(h, makeRequest({ body: SDP_OFFER, cseq: 10 }));
    h.core.receive(makeRequest({ method: 'OPTIONS', toTag: localTag, cseq: 9 }), SRC);
    expect(h.summary().at(-1)).toBe('500 9 OPTIONS');
    h.core.receive(makeRequest({ method: 'BYE', toTag: localTag, cseq: 11 }), SRC);
    expect(h.summary().at(-1)).toBe('200 11 BYE');
  });

  it('RFC 3261 §14.2: a re-INVITE goes to the handler; its 2xx carries Contact, refreshes the remote target and is retransmitted until its ACK', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(
      makeRequest({
        toTag: localTag,
        cseq: 2,
        body: SDP_OFFER,
        contact: '<sip:src@192.0.2.11:5062>',
      }),
      SRC,
    );
    const pending = h.handler.pending[0]!;
    expect(pending.kind).toBe('reinvite');
    expect(pending.ctx.dialogId).toBe(dialog.id);
    pending.resolve(OK);
    await flush();
    const ok = h.responses().at(-1)!;
    expect(`${ok.status} ${getHeader(ok, 'CSeq')}`).toBe('200 2 INVITE');
    expect(getHeader(ok, 'Contact')).toBe('<sip:192.0.2.1:5060>');
    expect(h.core.getDialog(dialog.id)?.remoteTarget).toBe('sip:src@192.0.2.11:5062');
    h.timers.advance(600);
    expect(h.summary().at(-1)).toBe('200 2 INVITE');
    // An ACK with the old CSeq does not stop it; the right one does.
    h.core.receive(ackFor(localTag, 1), SRC);
    h.core.receive(ackFor(localTag, 2), SRC);
    const count = h.sent.length;
    h.timers.advance(40_000);
    expect(h.sent.length).toBe(count);
    expect(h.handler.events.map((e) => e.kind)).toEqual(['invite', 'ack', 'reinvite', 'ack']);
    expect(h.core.stats().acksDropped).toBe(1);
  });

  it('RFC 4475 §3.4.1: a re-INVITE without Contact (RFC 2543 style) is answered and keeps the remote target', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(makeRequest({ toTag: localTag, cseq: 2, body: SDP_OFFER, contact: null }), SRC);
    const pending = h.handler.pending[0]!;
    expect(pending.kind).toBe('reinvite');
    pending.resolve(OK);
    await flush();
    expect(h.summary().at(-1)).toBe('200 2 INVITE');
    expect(h.core.getDialog(dialog.id)?.remoteTarget).toBe('sip:src@192.0.2.10:5060');
  });

  it('RFC 3311 §5.2: an UPDATE goes to the handler and its 2xx carries Contact', async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(
      makeRequest({ method: 'UPDATE', toTag: localTag, cseq: 2, body: SDP_OFFER }),
      SRC,
    );
    expect(h.handler.pending[0]?.kind).toBe('update');
    h.handler.pending[0]!.resolve(OK);
    await flush();
    const ok = h.responses().at(-1)!;
    expect(`${ok.status} ${getHeader(ok, 'CSeq')}`).toBe('200 2 UPDATE');
    expect(getHeader(ok, 'Contact')).toBe('<sip:192.0.2.1:5060>');
  });

  it('RFC 3261 §14.2: a second re-INVITE while the first is unanswered gets 500 with a Retry-After of 0 to 10 seconds', async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(makeRequest({ toTag: localTag, cseq: 2, body: SDP_OFFER }), SRC);
    h.core.receive(makeRequest({ toTag: localTag, cseq: 3, body: SDP_OFFER }), SRC);
    const res = h.responses().at(-1)!;
    expect(`${res.status} ${getHeader(res, 'CSeq')}`).toBe('500 3 INVITE');
    expect(getHeader(res, 'Retry-After')).toBe('5');
    expect(h.handler.pending).toHaveLength(1);
  });

  it('RFC 3311 §5.2: an UPDATE with an offer while a re-INVITE offer is unanswered gets 500 with Retry-After', async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(makeRequest({ toTag: localTag, cseq: 2, body: SDP_OFFER }), SRC);
    h.core.receive(
      makeRequest({ method: 'UPDATE', toTag: localTag, cseq: 3, body: SDP_OFFER }),
      SRC,
    );
    const res = h.responses().at(-1)!;
    expect(`${res.status} ${getHeader(res, 'CSeq')}`).toBe('500 3 UPDATE');
    expect(getHeader(res, 'Retry-After')).toMatch(/^([0-9]|10)$/);
  });

  it('RFC 3261 §14.2 / RFC 3311 §5.2: a re-INVITE or UPDATE with an offer while our offer in a 2xx awaits its ACK gets 491', async () => {
    const h = createHarness();
    // An INVITE without SDP: our 2xx carries the offer and the ACK must bring the answer.
    const { localTag } = await establish(h, makeRequest({}));
    h.core.receive(makeRequest({ toTag: localTag, cseq: 2, body: SDP_OFFER }), SRC);
    h.core.receive(
      makeRequest({ method: 'UPDATE', toTag: localTag, cseq: 3, body: SDP_OFFER }),
      SRC,
    );
    expect(h.summary().slice(-3)).toEqual(['100 2 INVITE', '491 2 INVITE', '491 3 UPDATE']);
    // Once the ACK with the answer arrives, a re-INVITE is served.
    h.core.receive(ackFor(localTag, 1), SRC);
    h.core.receive(makeRequest({ toTag: localTag, cseq: 4, body: SDP_OFFER }), SRC);
    expect(h.handler.pending.map((p) => p.kind)).toEqual(['reinvite']);
  });

  it('RFC 3261 §15.1.2: BYE while a re-INVITE is pending answers the re-INVITE with 487', async () => {
    const h = createHarness();
    const { localTag } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(makeRequest({ toTag: localTag, cseq: 2, body: SDP_OFFER }), SRC);
    h.core.receive(makeRequest({ method: 'BYE', toTag: localTag, cseq: 3 }), SRC);
    expect(h.summary().slice(-3)).toEqual(['100 2 INVITE', '200 3 BYE', '487 2 INVITE']);
    h.handler.pending[0]!.resolve(OK);
    await flush();
    expect(h.summary()).toHaveLength(5);
  });

  it('RFC 3261 §9.2: CANCEL of a pending re-INVITE answers it 487 and keeps the dialog', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    h.core.receive(
      makeRequest({ toTag: localTag, cseq: 2, body: SDP_OFFER, branch: 'z9hG4bKre' }),
      SRC,
    );
    h.core.receive(
      makeRequest({
        method: 'CANCEL',
        toTag: localTag,
        cseq: 2,
        branch: 'z9hG4bKre',
        contact: null,
      }),
      SRC,
    );
    expect(h.summary().slice(-3)).toEqual(['100 2 INVITE', '200 2 CANCEL', '487 2 INVITE']);
    expect(h.core.getDialog(dialog.id)?.state).toBe('confirmed');
    expect(h.handler.events.at(-1)?.kind).toBe('cancel');
  });

  it('RFC 3261 §15.1.1: terminateDialog sends BYE and resolves with its final status, or 408 when none comes', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    const done = h.core.terminateDialog(dialog.id);
    const bye = h.requests()[0]!;
    expect(bye.method).toBe('BYE');
    expect(h.sent.at(-1)?.destination).toBe(SRC);
    expect(h.core.getDialog(dialog.id)).toBeUndefined();
    h.core.receive(createResponse(bye, 200), SRC);
    await expect(done).resolves.toBe(200);

    const h2 = createHarness();
    const second = await establish(h2);
    const timedOut = h2.core.terminateDialog(second.dialog.id);
    h2.timers.advance(32_000);
    await expect(timedOut).resolves.toBe(408);
    expect(getCSeq(h2.requests()[0]!)).toEqual({ seq: 1, method: 'BYE' });
  });
});

describe('requests we send inside a dialog (OPTIONS probes, UPDATE refreshes)', () => {
  it('RFC 3261 §12.2.1.1: an in-dialog OPTIONS has the remote target as Request-URI, our tag in From, theirs in To, the next CSeq (byte-exact)', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(
      h,
      makeRequest({ body: SDP_OFFER, extra: ['Record-Route: <sip:192.0.2.20;lr>'] }),
    );
    h.core.receive(ackFor(localTag), SRC);
    const done = h.core.sendInDialog(dialog.id, 'OPTIONS', [
      { name: 'Accept', value: 'application/sdp' },
    ]);
    const [options] = h.requests();
    expect(Buffer.from(serializeMessage(options!)).toString()).toBe(
      [
        'OPTIONS sip:src@192.0.2.10:5060 SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKsrs1;rport',
        'Max-Forwards: 70',
        'Route: <sip:192.0.2.20;lr>',
        `From: <sip:srs@192.0.2.1>;tag=${localTag}`,
        'To: <sip:src@example.com>;tag=rt1',
        'Call-ID: call-1@192.0.2.10',
        'CSeq: 1 OPTIONS',
        'Accept: application/sdp',
        'User-Agent: Callvault-test',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    // The loose route's host is the next hop (§8.1.2).
    expect(h.sent.at(-1)?.destination).toEqual({
      transport: 'udp',
      address: '192.0.2.20',
      port: 5060,
    });
    h.core.receive(createResponse(options!, 405), SRC);
    await expect(done).resolves.toBe(405);
    // A probe leaves the dialog as it was; the next request takes the next CSeq.
    expect(h.core.getDialog(dialog.id)?.state).toBe('confirmed');
    void h.core.sendInDialog(dialog.id, 'OPTIONS');
    expect(getCSeq(h.requests().at(-1)!)).toEqual({ seq: 2, method: 'OPTIONS' });
  });

  it('RFC 3261 §17.1.2.2: an unanswered OPTIONS is sent again on Timer E (T1 doubling to T2) and gives 408 at Timer F (64*T1)', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    const done = h.core.sendInDialog(dialog.id, 'OPTIONS');
    h.timers.advance(31_999);
    const sentAt = h.sent.filter((s) => s.message.kind === 'request').map((s) => s.at);
    expect(sentAt.slice(0, 6)).toEqual([0, 500, 1500, 3500, 7500, 11_500]);
    h.timers.advance(1);
    await expect(done).resolves.toBe(408);
    expect(h.core.getDialog(dialog.id)).toBeDefined();
  });

  it('RFC 3311 §5.1: an UPDATE we send carries our Contact; BYE is refused (terminateDialog ends dialogs)', async () => {
    const h = createHarness();
    const { localTag, dialog } = await establish(h);
    h.core.receive(ackFor(localTag), SRC);
    void h.core.sendInDialog(dialog.id, 'UPDATE', [
      { name: 'Session-Expires', value: '1800;refresher=uas' },
    ]);
    const update = h.requests().at(-1)!;
    expect(update.method).toBe('UPDATE');
    expect(getHeader(update, 'Contact')).toBe('<sip:192.0.2.1:5060>');
    expect(getHeader(update, 'Session-Expires')).toBe('1800;refresher=uas');
    await expect(h.core.sendInDialog(dialog.id, 'BYE')).rejects.toThrow(RangeError);
    await expect(h.core.sendInDialog('nope', 'OPTIONS')).rejects.toThrow(RangeError);
  });
});

describe('addressing requests inside a dialog (RFC 3261 §12.2.1.1)', () => {
  const base: SipDialog = {
    id: 'd',
    callId: 'c',
    localTag: 'l',
    remoteTag: 'r',
    localIdentity: '<sip:srs@x>;tag=l',
    remoteIdentity: '<sip:src@y>;tag=r',
    remoteTarget: 'sip:src@192.0.2.10:5060',
    routeSet: [],
    remoteSeq: 1,
    localSeq: 0,
    secure: false,
    source: SRC,
    state: 'confirmed',
  };

  it('RFC 3261 §12.2.1.1: with an empty route set the Request-URI is the remote target and there is no Route', () => {
    expect(addressDialogRequest(base)).toEqual({
      requestUri: 'sip:src@192.0.2.10:5060',
      routes: [],
      nextHop: 'sip:src@192.0.2.10:5060',
    });
  });

  it('RFC 3261 §12.2.1.1: with a loose first route the Request-URI is the remote target and Route is the route set', () => {
    const dialog = { ...base, routeSet: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] };
    expect(addressDialogRequest(dialog)).toEqual({
      requestUri: 'sip:src@192.0.2.10:5060',
      routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'],
      nextHop: 'sip:p1.example.com;lr',
    });
  });

  it('RFC 3261 §12.2.1.1: with a strict first route it becomes the Request-URI (parameters removed) and the remote target the last Route', () => {
    const dialog = {
      ...base,
      routeSet: ['<sip:p1.example.com;maddr=x>', '<sip:p2.example.com;lr>'],
    };
    expect(addressDialogRequest(dialog)).toEqual({
      requestUri: 'sip:p1.example.com',
      routes: ['<sip:p2.example.com;lr>', '<sip:src@192.0.2.10:5060>'],
      nextHop: 'sip:p1.example.com;maddr=x',
    });
  });
});
