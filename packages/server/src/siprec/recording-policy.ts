// The recorder's RecordingPolicy port (SPEC §5, issue #5 §5-§6), implemented on the database:
// which recording trunk a SIPREC session comes from (source CIDRs, digest when the trunk has
// credentials), and which people, workspaces and virtual lines own the call (participants matched
// by SIP address, extension, E.164 number or BroadWorks userID; owners are the matched entities
// whose effective settings record the call with the built-in recorder).
import crypto from 'node:crypto';
import {
  buildDigestChallenge,
  createDigestNonce,
  parseDigestCredentials,
  parseUri,
  verifyDigestCredentials,
  type RecordingAdmission,
  type RecordingAdmissionRequest,
  type RecordingOwner,
  type RecordingOwnerDecision,
  type RecordingPartyCandidate,
  type RecordingPolicy,
} from '@callvault/recorder';
import type { Clock } from '../clock.js';
import { DATABASE_RETRY_AFTER_SECONDS, isConnectionLoss } from '../db/connection-loss.js';
import type { DbOrTrx } from '../db/database.js';
import { findEntityByParty, type DirectoryHit } from '../org/directory-lookup.repository.js';
import { normalizeNumber } from '../org/directory-entries.repository.js';
import { findPersonById } from '../org/people.repository.js';
import { findVirtualLineById } from '../org/virtual-lines.repository.js';
import { findWorkspaceById } from '../org/workspaces.repository.js';
import { findOrgSettings } from '../recording-settings/recording-settings.repository.js';
import {
  effectiveSettingsOf,
  findRecordableEntity,
  loadVendors,
} from '../recording-settings/recording-settings.service.js';
import type { RecordableKind } from '../recording-settings/recording-settings.model.js';
import { matchesAnyCidr, parseCidr, type Cidr } from '../recording-trunks/cidr.js';
import {
  listEnabledTrunks,
  type TrunkRecord,
} from '../recording-trunks/recording-trunks.repository.js';

export interface RecordingPolicyDeps {
  readonly db: DbOrTrx;
  readonly clock: Clock;
  /** Key of the stateless digest nonces; recorders that share it accept each other's nonces. */
  readonly nonceSecret?: Uint8Array;
  /** How long a nonce stays fresh (default 5 minutes). */
  readonly nonceMaxAgeMs?: number;
}

/** How a participant is looked up in the directory, in the order tried. */
export interface PartyLookup {
  readonly matchedBy: RecordingOwner['matchedBy'];
  readonly ref: { email?: string; extension?: string; number?: string };
}

const DIGITS = /^\+?[0-9][0-9\-.() ]*$/;

/** Visual separators of RFC 3966 §5.1.1 removed; the leading + kept. */
function phoneDigits(text: string): string | null {
  const trimmed = text.trim();
  return DIGITS.test(trimmed) ? normalizeNumber(trimmed) : null;
}

/**
 * The phone number a participant's AOR names, by the same reading as owner matching: a `tel:`
 * number, or the user part of a `sip:`/`sips:` URI when it is digits (`sip:+15550100@pstn`,
 * `sip:0701234567@host;user=phone`); null for a name, a run of over 20 digits or an AOR that
 * does not parse.
 */
export function phoneNumberOfAor(aor: string | undefined): string | null {
  if (!aor) return null;
  try {
    const uri = parseUri(aor.trim());
    const value = uri.kind === 'tel' ? uri.number : uri.kind === 'sip' ? uri.user : undefined;
    const digits = value ? phoneDigits(value) : null;
    // E.164 numbers have at most 15 digits; a longer run is no phone number.
    return digits !== null && digits.replace('+', '').length <= 20 ? digits : null;
  } catch {
    return null;
  }
}

function numberLookups(value: string, matchedBy: PartyLookup['matchedBy']): PartyLookup[] {
  const digits = phoneDigits(value);
  if (digits === null) return [];
  const bare = digits.replace(/^\+/, '');
  const lookups: PartyLookup[] = [
    {
      matchedBy: matchedBy === 'broadworks-user-id' ? matchedBy : 'extension',
      ref: { extension: bare },
    },
    {
      matchedBy: matchedBy === 'broadworks-user-id' ? matchedBy : 'number',
      ref: { number: digits },
    },
  ];
  // E.164 numbers are stored with their +; call systems often drop it in the user part.
  if (!digits.startsWith('+')) {
    lookups.push({
      matchedBy: matchedBy === 'broadworks-user-id' ? matchedBy : 'number',
      ref: { number: `+${bare}` },
    });
  }
  return lookups;
}

/**
 * The directory lookups for one identifier: an AOR (`sip:`/`sips:` user@host, `tel:` number, or a
 * bare address) or a BroadWorks userID (`user@domain` or a number). Pure, so it is tested alone.
 */
