// Voicemail deposits on the database under test: a SIPREC session the recorder recognised as a
// message left in a mailbox (voicemail-leg.ts) is owned by the mailbox's entity alone, and only
// when that entity's recordVoicemailEnabled is on.
import type { RecordingPartyCandidate, RecordingPolicy } from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import {
  findEntitySettings,
  saveEntitySettings,
} from '../recording-settings/recording-settings.repository.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createRecordingPolicy } from './recording-policy.js';

let db: TestDatabase;
let seed: DemoSeed;
let policy: RecordingPolicy;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const scope = () => ({ orgId: seed.orgId, trunkId: seed.trunk.id });
const personId = (email: string): string => seed.people.find((p) => p.email === email)?.id ?? '';
const party = (id: string, aor: string): RecordingPartyCandidate => ({
  id,
  aor,
  placeholder: false,
});

async function setRecordVoicemail(email: string, on: boolean): Promise<void> {
  const id = personId(email);
  const settings = await findEntitySettings(db.db, id);
  await saveEntitySettings(
    db.db,
    seed.orgId,
    'person',
    id,
    { ...settings, recordVoicemailEnabled: on },
    clock.now(),
  );
}

// Carol (recorded, Always with Pause/Resume) calls Alice (recorded, Always) and is sent to
// Alice's voicemail: the server's URI names Alice's mailbox (RFC 4458 target).
const caller = party('p-carol', 'sip:carol@example.com');
const voicemailServer = party(
  'p-vm',
  'sip:vm@pbx.example.com;target=sip:alice%40example.com;cause=408',
);
const deposit = {
  voicemail: { evidence: 'rfc4458-uri' as const, mailbox: 'sip:alice@example.com', cause: '408' },
};

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  policy = createRecordingPolicy({ db: db.db });
});
afterAll(async () => {
  await db.drop();
});

describe(`voicemail deposits on ${testDialect}`, () => {
  it('recordVoicemailEnabled off (the default): nobody owns the deposit, and the notes say why', async () => {
    await setRecordVoicemail('alice@example.com', false);
    const decision = await policy.decideOwners(scope(), [caller, voicemailServer], deposit);
    expect(decision.owners).toEqual([]);
    expect(decision.waitingForParticipants).toBe(false);
    expect(decision.refusal).toBeUndefined();
    expect(decision.notes.join('\n')).toMatch(
      /voicemail deposit \(rfc4458-uri\) into the mailbox of sip:alice@example.com[\s\S]*person Alice[^\n]*does not record voicemail \(recordVoicemailEnabled is off\)/,
    );
  });

  it('recordVoicemailEnabled on: the mailbox owner alone owns it, as a voicemail — not the caller', async () => {
    await setRecordVoicemail('alice@example.com', true);
    const decision = await policy.decideOwners(scope(), [caller, voicemailServer], deposit);
    expect(decision.owners).toEqual([
      {
        kind: 'person',
        id: personId('alice@example.com'),
        displayName: expect.stringContaining('Alice'),
        participantId: 'voicemail:target',
        matchedBy: 'sip-address',
        mode: 'Always',
        failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
        recordingType: 'voicemail',
      },
    ]);
    // The same call without the voicemail evidence is Carol's and Alice's conversation.
    const conversation = await policy.decideOwners(scope(), [
      caller,
      party('p-alice', 'sip:alice@example.com'),
    ]);
    expect(conversation.owners.map((o) => [o.id, o.recordingType])).toEqual([
      [personId('carol@example.com'), undefined],
      [personId('alice@example.com'), undefined],
    ]);
  });

  it('BroadWorks evidence: the recorded userID is the mailbox', async () => {
    await setRecordVoicemail('carol@example.com', true);
    const decision = await policy.decideOwners(scope(), [caller], {
      voicemail: { evidence: 'broadworks-call-type', mailbox: 'carol@example.com' },
    });
    expect(decision.owners.map((o) => [o.id, o.matchedBy, o.recordingType])).toEqual([
      [personId('carol@example.com'), 'broadworks-user-id', 'voicemail'],
    ]);
  });

  it('a mailbox owner not recorded at all (mode Never) is not recorded for voicemail either', async () => {
    const id = personId('alice@example.com');
    const settings = await findEntitySettings(db.db, id);
    await saveEntitySettings(
      db.db,
      seed.orgId,
      'person',
      id,
      { ...settings, record: 'Never', recordVoicemailEnabled: true },
      clock.now(),
    );
    const decision = await policy.decideOwners(scope(), [caller, voicemailServer], deposit);
    expect(decision.owners).toEqual([]);
    expect(decision.notes.join('\n')).toMatch(/is not recorded \(the recording mode is Never\)/);
    await saveEntitySettings(db.db, seed.orgId, 'person', id, settings, clock.now());
  });

  it('a deposit that names no mailbox is owned by nobody (never by the caller)', async () => {
    const decision = await policy.decideOwners(scope(), [caller], {
      voicemail: { evidence: 'broadworks-service' },
    });
    expect(decision.owners).toEqual([]);
    expect(decision.waitingForParticipants).toBe(false);
    expect(decision.notes.join('\n')).toMatch(/names no mailbox: nobody owns it/);
  });
});
