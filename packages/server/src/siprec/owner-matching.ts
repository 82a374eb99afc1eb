// Which people, workspaces and virtual lines own a SIPREC call (SPEC §5): each participant is
// matched by SIP address, extension on the trunk's own domains, number — national forms read
// with the trunk's or the locations' dial plan, party-lookups.ts — or BroadWorks userID; owners
// are the matched entities whose effective settings record the call with the built-in recorder.
// The org's recording off is a 403 refusal. When no owner records with the built-in recorder and
// the matched entities (or, with none matched, the org) record with one external recorder, the
// decision is to forward the session there, naming the entities the vendor records the call for
// (`forward.owners`), the org's "record here when the vendor fails" (`fallbackToLocal`) and
// dual recording (the location's, else the org's): the entities with dual recording on are
// owners here as well, so the call is both forwarded and recorded. Owners split over several
// external recorders is a 403, since a session is forwarded to one recorder at most. When no participant
// matches any entity, the trunk's default owner stands in for the call's party; without one the
// decision says why the call is unattributed, and the recorder records it without an owner. A
// voicemail deposit (the recorder's voicemail-leg.ts says so) is owned by the mailbox's entity
// alone, and only when that entity's `recordVoicemailEnabled` is on.
import type {
  RecordingCallScope,
  RecordingForwardTarget,
  RecordingLegFacts,
  RecordingOwner,
  RecordingOwnerDecision,
  RecordingPartyCandidate,
} from '@callvault/recorder';
import type { DbOrTrx } from '../db/database.js';
import {
  findEntityByParty,
  findEntityCountry,
  listLocationCountries,
  type DirectoryHit,
} from '../org/directory-lookup.repository.js';
import { dialPlanCountry } from '../org/dial-plan.js';
import { findPersonById } from '../org/people.repository.js';
import { findVirtualLineById } from '../org/virtual-lines.repository.js';
import { findWorkspaceById } from '../org/workspaces.repository.js';
import { findOrgSettings } from '../recording-settings/recording-settings.repository.js';
import {
  effectiveSettingsOf,
  findRecordableEntity,
} from '../recording-settings/effective-settings.service.js';
import { loadVendors } from '../recording-settings/vendor-registry.js';
import type {
  OrgRecordingSettings,
  RecordableKind,
  VendorInfo,
} from '../recording-settings/recording-settings.model.js';
import { findTrunk, type TrunkRecord } from '../recording-trunks/recording-trunks.repository.js';
import { planPartyLookups, type DialContext } from './party-lookups.js';

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

/** The trunk's own domains and dial-plan countries (its own, else the org's locations'). */
async function dialContextOf(
  db: DbOrTrx,
  scope: RecordingCallScope,
): Promise<{ context: DialContext; trunkCountry: string | null; trunk: TrunkRecord | null }> {
  const trunk = await findTrunk(db, scope.orgId, scope.trunkId);
  const trunkCountry = dialPlanCountry(trunk?.country);
  const countries = trunkCountry ? [trunkCountry] : await listLocationCountries(db, scope.orgId);
  return { context: { ownDomains: trunk?.ownDomains ?? [], countries }, trunkCountry, trunk };
}

interface MatchScope {
  readonly db: DbOrTrx;
  readonly orgId: string;
  readonly context: DialContext;
  readonly trunkCountry: string | null;
  /** Why each participant is or is not an owner. */
  readonly notes: string[];
  /** The session is a voicemail deposit: its owner must record voicemail. */
  readonly voicemail: boolean;
}

