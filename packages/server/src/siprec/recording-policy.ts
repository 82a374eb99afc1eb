// The recorder's RecordingPolicy port (SPEC §5, issue #5 §5-§6), implemented on the database:
// which recording trunk a SIPREC session comes from (source CIDRs, digest when the trunk has
// credentials), and which people, workspaces and virtual lines own the call (participants matched
// by SIP address, extension on the trunk's own domains, number — national forms read with the
// trunk's or the locations' dial plan, party-lookups.ts — or BroadWorks userID; owners are the
// matched entities whose effective settings record the call with the built-in recorder).
import crypto from 'node:crypto';
import {
  buildDigestChallenge,
  createDigestNonce,
  parseDigestCredentials,
  verifyDigestCredentials,
  type RecordingAdmission,
  type RecordingAdmissionRequest,
  type RecordingCallScope,
  type RecordingOwner,
  type RecordingOwnerDecision,
  type RecordingPartyCandidate,
  type RecordingPolicy,
} from '@callvault/recorder';
import type { Clock } from '../clock.js';
import { DATABASE_RETRY_AFTER_SECONDS, isConnectionLoss } from '../db/connection-loss.js';
import type { DbOrTrx } from '../db/database.js';
import {
  findEntityByParty,
  findEntityCountry,
  listLocationCountries,
  type DirectoryHit,
} from '../org/directory-lookup.repository.js';
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
  findTrunk,
  listEnabledTrunks,
  type TrunkRecord,
} from '../recording-trunks/recording-trunks.repository.js';
import { chooseTrunksForSource } from '../recording-trunks/trunk-client-certificate.js';
import { dialPlanCountry } from '../org/dial-plan.js';
import { planPartyLookups, type DialContext } from './party-lookups.js';

export interface RecordingPolicyDeps {
  readonly db: DbOrTrx;
  readonly clock: Clock;
  /** Key of the stateless digest nonces; recorders that share it accept each other's nonces. */
  readonly nonceSecret?: Uint8Array;
  /** How long a nonce stays fresh (default 5 minutes). */
  readonly nonceMaxAgeMs?: number;
}

export { phoneNumberOfAor } from './party-lookups.js';

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
    mediaLatching: trunk.mediaLatching,
  });

  async function admit(request: RecordingAdmissionRequest): Promise<RecordingAdmission> {
    const trunks: TrunkCandidate[] = (await listEnabledTrunks(deps.db)).map((trunk) => ({
      trunk,
      cidrs: trunk.allowedSources.flatMap((s) => {
        const cidr = parseCidr(s);
        return cidr ? [cidr] : [];
      }),
    }));
    // Over TLS a verified client certificate chooses its trunks; a trunk that requires one is
    // never chosen without it (trunk-client-certificate.ts).
    const matching = chooseTrunksForSource(
      trunks.filter((t) => matchesAnyCidr(request.source.address, t.cidrs)).map((t) => t.trunk),
      request.source,
    ).sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
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

  /** The trunk's own domains and dial-plan countries (its own, else the org's locations'). */
  async function dialContextOf(scope: RecordingCallScope): Promise<{
    context: DialContext;
    trunkCountry: string | null;
  }> {
    const trunk = await findTrunk(deps.db, scope.orgId, scope.trunkId);
    const trunkCountry = dialPlanCountry(trunk?.country);
    const countries = trunkCountry
      ? [trunkCountry]
      : await listLocationCountries(deps.db, scope.orgId);
    return { context: { ownDomains: trunk?.ownDomains ?? [], countries }, trunkCountry };
  }

  async function decideOwners(
    scope: RecordingCallScope,
    participants: readonly RecordingPartyCandidate[],
  ): Promise<RecordingOwnerDecision> {
    const { orgId } = scope;
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
    const { context, trunkCountry } = await dialContextOf(scope);
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
        ...(participant.aor === undefined ? [] : planPartyLookups(participant.aor, context)),
        ...(participant.broadworksUserId === undefined
          ? []
          : planPartyLookups(participant.broadworksUserId, context, 'broadworks-user-id')),
      ];
      let hit: DirectoryHit | null = null;
      let matchedBy: RecordingOwner['matchedBy'] = 'sip-address';
      for (const lookup of lookups) {
        hit = await findEntityByParty(deps.db, orgId, lookup.ref);
        if (hit && RECORDABLE.has(hit.type)) {
          // A national number read with one location's country names nobody elsewhere.
          if (lookup.country !== undefined && trunkCountry === null) {
            const country = await findEntityCountry(deps.db, hit);
            if (country !== lookup.country) {
              notes.push(
                `${label}: read as ${lookup.ref.number ?? ''} (${lookup.country}), but that ${hit.type} is not in a ${lookup.country} location`,
              );
              hit = null;
              continue;
            }
          }
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