export function planPartyLookups(
  identifier: string,
  matchedBy: 'sip-address' | 'broadworks-user-id' = 'sip-address',
): PartyLookup[] {
  const text = identifier.trim();
  if (text === '') return [];
  let user: string | undefined;
  let host: string | undefined;
  let tel: string | undefined;
  try {
    const uri = parseUri(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `sip:${text}`);
    if (uri.kind === 'tel') tel = uri.number;
    else if (uri.kind === 'sip') {
      user = uri.user;
      host = uri.host;
    }
  } catch {
    const at = text.lastIndexOf('@');
    user = at < 0 ? text : text.slice(0, at);
    host = at < 0 ? undefined : text.slice(at + 1);
  }
  if (tel !== undefined)
    return numberLookups(tel, matchedBy === 'sip-address' ? 'number' : matchedBy);
  const lookups: PartyLookup[] = [];
  if (user !== undefined && host !== undefined && user !== '') {
    lookups.push({ matchedBy, ref: { email: `${user}@${host}`.toLowerCase() } });
  }
  // The user part of a SIP URI is often the extension or the number (`sip:1001@pbx`,
  // `sip:+46701234567@sbc;user=phone`).
  if (user !== undefined) lookups.push(...numberLookups(user, matchedBy));
  else if (host !== undefined) lookups.push(...numberLookups(host, matchedBy));
  return lookups;
}

const RECORDABLE: ReadonlySet<string> = new Set<RecordableKind>([
  'person',
  'workspace',
  'virtualLine',
]);

async function displayNameOf(db: DbOrTrx, orgId: string, hit: DirectoryHit): Promise<string> {
  switch (hit.type) {
    case 'person':
      return (await findPersonById(db, orgId, hit.id))?.displayName ?? hit.id;
    case 'workspace':
      return (await findWorkspaceById(db, orgId, hit.id))?.displayName ?? hit.id;
    case 'virtualLine':
      return (await findVirtualLineById(db, orgId, hit.id))?.displayName ?? hit.id;
    case 'callFeature':
      return hit.id;
  }
}

interface TrunkCandidate {
  readonly trunk: TrunkRecord;
  readonly cidrs: readonly Cidr[];
}

