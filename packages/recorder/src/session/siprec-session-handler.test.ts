import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildMultipart,
  getHeader,
  getTo,
  parseDatagram,
  serializeMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../sip/message/index.js';
import { createSipUserAgentCore } from '../sip/dialog/index.js';
import { createFakeTimerService } from '../sip/transaction/index.js';
import type { SipSource } from '../sip/transport/sip-transport.js';
import { createPortPairAllocator, type PortPairAllocator } from './port-pair-allocator.js';
import { computeDigestHa1, parseDigestCredentials } from '../sip/auth/index.js';
import { computeDigestResponse } from '../sip/auth/digest-auth.js';
import type {
  RecordingOwner,
  RecordingOwnerDecision,
  RecordingPartyCandidate,
  RecordingPolicy,
  RecordingRequestOutcome,
  RecordingSessionClosed,
  RecordingSessionSnapshot,
  RecordingSink,
  RecordingTrunkLookup,
} from './ports.js';
import {
  createSiprecSessionHandler,
  type SiprecSessionHandlerOptions,
} from './siprec-session-handler.js';

const fixture = (name: string): Buffer =>
  fs.readFileSync(new URL(`../../test-fixtures/${name}`, import.meta.url));

const SRC: SipSource = { transport: 'udp', address: '127.0.0.1', port: 5060 };
const ALICE: RecordingOwner = {
  kind: 'person',
  id: 'p-alice',
  displayName: 'Alice',
  participantId: '',
  matchedBy: 'sip-address',
  mode: 'Always',
};

const OFFER_2 = [
  'v=0',
  'o=SRC 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 16000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=label:1',
  'a=sendonly',
  'm=audio 16002 RTP/AVP 8',
  'a=rtpmap:8 PCMA/8000',
  'a=label:2',
  'a=sendonly',
  '',
].join('\r\n');

function metadataXml(participants: Array<[string, string]>, mode = 'complete'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
    `<datamode>${mode}</datamode>`,
    '<session session_id="s1"><sipSessionID>ab12</sipSessionID></session>',
    ...participants.map(
      ([id, aor]) => `<participant participant_id="${id}"><nameID aor="${aor}"/></participant>`,
    ),
    '<stream stream_id="st1" session_id="s1"><label>1</label></stream>',
    '<stream stream_id="st2" session_id="s1"><label>2</label></stream>',
    '</recording>',
  ].join('\n');
}

interface RequestOptions {
  method?: string;
  cseq?: number;
  toTag?: string;
  callId?: string;
  fromTag?: string;
  extra?: string[];
  body?: Uint8Array | string;
  contentType?: string;
}

