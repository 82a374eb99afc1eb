// SPEC §5 on the database under test: a call whose parties match no one is owned by its trunk's
// default owner; without one (or once it is gone) the decision says why the call is kept
// unattributed. An entity that matched but does not record the call is not overridden, and a
// call naming only placeholders waits for its participants rather than taking the default owner.
// The trunk API checks that the default owner is an entity of the trunk's org.
import type { RecordingPartyCandidate, RecordingPolicy } from '@callvault/recorder';
import type { Role } from '@callvault/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { changeTrunk, createTrunk } from '../recording-trunks/recording-trunks.service.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createRecordingPolicy } from './recording-policy.js';

let db: TestDatabase;
let seed: DemoSeed;
let policy: RecordingPolicy;
let admin: Actor;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

const party = (id: string, aor: string, placeholder = false): RecordingPartyCandidate => ({
  id,
  aor,
  placeholder,
});
const strangers = [
  party('invite:from', 'sip:+15550199@carrier.example'),
  party('invite:to', 'sip:9999@elsewhere.example'),
];
const scope = () => ({ orgId: seed.orgId, trunkId: seed.trunk.id });
const personId = (email: string): string => seed.people.find((p) => p.email === email)?.id ?? '';

const actorOf = (id: string, email: string, roles: Role[]): Actor => ({
  personId: id,
  email,
  displayName: email,
  homeOrgId: seed.orgId,
  orgId: seed.orgId,
  roles,
  partnerId: null,
  via: 'cli',
  clientIp: null,
});

async function setDefaultOwner(owner: { type: 'person'; id: string } | null): Promise<void> {
  await changeTrunk({ db: db.db, clock }, admin, seed.trunk.id, { defaultOwner: owner });
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  policy = createRecordingPolicy({ db: db.db });
  admin = actorOf(seed.admin.id, seed.admin.email, ['fullAdmin', 'user']);
});
afterAll(async () => {
  await db.drop();
});

describe(`calls that match no one, on ${testDialect}`, () => {
  it('no default owner: no owner, no refusal, and the reason names the parties', async () => {
    const decision = await policy.decideOwners(scope(), strangers);
    expect(decision.owners).toEqual([]);
    expect(decision.refusal).toBeUndefined();
    expect(decision.unattributed).toBe(
      'no party matches a person, workspace or virtual line (sip:+15550199@carrier.example, sip:9999@elsewhere.example), and the trunk has no default owner',
    );
  });

  it('placeholders only: waiting for participants, unattributed meanwhile', async () => {
    const decision = await policy.decideOwners(scope(), [party('x', 'sip:ASBCE@asbce.com', true)]);
    expect(decision).toMatchObject({
      owners: [],
      waitingForParticipants: true,
      unattributed:
        'the metadata names only placeholder participants, and the trunk has no default owner',
    });
  });

  it('an entity that matched but is not recorded: nothing is kept, not unattributed', async () => {
    const decision = await policy.decideOwners(scope(), [party('e', 'sip:erin@example.com')]);
    expect(decision.owners).toEqual([]);
    expect(decision.unattributed).toBeUndefined();
  });

  it("the trunk's default owner owns a call that matches no one", async () => {
    await setDefaultOwner({ type: 'person', id: personId('alice@example.com') });
    try {
      const decision = await policy.decideOwners(scope(), strangers);
      expect(decision.owners.map((o) => [o.id, o.matchedBy, o.participantId])).toEqual([
        [personId('alice@example.com'), 'trunk-default-owner', 'trunk'],
      ]);
      expect(decision.unattributed).toBeUndefined();
      // A party who matched keeps the call: the default owner is only for calls nobody owns.
      const matched = await policy.decideOwners(scope(), [
        ...strangers,
        party('c', 'sip:carol@example.com'),
      ]);
      expect(matched.owners.map((o) => o.id)).toEqual([personId('carol@example.com')]);
      // Placeholders may yet be replaced by real participants: no default owner for them.
      const waiting = await policy.decideOwners(scope(), [party('x', 'sip:ASBCE@asbce.com', true)]);
      expect(waiting.owners).toEqual([]);
      expect(waiting.waitingForParticipants).toBe(true);
    } finally {
      await setDefaultOwner(null);
    }
  });

  it('a default owner that no longer exists: unattributed, and the reason says so', async () => {
    const gone = personId('dave@example.com');
    await setDefaultOwner({ type: 'person', id: gone });
    await db.db
      .updateTable('recording_trunks')
      .set({ default_owner_id: newId('PEOPLE') })
      .where('id', '=', seed.trunk.id)
      .execute();
    try {
      const decision = await policy.decideOwners(scope(), strangers);
      expect(decision.owners).toEqual([]);
      expect(decision.unattributed).toMatch(/the trunk's default owner no longer exists$/);
    } finally {
      await setDefaultOwner(null);
    }
  });
});

describe(`the trunk's default owner through the trunk service, on ${testDialect}`, () => {
  it('is stored, shown and audited; an id that is no entity of the org is refused', async () => {
    const alice = personId('alice@example.com');
    const created = await createTrunk({ db: db.db, clock }, admin, {
      name: 'default owner trunk',
      allowedSources: ['192.0.2.77'],
      defaultOwner: { type: 'person', id: alice },
    });
    expect(created.defaultOwner).toEqual({ type: 'person', id: alice });
    const workspace = seed.workspaces[0]!.id;
    const changed = await changeTrunk({ db: db.db, clock }, admin, created.id, {
      defaultOwner: { type: 'workspace', id: workspace },
    });
    expect(changed.defaultOwner).toEqual({ type: 'workspace', id: workspace });
    const audit = await db.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('target_id', '=', created.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'recordingTrunk.created',
      'recordingTrunk.updated',
    ]);
    expect(String(audit[1]?.details)).toContain('defaultOwner');

    // A person's id given as a workspace, and an id of nobody: 400 naming the field.
    for (const wrong of [
      { type: 'workspace' as const, id: alice },
      { type: 'person' as const, id: newId('PEOPLE') },
    ]) {
      const refused = await changeTrunk({ db: db.db, clock }, admin, created.id, {
        defaultOwner: wrong,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((refused as AppError).message).toMatch(/^defaultOwner: no /);
    }
    const cleared = await changeTrunk({ db: db.db, clock }, admin, created.id, {
      defaultOwner: null,
    });
    expect(cleared.defaultOwner).toBeNull();
  });
});