/** The recordable directory entry a participant names, and by what; null when none. */
async function findParticipantEntity(
  scope: MatchScope,
  participant: RecordingPartyCandidate,
  label: string,
): Promise<{ hit: DirectoryHit; matchedBy: RecordingOwner['matchedBy'] } | null> {
  const { db, orgId, context, trunkCountry, notes } = scope;
  const lookups = [
    ...(participant.aor === undefined ? [] : planPartyLookups(participant.aor, context)),
    ...(participant.broadworksUserId === undefined
      ? []
      : planPartyLookups(participant.broadworksUserId, context, 'broadworks-user-id')),
  ];
  for (const lookup of lookups) {
    const hit = await findEntityByParty(db, orgId, lookup.ref);
    if (hit && RECORDABLE.has(hit.type)) {
      // A national number read with one location's country names nobody elsewhere.
      if (lookup.country !== undefined && trunkCountry === null) {
        const country = await findEntityCountry(db, hit);
        if (country !== lookup.country) {
          notes.push(
            `${label}: read as ${lookup.ref.number ?? ''} (${lookup.country}), but that ${hit.type} is not in a ${lookup.country} location`,
          );
          continue;
        }
      }
      return { hit, matchedBy: lookup.matchedBy };
    }
    if (hit) notes.push(`${label}: matches a ${hit.type}, which is not recordable`);
  }
  return null;
}

/**
 * Who may own a voicemail deposit: the mailbox alone (an RFC 4458 `target` read as an address or
 * number, BroadWorks' recorded `userID` as that), never the caller leaving the message.
 */
export function voicemailCandidates(
  voicemail: NonNullable<RecordingLegFacts['voicemail']>,
): RecordingPartyCandidate[] {
  const mailbox = voicemail.mailbox;
  if (mailbox === undefined) return [];
  return [
    voicemail.evidence === 'rfc4458-uri'
      ? { id: 'voicemail:target', aor: mailbox, placeholder: false }
      : { id: 'voicemail:userID', broadworksUserId: mailbox, placeholder: false },
  ];
}