let branch = 0;
function request(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : Buffer.from(o.body ?? []);
  const head = [
    `${method} sip:srs@127.0.0.1:5080 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKt${++branch}`,
    'Max-Forwards: 70',
    `To: <sip:srs@127.0.0.1:5080>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `From: <sip:src@127.0.0.1>;tag=${o.fromTag ?? 'src1'}`,
    `Call-ID: ${o.callId ?? 'call-1'}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    'Contact: <sip:src@127.0.0.1:5060>',
    ...(o.extra ?? []),
    ...(body.length > 0 ? [`Content-Type: ${o.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  const message = parseDatagram(Buffer.concat([Buffer.from(head), body]));
  if (message.kind !== 'request') throw new Error('request expected');
  return message;
}

function siprecBody(
  sdp: string,
  xml: string | undefined,
  metadataType = 'application/rs-metadata+xml',
) {
  return buildMultipart([
    { contentType: 'application/sdp', body: sdp },
    ...(xml === undefined
      ? []
      : [
          {
            contentType: metadataType,
            headers: [{ name: 'Content-Disposition', value: 'recording-session' }],
            body: xml,
          },
        ]),
  ]);
}

interface FakePolicyOptions {
  trunks?: (source: SipSource) => RecordingTrunkLookup;
  owners?: Record<string, RecordingOwner>;
  refusal?: string;
  /** The policy cannot decide (its database is unreachable): 503 with this Retry-After. */
  unavailable?: number;
  /** Hold every decision until release() is called. */
  hold?: boolean;
  /** Why a call without owners is unattributed (the host's reason), when no one matched. */
  unattributed?: string;
}

function createFakePolicy(o: FakePolicyOptions = {}) {
  const decisions: RecordingPartyCandidate[][] = [];
  const held: Array<() => void> = [];
  const policy: RecordingPolicy = {
    findTrunks: (req) =>
      Promise.resolve(
        o.trunks?.(req.source) ?? {
          ok: true,
          trunks: [{ orgId: 'org-1', trunkId: 'trunk-1', trunkName: 'test trunk' }],
        },
      ),
    async decideOwners(_scope, participants) {
      decisions.push([...participants]);
      if (o.hold) await new Promise<void>((resolve) => held.push(resolve));
      const owners = participants.flatMap((p) => {
        const owner = p.aor === undefined ? undefined : o.owners?.[p.aor];
        return owner ? [{ ...owner, participantId: p.id }] : [];
      });
      if (o.unavailable !== undefined) {
        return {
          owners: [],
          waitingForParticipants: false,
          refusal: {
            status: 503,
            reason: 'database unavailable',
            retryAfterSeconds: o.unavailable,
          },
          notes: [],
        };
      }
      const decision: RecordingOwnerDecision = {
        owners,
        waitingForParticipants: owners.length === 0 && participants.every((p) => p.placeholder),
        ...(o.refusal === undefined ? {} : { refusal: { status: 403, reason: o.refusal } }),
        ...(o.unattributed !== undefined && owners.length === 0
          ? { unattributed: o.unattributed }
          : {}),
        notes: [],
      };
      return decision;
    },
  };
  return { policy, decisions, release: () => held.splice(0).forEach((r) => r()) };
}

function createFakeSink() {
  const opened: RecordingSessionSnapshot[] = [];
  const updated: RecordingSessionSnapshot[] = [];
  const closed: RecordingSessionClosed[] = [];
  const answered: RecordingRequestOutcome[] = [];
  const sink: RecordingSink = {
    sessionOpened: (s) => opened.push(s),
    sessionUpdated: (s) => updated.push(s),
    sessionClosed: (s) => closed.push(s),
    requestAnswered: (a) => answered.push(a),
  };
  return { sink, opened, updated, closed, answered };
}

function createHarness(
  o: {
    policy?: FakePolicyOptions;
    ports?: { min: number; max: number };
    handler?: Partial<SiprecSessionHandlerOptions>;
  } = {},
) {
  const timers = createFakeTimerService(1_700_000_000_000);
  const fakePolicy = createFakePolicy(o.policy ?? { owners: { 'sip:alice@example.com': ALICE } });
  const fakeSink = createFakeSink();
  const logs: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const logAt =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      logs.push({ level, fields, message });
    };
  const ports = createPortPairAllocator(o.ports ?? { min: 20000, max: 20099 });
  let random = 0;
  const handler = createSiprecSessionHandler({
    policy: fakePolicy.policy,
    sink: fakeSink.sink,
    clock: timers,
    logger: {
      debug: logAt('debug'),
      info: logAt('info'),
      warn: logAt('warn'),
      error: logAt('error'),
    },
    ports,
    mediaAddress: '127.0.0.1',
    randomBytes: (n) => Uint8Array.from({ length: n }, () => (random++ * 37) % 256),
    ...o.handler,
  });
  const sent: SipMessage[] = [];
  const core = createSipUserAgentCore({ timers, handler });
  core.connect({
    send: (message) => {
      serializeMessage(message);
      sent.push(message);
    },
    getLocalAddress: () => ({ address: '127.0.0.1', port: 5080 }),
  });
  const responses = (): SipResponse[] => sent.flatMap((m) => (m.kind === 'response' ? [m] : []));
  const last = (): SipResponse => {
    const r = responses().at(-1);
    if (!r) throw new Error('no response');
    return r;
  };
  async function send(req: SipRequest): Promise<SipResponse> {
    core.receive(req, SRC);
    for (let i = 0; i < 8; i++) await new Promise((resolve) => setImmediate(resolve));
    return last();
  }
  async function establish(req: SipRequest): Promise<string> {
    const ok = await send(req);
    expect(ok.status).toBe(200);
    const tag = getTo(ok)?.params.tag;
    if (typeof tag !== 'string') throw new Error('no To tag');
    await send(request({ method: 'ACK', toTag: tag, callId: getHeader(req, 'Call-ID') ?? '' }));
    return tag;
  }
  return {
    timers,
    handler,
    core,
    ports,
    logs,
    sent,
    responses,
    send,
    establish,
    ...fakePolicy,
    ...fakeSink,
  };
}

const text = (r: SipResponse): string => Buffer.from(r.body).toString('utf8');

describe('SIPREC session handler: the SIPp INVITE', () => {
  it('RFC 7866 §8.1.1: answers 200 with an SDP-only body, one recvonly m-line per stream, ports P and P+2', async () => {
    const h = createHarness();
    const invite = parseDatagram(fixture('sip/sipp_siprec_uac_INVITE.sip'));
    if (invite.kind !== 'request') throw new Error('request expected');
    const ok = await h.send(invite);
    expect(ok.status).toBe(200);
    expect(getHeader(ok, 'Content-Type')).toBe('application/sdp');
    const sdp = text(ok);
    expect(sdp).not.toContain('rs-metadata');
    expect([...sdp.matchAll(/^m=audio (\d+) RTP\/AVP 0$/gm)].map((m) => Number(m[1]))).toEqual([
      20000, 20002,
    ]);
    expect(sdp.match(/^a=recvonly$/gm)).toHaveLength(2);
    expect(sdp).toMatch(/^a=label:1$/m);
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]).toMatchObject({
      orgId: 'org-1',
      trunkName: 'test trunk',
      state: 'awaiting-ack',
      ownership: 'owned',
      siprecIndicators: { srcFeatureTag: true, requireSiprec: true, metadataPart: true },
    });
    expect(h.opened[0]?.owners.map((o) => o.id)).toEqual(['p-alice']);
    expect(h.opened[0]?.parties.map((p) => p.aor)).toEqual([
      'sip:alice@example.com',
      'sip:bob@example.net',
    ]);
    expect(h.answered).toEqual([
      { method: 'INVITE', status: 200, callId: '1-29448@127.0.0.1', initial: true },
    ]);
  });

  it('RFC 3261 §15.1.2: ACK makes the session active, BYE closes it, keeps it for its owner and frees the ports', async () => {
    const h = createHarness();
    const invite = parseDatagram(fixture('sip/sipp_siprec_uac_INVITE.sip')) as SipRequest;
    const ok = await h.send(invite);
    const tag = getTo(ok)?.params.tag as string;
    expect(h.ports.inUse).toBe(2);
    await h.send(
      request({
        method: 'ACK',
        toTag: tag,
        callId: '1-29448@127.0.0.1',
        fromTag: '29448SIPpTag001',
      }),
    );
    expect(h.handler.listSessions()[0]?.state).toBe('active');
    expect(h.updated.map((u) => u.state)).toEqual(['active']);
    const bye = await h.send(
      request({
        method: 'BYE',
        toTag: tag,
        callId: '1-29448@127.0.0.1',
        fromTag: '29448SIPpTag001',
        cseq: 2,
      }),
    );
    expect(bye.status).toBe(200);
    expect(h.closed).toHaveLength(1);
    expect(h.closed[0]).toMatchObject({ kept: true, endReason: 'bye', state: 'closed' });
    expect(h.handler.listSessions()).toEqual([]);
    expect(h.ports.inUse).toBe(0);
    expect(h.handler.load).toBe(0);
  });
});

describe('SIPREC session handler: recognition and bodies', () => {
  it('SPEC §5: no +sip.src, no Require: siprec, metadata first and legacy application/rs-metadata are all accepted', async () => {
    const h = createHarness();
    const body = buildMultipart([
      {
        contentType: 'application/rs-metadata',
        body: metadataXml([['pa', 'sip:alice@example.com']]),
      },
      { contentType: 'application/sdp', body: OFFER_2 },
    ]);
    const ok = await h.send(request({ body: body.body, contentType: body.contentType }));
    expect(ok.status).toBe(200);
    expect(h.opened[0]?.siprecIndicators).toEqual({
      srcFeatureTag: false,
      requireSiprec: false,
      metadataPart: true,
    });
    expect(h.opened[0]?.metadataRevisions).toHaveLength(1);
    expect(text(ok)).toMatch(/^m=audio 20000 RTP\/AVP 0 101$/m);
    expect(text(ok)).toMatch(/^m=audio 20002 RTP\/AVP 8$/m);
  });

  it('BroadWorks: the userID and the callType calling/called party numbers are owner candidates', async () => {
    const h = createHarness();
    const xml = fixture('siprec/reconstructed/broadworks-recording-metadata.xml').toString('utf8');
    const body = siprecBody(OFFER_2, xml);
    await h.send(request({ body: body.body, contentType: body.contentType }));
    expect(h.decisions[0]?.slice(-3)).toEqual([
      { id: 'broadworks:userID', broadworksUserId: 'caller@democorp.com', placeholder: false },
      {
        id: 'broadworks:callingPartyNumber',
        aor: 'sip:+1MYPHONENUMBER@SBC_IP',
        placeholder: false,
      },
      {
        id: 'broadworks:calledPartyNumber',
        aor: 'sip:+XXXXXXXXXX@SBC_IP;user=phone',
        placeholder: false,
      },
    ]);
  });

  it('SPEC §5: a plain SDP INVITE without metadata is accepted and waits for participants', async () => {
    const h = createHarness();
    const ok = await h.send(request({ body: OFFER_2 }));
    expect(ok.status).toBe(200);
    expect(h.opened[0]?.ownership).toBe('awaiting-participants');
    // From and To are asked about; neither names an entity.
    expect(h.decisions[0]?.map((c) => c.id)).toEqual(['invite:from', 'invite:to']);
  });

  it('SPEC §5: audio answered 200 is never discarded: a metadata-less call matching no one is kept unattributed', async () => {
    const h = createHarness({ policy: { unattributed: 'no party matches anyone' } });
    const tag = await h.establish(request({ body: OFFER_2 }));
    expect(h.opened[0]).toMatchObject({
      ownership: 'unattributed',
      owners: [],
      unattributedReason: 'the INVITE had no recording metadata; no party matches anyone',
    });
    await h.send(request({ method: 'BYE', toTag: tag, cseq: 2 }));
    expect(h.closed[0]).toMatchObject({
      kept: true,
      ownership: 'unattributed',
      outcome:
        'recorded unattributed: the INVITE had no recording metadata; no party matches anyone',
    });
  });

  it('RFC 7865 §12 / SPEC §5: a DOCTYPE in the metadata is answered 400 and the next INVITE still works', async () => {
    const h = createHarness();
    const evil = siprecBody(
      OFFER_2,
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><recording xmlns="urn:ietf:params:xml:ns:recording:1">&a;</recording>',
    );
    const refused = await h.send(request({ body: evil.body, contentType: evil.contentType }));
    expect(refused.status).toBe(400);
    expect(getHeader(refused, 'Warning')).toMatch(/^399 callvault "recording metadata: /);
    expect(h.answered[0]).toMatchObject({
      status: 400,
      bodyError: { part: 'metadata', code: 'XML_DOCTYPE' },
    });
    expect(h.ports.inUse).toBe(0);
    const good = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    const ok = await h.send(
      request({ body: good.body, contentType: good.contentType, callId: 'call-2' }),
    );
    expect(ok.status).toBe(200);
  });

  it('RFC 2046 §5.1.1: a multipart body whose boundary never appears is answered 400', async () => {
    const h = createHarness();
    const bad = await h.send(
      request({ body: OFFER_2, contentType: 'multipart/mixed;boundary=nothere' }),
    );
    expect(bad.status).toBe(400);
    expect(h.answered[0]?.bodyError?.part).toBe('multipart');
  });

  it('RFC 8866 §5: an SDP part that is not SDP is answered 400', async () => {
    const h = createHarness();
    const bad = siprecBody('this is not sdp', undefined);
    expect((await h.send(request({ body: bad.body, contentType: bad.contentType }))).status).toBe(
      400,
    );
    expect(h.answered[0]?.bodyError?.part).toBe('sdp');
  });

  it('RFC 3261 §13.2.1: a delayed offer (metadata only) gets our offer in the 200, the ACK answer opens capture', async () => {
    const h = createHarness();
    const ok = await h.send(
      request({
        body: metadataXml([['pa', 'sip:alice@example.com']]),
        contentType: 'application/rs-metadata+xml',
      }),
    );
    expect(ok.status).toBe(200);
    expect(text(ok).match(/^a=label:\d$/gm)).toEqual(['a=label:1', 'a=label:2']);
    expect(h.opened).toHaveLength(0);
    const tag = String(getTo(ok)?.params.tag);
    await h.send(request({ method: 'ACK', toTag: tag, body: OFFER_2 }));
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]).toMatchObject({ state: 'active', ownership: 'owned' });
    expect(h.opened[0]?.streams.map((s) => [s.label, s.localPort, s.codec?.name])).toEqual([
      ['1', 20000, 'PCMU'],
      ['2', 20002, 'PCMA'],
    ]);
  });

  it('the CUCM delayed-offer INVITE (fixture): offer labelled as its metadata, answer from the ACK', async () => {
    const h = createHarness({
      policy: { owners: { 'sip:7300@35.162.237.204': { ...ALICE, id: 'p-7300' } } },
    });
    const invite = parseDatagram(fixture('sip/cucm-delayed-offer-INVITE.sip'));
    if (invite.kind !== 'request') throw new Error('request expected');
    const ok = await h.send(invite);
    expect(ok.status).toBe(200);
    expect(getHeader(ok, 'Content-Type')).toBe('application/sdp');
    const offer = text(ok);
    expect(
      [...offer.matchAll(/^m=audio (\d+) RTP\/AVP 0 8 9(?: 18)? 112 113 114 115 111 101$/gm)].map(
        (m) => m[1],
      ),
    ).toEqual(['20000', '20002']);
    expect(offer.match(/^a=label:\d$/gm)).toEqual(['a=label:1', 'a=label:2']);
    expect(h.opened).toHaveLength(0);
    const ack = request({
      method: 'ACK',
      cseq: 101,
      toTag: String(getTo(ok)?.params.tag),
      fromTag: '6B1C7E94-1A4',
      callId: 'e9fffff2-020a598b-86962867-715db0cf@172.31.93.236',
      body: fixture('sip/cucm-delayed-offer-ACK-answer.sdp'),
    });
    await h.send(ack);
    expect(h.opened).toHaveLength(1);
    const opened = h.opened[0];
    expect(opened?.state).toBe('active');
    expect(opened?.owners.map((o) => o.id)).toEqual(['p-7300']);
    expect(
      opened?.streams.map((s) => [s.label, s.localPort, s.codec?.name, s.remote.port]),
    ).toEqual([
      ['1', 20000, 'PCMU', 10292],
      ['2', 20002, 'PCMU', 10294],
    ]);
    expect(h.handler.getSession(opened?.id ?? '')?.state).toBe('active');
  });

  it('an INVITE without metadata (CUBE network-based recording, fixture): owned by the From that matches', async () => {
    const h = createHarness({
      policy: { owners: { 'sip:7301@35.162.237.204': { ...ALICE, id: 'p-7301' } } },
    });
    const invite = parseDatagram(fixture('sip/cube-nbr-no-metadata-INVITE.sip'));
    if (invite.kind !== 'request') throw new Error('request expected');
    const ok = await h.send(invite);
    expect(ok.status).toBe(200);
    expect(h.decisions[0]?.map((c) => c.aor)).toEqual([
      'sip:7301@35.162.237.204',
      'sip:srs@127.0.0.1:5080',
    ]);
    expect(h.opened[0]).toMatchObject({
      ownership: 'owned',
      siprecIndicators: { metadataPart: false },
    });
    expect(h.opened[0]?.owners).toMatchObject([{ id: 'p-7301', participantId: 'invite:from' }]);
  });

  it('endSession: a session whose RTP stopped closes with rtp-timeout and its dialog gets BYE', async () => {
    const ended: string[] = [];
    const h = createHarness({ handler: { terminateDialog: (id) => ended.push(id) } });
    const body = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    await h.establish(request({ body: body.body, contentType: body.contentType }));
    const id = h.opened[0]?.id ?? '';
    expect(h.handler.endSession(id, 'rtp-timeout')).toBe(true);
    expect(h.closed).toMatchObject([{ id, endReason: 'rtp-timeout', kept: true }]);
    expect(ended).toEqual([id]);
    expect(h.ports.inUse).toBe(0);
    expect(h.handler.endSession(id, 'rtp-timeout')).toBe(false);
  });

  it('RFC 4028 §9: a session timer the SRC offers is answered with Session-Expires and Require: timer; below Min-SE, 422', async () => {
    const h = createHarness({ handler: { sessionMinSeSeconds: 120 } });
    const body = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    const small = await h.send(
      request({
        body: body.body,
        contentType: body.contentType,
        extra: ['Supported: timer', 'Session-Expires: 90'],
      }),
    );
    expect(small.status).toBe(422);
    expect(getHeader(small, 'Min-SE')).toBe('120');
    expect(h.opened).toHaveLength(0);
    expect(h.ports.inUse).toBe(0);

    const start = h.timers.now();
    // (The SRC would retry in the same Call-ID with a higher CSeq; the harness ACKs CSeq 1.)
    const tag = await h.establish(
      request({
        callId: 'call-timer',
        body: body.body,
        contentType: body.contentType,
        extra: ['Supported: timer', 'Session-Expires: 1800', 'Min-SE: 120'],
      }),
    );
    const ok = h.responses().find((r) => r.status === 200)!;
    expect(getHeader(ok, 'Session-Expires')).toBe('1800;refresher=uac');
    expect(getHeader(ok, 'Require')).toBe('timer');
    const id = h.opened[0]?.id ?? '';
    expect(h.handler.getSession(id)?.sessionTimer).toEqual({
      intervalMs: 1_800_000,
      refresher: 'uac',
      refreshedAt: start,
    });

    // RFC 4028 §10: a re-INVITE or UPDATE with Session-Expires refreshes the session.
    h.timers.advance(600_000);
    const refresh = await h.send(
      request({
        method: 'UPDATE',
        cseq: 3,
        toTag: tag,
        callId: 'call-timer',
        extra: ['Supported: timer', 'Session-Expires: 1800;refresher=uac'],
      }),
    );
    expect(refresh.status).toBe(200);
    expect(getHeader(refresh, 'Session-Expires')).toBe('1800;refresher=uac');
    expect(h.handler.getSession(id)?.sessionTimer?.refreshedAt).toBe(start + 600_000);

    // A refresh below Min-SE is refused and changes nothing; one without Session-Expires turns
    // the timer off (§9: no Session-Expires, no session timer).
    const tooShort = await h.send(
      request({
        method: 'UPDATE',
        cseq: 4,
        toTag: tag,
        callId: 'call-timer',
        extra: ['Supported: timer', 'Session-Expires: 100'],
      }),
    );
    expect(tooShort.status).toBe(422);
    expect(h.handler.getSession(id)?.sessionTimer?.refreshedAt).toBe(start + 600_000);
    expect(
      (await h.send(request({ method: 'UPDATE', cseq: 5, toTag: tag, callId: 'call-timer' })))
        .status,
    ).toBe(200);
    expect(h.handler.getSession(id)?.sessionTimer).toBeUndefined();
  });

  it('RFC 4028 §10: a session whose timer ran out or whose probe failed closes with that end reason and gets BYE; our refresh restarts the timer', async () => {
    const ended: string[] = [];
    const h = createHarness({ handler: { terminateDialog: (id) => ended.push(id) } });
    const body = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    await h.establish(
      request({
        body: body.body,
        contentType: body.contentType,
        extra: ['Session-Expires: 600', 'Allow: INVITE, ACK, BYE, OPTIONS, UPDATE'],
      }),
    );
    const ok = h.responses().find((r) => r.status === 200)!;
    // The SRC does not support timer: we refresh, and say nothing it must support.
    expect(getHeader(ok, 'Session-Expires')).toBe('600;refresher=uas');
    expect(getHeader(ok, 'Require')).toBeUndefined();
    const id = h.opened[0]?.id ?? '';
    h.timers.advance(300_000);
    h.handler.sessionRefreshed(id);
    expect(h.handler.getSession(id)?.sessionTimer?.refreshedAt).toBe(h.timers.now());
    expect(h.handler.endSession(id, 'session-timer')).toBe(true);
    expect(h.closed).toMatchObject([{ id, endReason: 'session-timer', kept: true }]);

    await h.establish(
      request({ callId: 'call-2', body: body.body, contentType: body.contentType }),
    );
    const second = h.opened[1]?.id ?? '';
    expect(h.handler.endSession(second, 'probe-failed')).toBe(true);
    expect(h.closed[1]).toMatchObject({ id: second, endReason: 'probe-failed' });
    expect(ended).toEqual([id, second]);
    expect(h.ports.inUse).toBe(0);
  });

  it('RFC 3261 §13.2.1: an ACK without an answer to our offer ends the session and the dialog', async () => {
    const ended: string[] = [];
    const h = createHarness({ handler: { terminateDialog: (id) => ended.push(id) } });
    const ok = await h.send(
      request({
        body: metadataXml([['pa', 'sip:alice@example.com']]),
        contentType: 'application/rs-metadata+xml',
      }),
    );
    expect(ok.status).toBe(200);
    await h.send(request({ method: 'ACK', toTag: String(getTo(ok)?.params.tag) }));
    expect(h.opened).toHaveLength(0);
    expect(h.closed).toHaveLength(1);
    expect(ended).toEqual([h.closed[0]?.id]);
    expect(h.ports.inUse).toBe(0);
    expect(h.logs.some((l) => l.level === 'warn' && /carries no SDP answer/.test(l.message))).toBe(
      true,
    );
  });

  it('RFC 4568 §7.1.2: an RTP/SAVP offer is answered RTP/SAVP with our own key, never downgraded', async () => {
    const h = createHarness();
    const theirs = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
    const offer = [
      'v=0',
      'o=SRC 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=audio 16000 RTP/SAVP 0',
      'a=rtpmap:0 PCMU/8000',
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${theirs}`,
      'a=sendonly',
      '',
    ].join('\r\n');
    const ok = await h.send(request({ body: offer }));
    expect(ok.status).toBe(200);
    const sdp = text(ok);
    expect(sdp).toMatch(/^m=audio 20000 RTP\/SAVP 0$/m);
    const key = /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:(\S+)$/m.exec(sdp)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(key).not.toBe(theirs);
  });
});

