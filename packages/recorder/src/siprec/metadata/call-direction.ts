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
//
// Anything else (no such extension, contradictory marks) gives null: better no direction than a
// wrong one on a compliance record.
import type { RecordingMetadata } from './recording-metadata.js';

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
  return null;
}
