// Issue #5 §5-§6 on the database under test: SIPREC admission by trunk CIDR and digest, owner
// matching by SIP address, extension, number (also tel:) and BroadWorks userID, placeholders,
// and refusals (org off, external vendor).
import {
  computeDigestResponse,
  parseDigestCredentials,
  type RecordingAdmissionRequest,
  type RecordingPartyCandidate,
  type RecordingPolicy,
} from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import {
  findOrgSettings,
  insertExternalVendor,
  saveOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import { digestHa1, insertNewTrunk } from '../recording-trunks/recording-trunks.service.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createRecordingPolicy, planPartyLookups } from './recording-policy.js';
import { sipNonceSecret } from './siprec-recorder.js';

let db: TestDatabase;
let seed: DemoSeed;
let policy: RecordingPolicy;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const secret = Buffer.alloc(32, 7);

function inviteFrom(address: string, authorization?: string): RecordingAdmissionRequest {
  return {
    source: { transport: 'udp', address, port: 5060 },
    method: 'INVITE',
    requestUri: 'sip:callvault@127.0.0.1:5060',
    callId: 'c1',
    ...(authorization === undefined ? {} : { authorization }),
  };
}

const party = (id: string, aor: string, placeholder = false): RecordingPartyCandidate => ({
  id,
  aor,
  placeholder,
});

const personId = (email: string): string => seed.people.find((p) => p.email === email)?.id ?? '';

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  policy = createRecordingPolicy({ db: db.db, clock, nonceSecret: secret });
});
afterAll(async () => {
  await db.drop();
});

describe(`SIPREC admission on ${testDialect}`, () => {
  it('admits the demo trunk 127.0.0.1/32 and gives its org', async () => {
    expect(await policy.admit(inviteFrom('127.0.0.1'))).toEqual({
      ok: true,
      orgId: seed.orgId,
      trunkId: seed.trunk.id,
      trunkName: 'local test trunk',
    });
    // IPv4-mapped IPv6, as a dual-stack socket reports it.
    expect(await policy.admit(inviteFrom('::ffff:127.0.0.1'))).toMatchObject({ ok: true });
  });

  it('refuses a source outside every enabled trunk with 403', async () => {
    expect(await policy.admit(inviteFrom('192.0.2.44'))).toEqual({
      ok: false,
      status: 403,
      reason: 'source 192.0.2.44 is not allowed by any enabled recording trunk',
    });
  });

  describe('a trunk with digest credentials', () => {
    beforeAll(async () => {
      await db.db.transaction().execute((trx) =>
        insertNewTrunk(trx, { db: db.db, clock }, null, seed.orgId, {
          name: 'sbc with digest',
          allowedSources: ['198.51.100.0/24'],
          digest: { username: 'sbc1', realm: 'callvault', password: 's3cret' },
        }),
      );
    });

    async function challengeNonce(): Promise<string> {
      const first = await policy.admit(inviteFrom('198.51.100.7'));
      if (first.ok || first.status !== 401) throw new Error('401 expected');
      const nonce = /nonce="([^"]+)"/.exec(first.challenge)?.[1];
      if (!nonce) throw new Error('no nonce');
      return nonce;
    }

    function authorization(password: string, nonce: string, method = 'INVITE'): string {
      const uri = 'sip:callvault@127.0.0.1:5060';
      const response = computeDigestResponse({
        ha1: digestHa1('sbc1', 'callvault', password),
        algorithm: 'MD5',
        method,
        uri,
        nonce,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c0ffee',
      });
      return `Digest username="sbc1", realm="callvault", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"`;
    }

    it('RFC 3261 §22.4: without credentials the SRC is challenged with 401 and a digest challenge', async () => {
      const first = await policy.admit(inviteFrom('198.51.100.7'));
      expect(first).toMatchObject({ ok: false, status: 401 });
      if (first.ok || first.status !== 401) return;
      expect(first.challenge).toMatch(
        /^Digest realm="callvault", nonce="[A-Za-z0-9_-]{32}", algorithm=MD5, qop="auth"$/,
      );
    });

    it('RFC 3261 §22.4: the right password is admitted against the stored HA1', async () => {
      const nonce = await challengeNonce();
      expect(parseDigestCredentials(authorization('s3cret', nonce))).toBeDefined();
      expect(
        await policy.admit(inviteFrom('198.51.100.7', authorization('s3cret', nonce))),
      ).toMatchObject({ ok: true, orgId: seed.orgId, trunkName: 'sbc with digest' });
    });

    it('a nonce issued by one recorder process is accepted by another sharing the data dir secret', async () => {
      const dataDirSecret = Buffer.alloc(32, 9);
      const one = createRecordingPolicy({
        db: db.db,
        clock,
        nonceSecret: sipNonceSecret(dataDirSecret),
      });
      const other = createRecordingPolicy({
        db: db.db,
        clock,
        nonceSecret: sipNonceSecret(Buffer.from(dataDirSecret)),
      });
      const stranger = createRecordingPolicy({
        db: db.db,
        clock,
        nonceSecret: sipNonceSecret(Buffer.alloc(32, 10)),
      });
      const first = await one.admit(inviteFrom('198.51.100.7'));
      if (first.ok || first.status !== 401) throw new Error('401 expected');
      const nonce = /nonce="([^"]+)"/.exec(first.challenge)?.[1] ?? '';
      const credentials = authorization('s3cret', nonce);
      expect(await other.admit(inviteFrom('198.51.100.7', credentials))).toMatchObject({
        ok: true,
        trunkName: 'sbc with digest',
      });
      expect(await stranger.admit(inviteFrom('198.51.100.7', credentials))).toMatchObject({
        ok: false,
        status: 401,
      });
      // Derived, not the data dir secret itself (which signs download links).
      expect(Buffer.from(sipNonceSecret(dataDirSecret)).equals(dataDirSecret)).toBe(false);
    });

    it('RFC 3261 §22.4: a wrong password is refused with 403', async () => {
      const nonce = await challengeNonce();
      expect(
        await policy.admit(inviteFrom('198.51.100.7', authorization('guess', nonce))),
      ).toMatchObject({
        ok: false,
        status: 403,
        reason: expect.stringMatching(/digest authentication failed/),
      });
    });

    it('RFC 7616 §3.3: a nonce older than five minutes gets a new challenge with stale=true', async () => {
      const nonce = await challengeNonce();
      clock.advance(301_000);
      const result = await policy.admit(inviteFrom('198.51.100.7', authorization('s3cret', nonce)));
      expect(result).toMatchObject({ ok: false, status: 401 });
      if (!result.ok && result.status === 401) expect(result.challenge).toMatch(/stale=true$/);
    });

    it('the digest trunk does not admit sources outside its CIDRs, credentials or not', async () => {
      const nonce = await challengeNonce();
      expect(
        await policy.admit(inviteFrom('203.0.113.9', authorization('s3cret', nonce))),
      ).toMatchObject({ ok: false, status: 403 });
    });
  });
});

