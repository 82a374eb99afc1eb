import { describe, expect, it } from 'vitest';
import {
  buildMultipart,
  createResponse,
  getCSeq,
  getHeader,
  getTo,
  parseDatagram,
  parseMultipart,
  serializeMessage,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from '../../sip/message/index.js';
import {
  buildDigestChallenge,
  computeDigestHa1,
  createDigestNonce,
  parseDigestCredentials,
  verifyDigestCredentials,
} from '../../sip/auth/index.js';
import { createClientTransactionTable } from '../../sip/transaction/client-transaction-table.js';
import { createFakeTimerService } from '../../sip/transaction/fake-timer-service.js';
import { DEFAULT_SIP_TIMER_VALUES } from '../../sip/transaction/sip-timers.js';
import type { SipDestination } from '../../sip/transport/sip-transport.js';
import {
  createForwardLeg,
  readAnswerSdp,
  type ForwardFailure,
  type ForwardLegEnvironment,
} from './forward-leg.js';

const VENDOR: SipDestination = { transport: 'udp', address: '198.51.100.7', port: 5060 };
const OFFER = 'v=0\r\no=callvault 1 1 IN IP4 192.0.2.1\r\ns=Callvault SRC\r\n';
const HOLD = 'v=0\r\no=callvault 1 2 IN IP4 192.0.2.1\r\ns=hold\r\n';
const METADATA = '<?xml version="1.0" encoding="UTF-8"?>\n<recording/>';
const ANSWER = 'v=0\r\no=vendor 9 9 IN IP4 198.51.100.7\r\ns=-\r\n';

/** Requests as the vendor receives them: serialized, then parsed again. */
function onTheWire(request: SipRequest): SipRequest {
  const parsed = parseDatagram(serializeMessage(request));
  if (parsed.kind !== 'request') throw new Error('request expected');
  return parsed;
}

function createHarness(overrides: Partial<ForwardLegEnvironment> = {}) {
  const timers = createFakeTimerService();
  const sent: SipRequest[] = [];
  const acks: SipRequest[] = [];
  const table = createClientTransactionTable({
    timers,
    timerValues: DEFAULT_SIP_TIMER_VALUES,
    sendRequest: (request) => sent.push(onTheWire(request)),
    onTimeout: () => {},
  });
  const events: string[] = [];
  const failures: ForwardFailure[] = [];
  let branches = 0;
  const leg = createForwardLeg({
    timers,
    destination: VENDOR,
    requestUri: 'sip:srs@vendor.example.net',
    local: { transport: 'udp', host: '192.0.2.1', port: 5060 },
    callId: 'fwd-1@192.0.2.1',
    localTag: 'cv1',
    generateBranch: () => `z9hG4bKfwd${++branches}`,
    sendRequest: (request, destination, handlers) => table.send(request, destination, handlers),
    sendAck: (request) => acks.push(onTheWire(request)),
    glareDelayMs: () => 3000,
    onEstablished: (sdp) => events.push(`established ${sdp.split('\r\n')[1] ?? ''}`),
    onUpdated: (sdp) => events.push(`updated ${sdp.split('\r\n')[1] ?? ''}`),
    onUpdateRejected: (status) => events.push(`update-rejected ${status}`),
    onFailed: (failure) => {
      failures.push(failure);
      events.push(`failed ${failure.code}`);
    },
    onEnded: () => events.push('ended'),
    ...overrides,
  });
  /** The vendor answers the n-th request sent (default: the last). */
  function respond(
    status: number,
    options: { index?: number; body?: string; headers?: readonly SipHeader[] } = {},
  ): SipResponse {
    const request = sent.at(options.index ?? -1);
    if (!request) throw new Error('nothing sent');
    const withBody = options.body !== undefined && status >= 200 && status < 300;
    const response = createResponse(request, status, {
      toTag: 'v77',
      headers: [
        ...(status >= 200 && status < 300 && request.method === 'INVITE'
          ? [
              { name: 'Record-Route', value: '<sip:sbc.vendor.example.net;lr>' },
              { name: 'Contact', value: '<sip:srs@198.51.100.7:5060>' },
            ]
          : []),
        ...(options.headers ?? []),
      ],
      ...(withBody
        ? { body: Buffer.from(options.body ?? ''), contentType: 'application/sdp' }
        : {}),
    });
    table.receive(response);
    return response;
  }
  const methods = () => sent.map((r) => `${r.method} ${getCSeq(r)?.seq ?? ''}`);
  return { timers, leg, sent, acks, events, failures, respond, methods, table };
}

describe('forwarded session: the INVITE (RFC 7866 §6.1.1)', () => {
  it('RFC 7866 §6.1.1: the SRC INVITE requires siprec, marks its Contact +sip.src and carries the SDP offer and the metadata (Content-Disposition: recording-session)', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER, metadata: METADATA });
    const invite = h.sent[0]!;
    expect(invite.method).toBe('INVITE');
    expect(invite.uri).toBe('sip:srs@vendor.example.net');
    expect(getHeader(invite, 'Require')).toBe('siprec');
    expect(getHeader(invite, 'Contact')).toBe(
      '<sip:callvault@192.0.2.1:5060;transport=udp>;+sip.src',
    );
    expect(getHeader(invite, 'Via')).toBe('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKfwd1;rport');
    expect(getHeader(invite, 'From')).toBe('<sip:callvault@192.0.2.1>;tag=cv1');
    expect(getHeader(invite, 'To')).toBe('<sip:srs@vendor.example.net>');
    expect(getHeader(invite, 'CSeq')).toBe('1 INVITE');
    const contentType = getHeader(invite, 'Content-Type') ?? '';
    const parts = parseMultipart(invite.body, contentType).parts;
    expect(parts.map((p) => p.headers.map((x) => `${x.name}: ${x.value}`))).toEqual([
      ['Content-Type: application/sdp'],
      ['Content-Type: application/rs-metadata+xml', 'Content-Disposition: recording-session'],
    ]);
    expect(parts.map((p) => Buffer.from(p.body).toString())).toEqual([OFFER, METADATA]);
  });

  it('RFC 3261 §13.2.2.4: a 2xx is acknowledged in the dialog (Request-URI the Contact, Route the reversed Record-Route, CSeq number of the INVITE) and establishes the leg with the vendor answer', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER, metadata: METADATA });
    h.respond(180);
    h.respond(200, { body: ANSWER });
    expect(h.leg.state).toBe('established');
    expect(h.events).toEqual(['established o=vendor 9 9 IN IP4 198.51.100.7']);
    const ack = h.acks[0]!;
    expect(ack.uri).toBe('sip:srs@198.51.100.7:5060');
    expect(getHeader(ack, 'Route')).toBe('<sip:sbc.vendor.example.net;lr>');
    expect(getHeader(ack, 'CSeq')).toBe('1 ACK');
    expect(getTo(ack)?.params.tag).toBe('v77');
    expect(getHeader(ack, 'Via')).toBe('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKfwd2;rport');
  });

  it('RFC 6026 §7.2 / RFC 3261 §13.2.2.4: each retransmission of the 2xx is acknowledged again; the host hears of the answer once', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.respond(200, { body: ANSWER });
    h.respond(200, { index: 0, body: ANSWER });
    expect(h.acks).toHaveLength(2);
    expect(h.events).toEqual(['established o=vendor 9 9 IN IP4 198.51.100.7']);
  });

  it('a 503 from the vendor fails the leg with the status and reason; the transaction acknowledges it (RFC 3261 §17.1.1.3)', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.respond(503);
    expect(h.leg.state).toBe('failed');
    expect(h.failures).toEqual([
      {
        code: 'vendor-rejected',
        status: 503,
        reason: 'the vendor answered 503 Service Unavailable',
      },
    ]);
    expect(h.methods()).toEqual(['INVITE 1', 'ACK 1']);
  });

  it('RFC 3261 §17.1.1.2: no answer within Timer B (64*T1) fails the leg as a vendor timeout', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.timers.advance(31_999);
    expect(h.leg.state).toBe('inviting');
    h.timers.advance(1);
    expect(h.failures.map((f) => f.code)).toEqual(['vendor-timeout']);
  });

  it('a 2xx without an SDP answer fails the leg and ends the dialog with BYE', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.respond(200);
    expect(h.failures.map((f) => f.code)).toEqual(['vendor-answer-invalid']);
    expect(h.methods()).toEqual(['INVITE 1', 'BYE 2']);
    h.respond(200);
    expect(h.events).toEqual(['failed vendor-answer-invalid']);
  });
});

