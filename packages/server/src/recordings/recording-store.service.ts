// Storing audio as recordings (SPEC §6; the one entry point for `callvault import` and the SIPREC
// recorder): the audio once in the blob store, one catalogue row per owner, usage counted and the
// change audited in one transaction with its `recording.stored` event.
import crypto from 'node:crypto';
import type { CallDirection, RecordingFormat, RecordingParty } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Db } from '../db/database.js';
import { invalid, markBlobStoreError } from '../errors.js';
import { writeOutboxEvent } from '../events/outbox.js';
import { enqueueOutboxDispatch } from '../events/outbox.jobs.js';
import {
  findLocationSettings,
  findOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import type { BlobData } from '../storage/blob-store.js';
import type { RecordingStoreDeps } from './recording-deps.js';
import { RECORDING_STORED, type RecordingStoredPayload } from './recording-events.js';
import { audioObjectBlobKeys, peaksBlobKey, type WaveformPeaks } from './waveform-peaks.js';
import {
  CONTENT_TYPES,
  IMPORTED_PROVENANCE,
  type AudioObjectRecord,
  type OrgUsage,
  type RecordingMetadataDocument,
  type RecordingOwner,
  type RecordingProvenance,
  type RecordingRecord,
} from './recordings.model.js';
import {
  addOrgUsage,
  findAudioObjectById,
  findOrgUsage,
  findRecordingsByAudioId,
  insertAudioObject,
  insertRecording,
} from './recordings.repository.js';

export type { RecordingStoreDeps } from './recording-deps.js';

/** The blob key of an audio object: one namespace per org. */
export function audioBlobKey(orgId: string, audioId: string): string {
  return `org/${orgId}/audio/${audioId}`;
}

/** Recording ids look like Webex's: 32 hex digits. */
function newRecordingId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

/** An id of the same shape fixed by `seed`, for retry-safe storing. */
function derivedRecordingId(seed: string): string {
  return crypto.createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

export interface StoreRecordingInput {
  readonly orgId: string;
  /** The plain audio; it is hashed as it streams into the blob store. */
  readonly audio: BlobData;
  readonly format: RecordingFormat;
  readonly durationMs: number;
  readonly channels: number;
  readonly sampleRate: number;
  /** One recording per owner, all backed by the one audio object. */
  readonly owners: readonly RecordingOwner[];
  /** ISO 8601: when the recording started. */
  readonly timeRecorded: string;
  readonly topic?: string | undefined;
  readonly locationId?: string | null | undefined;
  readonly callSessionId?: string | null | undefined;
  readonly callId?: string | null | undefined;
  readonly direction?: CallDirection | null | undefined;
  readonly localNumber?: string | null | undefined;
  readonly remoteNumber?: string | null | undefined;
  readonly parties?: readonly RecordingParty[] | undefined;
  readonly metadata?: RecordingMetadataDocument | undefined;
  /** How the recorder made it (crash recovery, capture failures, end); imports have none. */
  readonly provenance?: RecordingProvenance | undefined;
  /** Who stored it, for the audit log: the recorder and import act as the system. */
  readonly source: 'import' | 'recorder';
  /** Extra audit details (the imported file's name, the SIPREC session). */
  readonly auditDetails?: Record<string, unknown> | undefined;
  /**
   * Makes storing retry-safe: the audio and recording ids (and so the blob key) are derived from
   * it, and when its audio object exists already, that is returned and nothing is stored or
   * counted again. The caller picks one key per recording it means (call + segment).
   */
  readonly idempotencyKey?: string | undefined;
  /**
   * The audio's waveform peaks when the caller has its PCM in memory (the capture): stored
   * beside the audio before the commit, so the `recording.stored` consumer need not decode it.
   */
  readonly peaks?: WaveformPeaks | undefined;
}

export interface StoredRecording {
  readonly audio: AudioObjectRecord;
  readonly recordings: readonly RecordingRecord[];
}

async function* hashing(
  source: BlobData,
  state: { hash: crypto.Hash; bytes: number },
): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    state.hash.update(source);
    state.bytes += source.byteLength;
    yield source;
    return;
  }
  for await (const part of source) {
    state.hash.update(part);
    state.bytes += part.byteLength;
    yield part;
  }
}

/** The other party of a call as its default topic names them. */
export interface TopicParty {
  readonly name?: string | undefined;
  readonly number?: string | undefined;
  readonly address?: string | undefined;
}

