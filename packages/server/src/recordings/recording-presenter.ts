// A catalogue row in the API's shapes: Webex's converged recording and its metadata, and
// Callvault's summary. Pure: rows in, values out.
import type {
  ConvergedRecording,
  ConvergedRecordingMetadata,
  RecordingSummary,
} from '@callvault/shared';
import {
  presentProvenance,
  presentSegment,
  presentSrcMetadata,
  presentMediaSecurity,
  presentTrunk,
  presentUnattributed,
} from './recording-provenance.js';
import { uuidOfId } from '../ids.js';
import type { RecordingRecord } from './recordings.model.js';

/** The version of Webex's metadata shape the document follows. */
const METADATA_VERSION = '1.2';

/** Webex writes the owner type in upper case in metadata (and in party actors). */
const METADATA_OWNER_TYPES = {
  user: 'USER',
  place: 'PLACE',
  virtualLine: 'VIRTUAL_LINE',
  unattributed: 'UNATTRIBUTED',
} as const satisfies Record<RecordingRecord['ownerType'], string>;

interface WebexParty {
  actor?: { type: string; id: string; email?: string };
  number?: string;
  name?: string;
}

export function presentConvergedRecording(r: RecordingRecord): ConvergedRecording {
  return {
    id: r.id,
    topic: r.topic,
    createTime: r.createTime,
    timeRecorded: r.timeRecorded,
    format: r.format,
    serviceType: 'calling',
    durationSeconds: r.durationSeconds,
    sizeBytes: r.sizeBytes,
    status: r.status,
    // Webex shows plain UUIDs here (the filters take either form).
    ownerId: uuidOfId(r.ownerId),
    ...(r.ownerEmail !== null ? { ownerEmail: r.ownerEmail } : {}),
    ownerType: r.ownerType,
    storageRegion: r.storageRegion,
    serviceData: {
      ...(r.locationId !== null ? { locationId: uuidOfId(r.locationId) } : {}),
      ...(r.callSessionId !== null ? { callSessionId: r.callSessionId } : {}),
    },
  };
}

export function presentRecordingSummary(r: RecordingRecord): RecordingSummary {
  return {
    id: r.id,
    topic: r.topic,
    createTime: r.createTime,
    timeRecorded: r.timeRecorded,
    format: r.format,
    durationSeconds: r.durationSeconds,
    sizeBytes: r.sizeBytes,
    status: r.status,
    ownerId: r.ownerId,
    ownerEmail: r.ownerEmail,
    ownerName: r.ownerName,
    ownerType: r.ownerType,
    locationId: r.locationId,
    direction: r.direction,
    localNumber: r.localNumber,
    remoteNumber: r.remoteNumber,
    parties: [...r.parties],
    channels: r.channels,
    hasTranscript: r.hasTranscript,
    deletedAt: r.deletedAt,
    purgedAt: r.purgedAt,
    ...presentProvenance(r.provenance),
  };
}

const documents = (v: unknown): Array<Record<string, unknown>> =>
  Array.isArray(v) ? v.filter((d): d is Record<string, unknown> => typeof d === 'object') : [];

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/**
 * Which side of the call the owner was (Webex `personality`): the caller (originator) or the
 * called party (terminator); undefined when the call's direction is not known.
 */
function personalityOf(r: RecordingRecord): 'originator' | 'terminator' | undefined {
  if (r.direction === 'outbound') return 'originator';
  if (r.direction === 'inbound') return 'terminator';
  const caller = r.parties.find((p) => p.role === 'caller');
  if (r.localNumber !== null && caller?.number !== undefined) {
    return caller.number === r.localNumber ? 'originator' : 'terminator';
  }
  return undefined;
}

/**
 * Webex's calling and called party: from the parties' roles when the call system gave them, else
 * from the owner's side (personality) and the local and remote numbers. The owner's side carries
 * the owner as its actor.
 */
function callPartiesOf(
  r: RecordingRecord,
  personality: 'originator' | 'terminator' | undefined,
): { callingParty?: WebexParty; calledParty?: WebexParty } {
  const owner: WebexParty['actor'] = {
    type: METADATA_OWNER_TYPES[r.ownerType],
    id: uuidOfId(r.ownerId),
    ...(r.ownerEmail !== null ? { email: r.ownerEmail } : {}),
  };
  const party = (
    number: string | undefined,
    name: string | undefined,
    isOwner: boolean,
  ): WebexParty | undefined =>
    number === undefined && name === undefined && !isOwner
      ? undefined
      : {
          ...(isOwner ? { actor: owner } : {}),
          ...(number !== undefined ? { number } : {}),
          ...(name !== undefined ? { name } : {}),
        };
  const caller = r.parties.find((p) => p.role === 'caller');
  const callee = r.parties.find((p) => p.role === 'callee');
  const local = text(r.localNumber);
  const remote = text(r.remoteNumber);
  const callingNumber =
    text(caller?.number) ??
    text(caller?.address) ??
    (personality === 'originator' ? local : personality === 'terminator' ? remote : undefined);
  const calledNumber =
    text(callee?.number) ??
    text(callee?.address) ??
    (personality === 'originator' ? remote : personality === 'terminator' ? local : undefined);
  const calling = party(callingNumber, text(caller?.name), personality === 'originator');
  const called = party(calledNumber, text(callee?.name), personality === 'terminator');
  return {
    ...(calling !== undefined ? { callingParty: calling } : {}),
    ...(called !== undefined ? { calledParty: called } : {}),
  };
}