describe('SIPREC session handler: admission, policy and refusals', () => {
  it('RFC 3261 §22.4: a trunk with credentials is challenged with 401 and WWW-Authenticate, and the recorder checks the answer itself', async () => {
    const digest = {
      username: 'sbc',
      realm: 'rec.example',
      ha1: computeDigestHa1('sbc', 'rec.example', 's3cret'),
    };
    const h = createHarness({
      policy: {
        owners: { 'sip:alice@example.com': ALICE },
        trunks: () => ({
          ok: true,
          trunks: [{ orgId: 'org-1', trunkId: 'trunk-1', trunkName: 'test trunk', digest }],
        }),
      },
    });
    const first = await h.send(request({ body: OFFER_2 }));
    expect(first.status).toBe(401);
    const challenge = getHeader(first, 'WWW-Authenticate') ?? '';
    expect(challenge).toMatch(
      /^Digest realm="rec\.example", nonce="[A-Za-z0-9_-]{32}", algorithm=MD5, qop="auth"$/,
    );
    expect(h.decisions).toEqual([]);
    const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
    const credentials = (password: string): string => {
      const uri = 'sip:srs@127.0.0.1:5080';
      const response = computeDigestResponse({
        ha1: computeDigestHa1('sbc', 'rec.example', password),
        algorithm: 'MD5',
        method: 'INVITE',
        uri,
        nonce,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c1',
      });
      return `Digest username="sbc", realm="rec.example", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`;
    };
    expect(parseDigestCredentials(credentials('s3cret'))).toBeDefined();
    const wrong = await h.send(
      request({
        body: OFFER_2,
        callId: 'call-wrong',
        extra: [`Authorization: ${credentials('guess')}`],
      }),
    );
    expect(wrong.status).toBe(403);
    expect(getHeader(wrong, 'Reason')).toBe(
      'SIP;cause=403;text="digest authentication failed: digest response does not match"',
    );
    const ok = await h.send(
      request({
        body: OFFER_2,
        callId: 'call-right',
        extra: [`Authorization: ${credentials('s3cret')}`],
      }),
    );
    expect(ok.status).toBe(200);
    expect(h.opened[0]).toMatchObject({ trunkId: 'trunk-1', callId: 'call-right' });
  });

  it('SPEC §5: a source outside every trunk gets 403 with a Reason header and nothing else happens', async () => {
    const h = createHarness({
      policy: { trunks: () => ({ ok: false, status: 403, reason: 'source not in any trunk' }) },
    });
    const res = await h.send(request({ body: OFFER_2 }));
    expect(res.status).toBe(403);
    expect(getHeader(res, 'Reason')).toBe('SIP;cause=403;text="source not in any trunk"');
    expect(h.opened).toEqual([]);
  });

  it('RFC 3326: org recording off / external vendor is refused 403 with SIP;cause=403;text="…"', async () => {
    const h = createHarness({ policy: { refusal: 'recording is turned "off" for the org' } });
    const body = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    const res = await h.send(request({ body: body.body, contentType: body.contentType }));
    expect(res.status).toBe(403);
    expect(getHeader(res, 'Reason')).toBe(
      'SIP;cause=403;text="recording is turned  off  for the org"',
    );
    expect(h.ports.inUse).toBe(0);
    expect(
      h.logs.some((l) => l.message.startsWith('refused:') && l.fields.callId === 'call-1'),
    ).toBe(true);
  });

  it('RFC 7866 §9.2: placeholders first, the owner is decided on the UPDATE that names the parties', async () => {
    const h = createHarness();
    const first = siprecBody(OFFER_2, metadataXml([['pa', 'sip:ASBCE@asbce.com']]));
    const tag = await h.establish(request({ body: first.body, contentType: first.contentType }));
    expect(h.opened[0]?.ownership).toBe('awaiting-participants');
    expect(h.decisions[0]?.[0]).toMatchObject({ aor: 'sip:ASBCE@asbce.com', placeholder: true });
    const update = await h.send(
      request({
        method: 'UPDATE',
        toTag: tag,
        cseq: 2,
        body: metadataXml([
          ['pa', 'sip:alice@example.com'],
          ['pb', 'sip:+46701234567@example.com'],
        ]),
        contentType: 'application/rs-metadata+xml',
      }),
    );
    expect(update.status).toBe(200);
    expect(update.body.length).toBe(0);
    const session = h.handler.listSessions()[0];
    expect(session?.ownership).toBe('owned');
    expect(session?.owners.map((o) => [o.id, o.participantId])).toEqual([['p-alice', 'pa']]);
    expect(session?.metadataRevisions.map((r) => r.seq)).toEqual([1, 2]);
    expect(h.updated.at(-1)?.ownership).toBe('owned');
  });

  it('SPEC §5: no owner by BYE: nothing is kept and the log says why', async () => {
    const h = createHarness();
    const first = siprecBody(OFFER_2, metadataXml([['pa', 'sip:ASBCE@asbce.com']]));
    const tag = await h.establish(request({ body: first.body, contentType: first.contentType }));
    await h.send(request({ method: 'BYE', toTag: tag, cseq: 2 }));
    expect(h.closed[0]).toMatchObject({ kept: false, ownership: 'awaiting-participants' });
    const line = h.logs.find((l) => l.message.startsWith('session closed'));
    expect(line).toMatchObject({ level: 'warn', fields: { callId: 'call-1' } });
    expect(line?.message).toMatch(/nothing is kept: the metadata never named a participant/);
  });

  it('SPEC §5: participants that match nobody recorded: accepted, nothing kept at the end', async () => {
    const h = createHarness();
    const first = siprecBody(OFFER_2, metadataXml([['pz', 'sip:zed@elsewhere.example']]));
    const tag = await h.establish(request({ body: first.body, contentType: first.contentType }));
    expect(h.opened[0]?.ownership).toBe('no-owner');
    await h.send(request({ method: 'BYE', toTag: tag, cseq: 2 }));
    expect(h.closed[0]?.outcome).toMatch(/no participant matched/);
  });

  it('RFC 7866 §9.2: an update refused by the policy is answered 403 and nothing is kept', async () => {
    const policy: FakePolicyOptions = { owners: { 'sip:alice@example.com': ALICE } };
    const h = createHarness({ policy });
    const first = siprecBody(OFFER_2, metadataXml([['pa', 'sip:ASBCE@asbce.com']]));
    const tag = await h.establish(request({ body: first.body, contentType: first.contentType }));
    policy.refusal = 'an external vendor records this location';
    const res = await h.send(
      request({
        method: 'UPDATE',
        toTag: tag,
        cseq: 2,
        body: metadataXml([['pa', 'sip:alice@example.com']]),
        contentType: 'application/rs-metadata+xml',
      }),
    );
    expect(res.status).toBe(403);
    expect(getHeader(res, 'Reason')).toContain('external vendor');
    await h.send(request({ method: 'BYE', toTag: tag, cseq: 3 }));
    expect(h.closed[0]).toMatchObject({ kept: false, ownership: 'refused' });
  });
});

