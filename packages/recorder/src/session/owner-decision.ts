// Whose call it is: the metadata's participants as the policy sees them (BroadWorks' recorded
// user and call numbers, Metaswitch's recorded party included), handed to
// RecordingPolicy.decideOwners, and the decision logged with the reasons the policy gives. An INVITE without metadata (Cisco CUBE network-based
// recording forks the call with plain SIP) names the call's parties only in its From and To:
// those are the candidates then, and the policy matches them as it would participants' AORs.
// When no one matches, the policy says why and the call is recorded unattributed.
import {
  isPlaceholderRecordingParticipant,
  listActiveRecordingParticipants,
  voicemailLegOf,
  type RecordingMetadataState,
} from '../siprec/index.js';
import type {
  RecordingCallScope,
  RecordingOwnerDecision,
  RecordingPartyCandidate,
} from './ports.js';
import type { CallIds, SessionContext } from './session-context.js';

/** The From and To of the INVITE, as the parties of a session without metadata. */
export interface InviteParties {
  readonly from?: { readonly uriText: string; readonly displayName?: string };
  readonly to?: { readonly uriText: string; readonly displayName?: string };
}

function headerCandidates(
  parties: InviteParties,
  patterns: readonly RegExp[],
): RecordingPartyCandidate[] {
  return (['from', 'to'] as const).flatMap((field) => {
    const party = parties[field];
    const aor = party?.uriText.trim();
    if (party === undefined || aor === undefined || aor === '') return [];
    return [
      {
        id: `invite:${field}`,
        aor,
        ...(party.displayName === undefined ? {} : { name: party.displayName }),
        placeholder: patterns.some((pattern) => pattern.test(aor)),
      },
    ];
  });
}

export function ownerCandidatesOf(
  metadata: RecordingMetadataState,
  patterns: readonly RegExp[],
  inviteParties: InviteParties = {},
): RecordingPartyCandidate[] {
  const model = metadata.current;
  if (!model) return headerCandidates(inviteParties, patterns);
  const candidates: RecordingPartyCandidate[] = listActiveRecordingParticipants(model).map((p) => ({
    id: p.id,
    ...(p.aor === undefined ? {} : { aor: p.aor }),
    ...(p.name === undefined ? {} : { name: p.name }),
    placeholder: isPlaceholderRecordingParticipant(p, patterns),
  }));
  // BroadWorks names the recorded user in its own extension, apart from the participants.
  const userId = model.vendor?.broadworks?.userId;
  if (userId !== undefined && userId.trim() !== '') {
    candidates.push({ id: 'broadworks:userID', broadworksUserId: userId, placeholder: false });
  }
  // ... and the call's numbers in `callType` (origCall/termCall), often in national form.
  const callType = model.vendor?.broadworks?.callType;
  for (const [field, value] of [
    ['callingPartyNumber', callType?.callingPartyNumber],
    ['calledPartyNumber', callType?.calledPartyNumber],
  ] as const) {
    if (value !== undefined && value.trim() !== '') {
      candidates.push({ id: `broadworks:${field}`, aor: value.trim(), placeholder: false });
    }
  }
  // Metaswitch names the subscriber the call is recorded for in its extension data.
  const recordedParty = model.vendor?.metaswitch?.recordedParty?.trim();
  if (recordedParty !== undefined && recordedParty !== '') {
    candidates.push({ id: 'metaswitch:recordedParty', aor: recordedParty, placeholder: false });
  }
  return candidates;
}

/**
 * A decision to forward that this recorder cannot carry out (no forwarding wired, or a metadata
 * update of a session recorded here that now names an external recorder's owners) is answered
 * as the refusal it replaces (403 naming the recorder), so the SRC learns that this recorder does
 * not record the call and why.
 */
export function refuseForward(decision: RecordingOwnerDecision): RecordingOwnerDecision {
  const forward = decision.forward;
  if (forward === undefined || decision.refusal !== undefined) return decision;
  const reason = `recording is handled by the external recorder ${forward.vendorName}; this session is not forwarded to it`;
  return {
    owners: decision.owners,
    waitingForParticipants: false,
    refusal: { status: 403, reason },
    notes: [...decision.notes, `not forwarded to ${forward.sipUri}`],
  };
}

export async function decideSessionOwners(
  context: SessionContext,
  scope: RecordingCallScope,
  metadata: RecordingMetadataState,
  ids: CallIds,
  inviteParties: InviteParties = {},
  /** True when this recorder forwards sessions (an initial INVITE with forwarding wired). */
  forwards = false,
): Promise<RecordingOwnerDecision> {
  const candidates = ownerCandidatesOf(metadata, context.patterns, inviteParties);
  // A voicemail deposit is owned by the mailbox's entity alone (and only if it records voicemail).
  const toUri = inviteParties.to?.uriText;
  const voicemail = voicemailLegOf(
    metadata.current,
    metadata.current === undefined && toUri !== undefined ? [toUri] : [],
  );
  const policyDecision = await context.policy.decideOwners(
    scope,
    candidates,
    voicemail === null ? {} : { voicemail },
  );
  const decided = forwards ? policyDecision : refuseForward(policyDecision);
  // Without metadata no one is known to be on the call yet: unless From or To matched, the
  // session waits for a metadata update as it does when the metadata names only placeholders,
  // and is recorded unattributed meanwhile (the reason says there was no metadata).
  const withoutMetadata =
    metadata.current === undefined && decided.owners.length === 0 && !decided.refusal;
  const decision: RecordingOwnerDecision = withoutMetadata
    ? {
        ...decided,
        waitingForParticipants: true,
        ...(decided.unattributed === undefined
          ? {}
          : { unattributed: `the INVITE had no recording metadata; ${decided.unattributed}` }),
      }
    : decided;
  context.log('info', ids, 'owner decision', {
    participants: candidates.map((c) => c.aor ?? c.broadworksUserId ?? c.id),
    owners: decision.owners.map((o) => `${o.kind}:${o.displayName} (${o.matchedBy})`),
    waitingForParticipants: decision.waitingForParticipants,
    refusal: decision.refusal?.reason,
    unattributed: decision.unattributed,
    ...(voicemail === null ? {} : { voicemail }),
    notes: decision.notes,
  });
  return decision;
}
