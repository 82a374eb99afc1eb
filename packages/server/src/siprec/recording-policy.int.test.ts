// SPEC §5 on the database under test: SIPREC admission by trunk CIDR and digest (the policy
// supplies the trunks and their stored credentials, the recorder's authenticateTrunk decides), owner
// matching by SIP address, extension, number (also tel:) and BroadWorks userID, placeholders,
// refusals (org off, owners split over external recorders) and forwarding to an external vendor.
import {
  authenticateTrunk,
  computeDigestResponse,
  parseDigestCredentials,
  type RecordingTrunkRequest,
  type RecordingPartyCandidate,
  type RecordingPolicy,
} from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { insertLocation } from '../org/locations.repository.js';
import { insertNewPerson } from '../org/people.service.js';
import {
  findEntitySettings,
  findLocationSettings,
  findOrgSettings,
  insertExternalVendor,
  saveEntitySettings,
  saveLocationSettings,
  saveOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import { applyEntityUpdate } from '../recording-settings/entity-recording-settings.service.js';
import { findTrunk } from '../recording-trunks/recording-trunks.repository.js';
import { digestHa1, insertNewTrunk } from '../recording-trunks/recording-trunks.service.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createRecordingPolicy } from './recording-policy.js';
import { sipNonceSecret } from './siprec-recorder.js';

let db: TestDatabase;
let seed: DemoSeed;
let policy: RecordingPolicy;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const secret = Buffer.alloc(32, 7);

function inviteFrom(address: string): RecordingTrunkRequest {
  return {
    source: { transport: 'udp', address, port: 5060 },
    requestUri: 'sip:callvault@127.0.0.1:5060',
    callId: 'c1',
  };
}

/**
 * Admission as the recorder does it: the policy's trunks for the source, then the recorder's
 * digest check with its nonce key (`nonceSecret`, as a recorder process holds it).
 */
async function admit(address: string, authorization?: string, nonceSecret: Uint8Array = secret) {
  const lookup = await policy.findTrunks(inviteFrom(address));
  if (!lookup.ok) return lookup;
  const verdict = authenticateTrunk(lookup.trunks, {
    ...(authorization === undefined ? {} : { authorization }),
    method: 'INVITE',
    secret: () => nonceSecret,
    nowMs: clock.now().getTime(),
    nonceMaxAgeMs: 300_000,
  });
  return verdict.ok ? { ok: true as const, ...verdict.trunk } : verdict;
}

const party = (id: string, aor: string, placeholder = false): RecordingPartyCandidate => ({
  id,
  aor,
  placeholder,
});

const scope = () => ({ orgId: seed.orgId, trunkId: seed.trunk.id });

const personId = (email: string): string => seed.people.find((p) => p.email === email)?.id ?? '';

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  policy = createRecordingPolicy({ db: db.db });
});
afterAll(async () => {
  await db.drop();
});