export async function decideOwnersOn(
  db: DbOrTrx,
  scope: RecordingCallScope,
  callParticipants: readonly RecordingPartyCandidate[],
  leg: RecordingLegFacts = {},
): Promise<RecordingOwnerDecision> {
  const { orgId } = scope;
  const notes: string[] = [];
  const org = await findOrgSettings(db, orgId);
  if (!org.enabled) {
    return {
      owners: [],
      waitingForParticipants: false,
      refusal: { status: 403, reason: 'call recording is turned off for the organization' },
      notes: ['org recording is off'],
    };
  }
  const vendors = await loadVendors(db, orgId);
  const orgVendor = vendors.get(org.vendorId);
  const { context, trunkCountry, trunk } = await dialContextOf(db, scope);
  const match: MatchScope = { db, orgId, context, trunkCountry, notes, voicemail: !!leg.voicemail };
  const owners: RecordingOwner[] = [];
  const seen = new Set<string>();
  const external = new ExternalRecorders();
  let matchedAny = false;
  const voicemail = leg.voicemail;
  const participants = voicemail ? voicemailCandidates(voicemail) : callParticipants;
  if (voicemail) {
    notes.push(
      voicemail.mailbox === undefined
        ? `voicemail deposit (${voicemail.evidence}) names no mailbox: nobody owns it`
        : `voicemail deposit (${voicemail.evidence}) into the mailbox of ${voicemail.mailbox}`,
    );
  }

  for (const participant of participants) {
    const label = participant.aor ?? participant.broadworksUserId ?? participant.id;
    if (participant.placeholder) {
      notes.push(`${label}: placeholder, not matched`);
      continue;
    }
    const found = await findParticipantEntity(match, participant, label);
    if (!found) {
      notes.push(`${label}: matches no person, workspace or virtual line`);
      continue;
    }
    const { hit, matchedBy } = found;
    matchedAny = true;
    const key = `${hit.type}:${hit.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const owner = await recordingOwnerOf(match, hit, participant.id, matchedBy, label);
    if (owner !== null && 'external' in owner) external.add(owner);
    else if (owner !== null) owners.push(owner);
  }

  const waitingForParticipants =
    !voicemail && owners.length === 0 && participants.every((p) => p.placeholder);
  // Nobody in the call matched: the trunk's default owner owns it, as if it were a party — once
  // the call names real parties (a placeholder may still be replaced by a revision, so not then).
  const defaultOwner = trunk?.defaultOwner ?? null;
  let defaultOwnerGone = false;
  if (!matchedAny && !waitingForParticipants && defaultOwner !== null) {
    const hit: DirectoryHit = { type: defaultOwner.type, id: defaultOwner.id };
    const label = `trunk ${trunk?.name ?? scope.trunkId} default owner`;
    if (!(await findRecordableEntity(db, orgId, defaultOwner.type, defaultOwner.id))) {
      defaultOwnerGone = true;
      notes.push(`${label}: the ${defaultOwner.type} no longer exists`);
    } else {
      matchedAny = true;
      const owner = await recordingOwnerOf(match, hit, 'trunk', 'trunk-default-owner', label);
      if (owner !== null && 'external' in owner) external.add(owner);
      else if (owner !== null) owners.push(owner);
    }
  }
  // With an owner recorded here, the call goes to the vendor too only when its owners there
  // record in both places (dual recording); otherwise it is recorded here for the local owners.
  if (external.size > 0 && (owners.length === 0 || external.anyDual())) {
    const forward = external.single(org);
    if (forward === null) {
      const reason = `the call's owners record with different external recorders (${external.names().join(', ')}); a session is forwarded to one recorder only`;
      return { owners, waitingForParticipants: false, refusal: { status: 403, reason }, notes };
    }
    notes.push(`forwarded to the external recorder ${forward.vendorName} (${forward.sipUri})`);
    const dual = forward.owners.filter((o) => external.isDual(o));
    if (dual.length > 0) {
      notes.push(
        `dual recording: also recorded here for ${dual.map((o) => o.displayName).join(', ')}`,
      );
    }
    return { owners: [...owners, ...dual], waitingForParticipants: false, forward, notes };
  }
  if (owners.length === 0 && !matchedAny && orgVendor && !orgVendor.builtIn) {
    const forward = forwardTarget(
      orgVendor,
      [`no party matches anyone, and the organization records with ${orgVendor.name}`],
      [],
      org,
      org.dualRecording,
    );
    notes.push(`forwarded to the external recorder ${forward.vendorName} (${forward.sipUri})`);
    if (!forward.dualRecording) return { owners, waitingForParticipants: false, forward, notes };
    // Recorded here as well, without an owner: say why, as for any unattributed call.
    const unattributed = unattributedReason(participants, defaultOwnerGone);
    notes.push(`dual recording: also recorded here unattributed: ${unattributed}`);
    return { owners, waitingForParticipants: false, forward, notes, unattributed };
  }
  if (owners.length === 0 && !matchedAny) {
    const unattributed = unattributedReason(participants, defaultOwnerGone);
    notes.push(`recorded unattributed: ${unattributed}`);
    return { owners, waitingForParticipants, notes, unattributed };
  }
  return { owners, waitingForParticipants, notes };
}

function forwardTarget(
  vendor: VendorInfo,
  because: readonly string[],
  owners: readonly RecordingOwner[],
  org: OrgRecordingSettings,
  dualRecording: boolean,
): RecordingForwardTarget {
  return {
    vendorId: vendor.id,
    vendorName: vendor.name,
    sipUri: vendor.sipUri ?? '',
    ...(vendor.metadataDialect === undefined ? {} : { metadataDialect: vendor.metadataDialect }),
    ...(vendor.digest ? { credentials: vendor.digest } : {}),
    because,
    owners,
    fallbackToLocal: org.recordLocallyOnVendorFailure,
    dualRecording,
  };
}

/** An entity the call is recorded for by an external recorder. */
interface ExternalOwner {
  readonly external: VendorInfo;
  readonly because: string;
  readonly owner: RecordingOwner;
  /** Its dual recording (the location's, else the org's): recorded here as well. */
  readonly dualRecording: boolean;
}