describe('SIPREC session handler: the policy cannot decide (its database is unavailable)', () => {
  it('RFC 3261 §21.5.4: an INVITE the policy cannot admit gets 503 with Retry-After, so the SRC fails over', async () => {
    const h = createHarness({
      policy: {
        trunks: () => ({
          ok: false,
          status: 503,
          reason: 'the database is unavailable',
          retryAfterSeconds: 5,
        }),
      },
    });
    const res = await h.send(request({ body: OFFER_2 }));
    expect(res.status).toBe(503);
    expect(getHeader(res, 'Retry-After')).toBe('5');
    expect(getHeader(res, 'Reason')).toBe('SIP;cause=503;text="the database is unavailable"');
    expect(h.decisions).toEqual([]);
    expect(h.opened).toEqual([]);
    expect(h.ports.inUse).toBe(0);
  });

  it('RFC 3261 §21.5.4: an INVITE whose owners cannot be decided gets 503 with Retry-After and holds no ports', async () => {
    const h = createHarness({ policy: { unavailable: 9 } });
    const body = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    const res = await h.send(request({ body: body.body, contentType: body.contentType }));
    expect(res.status).toBe(503);
    expect(getHeader(res, 'Retry-After')).toBe('9');
    expect(getHeader(res, 'Reason')).toContain('cause=503');
    expect(h.opened).toEqual([]);
    expect(h.ports.inUse).toBe(0);
  });

  it('SPEC §5: an open session whose re-INVITE cannot be decided keeps its owners, is answered 200 and is kept at BYE', async () => {
    const policy: FakePolicyOptions = { owners: { 'sip:alice@example.com': ALICE } };
    const h = createHarness({ policy });
    const first = siprecBody(OFFER_2, metadataXml([['pa', 'sip:alice@example.com']]));
    const tag = await h.establish(request({ body: first.body, contentType: first.contentType }));
    policy.unavailable = 5;
    const again = siprecBody(
      OFFER_2,
      metadataXml([
        ['pa', 'sip:alice@example.com'],
        ['pb', 'sip:bob@example.net'],
      ]),
    );
    const res = await h.send(
      request({ toTag: tag, cseq: 2, body: again.body, contentType: again.contentType }),
    );
    expect(res.status).toBe(200);
    expect(getHeader(res, 'Content-Type')).toBe('application/sdp');
    const session = h.handler.listSessions()[0];
    expect(session?.ownership).toBe('owned');
    expect(session?.owners.map((o) => o.id)).toEqual(['p-alice']);
    expect(session?.metadataRevisions).toHaveLength(2);
    expect(h.logs.some((l) => l.message.startsWith('owners kept as they were'))).toBe(true);
    await h.send(request({ method: 'BYE', toTag: tag, cseq: 3 }));
    expect(h.closed[0]).toMatchObject({ kept: true, ownership: 'owned' });
  });
});