describe(`SIPREC admission on ${testDialect}`, () => {
  it('admits the demo trunk 127.0.0.1/32 and gives its org', async () => {
    expect(await policy.findTrunks(inviteFrom('127.0.0.1'))).toEqual({
      ok: true,
      trunks: [
        {
          orgId: seed.orgId,
          trunkId: seed.trunk.id,
          trunkName: 'local test trunk',
          mediaLatching: 'first-source',
        },
      ],
    });
    expect(await admit('127.0.0.1')).toEqual({
      ok: true,
      orgId: seed.orgId,
      trunkId: seed.trunk.id,
      trunkName: 'local test trunk',
      mediaLatching: 'first-source',
    });
    // IPv4-mapped IPv6, as a dual-stack socket reports it.
    expect(await admit('::ffff:127.0.0.1')).toMatchObject({ ok: true });
  });

  it('refuses a source outside every enabled trunk with 403', async () => {
    expect(await admit('192.0.2.44')).toEqual({
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
      const first = await admit('198.51.100.7');
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

    it('the policy hands the recorder the trunk with its stored username, realm and HA1', async () => {
      const lookup = await policy.findTrunks(inviteFrom('198.51.100.7'));
      expect(lookup).toMatchObject({
        ok: true,
        trunks: [
          {
            orgId: seed.orgId,
            trunkName: 'sbc with digest',
            digest: {
              username: 'sbc1',
              realm: 'callvault',
              ha1: digestHa1('sbc1', 'callvault', 's3cret'),
            },
          },
        ],
      });
    });

    it('RFC 3261 §22.4: without credentials the SRC is challenged with 401 and a digest challenge', async () => {
      const first = await admit('198.51.100.7');
      expect(first).toMatchObject({ ok: false, status: 401 });
      if (first.ok || first.status !== 401) return;
      expect(first.challenge).toMatch(
        /^Digest realm="callvault", nonce="[A-Za-z0-9_-]{32}", algorithm=MD5, qop="auth"$/,
      );
    });

    it('RFC 3261 §22.4: the right password is admitted against the stored HA1', async () => {
      const nonce = await challengeNonce();
      expect(parseDigestCredentials(authorization('s3cret', nonce))).toBeDefined();
      expect(await admit('198.51.100.7', authorization('s3cret', nonce))).toMatchObject({
        ok: true,
        orgId: seed.orgId,
        trunkName: 'sbc with digest',
      });
    });

    it('a nonce issued by one recorder process is accepted by another sharing the data dir secret', async () => {
      const dataDirSecret = Buffer.alloc(32, 9);
      const one = sipNonceSecret(dataDirSecret);
      const other = sipNonceSecret(Buffer.from(dataDirSecret));
      const stranger = sipNonceSecret(Buffer.alloc(32, 10));
      const first = await admit('198.51.100.7', undefined, one);
      if (first.ok || first.status !== 401) throw new Error('401 expected');
      const nonce = /nonce="([^"]+)"/.exec(first.challenge)?.[1] ?? '';
      const credentials = authorization('s3cret', nonce);
      expect(await admit('198.51.100.7', credentials, other)).toMatchObject({
        ok: true,
        trunkName: 'sbc with digest',
      });
      expect(await admit('198.51.100.7', credentials, stranger)).toMatchObject({
        ok: false,
        status: 401,
      });
      // Derived, not the data dir secret itself (which signs download links).
      expect(Buffer.from(sipNonceSecret(dataDirSecret)).equals(dataDirSecret)).toBe(false);
    });

    it('RFC 3261 §22.4: a wrong password is refused with 403', async () => {
      const nonce = await challengeNonce();
      expect(await admit('198.51.100.7', authorization('guess', nonce))).toMatchObject({
        ok: false,
        status: 403,
        reason: expect.stringMatching(/digest authentication failed/),
      });
    });

    it('RFC 7616 §3.3: a nonce older than five minutes gets a new challenge with stale=true', async () => {
      const nonce = await challengeNonce();
      clock.advance(301_000);
      const result = await admit('198.51.100.7', authorization('s3cret', nonce));
      expect(result).toMatchObject({ ok: false, status: 401 });
      if (!result.ok && result.status === 401) expect(result.challenge).toMatch(/stale=true$/);
    });

    it('the digest trunk does not admit sources outside its CIDRs, credentials or not', async () => {
      const nonce = await challengeNonce();
      expect(await admit('203.0.113.9', authorization('s3cret', nonce))).toMatchObject({
        ok: false,
        status: 403,
      });
    });
  });
});