describe(`SIPREC owner matching on ${testDialect}`, () => {
  it('matches a person by SIP address (email / sip_address) and records by her Always mode', async () => {
    const decision = await policy.decideOwners(seed.orgId, [
      party('p1', 'sip:alice@example.com'),
      party('p2', 'sip:someone@elsewhere.example'),
    ]);
    expect(decision.owners).toEqual([
      {
        kind: 'person',
        id: personId('alice@example.com'),
        displayName: expect.stringContaining('Alice'),
        participantId: 'p1',
        matchedBy: 'sip-address',
        mode: 'Always',
        failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
      },
    ]);
    expect(decision.waitingForParticipants).toBe(false);
    expect(decision.refusal).toBeUndefined();
    expect(decision.notes.join('\n')).toMatch(/someone@elsewhere.example: matches no person/);
  });

  it('matches by extension in the user part, and by E.164 number with or without +, also tel: URIs', async () => {
    const byExtension = await policy.decideOwners(seed.orgId, [party('p', 'sip:2001@pbx.example')]);
    expect(byExtension.owners.map((o) => [o.id, o.matchedBy, o.mode])).toEqual([
      [personId('carol@example.com'), 'extension', 'Always with Pause/Resume'],
    ]);
    const byNumber = await policy.decideOwners(seed.orgId, [
      party('p', 'sip:+4685550101@sbc.example;user=phone'),
    ]);
    expect(byNumber.owners.map((o) => [o.id, o.matchedBy])).toEqual([
      [personId('alice@example.com'), 'number'],
    ]);
    const withoutPlus = await policy.decideOwners(seed.orgId, [
      party('p', 'sip:4685550101@sbc.example'),
    ]);
    expect(withoutPlus.owners.map((o) => o.id)).toEqual([personId('alice@example.com')]);
    const tel = await policy.decideOwners(seed.orgId, [party('p', 'tel:+46-8-555-0102')]);
    expect(tel.owners.map((o) => [o.id, o.mode])).toEqual([
      [personId('bob@example.com'), 'On Demand with User Initiated Start'],
    ]);
  });

  it('matches a workspace by its extension', async () => {
    const decision = await policy.decideOwners(seed.orgId, [party('p', 'sip:1900@pbx.example')]);
    expect(decision.owners).toMatchObject([
      { kind: 'workspace', id: seed.workspaces[0]?.id, displayName: 'Reception', mode: 'Always' },
    ]);
  });

  it('a virtual line matched by extension but not recorded is no owner, with the reason noted', async () => {
    const decision = await policy.decideOwners(seed.orgId, [party('p', 'sip:1950@pbx.example')]);
    expect(decision.owners).toEqual([]);
    expect(decision.waitingForParticipants).toBe(false);
    expect(decision.notes.join('\n')).toMatch(/virtualLine .* is not recorded/);
  });

  it('matches the BroadWorks userID', async () => {
    const decision = await policy.decideOwners(seed.orgId, [
      { id: 'broadworks:userID', broadworksUserId: 'carol@example.com', placeholder: false },
    ]);
    expect(decision.owners.map((o) => [o.id, o.matchedBy])).toEqual([
      [personId('carol@example.com'), 'broadworks-user-id'],
    ]);
  });

  it('an internal call between two recorded people gives each of them ownership', async () => {
    const decision = await policy.decideOwners(seed.orgId, [
      party('a', 'sip:alice@example.com'),
      party('c', 'sip:carol@example.com'),
    ]);
    expect(decision.owners.map((o) => o.participantId)).toEqual(['a', 'c']);
  });

  it('placeholders only (or no participant): no owner yet, waiting for participants', async () => {
    const placeholders = await policy.decideOwners(seed.orgId, [
      party('x', 'sip:ASBCE@asbce.com', true),
    ]);
    expect(placeholders).toMatchObject({ owners: [], waitingForParticipants: true });
    expect(placeholders.refusal).toBeUndefined();
    expect((await policy.decideOwners(seed.orgId, [])).waitingForParticipants).toBe(true);
  });

  it('an unlicensed person is matched but not an owner', async () => {
    const decision = await policy.decideOwners(seed.orgId, [party('e', 'sip:erin@example.com')]);
    expect(decision.owners).toEqual([]);
    expect(decision.notes.join('\n')).toMatch(/erin@example.com: person .* is not recorded/);
  });
});