describe('forwarded session: digest authentication towards the vendor (RFC 3261 §22.2)', () => {
  const secret = new Uint8Array(32).fill(3);
  const challenge = (realm: string) =>
    buildDigestChallenge({ realm, nonce: createDigestNonce(secret, realm, 0) });

  it('a 401 is answered once: the INVITE again with CSeq 2 and an Authorization the vendor accepts; the 2xx is acknowledged with CSeq 2', () => {
    const h = createHarness({ credentials: { username: 'callvault', password: 'pw' } });
    h.leg.start({ sdp: OFFER, metadata: METADATA });
    h.respond(401, { headers: [{ name: 'WWW-Authenticate', value: challenge('vendor.example') }] });
    // The transaction acknowledges the 401 itself (§17.1.1.3).
    expect(h.methods()).toEqual(['INVITE 1', 'ACK 1', 'INVITE 2']);
    const again = h.sent[2]!;
    expect(getHeader(again, 'Call-ID')).toBe(getHeader(h.sent[0]!, 'Call-ID'));
    const credentials = parseDigestCredentials(getHeader(again, 'Authorization') ?? '');
    expect(
      verifyDigestCredentials({
        credentials: credentials!,
        method: 'INVITE',
        username: 'callvault',
        realm: 'vendor.example',
        ha1: computeDigestHa1('callvault', 'vendor.example', 'pw'),
        secret,
        nowMs: 1,
      }),
    ).toEqual({ ok: true });
    h.respond(200, { body: ANSWER });
    expect(getCSeq(h.acks[0]!)?.seq).toBe(2);
    expect(h.leg.state).toBe('established');
  });

  it('a 407 is answered with Proxy-Authorization; a second challenge is a rejection', () => {
    const h = createHarness({ credentials: { username: 'callvault', password: 'pw' } });
    h.leg.start({ sdp: OFFER });
    h.respond(407, { headers: [{ name: 'Proxy-Authenticate', value: challenge('sbc.example') }] });
    expect(getHeader(h.sent[2]!, 'Proxy-Authorization')).toMatch(/^Digest username="callvault"/);
    h.respond(407, { headers: [{ name: 'Proxy-Authenticate', value: challenge('sbc.example') }] });
    expect(h.failures).toEqual([expect.objectContaining({ code: 'vendor-rejected', status: 407 })]);
  });

  it('stored credentials (realm and H(A1)) answer a challenge of their realm, SHA-256 with its own H(A1); another realm is a rejection that says so', () => {
    const ha1 = {
      md5: computeDigestHa1('callvault', 'vendor.example', 'pw', 'MD5'),
      sha256: computeDigestHa1('callvault', 'vendor.example', 'pw', 'SHA-256'),
    };
    const h = createHarness({
      credentials: { username: 'callvault', realm: 'vendor.example', ha1 },
    });
    h.leg.start({ sdp: OFFER });
    h.respond(401, { headers: [{ name: 'WWW-Authenticate', value: challenge('vendor.example') }] });
    const credentials = parseDigestCredentials(getHeader(h.sent[2]!, 'Authorization') ?? '')!;
    expect(
      verifyDigestCredentials({
        credentials,
        method: 'INVITE',
        username: 'callvault',
        realm: 'vendor.example',
        ha1: ha1.md5,
        secret,
        nowMs: 1,
      }),
    ).toEqual({ ok: true });

    const other = createHarness({
      credentials: { username: 'callvault', realm: 'vendor.example', ha1 },
    });
    other.leg.start({ sdp: OFFER });
    other.respond(401, { headers: [{ name: 'WWW-Authenticate', value: challenge('elsewhere') }] });
    expect(other.failures[0]).toMatchObject({ code: 'vendor-rejected', status: 401 });
    expect(other.failures[0]!.reason).toContain('is not the registered realm "vendor.example"');
  });

  it('without credentials a 401 is a rejection', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.respond(401, { headers: [{ name: 'WWW-Authenticate', value: challenge('vendor.example') }] });
    expect(h.methods()).toEqual(['INVITE 1', 'ACK 1']);
    expect(h.failures[0]).toMatchObject({ code: 'vendor-rejected', status: 401 });
  });
});