export function createRecordingPolicy(deps: RecordingPolicyDeps): RecordingPolicy {
  const secret = deps.nonceSecret ?? crypto.randomBytes(32);
  const nonceMaxAgeMs = deps.nonceMaxAgeMs ?? 300_000;

  function challenge(trunk: TrunkRecord, reason: string, stale = false): RecordingAdmission {
    const realm = trunk.digest?.realm ?? 'callvault';
    return {
      ok: false,
      status: 401,
      reason,
      challenge: buildDigestChallenge({
        realm,
        nonce: createDigestNonce(secret, realm, deps.clock.now().getTime()),
        stale,
      }),
    };
  }

  const admitted = (trunk: TrunkRecord): RecordingAdmission => ({
    ok: true,
    orgId: trunk.orgId,
    trunkId: trunk.id,
    trunkName: trunk.name,
  });

  async function admit(request: RecordingAdmissionRequest): Promise<RecordingAdmission> {
    const trunks: TrunkCandidate[] = (await listEnabledTrunks(deps.db)).map((trunk) => ({
      trunk,
      cidrs: trunk.allowedSources.flatMap((s) => {
        const cidr = parseCidr(s);
        return cidr ? [cidr] : [];
      }),
    }));
    const matching = trunks
      .filter((t) => matchesAnyCidr(request.source.address, t.cidrs))
      .map((t) => t.trunk)
      .sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    if (matching.length === 0) {
      return {
        ok: false,
        status: 403,
        reason: `source ${request.source.address} is not allowed by any enabled recording trunk`,
      };
    }
    const credentials =
      request.authorization === undefined
        ? undefined
        : parseDigestCredentials(request.authorization);
    const withDigest = matching.filter((t) => t.digest !== null && t.digestHa1 !== null);
    if (credentials) {
      const trunk = withDigest.find(
        (t) => t.digest?.username === credentials.username && t.digest.realm === credentials.realm,
      );
      if (trunk?.digest && trunk.digestHa1) {
        const verdict = verifyDigestCredentials({
          credentials,
          method: request.method,
          username: trunk.digest.username,
          realm: trunk.digest.realm,
          ha1: trunk.digestHa1,
          secret,
          nowMs: deps.clock.now().getTime(),
          nonceMaxAgeMs,
        });
        if (verdict.ok) return admitted(trunk);
        if (verdict.stale) return challenge(trunk, 'digest nonce is stale', true);
        // A nonce another recorder issued (or one from before a restart): ask again.
        if (verdict.reason.startsWith('nonce')) return challenge(trunk, verdict.reason);
        return {
          ok: false,
          status: 403,
          reason: `digest authentication failed: ${verdict.reason}`,
        };
      }
    }
    const open = matching.find((t) => t.digest === null || t.digestHa1 === null);
    if (open) return admitted(open);
    const first = withDigest[0];
    if (!first) return { ok: false, status: 403, reason: 'no usable recording trunk' };
    return challenge(
      first,
      credentials ? 'credentials for an unknown user or realm' : 'the trunk requires credentials',
    );
  }

  async function decideOwners(
    orgId: string,
    participants: readonly RecordingPartyCandidate[],
  ): Promise<RecordingOwnerDecision> {
    const notes: string[] = [];
    const org = await findOrgSettings(deps.db, orgId);
    if (!org.enabled) {
      return {
        owners: [],
        waitingForParticipants: false,
        refusal: { status: 403, reason: 'call recording is turned off for the organization' },
        notes: ['org recording is off'],
      };
    }
    const vendors = await loadVendors(deps.db, orgId);
    const orgVendor = vendors.get(org.vendorId);
    const owners: RecordingOwner[] = [];
    const seen = new Set<string>();
    const externalVendors = new Set<string>();
    let matchedAny = false;

    for (const participant of participants) {
      const label = participant.aor ?? participant.broadworksUserId ?? participant.id;
      if (participant.placeholder) {
        notes.push(`${label}: placeholder, not matched`);
        continue;
      }
      const lookups = [
        ...(participant.aor === undefined ? [] : planPartyLookups(participant.aor)),
        ...(participant.broadworksUserId === undefined
          ? []
          : planPartyLookups(participant.broadworksUserId, 'broadworks-user-id')),
      ];
      let hit: DirectoryHit | null = null;
      let matchedBy: RecordingOwner['matchedBy'] = 'sip-address';
      for (const lookup of lookups) {
        hit = await findEntityByParty(deps.db, orgId, lookup.ref);
        if (hit && RECORDABLE.has(hit.type)) {
          matchedBy = lookup.matchedBy;
          break;
        }
        if (hit) notes.push(`${label}: matches a ${hit.type}, which is not recordable`);
        hit = null;
      }
      if (!hit) {
        notes.push(`${label}: matches no person, workspace or virtual line`);
        continue;
      }
      matchedAny = true;
      const key = `${hit.type}:${hit.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entity = await findRecordableEntity(deps.db, orgId, hit.type as RecordableKind, hit.id);
      if (!entity) continue;
      const effective = await effectiveSettingsOf(deps.db, entity);
      const name = await displayNameOf(deps.db, orgId, hit);
      if (!effective.recorded) {
        notes.push(`${label}: ${hit.type} ${name} is not recorded (${effective.reason})`);
        continue;
      }
      if (!effective.vendor.builtIn) {
        externalVendors.add(effective.vendor.name);
        notes.push(`${label}: ${hit.type} ${name} is recorded by ${effective.vendor.name}`);
        continue;
      }
      notes.push(`${label}: ${hit.type} ${name} is recorded (${effective.mode}, by ${matchedBy})`);
      owners.push({
        kind: hit.type as RecordableKind,
        id: hit.id,
        displayName: name,
        participantId: participant.id,
        matchedBy,
        mode: effective.mode,
        failureBehavior: effective.failureBehavior,
      });
    }

    const waitingForParticipants = owners.length === 0 && participants.every((p) => p.placeholder);
    if (owners.length === 0 && externalVendors.size > 0) {
      // Forwarding to external recorders comes later; until then the SRC hears why not.
      return {
        owners,
        waitingForParticipants: false,
        refusal: {
          status: 403,
          reason: `recording is handled by the external recorder ${[...externalVendors].join(', ')}`,
        },
        notes,
      };
    }
    if (owners.length === 0 && !matchedAny && orgVendor && !orgVendor.builtIn) {
      return {
        owners,
        waitingForParticipants: false,
        refusal: {
          status: 403,
          reason: `the organization records with the external recorder ${orgVendor.name}`,
        },
        notes,
      };
    }
    return { owners, waitingForParticipants, notes };
  }

  // Both decisions only read, and reads are retried on a lost connection by the database driver
  // (a fast PostgreSQL restart is over in about a second); when the database stays away the SRC
  // is told 503 with Retry-After and fails over. Sessions already admitted are not touched: their
  // media goes on to the journal.
  const unavailable = 'the recording policy cannot be read: the database is unavailable';
  return {
    async admit(request) {
      try {
        return await admit(request);
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        return {
          ok: false,
          status: 503,
          reason: unavailable,
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        };
      }
    },
    async decideOwners(orgId, participants) {
      try {
        return await decideOwners(orgId, participants);
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        return {
          owners: [],
          waitingForParticipants: false,
          refusal: {
            status: 503,
            reason: unavailable,
            retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
          },
          notes: ['database unavailable'],
        };
      }
    },
  };
}