describe('SIPREC session handler: re-offers', () => {
  it('RFC 7865 §7 / RFC 3264 §8: a re-INVITE with a partial update merges the metadata and keeps the ports', async () => {
    const h = createHarness();
    const first = siprecBody(
      OFFER_2,
      metadataXml([
        ['pa', 'sip:alice@example.com'],
        ['pb', 'sip:bob@example.net'],
      ]),
    );
    const tag = await h.establish(request({ body: first.body, contentType: first.contentType }));
    const firstSdp = h.handler.listSessions()[0]?.streams.map((s) => s.localPort);
    const partial = [
      '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>partial</datamode>',
      '<participant participant_id="pc"><nameID aor="sip:carol@example.com"/></participant>',
      '</recording>',
    ].join('');
    const held = OFFER_2.replace(/a=sendonly/g, 'a=inactive');
    const second = siprecBody(held, partial);
    const ok = await h.send(
      request({ cseq: 2, toTag: tag, body: second.body, contentType: second.contentType }),
    );
    expect(ok.status).toBe(200);
    const sdp = text(ok);
    expect(sdp).toMatch(/^o=callvault \d+ 2 IN IP4 127\.0\.0\.1$/m);
    expect(sdp.match(/^a=inactive$/gm)).toHaveLength(2);
    const session = h.handler.listSessions()[0];
    expect(session?.streams.map((s) => s.localPort)).toEqual(firstSdp);
    expect(session?.parties.map((p) => p.id)).toEqual(['pa', 'pb', 'pc']);
    expect(session?.metadataRevisions.map((r) => r.dataMode)).toEqual(['complete', 'partial']);
    expect(h.ports.inUse).toBe(2);
  });

  it('RFC 3264 §8.2: a re-offer that drops a stream frees its port pair', async () => {
    const h = createHarness();
    const tag = await h.establish(request({ body: OFFER_2 }));
    expect(h.ports.inUse).toBe(2);
    const fewer = OFFER_2.replace('m=audio 16002 RTP/AVP 8', 'm=audio 0 RTP/AVP 8');
    const ok = await h.send(request({ cseq: 2, toTag: tag, body: fewer }));
    expect(ok.status).toBe(200);
    expect(text(ok)).toMatch(/^m=audio 0 RTP\/AVP 8$/m);
    expect(h.ports.inUse).toBe(1);
  });

  it('RFC 3261 §14.2: an offerless re-INVITE gets our current description as the offer', async () => {
    const h = createHarness();
    const tag = await h.establish(request({ body: OFFER_2 }));
    const ok = await h.send(request({ cseq: 2, toTag: tag }));
    expect(ok.status).toBe(200);
    expect(text(ok)).toMatch(/^m=audio 20000 /m);
  });
});

