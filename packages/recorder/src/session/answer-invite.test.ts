import { describe, expect, it } from 'vitest';
import { computeDigestHa1 } from '../sip/auth/index.js';
import { admitInvite } from './admit-invite.js';
import { answerInvite } from './answer-invite.js';
import { refuseWhenOverloaded } from './overload.js';
import { createFakeSessionContext, FAKE_DIALOG, fakeRequest } from './fake-session-context.js';

const SDP = [
  'v=0',
  'o=SRC 1 1 IN IP4 192.0.2.9',
  's=-',
  'c=IN IP4 192.0.2.9',
  't=0 0',
  'm=audio 16000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=label:1',
  'a=sendonly',
  '',
].join('\r\n');

const header = (answer: { headers?: readonly { name: string; value: string }[] }, name: string) =>
  answer.headers?.find((h) => h.name === name)?.value;

describe('admit-invite: the trunk of a new session', () => {
  it('the policy is asked only for the trunks of the source; an open trunk admits', async () => {
    const f = createFakeSessionContext();
    const admission = await admitInvite(f.context, fakeRequest({ body: SDP }), FAKE_DIALOG);
    expect(admission).toEqual({
      ok: true,
      trunk: { orgId: 'org-1', trunkId: 't-1', trunkName: 'trunk' },
    });
  });

  it('RFC 3261 §22.4: a trunk with credentials and no Authorization: 401 with WWW-Authenticate only', async () => {
    const digest = { username: 'u', realm: 'r', ha1: computeDigestHa1('u', 'r', 'p') };
    const f = createFakeSessionContext({
      trunks: { ok: true, trunks: [{ orgId: 'o', trunkId: 't', trunkName: 'n', digest }] },
      handler: { nonceSecret: Buffer.alloc(32, 1) },
    });
    const admission = await admitInvite(f.context, fakeRequest({ body: SDP }), FAKE_DIALOG);
    if (admission.ok) throw new Error('401 expected');
    expect(admission.answer.status).toBe(401);
    expect(admission.answer.headers?.map((h) => h.name)).toEqual(['WWW-Authenticate']);
    expect(header(admission.answer, 'WWW-Authenticate')).toMatch(/^Digest realm="r", nonce="/);
  });

  it('RFC 3261 §21.5.4: a policy that cannot read its trunks gives 503 with its Retry-After and a Reason', async () => {
    const f = createFakeSessionContext({
      trunks: { ok: false, status: 503, reason: 'db away', retryAfterSeconds: 7 },
    });
    const admission = await admitInvite(f.context, fakeRequest(), FAKE_DIALOG);
    if (admission.ok) throw new Error('503 expected');
    expect(admission.answer).toEqual({
      status: 503,
      headers: [
        { name: 'Retry-After', value: '7' },
        { name: 'Reason', value: 'SIP;cause=503;text="db away"' },
      ],
    });
  });
});

describe('answer-invite: overload and the answer of a new session', () => {
  it('SPEC §5: the session limit, an unhealthy media path and a low disk each give 503 with Retry-After', () => {
    const limit = createFakeSessionContext({ handler: { maxSessions: 0, retryAfterSeconds: 3 } });
    limit.context.inFlight.set('x', { cancelled: false });
    expect(refuseWhenOverloaded(limit.context, FAKE_DIALOG)).toEqual({
      status: 503,
      headers: [
        { name: 'Retry-After', value: '3' },
        { name: 'Reason', value: 'SIP;cause=503;text="session limit"' },
      ],
    });
    const media = createFakeSessionContext({ handler: { mediaHealthy: () => false } });
    expect(header(refuseWhenOverloaded(media.context, FAKE_DIALOG) ?? {}, 'Reason')).toBe(
      'SIP;cause=503;text="media overload"',
    );
    const disk = createFakeSessionContext({ handler: { storageHasRoom: () => false } });
    expect(header(refuseWhenOverloaded(disk.context, FAKE_DIALOG) ?? {}, 'Reason')).toBe(
      'SIP;cause=503;text="insufficient storage"',
    );
    const backlog = createFakeSessionContext({ handler: { finalizeHasRoom: () => false } });
    expect(header(refuseWhenOverloaded(backlog.context, FAKE_DIALOG) ?? {}, 'Reason')).toBe(
      'SIP;cause=503;text="finalize backlog"',
    );
    const room = createFakeSessionContext({ handler: { finalizeHasRoom: () => true } });
    expect(refuseWhenOverloaded(room.context, FAKE_DIALOG)).toBeUndefined();
    expect(refuseWhenOverloaded(createFakeSessionContext().context, FAKE_DIALOG)).toBeUndefined();
  });

  it('RFC 3261 §13.2.1: an INVITE without SDP gets our offer in the 200; the sink waits for the ACK', async () => {
    const f = createFakeSessionContext();
    const answer = await answerInvite(f.context, fakeRequest(), FAKE_DIALOG);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/sdp');
    const sdp = new TextDecoder().decode(answer.body);
    // No metadata: two streams labelled 1 and 2, recvonly, on two port pairs.
    expect(
      [...sdp.matchAll(/^m=audio (\d+) RTP\/AVP 0 8 9(?: 18)? 112 113 114 115 111 101$/gm)].map(
        (m) => m[1],
      ),
    ).toEqual(['30000', '30002']);
    expect(sdp.match(/^a=label:(\d)$/gm)).toEqual(['a=label:1', 'a=label:2']);
    expect(sdp.match(/^a=recvonly$/gm)).toHaveLength(2);
    expect(f.answered).toEqual([
      { method: 'INVITE', status: 200, callId: 'call-1', initial: true },
    ]);
    const session = f.context.sessions.get(FAKE_DIALOG.dialogId);
    expect(session?.state).toBe('awaiting-ack');
    expect(session?.delayedOffer?.labels).toEqual(['1', '2']);
    expect(session?.answer.streams).toEqual([]);
    expect(f.opened).toHaveLength(0);
    expect(f.ports.inUse).toBe(2);
    expect(f.context.inFlight.size).toBe(0);
  });

  it('RFC 3264: a 200 opens the session on a port pair; a refusal by the policy gives the ports back', async () => {
    const f = createFakeSessionContext();
    const ok = await answerInvite(f.context, fakeRequest({ body: SDP }), FAKE_DIALOG);
    expect(ok.status).toBe(200);
    expect(new TextDecoder().decode(ok.body)).toMatch(/^m=audio 30000 RTP\/AVP 0$/m);
    expect(f.context.sessions.get(FAKE_DIALOG.dialogId)?.state).toBe('awaiting-ack');
    expect(f.opened).toHaveLength(1);
    expect(f.ports.inUse).toBe(1);

    const refused = createFakeSessionContext({
      decision: {
        owners: [],
        waitingForParticipants: false,
        refusal: { status: 403, reason: 'off' },
        notes: [],
      },
    });
    const no = await answerInvite(refused.context, fakeRequest({ body: SDP }), FAKE_DIALOG);
    expect(no.status).toBe(403);
    expect(refused.ports.inUse).toBe(0);
    expect(refused.context.sessions.size).toBe(0);
  });

  it('without forwarding wired, a decision to forward to an external recorder is answered 403 naming it, nothing opened', async () => {
    const f = createFakeSessionContext({
      decision: {
        owners: [],
        waitingForParticipants: false,
        forward: {
          vendorId: 'v-1',
          vendorName: 'Acme Recorder',
          sipUri: 'sip:rec@acme.example;transport=tcp',
          because: ['sip:alice@example.com: person Alice is recorded by Acme Recorder'],
          owners: [],
          fallbackToLocal: true,
          dualRecording: false,
        },
        notes: [],
      },
    });
    const no = await answerInvite(f.context, fakeRequest({ body: SDP }), FAKE_DIALOG);
    expect(no.status).toBe(403);
    expect(no.headers).toContainEqual({
      name: 'Reason',
      value:
        'SIP;cause=403;text="recording is handled by the external recorder Acme Recorder; this session is not forwarded to it"',
    });
    expect(f.ports.inUse).toBe(0);
    expect(f.context.sessions.size).toBe(0);
    expect(f.opened).toEqual([]);
  });

  it('RFC 3261 §9.2: a CANCEL while the policy decides answers 487 and opens nothing', async () => {
    let release: () => void = () => {};
    const f = createFakeSessionContext({
      decision: () =>
        new Promise((resolve) => {
          release = () => resolve({ owners: [], waitingForParticipants: false, notes: [] });
        }),
    });
    const pending = answerInvite(f.context, fakeRequest({ body: SDP }), FAKE_DIALOG);
    await new Promise((resolve) => setImmediate(resolve));
    const flight = f.context.inFlight.get(FAKE_DIALOG.dialogId);
    expect(flight).toBeDefined();
    if (flight) flight.cancelled = true;
    release();
    expect((await pending).status).toBe(487);
    expect(f.ports.inUse).toBe(0);
    expect(f.opened).toEqual([]);
  });
});