/** The external recorders the matched entities record with, each with why and for whom. */
class ExternalRecorders {
  private readonly byId = new Map<
    string,
    { vendor: VendorInfo; because: string[]; owners: RecordingOwner[] }
  >();
  private readonly dual = new Set<RecordingOwner>();

  add(entry: ExternalOwner): void {
    const known = this.byId.get(entry.external.id);
    if (known) {
      known.because.push(entry.because);
      known.owners.push(entry.owner);
    } else {
      this.byId.set(entry.external.id, {
        vendor: entry.external,
        because: [entry.because],
        owners: [entry.owner],
      });
    }
    if (entry.dualRecording) this.dual.add(entry.owner);
  }

  get size(): number {
    return this.byId.size;
  }

  anyDual(): boolean {
    return this.dual.size > 0;
  }

  isDual(owner: RecordingOwner): boolean {
    return this.dual.has(owner);
  }

  names(): string[] {
    return [...this.byId.values()].map((e) => e.vendor.name);
  }

  /** The one recorder they all use; null when they use several. */
  single(org: OrgRecordingSettings): RecordingForwardTarget | null {
    if (this.byId.size !== 1) return null;
    const [entry] = [...this.byId.values()];
    return entry
      ? forwardTarget(entry.vendor, entry.because, entry.owners, org, this.anyDual())
      : null;
  }
}

/** Why no one owns the call, in words a compliance officer reads with the recording. */
function unattributedReason(
  participants: readonly RecordingPartyCandidate[],
  defaultOwnerGone: boolean,
): string {
  const named = participants.filter((p) => !p.placeholder);
  const names = named.map((p) => p.aor ?? p.broadworksUserId ?? p.id);
  const why =
    participants.length === 0
      ? 'the call names no participant'
      : named.length === 0
        ? 'the metadata names only placeholder participants'
        : `no party matches a person, workspace or virtual line (${names.join(', ')})`;
  return defaultOwnerGone
    ? `${why}, and the trunk's default owner no longer exists`
    : `${why}, and the trunk has no default owner`;
}

/**
 * The owner a matched entity makes when its effective settings record the call with the
 * built-in recorder; the external recorder when another records it; null when it is not
 * recorded.
 */
async function recordingOwnerOf(
  scope: MatchScope,
  hit: DirectoryHit,
  participantId: string,
  matchedBy: RecordingOwner['matchedBy'],
  label: string,
): Promise<RecordingOwner | ExternalOwner | null> {
  const { db, orgId, notes } = scope;
  const entity = await findRecordableEntity(db, orgId, hit.type as RecordableKind, hit.id);
  if (!entity) return null;
  const effective = await effectiveSettingsOf(db, entity);
  const name = await displayNameOf(db, orgId, hit);
  if (!effective.recorded) {
    notes.push(`${label}: ${hit.type} ${name} is not recorded (${effective.reason})`);
    return null;
  }
  if (scope.voicemail && !effective.recordVoicemail) {
    notes.push(
      `${label}: ${hit.type} ${name} does not record voicemail (recordVoicemailEnabled is off)`,
    );
    return null;
  }
  const owner: RecordingOwner = {
    kind: hit.type as RecordableKind,
    id: hit.id,
    displayName: name,
    participantId,
    matchedBy,
    mode: effective.mode,
    failureBehavior: effective.failureBehavior,
    ...(scope.voicemail ? { recordingType: 'voicemail' as const } : {}),
  };
  if (!effective.vendor.builtIn) {
    const because = `${label}: ${hit.type} ${name} is recorded by ${effective.vendor.name}`;
    notes.push(because);
    return {
      external: effective.vendor,
      because,
      owner,
      dualRecording: effective.dualRecording,
    };
  }
  notes.push(`${label}: ${hit.type} ${name} is recorded (${effective.mode}, by ${matchedBy})`);
  return owner;
}