describe('forwarded session: mirroring changes (RFC 3261 §14.1)', () => {
  function established() {
    const h = createHarness();
    h.leg.start({ sdp: OFFER, metadata: METADATA });
    h.respond(200, { body: ANSWER });
    return h;
  }

  it('RFC 3261 §14.1: a hold is mirrored as a re-INVITE in the dialog with the next CSeq, and its 2xx is acknowledged', () => {
    const h = established();
    h.leg.update({ sdp: HOLD });
    const reinvite = h.sent.at(-1)!;
    expect(reinvite.method).toBe('INVITE');
    expect(reinvite.uri).toBe('sip:srs@198.51.100.7:5060');
    expect(getHeader(reinvite, 'CSeq')).toBe('2 INVITE');
    expect(getTo(reinvite)?.params.tag).toBe('v77');
    expect(getHeader(reinvite, 'Content-Type')).toBe('application/sdp');
    expect(Buffer.from(reinvite.body).toString()).toBe(HOLD);
    h.respond(200, { body: ANSWER });
    expect(h.acks.map((a) => getHeader(a, 'CSeq'))).toEqual(['1 ACK', '2 ACK']);
    expect(h.events.at(-1)).toBe('updated o=vendor 9 9 IN IP4 198.51.100.7');
  });

  it('RFC 3261 §14.1: no second re-INVITE while one is pending; the latest change goes out after the answer', () => {
    const h = established();
    h.leg.update({ sdp: HOLD });
    h.leg.update({ sdp: OFFER, metadata: METADATA });
    h.leg.update({ sdp: OFFER });
    expect(h.methods()).toEqual(['INVITE 1', 'INVITE 2']);
    h.respond(200, { body: ANSWER });
    expect(h.methods()).toEqual(['INVITE 1', 'INVITE 2', 'INVITE 3']);
    expect(getHeader(h.sent.at(-1)!, 'Content-Type')).toBe('application/sdp');
  });

  it('RFC 3261 §14.1: a change asked for while the INVITE is pending goes out once the leg is established', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.leg.update({ sdp: HOLD });
    expect(h.methods()).toEqual(['INVITE 1']);
    h.respond(200, { body: ANSWER });
    expect(h.methods()).toEqual(['INVITE 1', 'INVITE 2']);
  });

  it('RFC 3261 §14.1: a 491 re-INVITE is sent again after the back-off', () => {
    const h = established();
    h.leg.update({ sdp: HOLD });
    h.respond(491);
    expect(h.methods()).toEqual(['INVITE 1', 'INVITE 2', 'ACK 2']);
    h.timers.advance(2999);
    expect(h.methods()).toHaveLength(3);
    h.timers.advance(1);
    expect(h.methods().at(-1)).toBe('INVITE 3');
    expect(Buffer.from(h.sent.at(-1)!.body).toString()).toBe(HOLD);
  });

  it('RFC 3261 §14.1: another rejection leaves the session as it was', () => {
    const h = established();
    h.leg.update({ sdp: HOLD });
    h.respond(488);
    expect(h.leg.state).toBe('established');
    expect(h.events.at(-1)).toBe('update-rejected 488');
  });

  it.each([408, 481])(
    'RFC 3261 §12.2.1.2: a %i to a re-INVITE means the vendor lost the session: the leg fails',
    (status) => {
      const h = established();
      h.leg.update({ sdp: HOLD });
      h.respond(status);
      expect(h.failures.map((f) => [f.code, f.status])).toEqual([
        ['vendor-stopped-answering', status],
      ]);
    },
  );

  it('a re-INVITE the vendor never answers fails the leg (vendor stopped answering) and sends BYE', () => {
    const h = established();
    h.leg.update({ sdp: HOLD });
    h.timers.advance(32_000);
    expect(h.failures.map((f) => f.code)).toEqual(['vendor-stopped-answering']);
    expect(h.methods().filter((m) => m.startsWith('BYE'))).toEqual(['BYE 3']);
  });

  it('a BYE from the vendor while the call goes on fails the leg', () => {
    const h = established();
    h.leg.receiveBye();
    expect(h.failures.map((f) => f.code)).toEqual(['vendor-ended']);
  });
});

