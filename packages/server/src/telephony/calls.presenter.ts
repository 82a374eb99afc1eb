// A live call as Webex's call-control API shows it (`GET /v1/telephony/calls`, `/{callId}`):
// Webex's `Call` object for one line of the call — `personality`, `state`, `remoteParty` with
// `privacyEnabled` and `callType`, `recordingState`, `muteCapable`/`muted` and
// `allowedRecordingControls` as one BroadWorks XSI `RecordingControls` token (the string wxc_sdk
// reads) — plus Callvault's `recordMode`, `recordingControls` and `failureReason`. Pure.
import { allowedRecordingControls as modeControls, parseUri } from '@callvault/recorder';
import type {
  AllowedRecordingControls,
  RecordingControlOperation,
  RecordingState,
  TelephonyCall,
  TelephonyParty,
} from '@callvault/shared';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import type { LiveCall, LiveCallOwner, LiveCallParty } from './live-calls.js';

const OPERATION_OF = {
  start: 'startRecording',
  stop: 'stopRecording',
  pause: 'pauseRecording',
  resume: 'resumeRecording',
} as const satisfies Record<string, RecordingControlOperation>;

/**
 * The controls allowed now, as one XSI token: what the mode allows (recording-control-state.ts)
 * narrowed to what the state takes. `none` when nothing would be accepted.
 */
export function allowedRecordingControlsOf(
  mode: string,
  state: RecordingState,
): AllowedRecordingControls {
  const allowed = new Set(modeControls(mode));
  switch (state) {
    case 'pending':
    case 'stopped':
      return allowed.has('start') ? 'record' : 'none';
    case 'started':
      if (allowed.has('pause')) return allowed.has('stop') ? 'pause-stop' : 'pause';
      return allowed.has('stop') ? 'stop' : 'none';
    case 'paused':
      if (allowed.has('resume')) return allowed.has('stop') ? 'resume-stop' : 'resume';
      return allowed.has('stop') ? 'stop' : 'none';
    case 'failed':
      return 'none';
  }
}

/**
 * The line's side of the call: what the SRC's metadata says (Acme `callingParty`, BroadWorks
 * `callType`), else the metadata's first participant is taken as the caller — SRCs list the
 * calling party first (RFC 7866 gives no order, so this is the fallback only).
 */
export function personalityOf(call: LiveCall, owner: LiveCallOwner): 'originator' | 'terminator' {
  if (owner.direction === 'outbound') return 'originator';
  if (owner.direction === 'inbound') return 'terminator';
  const first = call.parties[0];
  return first !== undefined && first.id === owner.participantId ? 'originator' : 'terminator';
}

const ANONYMOUS = /^anonymous$/i;

/** Whether the SRC gave the party as anonymous (RFC 3323 `anonymous@anonymous.invalid`). */
function isAnonymous(party: LiveCallParty): boolean {
  if (party.name !== undefined && ANONYMOUS.test(party.name.trim())) return true;
  if (party.aor === undefined) return false;
  try {
    const uri = parseUri(party.aor.trim());
    return (
      uri.kind === 'sip' && (ANONYMOUS.test(uri.user ?? '') || uri.host === 'anonymous.invalid')
    );
  } catch {
    return false;
  }
}

/**
 * The party's number as Webex writes it: digits (`+15550100`, `1234`) or a URI without its scheme
 * and parameters (`bob@example.net`); undefined when the SRC gave no address.
 */
export function partyNumberOf(aor: string | undefined): string | undefined {
  if (aor === undefined || aor.trim() === '') return undefined;
  const digits = phoneNumberOfAor(aor);
  if (digits !== null) return digits;
  try {
    const uri = parseUri(aor.trim());
    if (uri.kind === 'sip') return uri.user !== undefined ? `${uri.user}@${uri.host}` : uri.host;
    if (uri.kind === 'tel') return uri.number;
    return aor.trim();
  } catch {
    return aor.trim();
  }
}

/** Where the remote party is, when it is recorded on the same call (another owner). */
export interface RemoteOwnerPlace {
  readonly owner: LiveCallOwner;
  /** Whether it is in the same location as the line. */
  readonly sameLocation: boolean;
}

/**
 * The other side of the call for the line's owner: the first participant who is not the owner.
 * A party that is itself recorded on the call is of the organization (`personId`/`placeId`,
 * `location` or `organization`); any other party is `external` — Callvault knows the org's
 * people only when they are recorded.
 */
export function remotePartyOf(
  call: LiveCall,
  owner: LiveCallOwner,
  remoteOwner: RemoteOwnerPlace | null,
): TelephonyParty {
  const party = remotePartyEntryOf(call, owner);
  if (party !== undefined && isAnonymous(party)) {
    return { privacyEnabled: true, callType: 'external' };
  }
  const number = partyNumberOf(party?.aor);
  const name = party?.name !== undefined && party.name.trim() !== '' ? party.name : undefined;
  const other = remoteOwner?.owner;
  return {
    ...(name !== undefined ? { name } : {}),
    ...(number !== undefined ? { number } : {}),
    ...(other?.kind === 'person' ? { personId: other.id } : {}),
    ...(other?.kind === 'workspace' ? { placeId: other.id } : {}),
    privacyEnabled: false,
    callType: remoteOwner ? (remoteOwner.sameLocation ? 'location' : 'organization') : 'external',
  };
}

/** The participant on the other side of the call for `owner`. */
export function remotePartyEntryOf(
  call: LiveCall,
  owner: LiveCallOwner,
): LiveCallParty | undefined {
  return call.parties.find((p) => p.id !== owner.participantId);
}

/** The call as the line `owner` sees it. */
export function presentCall(
  call: LiveCall,
  owner: LiveCallOwner,
  remoteOwner: RemoteOwnerPlace | null,
): TelephonyCall {
  const started = new Date(call.startedAt).toISOString();
  return {
    id: call.callId,
    callSessionId: call.sessionId,
    personality: personalityOf(call, owner),
    state: call.onHold ? 'held' : 'connected',
    remoteParty: remotePartyOf(call, owner, remoteOwner),
    created: started,
    // A SIPREC session starts once the call is answered (the SRC forks connected media).
    answered: started,
    recordingState: owner.state,
    muteCapable: false,
    muted: false,
    allowedRecordingControls: allowedRecordingControlsOf(owner.mode, owner.state),
    recordMode: owner.mode,
    recordingControls:
      owner.state === 'failed' ? [] : modeControls(owner.mode).map((c) => OPERATION_OF[c]),
    failureReason: call.failure?.reason ?? null,
  };
}