/**
 * Webex's `recordingType`: how recording started for the owner. A start by the owner's recording
 * mode is `alwaysON`; one by the owner (API, DTMF, the SRC's own request) is `onDemand`.
 */
function recordingTypeOf(actions: ReadonlyArray<Record<string, unknown>>): string | undefined {
  const start = actions.find((a) => a.action === 'start' || a.action === 'START');
  if (start === undefined) return undefined;
  return start.source === 'mode' ? 'alwaysON' : 'onDemand';
}

/** Webex's `{action: "PAUSE", time}`, with Callvault's own fields kept beside them. */
function presentAction(a: Record<string, unknown>): Record<string, unknown> {
  const { ownerId, ...rest } = a;
  return {
    ...rest,
    ...(typeof a.action === 'string' ? { action: a.action.toUpperCase() } : {}),
    ...(typeof a.at === 'string' ? { time: a.at } : {}),
    ...(typeof ownerId === 'string' ? { ownerId: uuidOfId(ownerId) } : {}),
  };
}

/**
 * Webex's `callActivity` for a captured call stored before finalize kept one per metadata
 * revision: one activity at the start of the recording with its media streams (`mixed` for a
 * stream carrying several parties) and who sent which stream.
 */
function callActivityOf(
  r: RecordingRecord,
  participants: ReadonlyArray<Record<string, unknown>>,
  streams: ReadonlyArray<Record<string, unknown>>,
): Array<Record<string, unknown>> {
  if (streams.length === 0 && participants.length === 0) return [];
  const streamId = (s: Record<string, unknown>): string =>
    text(s.label) ?? `#${typeof s.index === 'number' ? s.index : 0}`;
  return [
    {
      timeStamp: r.timeRecorded,
      mediaStreams: streams.map((s) => ({
        streamId: streamId(s),
        mode: s.mixed === true ? 'mixed' : 'separate',
        mLineIndex: String(typeof s.index === 'number' ? s.index : 0),
      })),
      participants: participants.map((p) => {
        const sent = streams.filter(
          (s) =>
            (s.participantId !== undefined && s.participantId === p.id) ||
            (Array.isArray(s.participantIds) && s.participantIds.includes(p.id)),
        );
        return {
          ...(text(p.aor) !== undefined ? { aor: text(p.aor) } : {}),
          ...(text(p.name) !== undefined ? { name: text(p.name) } : {}),
          ...(sent[0] !== undefined ? { send: streamId(sent[0]) } : {}),
        };
      }),
    },
  ];
}

export function presentMetadata(r: RecordingRecord): ConvergedRecordingMetadata {
  const m = r.metadata;
  const participants = documents(m.participants);
  const streams = documents(m.streams);
  const actions = documents(m.recordingActions);
  const storedActivity = documents(m.callActivity);
  const personality = personalityOf(r);
  const parties = callPartiesOf(r, personality);
  // A message left in the owner's mailbox says so; otherwise how recording started.
  const recordingType = m.recordingType === 'voicemail' ? 'voicemail' : recordingTypeOf(actions);
  const stopTime = new Date(Date.parse(r.timeRecorded) + r.durationSeconds * 1000).toISOString();
  return {
    id: r.id,
    orgId: uuidOfId(r.orgId),
    ownerId: uuidOfId(r.ownerId),
    ownerType: METADATA_OWNER_TYPES[r.ownerType],
    ownerName: r.ownerName,
    ...(r.ownerEmail !== null ? { ownerEmail: r.ownerEmail } : {}),
    storageRegion: r.storageRegion,
    serviceType: 'calling',
    version: METADATA_VERSION,
    sha256: r.sha256,
    serviceData: {
      callRecordingId: r.id,
      ...(r.locationId !== null ? { locationId: uuidOfId(r.locationId) } : {}),
      ...(r.callSessionId !== null ? { callSessionId: r.callSessionId } : {}),
      ...(personality !== undefined ? { personality } : {}),
      ...parties,
      ...(parties.calledParty !== undefined ? { answererInfo: parties.calledParty } : {}),
      ...(r.callId !== null ? { callId: r.callId } : {}),
      ...(recordingType !== undefined ? { recordingType } : {}),
      ...(r.direction !== null ? { direction: r.direction } : {}),
      ...(r.localNumber !== null ? { localNumber: r.localNumber } : {}),
      ...(r.remoteNumber !== null ? { remoteNumber: r.remoteNumber } : {}),
      parties: [...r.parties],
      channels: r.channels,
      participants,
      streams,
      callActivity:
        storedActivity.length > 0 ? storedActivity : callActivityOf(r, participants, streams),
      recordingActions: actions.map(presentAction),
      announcements:
        typeof m.announcements === 'object' && m.announcements !== null ? m.announcements : {},
      session: { startTime: r.timeRecorded, stopTime, durationSeconds: r.durationSeconds },
      trunk: presentTrunk(m),
      segment: presentSegment(m),
      srcMetadata: presentSrcMetadata(m),
      mediaSecurity: presentMediaSecurity(m),
      unattributed: presentUnattributed(m),
    },
    ...presentProvenance(r.provenance),
  };
}
