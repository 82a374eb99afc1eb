import { describe, expect, it } from 'vitest';
import {
  buildMultipart,
  createResponse,
  getHeader,
  getTo,
  parseDatagram,
  serializeMessage,
  type SipRequest,
} from '../sip/message/index.js';
import { createSrtpContextFromSdes } from '../rtp/srtp.js';
import { createClientTransactionTable } from '../sip/transaction/client-transaction-table.js';
import { createFakeTimerService } from '../sip/transaction/fake-timer-service.js';
import { DEFAULT_SIP_TIMER_VALUES } from '../sip/transaction/sip-timers.js';
import { answerInvite } from './answer-invite.js';
import { answerReoffer } from './answer-reoffer.js';
import { closeSession } from './close-session.js';
import { createFakeSessionContext, FAKE_DIALOG, fakeRequest } from './fake-session-context.js';
import type { SessionForwarding } from './forward/forward-session.js';
import { answerVendorRequest } from './forward-session.js';
import type { RecordingOwner, RecordingOwnerDecision } from './ports.js';

const OFFER = (direction = 'sendonly', version = 1) =>
  [
    'v=0',
    `o=SRC 1 ${version} IN IP4 192.0.2.9`,
    's=-',
    'c=IN IP4 192.0.2.9',
    't=0 0',
    'm=audio 16000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=label:1',
    `a=${direction}`,
    'm=audio 16002 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=label:2',
    `a=${direction}`,
    '',
  ].join('\r\n');

const METADATA = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
  '<datamode>complete</datamode>',
  '<session session_id="c2Vzc2lvbjE="></session>',
  '<participant participant_id="cGFydDE="><nameID aor="sip:alice@example.com"/></participant>',
  '<stream stream_id="c3RyZWFtMQ==" session_id="c2Vzc2lvbjE="><label>1</label></stream>',
  '</recording>',
].join('\r\n');

const VENDOR_ANSWER = [
  'v=0',
  'o=vendor 7 7 IN IP4 198.51.100.7',
  's=-',
  'c=IN IP4 198.51.100.7',
  't=0 0',
  'm=audio 22000 RTP/AVP 0',
  'a=recvonly',
  'm=audio 22002 RTP/AVP 0',
  'a=recvonly',
  '',
].join('\r\n');

const ALICE: RecordingOwner = {
  kind: 'person',
  id: 'p-alice',
  displayName: 'Alice',
  participantId: 'cGFydDE=',
  matchedBy: 'sip-address',
  mode: 'Always',
  failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
};

function inviteWithMetadata(offer = OFFER()): SipRequest {
  const multipart = buildMultipart([
    { contentType: 'application/sdp', body: offer },
    {
      contentType: 'application/rs-metadata+xml',
      headers: [{ name: 'Content-Disposition', value: 'recording-session' }],
      body: METADATA,
    },
  ]);
  return fakeRequest({ body: multipart.body, contentType: multipart.contentType });
}

function onTheWire(request: SipRequest): SipRequest {
  const parsed = parseDatagram(serializeMessage(request));
  if (parsed.kind !== 'request') throw new Error('request expected');
  return parsed;
}

function decision(o: { fallback?: boolean; dual?: boolean } = {}): RecordingOwnerDecision {
  return {
    owners: o.dual ? [ALICE] : [],
    waitingForParticipants: false,
    notes: [],
    forward: {
      vendorId: 'v-1',
      vendorName: 'Partner Recorder',
      sipUri: 'sip:srs@vendor.example.net',
      because: ['person Alice records with Partner Recorder'],
      owners: [ALICE],
      fallbackToLocal: o.fallback ?? true,
      dualRecording: o.dual ?? false,
    },
  };
}