describe(`SIPREC refusals on ${testDialect}`, () => {
  it('an external vendor chosen for the org: 403 naming it', async () => {
    const before = await findOrgSettings(db.db, seed.orgId);
    await insertExternalVendor(db.db, {
      id: 'vendor-ext-1',
      orgId: seed.orgId,
      name: 'Acme Recorder',
      sipUri: 'sip:rec@acme.example',
      description: '',
      created: clock.now().toISOString(),
    });
    await saveOrgSettings(db.db, seed.orgId, { ...before, vendorId: 'vendor-ext-1' }, clock.now());
    try {
      const decision = await policy.decideOwners(seed.orgId, [party('a', 'sip:alice@example.com')]);
      expect(decision.owners).toEqual([]);
      expect(decision.refusal).toEqual({
        status: 403,
        reason: 'recording is handled by the external recorder Acme Recorder',
      });
      const unmatched = await policy.decideOwners(seed.orgId, [party('x', 'sip:x@y.example')]);
      expect(unmatched.refusal?.reason).toMatch(/external recorder Acme Recorder/);
    } finally {
      await saveOrgSettings(db.db, seed.orgId, before, clock.now());
    }
  });

  it('org recording off: 403 for every session, participants or not', async () => {
    const before = await findOrgSettings(db.db, seed.orgId);
    await saveOrgSettings(db.db, seed.orgId, { ...before, enabled: false }, clock.now());
    try {
      for (const participants of [[party('a', 'sip:alice@example.com')], []]) {
        const decision = await policy.decideOwners(seed.orgId, participants);
        expect(decision.refusal).toEqual({
          status: 403,
          reason: 'call recording is turned off for the organization',
        });
      }
    } finally {
      await saveOrgSettings(db.db, seed.orgId, before, clock.now());
    }
    expect(
      (await policy.decideOwners(seed.orgId, [party('a', 'sip:alice@example.com')])).owners,
    ).toHaveLength(1);
  });
});

describe('participant lookups (pure)', () => {
  it('plans SIP address, extension and number lookups from an AOR', () => {
    expect(planPartyLookups('sip:Alice@Example.com')).toEqual([
      { matchedBy: 'sip-address', ref: { email: 'alice@example.com' } },
    ]);
    expect(planPartyLookups('sips:1001@pbx.example;transport=tls')).toEqual([
      { matchedBy: 'sip-address', ref: { email: '1001@pbx.example' } },
      { matchedBy: 'extension', ref: { extension: '1001' } },
      { matchedBy: 'number', ref: { number: '1001' } },
      { matchedBy: 'number', ref: { number: '+1001' } },
    ]);
    expect(planPartyLookups('tel:+1-201-555-0123')).toEqual([
      { matchedBy: 'extension', ref: { extension: '12015550123' } },
      { matchedBy: 'number', ref: { number: '+12015550123' } },
    ]);
    expect(planPartyLookups('   ')).toEqual([]);
  });
});