describe('forwarded session: ending (RFC 3261 §9.1, §15.1.1)', () => {
  it('RFC 3261 §15.1.1: ending an established leg sends BYE in the dialog; its final response ends the leg', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.respond(200, { body: ANSWER });
    h.leg.end();
    expect(h.methods()).toEqual(['INVITE 1', 'BYE 2']);
    expect(h.leg.state).toBe('ending');
    h.respond(200);
    expect(h.leg.state).toBe('ended');
    expect(h.events.at(-1)).toBe('ended');
  });

  it('RFC 3261 §9.1: ending before any provisional response waits for one, then CANCELs; the 487 ends the leg', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.leg.end();
    expect(h.methods()).toEqual(['INVITE 1']);
    h.respond(180, { index: 0 });
    const cancel = h.sent.at(-1)!;
    expect(cancel.method).toBe('CANCEL');
    expect(getHeader(cancel, 'Via')).toBe(getHeader(h.sent[0]!, 'Via'));
    expect(getHeader(cancel, 'CSeq')).toBe('1 CANCEL');
    h.respond(200);
    h.respond(487, { index: 0 });
    expect(h.leg.state).toBe('ended');
    expect(h.failures).toEqual([]);
  });

  it('RFC 3261 §15: when a 2xx crosses the end, the leg acknowledges it and sends BYE', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.leg.end();
    h.respond(200, { index: 0, body: ANSWER });
    expect(h.acks).toHaveLength(1);
    expect(h.methods()).toEqual(['INVITE 1', 'BYE 2']);
    h.respond(200);
    expect(h.events).toEqual(['ended']);
  });

  it('a BYE that is never answered still ends the leg (Timer F)', () => {
    const h = createHarness();
    h.leg.start({ sdp: OFFER });
    h.respond(200, { body: ANSWER });
    h.leg.end();
    h.timers.advance(32_000);
    expect(h.leg.state).toBe('ended');
  });
});

describe('readAnswerSdp', () => {
  it('reads the application/sdp part of a multipart 2xx', () => {
    const multipart = buildMultipart([
      { contentType: 'application/sdp', body: ANSWER },
      { contentType: 'application/rs-metadata+xml', body: METADATA },
    ]);
    const response: SipResponse = {
      kind: 'response',
      version: 'SIP/2.0',
      status: 200,
      reason: 'OK',
      headers: [{ name: 'Content-Type', value: multipart.contentType }],
      body: multipart.body,
    };
    expect(readAnswerSdp(response)).toBe(ANSWER);
  });
});