/** A session context whose forwarding goes through a real client transaction table. */
function harness(o: { fallback?: boolean; dual?: boolean } = {}) {
  const timers = createFakeTimerService();
  const sent: SipRequest[] = [];
  const acks: SipRequest[] = [];
  const table = createClientTransactionTable({
    timers,
    timerValues: DEFAULT_SIP_TIMER_VALUES,
    sendRequest: (request) => sent.push(onTheWire(request)),
    onTimeout: () => {},
  });
  const relayed: Array<{ port: number; to: string; bytes: number }> = [];
  const taps = new Map<number, (packet: Uint8Array) => void>();
  const closedSockets: number[] = [];
  const peers: string[] = [];
  let nextRelayPort = 31000;
  const forwarding: SessionForwarding = {
    timers,
    sendRequest: (request, destination, handlers) => table.send(request, destination, handlers),
    sendAck: (ack) => acks.push(onTheWire(ack)),
    localAddress: (transport) =>
      transport === 'udp' ? { address: '192.0.2.5', port: 5060 } : undefined,
    resolve: () =>
      Promise.resolve([
        { transport: 'udp', address: '198.51.100.7', port: 5080, serverName: 'vendor.example.net' },
      ]),
    openPeer: (peer) => {
      peers.push(`${peer.transport}:${peer.address}`);
      return () => peers.splice(peers.indexOf(`${peer.transport}:${peer.address}`), 1);
    },
    openRelaySocket: () => {
      const port = (nextRelayPort += 2);
      return Promise.resolve({
        port,
        send: (packet, target) =>
          relayed.push({ port, to: `${target.address}:${target.port}`, bytes: packet.byteLength }),
        close: () => {
          closedSockets.push(port);
          return Promise.resolve();
        },
      });
    },
    tap: (port, onPacket) => {
      taps.set(port, onPacket);
      return () => taps.delete(port);
    },
    answerTimeoutMs: 8_000,
    generateBranch: () => `z9hG4bKfwd${sent.length + acks.length + 1}`,
    generateTag: () => 'cvtag',
    generateCallId: () => 'leg-1@callvault',
  };
  const fake = createFakeSessionContext({
    decision: decision(o),
    handler: { forwarding },
  });
  /** The vendor answers the last request sent. */
  function vendorAnswers(status: number, body?: string) {
    const request = sent.at(-1)!;
    const ok = status >= 200 && status < 300 && request.method === 'INVITE';
    table.receive(
      createResponse(request, status, {
        toTag: 'vendor-tag',
        headers: ok ? [{ name: 'Contact', value: '<sip:srs@198.51.100.7:5080>' }] : [],
        ...(body === undefined ? {} : { body: Buffer.from(body), contentType: 'application/sdp' }),
      }),
    );
  }
  /** Lets the pending promise chain (resolve, open sockets) run up to the vendor's INVITE. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    ...fake,
    timers,
    sent,
    acks,
    relayed,
    taps,
    closedSockets,
    peers,
    vendorAnswers,
    settle,
  };
}

const RTP = Uint8Array.from([
  0x80,
  0,
  0,
  1,
  0,
  0,
  0,
  160,
  1,
  2,
  3,
  4,
  ...new Array(160).fill(0xff),
]);

describe('forwarding a session to an external recorder (Callvault as SRC, RFC 7866)', () => {
  it('the SRC is answered only once the vendor answered 2xx; then its RTP is relayed to the ports the vendor answered, and nothing is kept here', async () => {
    const h = harness();
    const answer = answerInvite(h.context, inviteWithMetadata(), FAKE_DIALOG);
    await h.settle();
    const invite = h.sent[0]!;
    expect(invite.method).toBe('INVITE');
    expect(invite.uri).toBe('sip:srs@vendor.example.net');
    expect(getHeader(invite, 'Require')).toBe('siprec');
    const body = Buffer.from(invite.body).toString('utf8');
    expect(body).toContain('m=audio 31002 RTP/AVP 0');
    expect(body).toContain('m=audio 31004 RTP/AVP 0');
    expect(body).toContain('sip:alice@example.com');
    expect(h.peers).toEqual(['udp:198.51.100.7']);

    h.vendorAnswers(200, VENDOR_ANSWER);
    const final = await answer;
    expect(final.status).toBe(200);
    expect(h.acks).toHaveLength(1);
    const opened = h.opened[0]!;
    expect(opened.forward).toMatchObject({
      vendorName: 'Partner Recorder',
      state: 'established',
      recordedHere: false,
      fallbackToLocal: true,
    });
    const inboundPorts = opened.streams.map((s) => s.localPort);
    expect([...h.taps.keys()]).toEqual(inboundPorts);
    h.taps.get(inboundPorts[0]!)!(RTP);
    h.taps.get(inboundPorts[1]!)!(RTP);
    expect(h.relayed).toEqual([
      { port: 31002, to: '198.51.100.7:22000', bytes: RTP.byteLength },
      { port: 31004, to: '198.51.100.7:22002', bytes: RTP.byteLength },
    ]);

    // The SRC's BYE: the vendor's leg ends with BYE, the relay closes, nothing is kept here.
    closeSession(h.context, h.context.sessions.get(FAKE_DIALOG.dialogId)!, 'bye');
    expect(h.sent.at(-1)?.method).toBe('BYE');
    await h.settle();
    expect(h.closedSockets).toEqual([31002, 31004]);
    expect(h.taps.size).toBe(0);
    const closed = h.closed[0]!;
    expect(closed.kept).toBe(false);
    expect(closed.outcome).toContain('forwarded to Partner Recorder');
    expect(closed.forward?.state).toBe('ended');
  });

  it("a vendor answering 503 with the fallback on: the SRC gets 200 and the call is recorded here for the forward's owners; the forward shows failed with the 503", async () => {
    const h = harness({ fallback: true });
    const answer = answerInvite(h.context, inviteWithMetadata(), FAKE_DIALOG);
    await h.settle();
    h.vendorAnswers(503);
    const final = await answer;
    expect(final.status).toBe(200);
    const opened = h.opened[0]!;
    expect(opened.ownership).toBe('owned');
    expect(opened.owners.map((owner) => owner.id)).toEqual(['p-alice']);
    expect(opened.forward).toMatchObject({
      state: 'failed',
      recordedHere: true,
      failure: { code: 'vendor-rejected', status: 503 },
    });
    expect(h.closedSockets).toEqual([31002, 31004]);
    closeSession(h.context, h.context.sessions.get(FAKE_DIALOG.dialogId)!, 'bye');
    expect(h.closed[0]!.kept).toBe(true);
  });

  it('a vendor answering 503 with the fallback off: the SRC gets 503 naming the failure; the sink hears of the session opened and closed (forward-failed)', async () => {
    const h = harness({ fallback: false });
    const answer = answerInvite(h.context, inviteWithMetadata(), FAKE_DIALOG);
    await h.settle();
    h.vendorAnswers(503);
    const final = await answer;
    expect(final.status).toBe(503);
    expect(final.headers?.find((x) => x.name === 'Reason')?.value).toContain(
      'the external recorder Partner Recorder failed: the vendor answered 503',
    );
    expect(h.opened).toHaveLength(1);
    expect(h.closed[0]).toMatchObject({
      endReason: 'forward-failed',
      kept: false,
      forward: { state: 'failed', recordedHere: false },
    });
    expect(h.ports.inUse).toBe(0);
    expect(h.context.sessions.size).toBe(0);
  });

  it('a vendor that does not answer within the answer timeout: its INVITE is cancelled once it rang, the call recorded here', async () => {
    const h = harness({ fallback: true });
    const answer = answerInvite(h.context, inviteWithMetadata(), FAKE_DIALOG);
    await h.settle();
    h.vendorAnswers(180);
    h.timers.advance(8_000);
    const final = await answer;
    expect(final.status).toBe(200);
    expect(h.sent.map((r) => r.method)).toEqual(['INVITE', 'CANCEL']);
    expect(h.opened[0]!.forward).toMatchObject({
      state: 'failed',
      failure: { code: 'vendor-timeout' },
      recordedHere: true,
    });
  });

  it('dual recording: forwarded and recorded here from the start', async () => {
    const h = harness({ dual: true });
    const answer = answerInvite(h.context, inviteWithMetadata(), FAKE_DIALOG);
    await h.settle();
    h.vendorAnswers(200, VENDOR_ANSWER);
    expect((await answer).status).toBe(200);
    expect(h.opened[0]!.forward).toMatchObject({ state: 'established', recordedHere: true });
    closeSession(h.context, h.context.sessions.get(FAKE_DIALOG.dialogId)!, 'bye');
    expect(h.closed[0]!.kept).toBe(true);
  });

  it("hold is mirrored with a re-INVITE whose streams are inactive; the vendor's BYE mid-call makes the forward fail and, with the fallback, the call is recorded here from then on", async () => {
    const h = harness({ fallback: true });
    const answer = answerInvite(h.context, inviteWithMetadata(), FAKE_DIALOG);
    await h.settle();
    h.vendorAnswers(200, VENDOR_ANSWER);
    await answer;

    const hold = fakeRequest({
      cseq: 2,
      extra: [],
      body: OFFER('inactive', 2),
      contentType: 'application/sdp',
    });
    const holdDialog = { ...FAKE_DIALOG };
    expect((await answerReoffer(h.context, hold, holdDialog)).status).toBe(200);
    const reinvite = h.sent.at(-1)!;
    expect(reinvite.method).toBe('INVITE');
    expect(getTo(reinvite)?.params.tag).toBe('vendor-tag');
    const reoffer = Buffer.from(reinvite.body).toString('utf8');
    expect(reoffer.match(/a=inactive/g)).toHaveLength(2);
    expect(reoffer).toContain('o=callvault');
    h.vendorAnswers(200, VENDOR_ANSWER);

    // The vendor hangs up its side while the call goes on.
    const bye = onTheWire({
      kind: 'request',
      method: 'BYE',
      uri: 'sip:callvault@192.0.2.5:5060',
      version: 'SIP/2.0',
      headers: [
        { name: 'Via', value: 'SIP/2.0/UDP 198.51.100.7:5080;branch=z9hG4bKvbye' },
        { name: 'From', value: '<sip:srs@vendor.example.net>;tag=vendor-tag' },
        { name: 'To', value: '<sip:callvault@192.0.2.5>;tag=cvtag' },
        { name: 'Call-ID', value: 'leg-1@callvault' },
        { name: 'CSeq', value: '1 BYE' },
        { name: 'Max-Forwards', value: '70' },
      ],
      body: new Uint8Array(0),
    });
    expect(answerVendorRequest(h.context, bye)).toEqual({ status: 200 });
    const updated = h.updated.at(-1)!;
    expect(updated.forward).toMatchObject({
      state: 'failed',
      failure: { code: 'vendor-ended' },
      recordedHere: true,
    });
    expect(updated.owners.map((owner) => owner.id)).toEqual(['p-alice']);
    // A request in no leg's dialog is not ours to answer.
    expect(answerVendorRequest(h.context, bye)).toBeUndefined();
  });
});

describe('forwarding an SRTP session: each leg has its own key (RFC 4568)', () => {
  it("the vendor is offered RTP/SAVP with a key of ours; a packet the SRC protected arrives at the vendor protected with that key, not the SRC's", async () => {
    const srcKey = Buffer.from(Array.from({ length: 30 }, (_, i) => i + 1)).toString('base64');
    const savp = OFFER()
      .replaceAll('RTP/AVP 0', 'RTP/SAVP 0')
      .replaceAll('a=label:', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${srcKey}\r\na=label:`);
    const h = harness();
    const sentPackets: Uint8Array[] = [];
    const forwarding = h.context.options.forwarding!;
    const openRelaySocket = forwarding.openRelaySocket.bind(forwarding);
    (forwarding as { openRelaySocket: typeof openRelaySocket }).openRelaySocket = async () => {
      const socket = await openRelaySocket();
      return (
        socket && {
          ...socket,
          send: (packet: Uint8Array, target: { address: string; port: number }) => {
            sentPackets.push(packet);
            socket.send(packet, target);
          },
        }
      );
    };
    const answer = answerInvite(h.context, inviteWithMetadata(savp), FAKE_DIALOG);
    await h.settle();
    const offer = Buffer.from(h.sent[0]!.body).toString('utf8');
    expect(offer).toContain('m=audio 31002 RTP/SAVP 0');
    const keys = [...offer.matchAll(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:(\S+)/g)].map(
      (m) => m[1]!,
    );
    expect(keys).toHaveLength(2);
    expect(keys).not.toContain(srcKey);
    expect(keys[0]).not.toBe(keys[1]);
    h.vendorAnswers(200, VENDOR_ANSWER.replaceAll('RTP/AVP', 'RTP/SAVP'));
    expect((await answer).status).toBe(200);

    const src = createSrtpContextFromSdes('AES_CM_128_HMAC_SHA1_80', `inline:${srcKey}`);
    const vendor = createSrtpContextFromSdes('AES_CM_128_HMAC_SHA1_80', `inline:${keys[0]}`);
    if (!src.ok || !vendor.ok) throw new Error('keys');
    const protectedBySrc = src.context.protectRtp(RTP);
    const port = h.opened[0]!.streams[0]!.localPort;
    h.taps.get(port)!(protectedBySrc);
    expect(sentPackets).toHaveLength(1);
    expect(Buffer.from(sentPackets[0]!).equals(Buffer.from(protectedBySrc))).toBe(false);
    const clear = vendor.context.unprotectRtp(sentPackets[0]!);
    expect(clear.ok && Buffer.from(clear.packet).equals(Buffer.from(RTP))).toBe(true);
  });
});