describe('SIPREC session handler: overload, cancel and timeouts', () => {
  it('SPEC §5: beyond the session limit the INVITE gets 503 with Retry-After', async () => {
    const h = createHarness({ handler: { maxSessions: 1, retryAfterSeconds: 7 } });
    expect((await h.send(request({ body: OFFER_2 }))).status).toBe(200);
    const busy = await h.send(request({ body: OFFER_2, callId: 'call-2' }));
    expect(busy.status).toBe(503);
    expect(getHeader(busy, 'Retry-After')).toBe('7');
  });

  it('SPEC §5: an unhealthy media path gives 503 with Retry-After; OPTIONS is still answered', async () => {
    const h = createHarness({ handler: { mediaHealthy: () => false } });
    const busy = await h.send(request({ body: OFFER_2 }));
    expect(busy.status).toBe(503);
    expect(getHeader(busy, 'Retry-After')).toBe('5');
    const options = await h.send(request({ method: 'OPTIONS', callId: 'ka' }));
    expect(options.status).toBe(200);
  });

  it('SPEC §5: a draining recorder answers a new INVITE and an out-of-dialog OPTIONS 503 with Retry-After; its live session goes on to its BYE', async () => {
    const h = createHarness({ handler: { retryAfterSeconds: 30 } });
    const tag = await h.establish(request({ body: OFFER_2 }));
    expect(h.handler.draining).toBe(false);
    h.handler.drain();
    expect(h.handler.draining).toBe(true);
    const refused = await h.send(request({ body: OFFER_2, callId: 'call-2' }));
    expect(refused.status).toBe(503);
    expect(getHeader(refused, 'Retry-After')).toBe('30');
    expect(getHeader(refused, 'Reason')).toBe('SIP;cause=503;text="the recorder is draining"');
    expect(h.decisions).toHaveLength(1);
    expect(h.answered.at(-1)).toMatchObject({ method: 'INVITE', status: 503, initial: true });
    const probe = await h.send(request({ method: 'OPTIONS', callId: 'ka' }));
    expect(probe.status).toBe(503);
    expect(getHeader(probe, 'Retry-After')).toBe('30');
    expect(h.handler.listSessions()).toHaveLength(1);
    expect(h.handler.load).toBe(1);
    const reoffer = await h.send(request({ cseq: 2, toTag: tag, body: OFFER_2 }));
    expect(reoffer.status).toBe(200);
    const bye = await h.send(request({ method: 'BYE', toTag: tag, cseq: 3 }));
    expect(bye.status).toBe(200);
    expect(h.closed).toHaveLength(1);
    expect(h.closed[0]).toMatchObject({ endReason: 'bye', state: 'closed' });
    expect(h.handler.load).toBe(0);
    expect(h.ports.inUse).toBe(0);
  });

  it('SPEC §5: a journal disk below its free-space minimum gives 503 with Retry-After, no session', async () => {
    let room = false;
    const h = createHarness({ handler: { storageHasRoom: () => room } });
    const refused = await h.send(request({ body: OFFER_2 }));
    expect(refused.status).toBe(503);
    expect(getHeader(refused, 'Retry-After')).toBe('5');
    expect(getHeader(refused, 'Reason')).toContain('insufficient storage');
    expect(h.handler.listSessions()).toHaveLength(0);
    expect(h.ports.inUse).toBe(0);
    room = true;
    expect((await h.send(request({ body: OFFER_2, callId: 'call-2' }))).status).toBe(200);
  });

  it('SPEC §5: no free RTP port pair gives 503, and the pair taken for the first stream is returned', async () => {
    const h = createHarness({ ports: { min: 20000, max: 20001 } });
    const busy = await h.send(request({ body: OFFER_2 }));
    expect(busy.status).toBe(503);
    expect(h.ports.inUse).toBe(0);
    expect(h.logs.some((l) => l.message === 'overloaded: no free RTP port pair')).toBe(true);
  });

  it('RFC 3261 §9.2: CANCEL while the policy decides: 487, no session, no ports held', async () => {
    const h = createHarness({
      policy: { owners: { 'sip:alice@example.com': ALICE }, hold: true },
    });
    const invite = request({ body: OFFER_2 });
    h.core.receive(invite, SRC);
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    const via = getHeader(invite, 'Via') ?? '';
    const cancel = parseDatagram(
      Buffer.from(
        [
          'CANCEL sip:srs@127.0.0.1:5080 SIP/2.0',
          `Via: ${via}`,
          'Max-Forwards: 70',
          'To: <sip:srs@127.0.0.1:5080>',
          'From: <sip:src@127.0.0.1>;tag=src1',
          'Call-ID: call-1',
          'CSeq: 1 CANCEL',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      ),
    ) as SipRequest;
    await h.send(cancel);
    h.release();
    for (let i = 0; i < 8; i++) await new Promise((resolve) => setImmediate(resolve));
    // 100 Trying for the INVITE, 200 for the CANCEL, 487 for the INVITE (RFC 3261 §9.2).
    expect(h.responses().map((r) => r.status)).toEqual([100, 200, 487]);
    expect(h.opened).toEqual([]);
    expect(h.ports.inUse).toBe(0);
    expect(h.handler.load).toBe(0);
  });

  it('RFC 3261 §13.3.1.4: no ACK within 64*T1 closes the session and frees its ports', async () => {
    const h = createHarness();
    expect((await h.send(request({ body: OFFER_2 }))).status).toBe(200);
    h.timers.advance(64 * 500);
    expect(h.closed[0]).toMatchObject({ endReason: 'ack-timeout', kept: false });
    expect(h.ports.inUse).toBe(0);
  });

  it('closeAll ends every open session on shutdown', async () => {
    const h = createHarness();
    await h.establish(request({ body: OFFER_2 }));
    h.handler.closeAll();
    expect(h.closed[0]?.endReason).toBe('shutdown');
    expect(h.ports.inUse).toBe(0);
  });
});

describe('SIPREC session handler: the answered ports are bound before the answer', () => {
  /** An allocator whose binds are recorded, and refused with `refuse` when set. */
  function bindingPorts(refuse?: NodeJS.ErrnoException) {
    const allocator = createPortPairAllocator({ min: 20000, max: 20099 });
    const binds: number[][] = [];
    const ports: PortPairAllocator = {
      allocate: () => allocator.allocate(),
      release: (port) => allocator.release(port),
      get inUse() {
        return allocator.inUse;
      },
      capacity: allocator.capacity,
      bind(rtpPorts) {
        binds.push([...rtpPorts]);
        return refuse ? Promise.reject(refuse) : Promise.resolve();
      },
    };
    return { ports, binds };
  }

  it('the ports named in the 200 OK are the ports bound, before the session opens', async () => {
    const { ports, binds } = bindingPorts();
    const h = createHarness({ handler: { ports } });
    const invite = parseDatagram(fixture('sip/sipp_siprec_uac_INVITE.sip'));
    if (invite.kind !== 'request') throw new Error('request expected');
    const ok = await h.send(invite);
    expect(ok.status).toBe(200);
    const answered = [...text(ok).matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
    expect(binds).toEqual([answered]);
    expect(h.opened).toHaveLength(1);
  });

  it('RFC 3261 §21.5.4: a port the system refuses is a 503 with Retry-After, no session, no port held', async () => {
    const refused = Object.assign(new Error('bind EADDRINUSE 127.0.0.1:20000'), {
      code: 'EADDRINUSE',
    });
    const { ports } = bindingPorts(refused);
    const h = createHarness({ handler: { ports } });
    const res = await h.send(request({ body: OFFER_2 }));
    expect(res.status).toBe(503);
    expect(getHeader(res, 'Retry-After')).toBe('5');
    expect(getHeader(res, 'Reason')).toContain('RTP ports could not be bound');
    expect(h.opened).toHaveLength(0);
    expect(h.handler.listSessions()).toHaveLength(0);
    expect(ports.inUse).toBe(0);
    expect(h.logs.some((l) => l.message === 'RTP ports could not be bound')).toBe(true);
  });
});
