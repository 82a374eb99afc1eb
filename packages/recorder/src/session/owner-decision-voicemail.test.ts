// The owner decision hands the policy what the session is: a voicemail deposit recognised from
// the metadata, or from the INVITE's To when there is no metadata (voicemail-leg.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyRecordingMetadataBody, createRecordingMetadataState } from '../siprec/index.js';
import { createFakeSessionContext } from './fake-session-context.js';
import { decideSessionOwners } from './owner-decision.js';
import type { RecordingLegFacts } from './ports.js';

const fixture = (path: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../test-fixtures/siprec/${path}`, import.meta.url)),
    'utf8',
  );

async function legOf(
  metadata: ReturnType<typeof createRecordingMetadataState>,
  to?: string,
): Promise<{ leg: RecordingLegFacts | undefined; logged: Record<string, unknown> }> {
  const { context, logs } = createFakeSessionContext();
  let leg: RecordingLegFacts | undefined;
  const withLeg = {
    ...context,
    policy: {
      ...context.policy,
      decideOwners: (_scope: unknown, _participants: unknown, facts?: RecordingLegFacts) => {
        leg = facts;
        return Promise.resolve({ owners: [], waitingForParticipants: false, notes: [] });
      },
    },
  };
  await decideSessionOwners(
    withLeg,
    { orgId: 'org-1', trunkId: 't-1' },
    metadata,
    { callId: 'call-1' },
    to === undefined ? {} : { to: { uriText: to } },
  );
  const logged = logs.find((l) => l.message === 'owner decision')?.fields ?? {};
  return { leg, logged };
}

describe('owner decision: voicemail deposits', () => {
  it('a BroadWorks deposit (RFC 4458 voicemail URI) goes to the policy as a voicemail leg, and is logged', async () => {
    const metadata = applyRecordingMetadataBody(
      createRecordingMetadataState(),
      fixture('voicemail/broadworks-voicemail-uri.xml'),
      { seq: 1 },
    );
    const { leg, logged } = await legOf(metadata);
    const voicemail = {
      evidence: 'rfc4458-uri',
      mailbox: 'sip:7663@as.iop1.broadworks.net',
      cause: '408',
    };
    expect(leg).toStrictEqual({ voicemail });
    expect(logged.voicemail).toStrictEqual(voicemail);
  });

  it('an ordinary call is no voicemail leg', async () => {
    const metadata = applyRecordingMetadataBody(
      createRecordingMetadataState(),
      fixture('reconstructed/broadworks-recording-metadata.xml'),
      { seq: 1 },
    );
    const { leg, logged } = await legOf(metadata);
    expect(leg).toStrictEqual({});
    expect(logged).not.toHaveProperty('voicemail');
  });

  it('without metadata, a voicemail URI in the To makes it one; with metadata the To is not read', async () => {
    const to = 'sip:vm@pbx.example.com;target=sip:alice%40example.com;cause=486';
    expect((await legOf(createRecordingMetadataState(), to)).leg).toStrictEqual({
      voicemail: { evidence: 'rfc4458-uri', mailbox: 'sip:alice@example.com', cause: '486' },
    });
    const metadata = applyRecordingMetadataBody(
      createRecordingMetadataState(),
      fixture('reconstructed/broadworks-recording-metadata.xml'),
      { seq: 1 },
    );
    expect((await legOf(metadata, to)).leg).toStrictEqual({});
  });
});
