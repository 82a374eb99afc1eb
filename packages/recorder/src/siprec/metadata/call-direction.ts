// Which way a recorded call went, as seen by its recorded owner. RFC 7865 metadata has no call
// direction; two SRC dialects carry it in their extensions, and this reads them. Pure.
//
//   - Oracle/Acme Packet SBCs mark each participant with
//     `<extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata">
//        <apkt:callingParty>true|false</apkt:callingParty></extensiondata>`.
//     The owner's participant being the calling party makes the call outbound, another
//     participant being it makes it inbound, and a call between two owners is internal.
//   - BroadWorks records per subscriber; its `broadWorksRecordingMetadata` `callType` is
//     `origCall` (the recorded subscriber placed the call: outbound) or `termCall` (inbound).
//   - Metaswitch names the recorded subscriber (`recordedParty`) and the call's direction for
//     that subscriber beside it (`incoming`/`outgoing`; `inbound`/`outbound` and
//     `terminating`/`originating` read the same way).
//
// Over a call's revisions (callDirectionOfRevisions) the first revision that says wins: the
// direction is how the call was set up, and a later complete revision may have dropped the
// extension or re-issued the participant ids the Acme marks are keyed by.
//
// Anything else (no such extension, contradictory marks) gives null: better no direction than a
// wrong one on a compliance record.
import type { RecordingMetadata } from './recording-metadata.js';
import type { ParticipantHistory, ParticipantHistoryRevision } from './participant-history.js';

export type SiprecCallDirection = 'inbound' | 'outbound' | 'internal';

const CALLING_PARTY = /<(?:[A-Za-z_][\w.-]*:)?callingParty\s*>\s*(true|false)\s*</i;

/** Participants an Acme extension marks as the calling party (true) or not (false). */
function acmeCallingParties(metadata: RecordingMetadata): Map<string, boolean> {
  const marks = new Map<string, boolean>();
  for (const extension of metadata.extensions) {
    if (extension.parent !== 'participant' || extension.parentId === undefined) continue;
    const match = CALLING_PARTY.exec(extension.xml);
    if (match) marks.set(extension.parentId, match[1]!.toLowerCase() === 'true');
  }
  return marks;
}

/**
 * The direction of the call for the owner recorded as `ownerParticipantId`; `ownerParticipantIds`
 * are every participant of the call who is an owner (for `internal`). Null when the metadata
 * does not say.
 */
export function callDirectionOf(
  metadata: RecordingMetadata,
  ownerParticipantId: string | undefined,
  ownerParticipantIds: readonly string[] = [],
): SiprecCallDirection | null {
  const marks = acmeCallingParties(metadata);
  const callers = [...marks].filter(([, calling]) => calling).map(([id]) => id);
  if (callers.length === 1 && ownerParticipantId !== undefined) {
    const caller = callers[0]!;
    const owners = new Set(ownerParticipantIds);
    owners.add(ownerParticipantId);
    const called = metadata.participants.filter((p) => p.id !== caller).map((p) => p.id);
    if (owners.has(caller) && called.length > 0 && called.every((id) => owners.has(id))) {
      return 'internal';
    }
    return caller === ownerParticipantId ? 'outbound' : 'inbound';
  }
  if (callers.length > 1) return null;
  const kind = metadata.vendor?.broadworks?.callType?.kind.toLowerCase();
  if (kind === 'origcall') return 'outbound';
  if (kind === 'termcall') return 'inbound';
  return metaswitchDirection(metadata.vendor?.metaswitch?.direction);
}

function metaswitchDirection(value: string | undefined): SiprecCallDirection | null {
  switch (value?.trim().toLowerCase() ?? '') {
    case 'incoming':
    case 'inbound':
    case 'terminating':
      return 'inbound';
    case 'outgoing':
    case 'outbound':
    case 'originating':
      return 'outbound';
    default:
      return null;
  }
}

/**
 * The direction over every revision of the call, for the owner whose participant has the stable
 * id `ownerStableId` (participant-history.ts); `ownerStableIds` are every owner's. Each revision
 * is read with the ids that revision used for those participants; the first that says wins.
 */
export function callDirectionOfRevisions(
  revisions: readonly ParticipantHistoryRevision[],
  history: ParticipantHistory,
  ownerStableId: string | undefined,
  ownerStableIds: readonly string[] = [],
): SiprecCallDirection | null {
  const stableOf = (id: string): string => history.stableIds.get(id) ?? id;
  for (const { model } of revisions) {
    const idsNow = model.participants.map((p) => p.id);
    const owner =
      ownerStableId === undefined ? undefined : idsNow.find((id) => stableOf(id) === ownerStableId);
    const owners = idsNow.filter((id) => ownerStableIds.includes(stableOf(id)));
    // An owner not listed in this revision: Acme marks cannot place it, vendor data still can.
    const direction = callDirectionOf(model, owner, owners);
    if (direction !== null) return direction;
  }
  return null;
}