/** `sip:alice@example.com;transport=tls` → `alice@example.com`: an AOR as a person reads it. */
function readableAddress(address: string): string {
  return address.replace(/^sips?:|^tel:/i, '').replace(/[;?].*$/, '');
}

/**
 * `Call with <the other party>-<yyyymmdd hh:mm>`, the topic a recording gets by default (Webex's
 * shape, the time in UTC); `Voicemail from <the caller>-…` for a message left in the owner's
 * mailbox. The other party is named by their display name, else their number, else their
 * address; "unknown" only when nothing at all is known of them. The console shows such a topic
 * with the call's start time in the viewer's own time zone (lib/recording-topic.ts).
 */
export function defaultRecordingTopic(
  input: Pick<StoreRecordingInput, 'remoteNumber' | 'localNumber' | 'parties'> & {
    /** Who the owner talked with, when the caller knows (the capture does); else the parties. */
    readonly otherParty?: TopicParty | undefined;
    /** The recording's owners: a party that is one of them is not the other party. */
    readonly owners?: readonly { readonly id: string }[] | undefined;
  },
  at: Date,
  recordingType: 'call' | 'voicemail' = 'call',
): string {
  const parties = input.parties ?? [];
  const named =
    input.otherParty ??
    parties.find((p) => input.remoteNumber != null && p.number === input.remoteNumber) ??
    parties.find(
      (p) =>
        (p.name?.trim() || p.number !== undefined) &&
        (input.localNumber == null || p.number !== input.localNumber) &&
        !(input.owners ?? []).some((o) => o.id === p.entityId),
    );
  const other =
    named?.name?.trim() ||
    named?.number ||
    input.remoteNumber ||
    (named?.address === undefined ? undefined : readableAddress(named.address)) ||
    'unknown';
  const stamp = at.toISOString().slice(0, 16).replace('T', ' ').replace(/-/g, '');
  return `${recordingType === 'voicemail' ? 'Voicemail from' : 'Call with'} ${other}-${stamp}`;
}

/**
 * Stores audio once and catalogues it for each owner: the audio goes through the blob store
 * (encrypted at rest by its decorator) under `org/<orgId>/audio/<id>`, its SHA-256 is kept, and
 * one transaction inserts the audio object, the recordings, the usage, the audit events and one
 * `recording.stored` event for its consumers (recording-events.ts). If the transaction fails the
 * stored object is removed again.
 */
