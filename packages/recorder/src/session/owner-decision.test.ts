import { describe, expect, it } from 'vitest';
import {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  DEFAULT_PLACEHOLDER_AOR_PATTERNS,
} from '../siprec/index.js';
import { createFakeSessionContext, FAKE_DIALOG } from './fake-session-context.js';
import { decideSessionOwners, ownerCandidatesOf, refuseForward } from './owner-decision.js';

const FROM = { uriText: 'sip:7301@35.162.237.204', displayName: '7301' };
const TO = { uriText: 'sip:srs@127.0.0.1:5080' };

describe('owner-decision: the candidates of a session', () => {
  it("without metadata (CUBE network-based recording) the INVITE's From and To are the candidates", () => {
    expect(
      ownerCandidatesOf(createRecordingMetadataState(), DEFAULT_PLACEHOLDER_AOR_PATTERNS, {
        from: FROM,
        to: TO,
      }),
    ).toEqual([
      { id: 'invite:from', aor: 'sip:7301@35.162.237.204', name: '7301', placeholder: false },
      { id: 'invite:to', aor: 'sip:srs@127.0.0.1:5080', placeholder: false },
    ]);
    expect(ownerCandidatesOf(createRecordingMetadataState(), [])).toEqual([]);
  });

  it('with metadata its participants are the candidates, never the From and To', () => {
    const metadata = applyRecordingMetadataBody(
      createRecordingMetadataState(),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
        '<datamode>complete</datamode>',
        '<participant participant_id="pa"><nameID aor="sip:alice@example.com"/></participant>',
        '</recording>',
      ].join('\n'),
      { seq: 1 },
    );
    expect(
      ownerCandidatesOf(metadata, DEFAULT_PLACEHOLDER_AOR_PATTERNS, { from: FROM, to: TO }),
    ).toEqual([{ id: 'pa', aor: 'sip:alice@example.com', placeholder: false }]);
  });
});

describe('owner-decision: a session nobody owns', () => {
  const unattributed = 'no party matches a person, workspace or virtual line (sip:7301@x)';
  const scope = { orgId: 'org-1', trunkId: 't-1' };

  it('without metadata: waits for a metadata update, recorded unattributed meanwhile, and says there was none', async () => {
    const { context } = createFakeSessionContext({
      decision: { owners: [], waitingForParticipants: false, notes: [], unattributed },
    });
    const decision = await decideSessionOwners(
      context,
      scope,
      createRecordingMetadataState(),
      FAKE_DIALOG,
      { from: FROM, to: TO },
    );
    expect(decision).toMatchObject({
      owners: [],
      waitingForParticipants: true,
      unattributed: `the INVITE had no recording metadata; ${unattributed}`,
    });
  });

  it('a match that is not recorded stays a decision to keep nothing (no reason is made up)', async () => {
    const { context } = createFakeSessionContext({
      decision: { owners: [], waitingForParticipants: false, notes: [] },
    });
    const decision = await decideSessionOwners(
      context,
      scope,
      createRecordingMetadataState(),
      FAKE_DIALOG,
      { from: FROM, to: TO },
    );
    expect(decision.unattributed).toBeUndefined();
  });
});

describe('owner-decision: a session the policy forwards', () => {
  const forward = {
    vendorId: 'v-1',
    vendorName: 'Acme Recorder',
    sipUri: 'sip:rec@acme.example',
    because: ['org default'],
    owners: [],
    fallbackToLocal: true,
    dualRecording: false,
  };

  it('where it cannot be forwarded, is refused 403 naming the recorder', () => {
    expect(
      refuseForward({ owners: [], waitingForParticipants: false, forward, notes: ['n'] }),
    ).toEqual({
      owners: [],
      waitingForParticipants: false,
      refusal: {
        status: 403,
        reason:
          'recording is handled by the external recorder Acme Recorder; this session is not forwarded to it',
      },
      notes: ['n', 'not forwarded to sip:rec@acme.example'],
    });
  });

  it('leaves decisions without a forward, and refusals, as they are', () => {
    const plain = { owners: [], waitingForParticipants: true, notes: [] };
    expect(refuseForward(plain)).toBe(plain);
    const busy = {
      owners: [],
      waitingForParticipants: false,
      forward,
      refusal: { status: 503 as const, reason: 'db down', retryAfterSeconds: 5 },
      notes: [],
    };
    expect(refuseForward(busy)).toBe(busy);
  });

  it('through decideSessionOwners the SRC hears the refusal', async () => {
    const { context } = createFakeSessionContext({
      decision: { owners: [], waitingForParticipants: false, forward, notes: [] },
    });
    const decision = await decideSessionOwners(
      context,
      { orgId: 'org-1', trunkId: 't-1' },
      createRecordingMetadataState(),
      FAKE_DIALOG,
    );
    expect(decision.refusal?.status).toBe(403);
    expect(decision.forward).toBeUndefined();
  });
});
