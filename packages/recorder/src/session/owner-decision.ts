// Whose call it is: the metadata's participants as the policy sees them (BroadWorks' recorded
// user and call numbers included), handed to RecordingPolicy.decideOwners, and the decision
// logged with the reasons the policy gives.
import {
  isPlaceholderRecordingParticipant,
  listActiveRecordingParticipants,
  type RecordingMetadataState,
} from '../siprec/index.js';
import type {
  RecordingCallScope,
  RecordingOwnerDecision,
  RecordingPartyCandidate,
} from './ports.js';
import type { CallIds, SessionContext } from './session-context.js';

export function ownerCandidatesOf(
  metadata: RecordingMetadataState,
  patterns: readonly RegExp[],
): RecordingPartyCandidate[] {
  const model = metadata.current;
  if (!model) return [];
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
  return candidates;
}

export async function decideSessionOwners(
  context: SessionContext,
  scope: RecordingCallScope,
  metadata: RecordingMetadataState,
  ids: CallIds,
): Promise<RecordingOwnerDecision> {
  const candidates = ownerCandidatesOf(metadata, context.patterns);
  const decision = await context.policy.decideOwners(scope, candidates);
  context.log('info', ids, 'owner decision', {
    participants: candidates.map((c) => c.aor ?? c.broadworksUserId ?? c.id),
    owners: decision.owners.map((o) => `${o.kind}:${o.displayName} (${o.matchedBy})`),
    waitingForParticipants: decision.waitingForParticipants,
    refusal: decision.refusal?.reason,
    notes: decision.notes,
  });
  return decision;
}
