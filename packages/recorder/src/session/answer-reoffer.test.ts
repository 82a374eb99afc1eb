import { describe, expect, it } from 'vitest';
import { answerInvite } from './answer-invite.js';
import { answerReoffer, applyMetadataRevision } from './answer-reoffer.js';
import { closeSession } from './close-session.js';
import {
  createFakeSessionContext,
  FAKE_DIALOG,
  fakeRequest,
  type FakeSessionContextOptions,
} from './fake-session-context.js';
import type { RecordingOwner, RecordingOwnerDecision } from './ports.js';
import { readSessionBody } from './request-body.js';
import type { SessionRecord } from './session-record.js';

const sdp = (streams: number): string =>
  [
    'v=0',
    'o=SRC 1 1 IN IP4 192.0.2.9',
    's=-',
    'c=IN IP4 192.0.2.9',
    't=0 0',
    ...Array.from({ length: streams }, (_, i) => [
      `m=audio ${16000 + 2 * i} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      `a=label:${i + 1}`,
      'a=sendonly',
    ]).flat(),
    '',
  ].join('\r\n');

const XML = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
  '<datamode>complete</datamode>',
  '<participant participant_id="pa"><nameID aor="sip:alice@example.com"/></participant>',
  '</recording>',
].join('\n');

const alice: RecordingOwner = {
  kind: 'person',
  id: 'p-alice',
  displayName: 'Alice',
  participantId: 'pa',
  matchedBy: 'sip-address',
  mode: 'Always',
};

async function openSession(options: FakeSessionContextOptions = {}) {
  const f = createFakeSessionContext(options);
  const ok = await answerInvite(f.context, fakeRequest({ body: sdp(1) }), FAKE_DIALOG);
  expect(ok.status).toBe(200);
  const session = f.context.sessions.get(FAKE_DIALOG.dialogId);
  if (!session) throw new Error('no session');
  return { ...f, session };
}

/** The body of an UPDATE carrying a complete metadata document, read as the session reads it. */
const metadataBody = (session: SessionRecord, seq: number) =>
  readSessionBody(
    fakeRequest({
      method: 'UPDATE',
      cseq: seq,
      body: XML,
      contentType: 'application/rs-metadata+xml',
    }),
    session.metadata,
    0,
  );

describe('answer-reoffer: re-INVITE and UPDATE of an open session', () => {
  it('RFC 3264 §8: a new offer with a second stream takes another port pair; dropping it gives it back', async () => {
    const f = await openSession();
    const more = await answerReoffer(
      f.context,
      fakeRequest({ cseq: 2, body: sdp(2) }),
      FAKE_DIALOG,
    );
    expect(more.status).toBe(200);
    expect(f.ports.inUse).toBe(2);
    expect(f.session.ports.size).toBe(2);
    const fewer = await answerReoffer(
      f.context,
      fakeRequest({
        cseq: 3,
        body: sdp(2).replace('m=audio 16002 RTP/AVP 0', 'm=audio 0 RTP/AVP 0'),
      }),
      FAKE_DIALOG,
    );
    expect(fewer.status).toBe(200);
    expect(f.ports.inUse).toBe(1);
    expect(f.updated).toHaveLength(2);
  });

  it('RFC 3261 §14.2: an offerless re-INVITE gets our current SDP; an offerless UPDATE gets no body', async () => {
    const f = await openSession();
    const reinvite = await answerReoffer(f.context, fakeRequest({ cseq: 2 }), FAKE_DIALOG);
    expect(new TextDecoder().decode(reinvite.body)).toBe(f.session.answer.sdp);
    const update = await answerReoffer(
      f.context,
      fakeRequest({ method: 'UPDATE', cseq: 3 }),
      FAKE_DIALOG,
    );
    expect(update).toEqual({ status: 200 });
  });

  it('RFC 3261 §12.2.2: no open session is 481', async () => {
    const f = createFakeSessionContext();
    expect((await answerReoffer(f.context, fakeRequest({ cseq: 2 }), FAKE_DIALOG)).status).toBe(
      481,
    );
    expect(f.answered).toEqual([
      { method: 'INVITE', status: 481, callId: 'call-1', initial: false },
    ]);
  });
});

describe('answer-reoffer: a metadata revision decides the owners again', () => {
  it('RFC 7866 §9.2: the owners of the new decision are added', async () => {
    let decision: RecordingOwnerDecision = { owners: [], waitingForParticipants: true, notes: [] };
    const f = await openSession({ decision: () => Promise.resolve(decision) });
    expect(f.session.ownership).toBe('awaiting-participants');
    decision = { owners: [alice], waitingForParticipants: false, notes: [] };
    expect(
      await applyMetadataRevision(f.context, FAKE_DIALOG, f.session, metadataBody(f.session, 2)),
    ).toBeUndefined();
    expect(f.session.ownership).toBe('owned');
    expect(f.session.metadata.revisions.map((r) => r.seq)).toEqual([2]);
  });

  it('a policy that cannot decide (503) leaves the owners as they were; a 403 marks the session refused', async () => {
    let decision: RecordingOwnerDecision = {
      owners: [alice],
      waitingForParticipants: false,
      notes: [],
    };
    const f = await openSession({ decision: () => Promise.resolve(decision) });
    decision = {
      owners: [],
      waitingForParticipants: false,
      refusal: { status: 503, reason: 'db away', retryAfterSeconds: 5 },
      notes: [],
    };
    expect(
      await applyMetadataRevision(f.context, FAKE_DIALOG, f.session, metadataBody(f.session, 2)),
    ).toBeUndefined();
    expect(f.session.ownership).toBe('owned');
    decision = {
      owners: [],
      waitingForParticipants: false,
      refusal: { status: 403, reason: 'off' },
      notes: [],
    };
    const refusal = await applyMetadataRevision(
      f.context,
      FAKE_DIALOG,
      f.session,
      metadataBody(f.session, 3),
    );
    expect(refusal).toEqual({
      status: 403,
      headers: [{ name: 'Reason', value: 'SIP;cause=403;text="off"' }],
    });
    expect(f.session).toMatchObject({ ownership: 'refused', refusalReason: 'off' });
    // A refused session is not asked about again.
    const asked = f.asked.length;
    await applyMetadataRevision(f.context, FAKE_DIALOG, f.session, metadataBody(f.session, 4));
    expect(f.asked).toHaveLength(asked);
  });

  it('the BYE while the policy decides: 481', async () => {
    let release: () => void = () => {};
    let hold = false;
    const f = await openSession({
      decision: () =>
        hold
          ? new Promise((resolve) => {
              release = () =>
                resolve({ owners: [alice], waitingForParticipants: false, notes: [] });
            })
          : Promise.resolve({ owners: [], waitingForParticipants: false, notes: [] }),
    });
    hold = true;
    const pending = applyMetadataRevision(
      f.context,
      FAKE_DIALOG,
      f.session,
      metadataBody(f.session, 2),
    );
    await new Promise((resolve) => setImmediate(resolve));
    closeSession(f.context, f.session, 'bye');
    release();
    expect(await pending).toEqual({ status: 481 });
    expect(f.closed).toHaveLength(1);
    expect(f.ports.inUse).toBe(0);
  });
});
