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
} from './recording-provenance.js';
import { uuidOfId } from '../ids.js';
import type { RecordingRecord } from './recordings.model.js';

const METADATA_VERSION = '1.0';

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

export function presentMetadata(r: RecordingRecord): ConvergedRecordingMetadata {
  const m = r.metadata;
  return {
    id: r.id,
    orgId: uuidOfId(r.orgId),
    ownerId: uuidOfId(r.ownerId),
    ownerType: r.ownerType,
    ownerName: r.ownerName,
    ...(r.ownerEmail !== null ? { ownerEmail: r.ownerEmail } : {}),
    storageRegion: r.storageRegion,
    serviceType: 'calling',
    version: METADATA_VERSION,
    sha256: r.sha256,
    serviceData: {
      ...(r.locationId !== null ? { locationId: uuidOfId(r.locationId) } : {}),
      ...(r.callSessionId !== null ? { callSessionId: r.callSessionId } : {}),
      ...(r.callId !== null ? { callId: r.callId } : {}),
      ...(r.direction !== null ? { direction: r.direction } : {}),
      ...(r.localNumber !== null ? { localNumber: r.localNumber } : {}),
      ...(r.remoteNumber !== null ? { remoteNumber: r.remoteNumber } : {}),
      parties: [...r.parties],
      channels: r.channels,
      participants: documents(m.participants),
      streams: documents(m.streams),
      callActivity: documents(m.callActivity),
      recordingActions: documents(m.recordingActions),
      announcements:
        typeof m.announcements === 'object' && m.announcements !== null ? m.announcements : {},
      session: { startTime: r.timeRecorded, durationSeconds: r.durationSeconds },
      trunk: presentTrunk(m),
      segment: presentSegment(m),
      srcMetadata: presentSrcMetadata(m),
      mediaSecurity: presentMediaSecurity(m),
    },
    ...presentProvenance(r.provenance),
  };
}