export async function storeRecording(
  deps: RecordingStoreDeps,
  input: StoreRecordingInput,
): Promise<StoredRecording> {
  if (input.owners.length === 0) throw invalid('a recording needs at least one owner');
  const timeRecorded = new Date(input.timeRecorded);
  if (Number.isNaN(timeRecorded.getTime())) throw invalid('timeRecorded is not a date');
  const { idempotencyKey } = input;
  const audioId =
    idempotencyKey === undefined
      ? newRecordingId()
      : derivedRecordingId(`audio:${input.orgId}:${idempotencyKey}`);
  if (idempotencyKey !== undefined) {
    const done = await findStoredRecording(deps.db, audioId);
    if (done) return done;
  }
  const key = audioBlobKey(input.orgId, audioId);
  const state = { hash: crypto.createHash('sha256'), bytes: 0 };
  await deps.blobStore
    .put(key, hashing(input.audio, state), { contentType: CONTENT_TYPES[input.format] })
    .catch((err: unknown) => {
      throw markBlobStoreError(err);
    });
  const sha256 = state.hash.digest('hex');
  if (input.peaks !== undefined) {
    await deps.blobStore
      .put(peaksBlobKey(key), Buffer.from(JSON.stringify(input.peaks), 'utf8'), {
        contentType: 'application/json',
      })
      .catch(async (err: unknown) => {
        await deps.blobStore.delete(key).catch(() => undefined);
        throw markBlobStoreError(err);
      });
  }
  const now = deps.clock.now().toISOString();
  const audio: AudioObjectRecord = {
    id: audioId,
    orgId: input.orgId,
    blobKey: key,
    format: input.format,
    contentType: CONTENT_TYPES[input.format],
    sizeBytes: state.bytes,
    sha256,
    durationMs: input.durationMs,
    channels: input.channels,
    sampleRate: input.sampleRate,
    createdAt: now,
  };
  let eventId: string | null = null;
  let recordings: RecordingRecord[];
  try {
    recordings = await deps.db.transaction().execute(async (trx) => {
      const settings = await findOrgSettings(trx, input.orgId);
      // At 100 % the org's failure behaviour applies, but captured audio is never dropped: the
      // recording is stored with a note saying it did not fit (docs/adr/0005).
      const usage = { ...(await findOrgUsage(trx, input.orgId)), quotaBytes: settings.quotaBytes };
      const quotaExceeded =
        usage.bytesUsed + state.bytes > usage.quotaBytes
          ? {
              at: now,
              bytesUsedBefore: usage.bytesUsed,
              sizeBytes: state.bytes,
              quotaBytes: usage.quotaBytes,
              failureBehavior: settings.failureBehavior,
            }
          : null;
      await insertAudioObject(trx, audio);
      const made: RecordingRecord[] = [];
      for (const owner of input.owners) {
        // The owner's location may keep its recordings in a region of its own (Webex location
        // vendor settings `orgStorageRegionEnabled: false`).
        const location = owner.locationId
          ? await findLocationSettings(trx, owner.locationId)
          : null;
        const recording: RecordingRecord = {
          id:
            idempotencyKey === undefined
              ? newRecordingId()
              : derivedRecordingId(`recording:${audioId}:${owner.id}`),
          orgId: input.orgId,
          audioId,
          topic: input.topic ?? defaultRecordingTopic(input, timeRecorded),
          createTime: now,
          timeRecorded: timeRecorded.toISOString(),
          format: input.format,
          serviceType: 'calling',
          durationSeconds: Math.round(input.durationMs / 1000),
          sizeBytes: state.bytes,
          status: 'available',
          ownerId: owner.id,
          ownerEmail: owner.email,
          ownerName: owner.name,
          ownerType: owner.type,
          storageRegion: location?.storageRegion ?? settings.storageRegion,
          locationId: input.locationId ?? owner.locationId,
          callSessionId: input.callSessionId ?? null,
          callId: input.callId ?? null,
          direction: input.direction ?? null,
          localNumber: input.localNumber ?? null,
          remoteNumber: input.remoteNumber ?? null,
          parties: input.parties ?? [],
          channels: input.channels,
          sha256,
          hasTranscript: false,
          metadata: quotaExceeded ? { ...input.metadata, quotaExceeded } : (input.metadata ?? {}),
          provenance: input.provenance ?? IMPORTED_PROVENANCE,
          deletedAt: null,
          purgedAt: null,
          updatedAt: now,
        };
        await insertRecording(trx, recording);
        await audit(
          trx,
          deps.clock,
          null,
          'recording.created',
          { type: 'recording', id: recording.id },
          {
            source: input.source,
            ownerId: owner.id,
            ownerType: owner.type,
            audioId,
            sha256,
            sizeBytes: state.bytes,
            ...(quotaExceeded ? { quotaExceeded: true } : {}),
            ...input.auditDetails,
          },
          input.orgId,
        );
        made.push(recording);
      }
      // The audio is stored once, so its bytes count once however many owners share it.
      await addOrgUsage(trx, input.orgId, { bytes: state.bytes, recordings: made.length }, now);
      // What follows a stored recording (webhooks, quota notices, peaks, transcription) reads
      // this event, committed with the rows, so a crash after the commit loses none of it.
      eventId = await writeOutboxEvent(trx, deps.clock, {
        topic: RECORDING_STORED,
        orgId: input.orgId,
        payload: {
          audioId,
          recordingIds: made.map((r) => r.id),
        } satisfies RecordingStoredPayload,
      });
      return made;
    });
  } catch (error) {
    // Another run with the same idempotency key committed first: its rows name this key, so the
    // object stays (and is what they describe), and that run's result is the answer.
    const done = idempotencyKey === undefined ? null : await findStoredRecording(deps.db, audioId);
    if (done) return done;
    for (const blob of audioObjectBlobKeys(key)) {
      await deps.blobStore.delete(blob).catch(() => undefined);
    }
    throw error;
  }
  // After the commit: a queue that fails here leaves the recording stored; the outbox sweep
  // dispatches the event instead.
  if (eventId !== null) await enqueueOutboxDispatch(deps.queue, eventId);
  return { audio, recordings };
}

/** The audio object `audioId` and its recordings, when it has been stored already. */
async function findStoredRecording(db: Db, audioId: string): Promise<StoredRecording | null> {
  const audio = await findAudioObjectById(db, audioId);
  if (!audio) return null;
  return { audio, recordings: await findRecordingsByAudioId(db, audioId) };
}

/** Exact storage usage of an org (bytes of its audio objects, recordings not purged). */
export function getOrgUsage(db: Db, orgId: string): Promise<OrgUsage> {
  return findOrgUsage(db, orgId);
}