describe(`SIPREC owner matching on ${testDialect}`, () => {
  it('matches a person by SIP address (email / sip_address) and records by her Always mode', async () => {
    const decision = await policy.decideOwners(scope(), [
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
    const byExtension = await policy.decideOwners(scope(), [
      party('p', 'sip:2001@pbx.example.com'),
    ]);
    expect(byExtension.owners.map((o) => [o.id, o.matchedBy, o.mode])).toEqual([
      [personId('carol@example.com'), 'extension', 'Always with Pause/Resume'],
    ]);
    const byNumber = await policy.decideOwners(scope(), [
      party('p', 'sip:+4685550101@sbc.example;user=phone'),
    ]);
    expect(byNumber.owners.map((o) => [o.id, o.matchedBy])).toEqual([
      [personId('alice@example.com'), 'number'],
    ]);
    const withoutPlus = await policy.decideOwners(scope(), [
      party('p', 'sip:4685550101@sbc.example'),
    ]);
    expect(withoutPlus.owners.map((o) => o.id)).toEqual([personId('alice@example.com')]);
    const tel = await policy.decideOwners(scope(), [party('p', 'tel:+46-8-555-0102')]);
    expect(tel.owners.map((o) => [o.id, o.mode])).toEqual([
      [personId('bob@example.com'), 'On Demand with User Initiated Start'],
    ]);
  });

  it('matches a workspace by its extension', async () => {
    const decision = await policy.decideOwners(scope(), [party('p', 'sip:1900@pbx.example.com')]);
    expect(decision.owners).toMatchObject([
      { kind: 'workspace', id: seed.workspaces[0]?.id, displayName: 'Reception', mode: 'Always' },
    ]);
  });

  it('a virtual line matched by extension but not recorded is no owner, with the reason noted', async () => {
    const decision = await policy.decideOwners(scope(), [party('p', 'sip:1950@pbx.example.com')]);
    expect(decision.owners).toEqual([]);
    expect(decision.waitingForParticipants).toBe(false);
    expect(decision.notes.join('\n')).toMatch(/virtualLine .* is not recorded/);
  });

  it('matches the BroadWorks userID', async () => {
    const decision = await policy.decideOwners(scope(), [
      { id: 'broadworks:userID', broadworksUserId: 'carol@example.com', placeholder: false },
    ]);
    expect(decision.owners.map((o) => [o.id, o.matchedBy])).toEqual([
      [personId('carol@example.com'), 'broadworks-user-id'],
    ]);
  });

  it('an internal call between two recorded people gives each of them ownership', async () => {
    const decision = await policy.decideOwners(scope(), [
      party('a', 'sip:alice@example.com'),
      party('c', 'sip:carol@example.com'),
    ]);
    expect(decision.owners.map((o) => o.participantId)).toEqual(['a', 'c']);
  });

  it('placeholders only (or no participant): no owner yet, waiting for participants', async () => {
    const placeholders = await policy.decideOwners(scope(), [
      party('x', 'sip:ASBCE@asbce.com', true),
    ]);
    expect(placeholders).toMatchObject({ owners: [], waitingForParticipants: true });
    expect(placeholders.refusal).toBeUndefined();
    expect((await policy.decideOwners(scope(), [])).waitingForParticipants).toBe(true);
  });

  it('an unlicensed person is matched but not an owner', async () => {
    const decision = await policy.decideOwners(scope(), [party('e', 'sip:erin@example.com')]);
    expect(decision.owners).toEqual([]);
    expect(decision.notes.join('\n')).toMatch(/erin@example.com: person .* is not recorded/);
  });
});

describe(`SIPREC refusals on ${testDialect}`, () => {
  it('an external vendor chosen for the org: the session is forwarded there, matched or not', async () => {
    const before = await findOrgSettings(db.db, seed.orgId);
    await insertExternalVendor(db.db, {
      id: 'vendor-ext-1',
      orgId: seed.orgId,
      name: 'Acme Recorder',
      sipUri: 'sip:rec@acme.example',
      description: '',
      created: clock.now().toISOString(),
      metadataDialect: 'rfc7865',
      digest: null,
    });
    await saveOrgSettings(db.db, seed.orgId, { ...before, vendorId: 'vendor-ext-1' }, clock.now());
    try {
      const decision = await policy.decideOwners(scope(), [party('a', 'sip:alice@example.com')]);
      expect(decision.owners).toEqual([]);
      expect(decision.refusal).toBeUndefined();
      expect(decision.forward).toEqual({
        vendorId: 'vendor-ext-1',
        vendorName: 'Acme Recorder',
        metadataDialect: 'rfc7865',
        sipUri: 'sip:rec@acme.example',
        because: ['sip:alice@example.com: person Alice Andersson is recorded by Acme Recorder'],
        owners: [
          expect.objectContaining({
            kind: 'person',
            id: personId('alice@example.com'),
            displayName: 'Alice Andersson',
            participantId: 'a',
            matchedBy: 'sip-address',
            mode: expect.any(String) as string,
            failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
          }),
        ],
        fallbackToLocal: true,
        dualRecording: false,
      });
      const unmatched = await policy.decideOwners(scope(), [party('x', 'sip:x@y.example')]);
      expect(unmatched.refusal).toBeUndefined();
      expect(unmatched.forward).toMatchObject({
        vendorId: 'vendor-ext-1',
        because: ['no party matches anyone, and the organization records with Acme Recorder'],
        owners: [],
        fallbackToLocal: true,
        dualRecording: false,
      });
      expect(unmatched.unattributed).toBeUndefined();

      // "Record here when the vendor fails" off: the recorder keeps nothing if the vendor fails.
      // Dual recording on: the call is forwarded and its owners are owners here as well.
      const current = await findOrgSettings(db.db, seed.orgId);
      await saveOrgSettings(
        db.db,
        seed.orgId,
        { ...current, recordLocallyOnVendorFailure: false, dualRecording: true },
        clock.now(),
      );
      const dual = await policy.decideOwners(scope(), [party('a', 'sip:alice@example.com')]);
      expect(dual.forward).toMatchObject({ fallbackToLocal: false, dualRecording: true });
      expect(dual.owners.map((o) => o.id)).toEqual([personId('alice@example.com')]);
      expect(dual.forward?.owners).toEqual(dual.owners);
      expect(dual.notes).toContain('dual recording: also recorded here for Alice Andersson');
      // Nobody matched, org dual recording: forwarded and recorded here unattributed.
      const dualUnmatched = await policy.decideOwners(scope(), [party('x', 'sip:x@y.example')]);
      expect(dualUnmatched.forward).toMatchObject({ owners: [], dualRecording: true });
      expect(dualUnmatched.unattributed).toMatch(/no party matches a person/);
    } finally {
      await saveOrgSettings(db.db, seed.orgId, before, clock.now());
    }
  });

  it("a location's external vendor: its people's calls are forwarded, the others' recorded here", async () => {
    const goteborg = seed.locations.find((l) => l.name === 'Göteborg')?.id ?? '';
    const stockholm = seed.locations.find((l) => l.name === 'Stockholm')?.id ?? '';
    const sipUri = 'sip:siprec@rec.partner.example:5070;transport=tcp';
    await insertExternalVendor(db.db, {
      id: 'vendor-ext-2',
      orgId: seed.orgId,
      name: 'Partner Recorder',
      sipUri,
      description: '',
      created: clock.now().toISOString(),
      metadataDialect: 'broadworks',
      digest: {
        username: 'callvault',
        realm: 'rec.partner.example',
        ha1: { md5: 'a'.repeat(32), sha256: 'b'.repeat(64) },
      },
    });
    await insertExternalVendor(db.db, {
      id: 'vendor-ext-3',
      orgId: seed.orgId,
      name: 'Third Recorder',
      sipUri: 'sip:third.example',
      description: '',
      created: clock.now().toISOString(),
      metadataDialect: 'rfc7865',
      digest: null,
    });
    const gBefore = await findLocationSettings(db.db, goteborg);
    const sBefore = await findLocationSettings(db.db, stockholm);
    await saveLocationSettings(
      db.db,
      seed.orgId,
      goteborg,
      { ...gBefore, vendorId: 'vendor-ext-2' },
      clock.now(),
    );
    try {
      const carol = await policy.decideOwners(scope(), [party('c', 'sip:carol@example.com')]);
      expect(carol.owners).toEqual([]);
      expect(carol.refusal).toBeUndefined();
      expect(carol.forward).toMatchObject({
        vendorId: 'vendor-ext-2',
        vendorName: 'Partner Recorder',
        sipUri,
        because: ['sip:carol@example.com: person Carol Carlsson is recorded by Partner Recorder'],
        fallbackToLocal: true,
        dualRecording: false,
        // How the recorder signals to it: its metadata dialect and stored digest credentials.
        metadataDialect: 'broadworks',
        credentials: {
          username: 'callvault',
          realm: 'rec.partner.example',
          ha1: { md5: 'a'.repeat(32), sha256: 'b'.repeat(64) },
        },
      });
      expect(carol.forward?.owners.map((o) => o.id)).toEqual([personId('carol@example.com')]);
      expect(carol.notes).toContain(
        `forwarded to the external recorder Partner Recorder (${sipUri})`,
      );

      const alice = await policy.decideOwners(scope(), [party('a', 'sip:alice@example.com')]);
      expect(alice.forward).toBeUndefined();
      expect(alice.owners.map((o) => o.id)).toEqual([personId('alice@example.com')]);

      // One owner here and one forwarded: recorded here for the local owner; no dual recording.
      const both = await policy.decideOwners(scope(), [
        party('a', 'sip:alice@example.com'),
        party('c', 'sip:carol@example.com'),
      ]);
      expect(both.forward).toBeUndefined();
      expect(both.owners.map((o) => o.id)).toEqual([personId('alice@example.com')]);

      // Dual recording at Göteborg (the location's value over the org's off): the call is
      // forwarded for Carol and recorded here for both.
      await saveLocationSettings(
        db.db,
        seed.orgId,
        goteborg,
        { ...gBefore, vendorId: 'vendor-ext-2', dualRecording: true },
        clock.now(),
      );
      const dualBoth = await policy.decideOwners(scope(), [
        party('a', 'sip:alice@example.com'),
        party('c', 'sip:carol@example.com'),
      ]);
      expect(dualBoth.forward).toMatchObject({ vendorId: 'vendor-ext-2', dualRecording: true });
      expect(dualBoth.forward?.owners.map((o) => o.id)).toEqual([personId('carol@example.com')]);
      expect(dualBoth.owners.map((o) => o.id)).toEqual([
        personId('alice@example.com'),
        personId('carol@example.com'),
      ]);
      // The location overrides the org: off here although the org has it on.
      const orgNow = await findOrgSettings(db.db, seed.orgId);
      await saveOrgSettings(db.db, seed.orgId, { ...orgNow, dualRecording: true }, clock.now());
      await saveLocationSettings(
        db.db,
        seed.orgId,
        goteborg,
        { ...gBefore, vendorId: 'vendor-ext-2', dualRecording: false },
        clock.now(),
      );
      const overridden = await policy.decideOwners(scope(), [party('c', 'sip:carol@example.com')]);
      expect(overridden.forward).toMatchObject({ dualRecording: false });
      expect(overridden.owners).toEqual([]);
      await saveOrgSettings(db.db, seed.orgId, orgNow, clock.now());
      await saveLocationSettings(
        db.db,
        seed.orgId,
        goteborg,
        { ...gBefore, vendorId: 'vendor-ext-2' },
        clock.now(),
      );

      // Owners split over two external recorders: a session goes to one recorder at most.
      await saveLocationSettings(
        db.db,
        seed.orgId,
        stockholm,
        { ...sBefore, vendorId: 'vendor-ext-3' },
        clock.now(),
      );
      const split = await policy.decideOwners(scope(), [
        party('a', 'sip:alice@example.com'),
        party('c', 'sip:carol@example.com'),
      ]);
      expect(split.forward).toBeUndefined();
      expect(split.refusal).toEqual({
        status: 403,
        reason:
          "the call's owners record with different external recorders (Third Recorder, Partner Recorder); a session is forwarded to one recorder only",
      });
    } finally {
      await saveLocationSettings(db.db, seed.orgId, goteborg, gBefore, clock.now());
      await saveLocationSettings(db.db, seed.orgId, stockholm, sBefore, clock.now());
    }
    const restored = await policy.decideOwners(scope(), [party('c', 'sip:carol@example.com')]);
    expect(restored.forward).toBeUndefined();
    expect(restored.owners).toHaveLength(1);
  });

  it('org recording off: 403 for every session, participants or not', async () => {
    const before = await findOrgSettings(db.db, seed.orgId);
    await saveOrgSettings(db.db, seed.orgId, { ...before, enabled: false }, clock.now());
    try {
      for (const participants of [[party('a', 'sip:alice@example.com')], []]) {
        const decision = await policy.decideOwners(scope(), participants);
        expect(decision.refusal).toEqual({
          status: 403,
          reason: 'call recording is turned off for the organization',
        });
      }
    } finally {
      await saveOrgSettings(db.db, seed.orgId, before, clock.now());
    }
    expect(
      (await policy.decideOwners(scope(), [party('a', 'sip:alice@example.com')])).owners,
    ).toHaveLength(1);
  });
});

describe(`owners matched as real SBCs send them, on ${testDialect}`, () => {
  const deps = () => ({ db: db.db, clock });
  let usPersonId = '';
  let sePersonId = '';
  let misplacedId = '';
  let casedPersonId = '';
  let usTrunkId = '';

  async function recordAlways(kind: 'person' | 'workspace', id: string): Promise<void> {
    await db.db.transaction().execute(async (trx) => {
      const before = await findEntitySettings(trx, id);
      await saveEntitySettings(
        trx,
        seed.orgId,
        kind,
        id,
        applyEntityUpdate(before, { enabled: true, record: 'Always' }),
        clock.now(),
      );
    });
  }

  beforeAll(async () => {
    await db.db.transaction().execute(async (trx) => {
      const us = {
        id: 'LOC-US-OCEANSIDE',
        name: 'Oceanside',
        orgId: seed.orgId,
        timeZone: 'America/Los_Angeles',
        announcementLanguage: 'en_us',
        address: { city: 'Oceanside', country: 'US' },
      };
      await insertLocation(trx, us, clock.now());
      const stockholm = seed.locations.find((l) => l.name === 'Stockholm')?.id ?? '';
      usPersonId = (
        await insertNewPerson(trx, deps(), null, seed.orgId, {
          emails: ['uma@example.com'],
          locationId: us.id,
          callingLicense: 'professional',
          phoneNumbers: [
            { type: 'work', value: '+1 760-292-2410' },
            { type: 'mobile', value: '+18638254725' },
          ],
        })
      ).id;
      sePersonId = (
        await insertNewPerson(trx, deps(), null, seed.orgId, {
          emails: ['sven@example.com'],
          locationId: stockholm,
          callingLicense: 'professional',
          phoneNumbers: [{ type: 'mobile', value: '+46760516936' }],
        })
      ).id;
      // A US number held by someone in Stockholm: a US reading of "5417543010" is not theirs.
      misplacedId = (
        await insertNewPerson(trx, deps(), null, seed.orgId, {
          emails: ['mia@example.com'],
          locationId: stockholm,
          callingLicense: 'professional',
          phoneNumbers: [{ type: 'work', value: '+15417543010' }],
        })
      ).id;
      casedPersonId = (
        await insertNewPerson(trx, deps(), null, seed.orgId, {
          emails: ['dana@corp.example'],
          sipAddress: 'sip:Dana.Doe@Example.COM',
          locationId: stockholm,
          callingLicense: 'professional',
        })
      ).id;
      usTrunkId = (
        await insertNewTrunk(trx, deps(), null, seed.orgId, {
          name: 'US SBC',
          allowedSources: ['198.51.100.7/32'],
          country: 'us',
          ownDomains: ['PBX.Oceanside.example.'],
        })
      ).id;
    });
    for (const id of [usPersonId, sePersonId, misplacedId, casedPersonId]) {
      await recordAlways('person', id);
    }
  });

  const ownersOf = async (aor: string, trunkId = seed.trunk.id) =>
    (await policy.decideOwners({ orgId: seed.orgId, trunkId }, [party('p', aor)])).owners.map(
      (o) => [o.id, o.matchedBy],
    );

  it('reads national numbers with the country of the org locations (libphonenumber-js)', async () => {
    // Connectel (SE): sip:0760516936@sip-cust1.connectel.io
    expect(await ownersOf('sip:0760516936@sip-cust1.connectel.io')).toEqual([
      [sePersonId, 'number'],
    ]);
    // US national forms, with and without a host; also with the international prefix.
    expect(await ownersOf('sip:7602922410@10.1.2.3')).toEqual([[usPersonId, 'number']]);
    expect(await ownersOf('sip:8638254725')).toEqual([[usPersonId, 'number']]);
    expect(await ownersOf('sip:0046760516936@sbc.example')).toEqual([[sePersonId, 'number']]);
    // The demo's own Stockholm number in national form.
    expect(await ownersOf('tel:085550101')).toEqual([[personId('alice@example.com'), 'number']]);
  });

  it('BroadWorks callType numbers (calling/called party) in national form find their owner', async () => {
    const decision = await policy.decideOwners(scope(), [
      { id: 'broadworks:callingPartyNumber', aor: '7602922410', placeholder: false },
      { id: 'broadworks:calledPartyNumber', aor: 'sip:0760516936@10.0.0.1', placeholder: false },
    ]);
    expect(decision.owners.map((o) => [o.participantId, o.id, o.matchedBy])).toEqual([
      ['broadworks:callingPartyNumber', usPersonId, 'number'],
      ['broadworks:calledPartyNumber', sePersonId, 'number'],
    ]);
  });

  it('a national reading names only an entity in a location of that country', async () => {
    const decision = await policy.decideOwners(scope(), [party('p', 'sip:5417543010@sbc')]);
    expect(decision.owners).toEqual([]);
    expect(decision.notes.join('\n')).toMatch(
      /read as \+15417543010 \(US\), but that person is not in a US location/,
    );
  });

  it("a trunk's country is its SBC's dial plan: numbers read with it match wherever the entity is", async () => {
    expect(await ownersOf('sip:5417543010@sbc', usTrunkId)).toEqual([[misplacedId, 'number']]);
    // The Swedish national form means nothing in the US dial plan.
    expect(await ownersOf('sip:0760516936@sbc', usTrunkId)).toEqual([]);
  });

  it('RFC 3261 §19.1.4: the host compares case-insensitively and the user part exactly, on both sides', async () => {
    expect(await ownersOf('sip:Dana.Doe@example.com')).toEqual([[casedPersonId, 'sip-address']]);
    expect(await ownersOf('sips:Dana.Doe@EXAMPLE.com;transport=tls')).toEqual([
      [casedPersonId, 'sip-address'],
    ]);
    expect(await ownersOf('sip:dana.doe@example.com')).toEqual([]);
    // The e-mail address is compared case-insensitively.
    expect(await ownersOf('sip:DANA@Corp.Example')).toEqual([[casedPersonId, 'sip-address']]);
  });

  it('an extension matches only on a host the trunk declares as its own', async () => {
    const bob = personId('bob@example.com');
    expect(await ownersOf('sip:1002@other-pbx.example')).toEqual([]);
    expect(await ownersOf('sip:1002@Example.COM')).toEqual([[bob, 'extension']]);
    expect(await ownersOf('sip:1002@pbx.example.com')).toEqual([[bob, 'extension']]);
    expect(await ownersOf('sip:1002@127.0.0.1:5060')).toEqual([[bob, 'extension']]);
    // No host: the SRC's own short number.
    expect(await ownersOf('sip:1002')).toEqual([[bob, 'extension']]);
    // The US trunk's own domain, normalised when saved.
    expect(await ownersOf('sip:1002@pbx.oceanside.example', usTrunkId)).toEqual([
      [bob, 'extension'],
    ]);
    expect(await ownersOf('sip:1002@example.com', usTrunkId)).toEqual([]);
    const notes = (await policy.decideOwners(scope(), [party('p', 'sip:1002@other-pbx.example')]))
      .notes;
    expect(notes.join('\n')).toMatch(/matches no person/);
  });

  it('trunks keep country and own domains, validated and normalised', async () => {
    const trunk = await findTrunk(db.db, seed.orgId, usTrunkId);
    expect(trunk).toMatchObject({ country: 'US', ownDomains: ['pbx.oceanside.example'] });
    await expect(
      db.db.transaction().execute((trx) =>
        insertNewTrunk(trx, deps(), null, seed.orgId, {
          name: 'bad',
          allowedSources: ['192.0.2.1'],
          country: 'XX',
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      db.db.transaction().execute((trx) =>
        insertNewTrunk(trx, deps(), null, seed.orgId, {
          name: 'bad',
          allowedSources: ['192.0.2.1'],
          ownDomains: ['no spaces.example'],
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
