// The recordings catalogue (SPEC §6, §7; issue #4 §4–6): storing audio as recordings (the one
// entry point for `callvault import` and the SIPREC recorder), the Webex-compatible lists and
// details, Callvault's search, and the lifecycle (recycle bin, purge, permanent delete, reassign).
// Every read and change checks policy/recording-access.ts and is audited in its transaction.
import crypto from 'node:crypto';
import type {
  AccessSettings,
  CallDirection,
  ConvergedRecording,
  ConvergedRecordingDetails,
  ConvergedRecordingMetadata,
  ConvergedRecordingsQuery,
  ReassignBody,
  RecordingBulkBody,
  RecordingBulkResult,
  RecordingFormat,
  RecordingParty,
  RecordingSearchQuery,
  RecordingStatus,
  RecordingSummary,
} from '@callvault/shared';
import { MAX_RECORDING_IDS } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import type { JobQueue } from '../jobs/index.js';
import { findHeldRecordingIds, isAudioHeld } from '../lifecycle/legal-holds.repository.js';
import { computeUsage, noteUsageChange } from '../lifecycle/usage.service.js';
import type { Page } from '../db/paging.js';
import {
  AppError,
  forbidden,
  invalid,
  markBlobStoreError,
  notFound,
  type ErrorCode,
} from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { can } from '../policy/policy.js';
import {
  canListOwnRecordings,
  decideRecordingAccess,
  isRecordingOwner,
  type RecordingOperation,
} from '../policy/recording-access.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import {
  findEntitySettings,
  findOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import type { BlobData, BlobStore } from '../storage/blob-store.js';
import { audioObjectBlobKeys, enqueuePeaks } from './waveform-peaks.js';
import {
  deleteTranscriptRow,
  findFirstSegmentMatches,
  findTranscriptByRecordingId,
} from '../transcription/transcripts.repository.js';
import { parseTranscriptQuery, snippetOf } from '../transcription/transcript-search.js';
import {
  createWebhookOutbox,
  enqueueWebhookDeliveries,
  type WebhookOutbox,
} from '../webhooks/webhooks.service.js';
import type { LinkKind, LinkSigner } from './link-signer.js';
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
  presentProvenance,
  presentSegment,
  presentSrcMetadata,
  presentTrunk,
  presentMediaSecurity,
} from './recording-provenance.js';
import {
  addOrgUsage,
  countRecordingsNeedingAudio,
  deleteAudioObject,
  deleteRecordingRow,
  findAudioObjectById,
  findOrgUsage,
  findPersonOwnerByEmail,
  findRecordingById,
  findRecordingsByAudioId,
  findRecordingsByIds,
  findRecordingsOfOwner,
  insertAudioObject,
  insertRecording,
  searchRecordings,
  updateRecordingOwner,
  updateRecordingState,
  type RecordingFilter,
} from './recordings.repository.js';

/** What storing needs: the catalogue, the time and the (encrypting) blob store. */
export interface RecordingStoreDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  /** Enqueues webhook deliveries right after a change commits; without it the sweep does. */
  readonly queue?: JobQueue | null;
}

export interface RecordingsDeps extends RecordingStoreDeps {
  readonly links: LinkSigner;
}

const DAY_MS = 86_400_000;
/** Webex: temporary links expire 3 hours after the request. */
export const LINK_LIFETIME_MS = 3 * 3_600_000;
const DEFAULT_WINDOW_DAYS = 7;
/** Webex: the interval between from and to must be within 30 days. */
export const WEBEX_MAX_WINDOW_DAYS = 30;
const METADATA_VERSION = '1.0';

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

// Storing ----------------------------------------------------------------------------------------

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

/** `Call with <the other party's number>-<yyyymmdd hh:mm>`, the topic a recording gets by default. */
export function defaultRecordingTopic(
  input: Pick<StoreRecordingInput, 'remoteNumber' | 'localNumber' | 'parties'>,
  at: Date,
): string {
  const other =
    input.remoteNumber ??
    input.parties?.find((p) => p.number !== undefined && p.number !== input.localNumber)?.number ??
    'unknown';
  const stamp = at.toISOString().slice(0, 16).replace('T', ' ').replace(/-/g, '');
  return `Call with ${other}-${stamp}`;
}

/**
 * Stores audio once and catalogues it for each owner: the audio goes through the blob store
 * (encrypted at rest by its decorator) under `org/<orgId>/audio/<id>`, its SHA-256 is kept, and
 * one transaction inserts the audio object, the recordings, the usage and the audit events. If
 * the transaction fails the stored object is removed again.
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
  let deliveries: readonly string[] = [];
  let recordings: RecordingRecord[];
  try {
    recordings = await deps.db.transaction().execute(async (trx) => {
      const settings = await findOrgSettings(trx, input.orgId);
      // At 100 % the org's failure behaviour applies, but captured audio is never dropped: the
      // recording is stored with a note saying it did not fit (docs/adr/0005).
      const usage = await computeUsage(trx, input.orgId);
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
      const outbox = createWebhookOutbox(trx, deps.clock, input.orgId);
      await insertAudioObject(trx, audio);
      const made: RecordingRecord[] = [];
      for (const owner of input.owners) {
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
          storageRegion: settings.storageRegion,
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
        await addRecordingEvent(outbox, 'created', null, recording);
        made.push(recording);
      }
      // The audio is stored once, so its bytes count once however many owners share it.
      await addOrgUsage(trx, input.orgId, { bytes: state.bytes, recordings: made.length }, now);
      await noteUsageChange(trx, deps.clock, input.orgId, outbox);
      deliveries = outbox.deliveryIds;
      return made;
    });
  } catch (error) {
    // Another run with the same idempotency key committed first: its rows name this key, so the
    // object stays (and is what they describe), and that run's result is the answer.
    const done = idempotencyKey === undefined ? null : await findStoredRecording(deps.db, audioId);
    if (done) return done;
    await deps.blobStore.delete(key).catch(() => undefined);
    throw error;
  }
  // After the commit: a queue that fails here leaves the recording stored; the webhook sweep and
  // the peaks-on-demand path pick up what was not enqueued.
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  await enqueuePeaks(deps.queue, audio.id);
  return { audio, recordings };
}

/** The audio object `audioId` and its recordings, when it has been stored already. */
async function findStoredRecording(db: Db, audioId: string): Promise<StoredRecording | null> {
  const audio = await findAudioObjectById(db, audioId);
  if (!audio) return null;
  return { audio, recordings: await findRecordingsByAudioId(db, audioId) };
}

/** A `convergedRecordings` webhook event for one recording as it is after the change. */
export async function addRecordingEvent(
  outbox: WebhookOutbox,
  event: 'created' | 'updated' | 'deleted',
  actorId: string | null,
  r: RecordingRecord,
): Promise<void> {
  await outbox.add({
    resource: 'convergedRecordings',
    event,
    actorId,
    data: { ...presentConvergedRecording(r), orgId: r.orgId },
    attributes: {
      ownerId: r.ownerId,
      ownerEmail: r.ownerEmail,
      ownerType: r.ownerType,
      locationId: r.locationId,
      status: r.status,
    },
  });
}

/** Exact storage usage of an org (bytes of its audio objects, recordings not purged). */
export function getOrgUsage(db: Db, orgId: string): Promise<OrgUsage> {
  return findOrgUsage(db, orgId);
}

// Presenting -------------------------------------------------------------------------------------

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
    ownerId: r.ownerId,
    ...(r.ownerEmail !== null ? { ownerEmail: r.ownerEmail } : {}),
    ownerType: r.ownerType,
    storageRegion: r.storageRegion,
    serviceData: {
      ...(r.locationId !== null ? { locationId: r.locationId } : {}),
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
    orgId: r.orgId,
    ownerId: r.ownerId,
    ownerType: r.ownerType,
    ownerName: r.ownerName,
    ...(r.ownerEmail !== null ? { ownerEmail: r.ownerEmail } : {}),
    storageRegion: r.storageRegion,
    serviceType: 'calling',
    version: METADATA_VERSION,
    sha256: r.sha256,
    serviceData: {
      ...(r.locationId !== null ? { locationId: r.locationId } : {}),
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

// Access -----------------------------------------------------------------------------------------

/** The owner's access settings, needed only when the actor is that owner. */
async function ownerAccessFor(
  db: Db | Trx,
  actor: Actor,
  r: RecordingRecord,
): Promise<AccessSettings> {
  if (!isRecordingOwner(actor, r)) return ALL_ACCESS;
  return (await findEntitySettings(db, r.ownerId)).access ?? ALL_ACCESS;
}

async function decide(
  db: Db | Trx,
  actor: Actor,
  operation: RecordingOperation,
  r: RecordingRecord,
): Promise<{ ok: true; as: 'owner' | 'role' } | { ok: false; error: AppError }> {
  const d = decideRecordingAccess(actor, operation, r, await ownerAccessFor(db, actor, r));
  if (d.allowed) return { ok: true, as: d.as };
  return { ok: false, error: d.hidden ? notFound('Recording') : forbidden(d.reason) };
}

export async function requireRecording(
  db: Db | Trx,
  actor: Actor,
  operation: RecordingOperation,
  id: string,
): Promise<{ recording: RecordingRecord; as: 'owner' | 'role' }> {
  const recording = await findRecordingById(db, actor.orgId, id);
  if (!recording) throw notFound('Recording');
  const d = await decide(db, actor, operation, recording);
  if (!d.ok) throw d.error;
  return { recording, as: d.as };
}

// Listing ----------------------------------------------------------------------------------------

function parseTime(name: string, value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(`${name}: not an ISO 8601 date or date-time`);
  return d;
}

/** `from` (inclusive) and `to` (exclusive): to defaults to now, from to `to` − 7 days. */
export function resolveWindow(
  now: Date,
  query: { from?: string | undefined; to?: string | undefined },
  maxDays: number,
): { from: string; to: string } {
  const to = query.to !== undefined ? parseTime('to', query.to) : now;
  const from =
    query.from !== undefined
      ? parseTime('from', query.from)
      : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (from.getTime() > to.getTime()) throw invalid('from cannot be after to');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw invalid(`The interval between from and to must be within ${maxDays} days`);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

type ListKind = 'own' | 'admin';

function statusesFor(actor: Actor, kind: ListKind, status: RecordingStatus | undefined) {
  const wanted = status ?? 'available';
  if (wanted === 'purged') {
    if (kind === 'own' || !can(actor, 'recording.searchPurged', { orgId: actor.orgId })) {
      throw forbidden('Only a compliance officer may list purged recordings');
    }
  }
  return [wanted];
}

async function listAudited(
  deps: RecordingsDeps,
  actor: Actor,
  endpoint: string,
  filter: RecordingFilter,
  filters: Record<string, unknown>,
): Promise<Page<RecordingRecord>> {
  return deps.db.transaction().execute(async (trx) => {
    const page = await searchRecordings(trx, filter);
    await audit(trx, deps.clock, actor, 'recording.listed', null, {
      endpoint,
      filters,
      count: page.items.length,
      recordingIds: page.items.map((r) => r.id),
    });
    return page;
  });
}

function webexFilter(
  actor: Actor,
  q: ConvergedRecordingsQuery,
  window: { from: string; to: string },
  statuses: RecordingStatus[],
): RecordingFilter {
  return {
    orgId: actor.orgId,
    ...window,
    statuses,
    ownerId: q.ownerId,
    ownerEmail: q.ownerEmail,
    ownerType: q.ownerType,
    locationId: q.locationId,
    topic: q.topic,
    format: q.format,
    storageRegion: q.storageRegion,
    cursor: q.cursor,
    limit: q.max ?? 10,
  };
}

/** `GET /v1/convergedRecordings`: the caller's own recordings. */
export async function listOwnRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  q: ConvergedRecordingsQuery,
): Promise<Page<ConvergedRecording>> {
  if (actor.orgId !== actor.homeOrgId) {
    throw forbidden('Users list their own recordings in their own organization');
  }
  const access = (await findEntitySettings(deps.db, actor.personId)).access ?? ALL_ACCESS;
  if (!canListOwnRecordings(access)) {
    throw forbidden('Your access settings do not allow viewing recordings');
  }
  const window = resolveWindow(deps.clock.now(), q, WEBEX_MAX_WINDOW_DAYS);
  const filter = {
    ...webexFilter(actor, q, window, statusesFor(actor, 'own', q.status)),
    ownerId: actor.personId,
  };
  const page = await listAudited(deps, actor, 'GET /v1/convergedRecordings', filter, {
    ...q,
    ...window,
  });
  return { items: page.items.map(presentConvergedRecording), nextCursor: page.nextCursor };
}

/** `GET /v1/admin/convergedRecordings`: administrators and compliance officers. */
export async function listAdminRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  q: ConvergedRecordingsQuery,
): Promise<Page<ConvergedRecording>> {
  if (!can(actor, 'recording.search', { orgId: actor.orgId })) {
    throw forbidden(
      'Listing the organization’s recordings needs an administrator or compliance officer',
    );
  }
  const window = resolveWindow(deps.clock.now(), q, WEBEX_MAX_WINDOW_DAYS);
  const filter = webexFilter(actor, q, window, statusesFor(actor, 'admin', q.status));
  const page = await listAudited(deps, actor, 'GET /v1/admin/convergedRecordings', filter, {
    ...q,
    ...window,
  });
  return { items: page.items.map(presentConvergedRecording), nextCursor: page.nextCursor };
}

/** `GET /api/recordings`: Callvault's search for administrators and compliance officers. */
export async function searchOrgRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  q: RecordingSearchQuery,
): Promise<Page<RecordingSummary>> {
  if (!can(actor, 'recording.search', { orgId: actor.orgId })) {
    throw forbidden('Searching recordings needs an administrator or compliance officer');
  }
  const settings = await findOrgSettings(deps.db, actor.orgId);
  const window = resolveWindow(deps.clock.now(), q, settings.retentionDays);
  if (
    q.minDurationSeconds !== undefined &&
    q.maxDurationSeconds !== undefined &&
    q.minDurationSeconds > q.maxDurationSeconds
  ) {
    throw invalid('minDurationSeconds cannot be more than maxDurationSeconds');
  }
  // Words of a transcript are what was said: like the audio, administrators never read them, so
  // only those who may play recordings (compliance officers) search inside transcripts.
  let transcriptTerms: string[] | undefined;
  if (q.transcript !== undefined) {
    if (!can(actor, 'recording.play', { orgId: actor.orgId })) {
      throw forbidden('Searching inside transcripts needs a compliance officer');
    }
    transcriptTerms = parseTranscriptQuery(q.transcript);
  }
  const filter: RecordingFilter = {
    orgId: actor.orgId,
    ...window,
    statuses: statusesFor(actor, 'admin', q.status),
    ownerId: q.ownerId,
    ownerEmail: q.ownerEmail,
    ownerType: q.ownerType,
    locationId: q.locationId,
    topic: q.topic,
    format: q.format,
    ownerPrefix: q.q,
    partyNumber: q.partyNumber,
    direction: q.direction,
    minDurationSeconds: q.minDurationSeconds,
    maxDurationSeconds: q.maxDurationSeconds,
    hasTranscript: q.hasTranscript,
    recovered: q.recovered,
    failed: q.failed,
    transcriptTerms,
    cursor: q.cursor,
    limit: q.max ?? 100,
  };
  const page = await listAudited(deps, actor, 'GET /api/recordings', filter, { ...q, ...window });
  const items = page.items.map(presentRecordingSummary);
  if (transcriptTerms !== undefined) {
    const terms = transcriptTerms;
    const matches = await findFirstSegmentMatches(
      deps.db,
      actor.orgId,
      items.map((r) => r.id),
      terms,
    );
    for (const item of items) {
      const m = matches.get(item.id);
      if (m) {
        item.transcriptMatch = {
          snippet: snippetOf(m.text, terms),
          start: m.start,
          end: m.end,
          speaker: m.speaker,
        };
      }
    }
  }
  return { items, nextCursor: page.nextCursor };
}

// Details ----------------------------------------------------------------------------------------

/** Where signed links point: the server's own URL as the client reached it. */
export interface LinkBase {
  readonly origin: string;
}

export function audioLinkOf(
  deps: RecordingsDeps,
  base: LinkBase,
  recordingId: string,
  actorId: string,
  expiresAt: Date,
  kind: LinkKind = 'audio',
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const sig = deps.links.sign({ recordingId, kind, actorId, expires });
  const url = new URL(`/api/recordings/${encodeURIComponent(recordingId)}/${kind}`, base.origin);
  url.searchParams.set('exp', String(expires));
  url.searchParams.set('actor', actorId);
  url.searchParams.set('sig', sig);
  return url.toString();
}

/** `GET /v1/convergedRecordings/{id}`, with download links for those who may download. */
export async function getRecordingDetails(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
  base: LinkBase,
): Promise<ConvergedRecordingDetails> {
  return deps.db.transaction().execute(async (trx) => {
    const { recording } = await requireRecording(trx, actor, 'view', id);
    const download = await decide(trx, actor, 'download', recording);
    const details: ConvergedRecordingDetails = {
      ...presentConvergedRecording(recording),
      ...presentProvenance(recording.provenance),
    };
    const transcript = await findTranscriptByRecordingId(trx, recording.id);
    const hasTranscriptFile = transcript?.status === 'completed' && transcript.blobKey !== null;
    details.transcriptStatus = transcript?.status ?? 'pending';
    if (transcript?.reason) details.transcriptReason = transcript.reason;
    let expiration: string | null = null;
    if (download.ok) {
      const expiresAt = new Date(deps.clock.now().getTime() + LINK_LIFETIME_MS);
      // Links carry whole seconds; the expiration shown is the one the link enforces.
      expiresAt.setUTCMilliseconds(0);
      expiration = expiresAt.toISOString();
      details.temporaryDirectDownloadLinks = {
        audioDownloadLink: audioLinkOf(deps, base, recording.id, actor.personId, expiresAt),
        transcriptDownloadLink: hasTranscriptFile
          ? audioLinkOf(deps, base, recording.id, actor.personId, expiresAt, 'transcript')
          : null,
        expiration,
      };
    }
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.viewed',
      { type: 'recording', id },
      {
        ownerId: recording.ownerId,
        downloadLinksIssued: download.ok,
        ...(expiration ? { linksExpire: expiration } : {}),
      },
    );
    return details;
  });
}

/** `GET /v1/convergedRecordings/{id}/metadata` */
export async function getRecordingMetadata(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
): Promise<ConvergedRecordingMetadata> {
  return deps.db.transaction().execute(async (trx) => {
    const { recording } = await requireRecording(trx, actor, 'view', id);
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.metadataViewed',
      { type: 'recording', id },
      {
        ownerId: recording.ownerId,
      },
    );
    return presentMetadata(recording);
  });
}

// Lifecycle --------------------------------------------------------------------------------------

type Mutation = 'softDelete' | 'restore' | 'purge' | 'reassign' | 'delete';

interface MutationOptions {
  readonly newOwner?: RecordingOwner;
  readonly reason?: string | undefined;
  readonly comment?: string | undefined;
}

interface Failure {
  readonly id: string;
  readonly error: AppError;
}

type Transition = 'change' | 'same' | { readonly conflict: string };

/** What `mutation` would do to a recording in its status: change it, nothing, or refuse. */
function transitionOf(
  mutation: Mutation,
  r: RecordingRecord,
  options: MutationOptions,
): Transition {
  switch (mutation) {
    case 'softDelete':
      if (r.status === 'purged')
        return { conflict: 'a purged recording cannot be moved to the recycle bin' };
      return r.status === 'deleted' ? 'same' : 'change';
    case 'restore':
      if (r.status === 'purged') return { conflict: 'a purged recording cannot be restored' };
      return r.status === 'available' ? 'same' : 'change';
    case 'purge':
      if (r.status === 'available') {
        return {
          conflict: 'only recordings in the recycle bin can be purged; move it there first',
        };
      }
      return r.status === 'purged' ? 'same' : 'change';
    case 'reassign':
      if (r.status === 'purged') return { conflict: 'a purged recording cannot be reassigned' };
      return r.ownerId === options.newOwner?.id ? 'same' : 'change';
    case 'delete':
      return 'change';
  }
}

const AUDIT_ACTION: Record<Mutation, string> = {
  softDelete: 'recording.softDeleted',
  restore: 'recording.restored',
  purge: 'recording.purged',
  reassign: 'recording.reassigned',
  delete: 'recording.deleted',
};

/**
 * Removes an audio object when no recording needs it any more (none is unpurged, none is under a
 * legal hold) and gives its bytes back to the org's usage. Returns the blob key to delete once
 * the transaction has committed.
 */
export async function releaseAudioIfUnused(
  trx: Trx,
  audioId: string | null,
  at: string,
): Promise<string | null> {
  if (audioId === null) return null;
  if ((await countRecordingsNeedingAudio(trx, audioId)) > 0) return null;
  if (await isAudioHeld(trx, audioId)) return null;
  const audio = await findAudioObjectById(trx, audioId);
  if (!audio) return null;
  await deleteAudioObject(trx, audioId, at);
  await addOrgUsage(trx, audio.orgId, { bytes: -audio.sizeBytes, recordings: 0 }, at);
  return audio.blobKey;
}

/**
 * Removes a purged or deleted recording's transcript row (issue #7 §4) unless the recording is
 * under a legal hold (then the transcript is evidence, like the held audio). Returns the blob key
 * to delete once the transaction has committed.
 */
export type TranscriptRelease =
  | { readonly kind: 'none' | 'held' }
  | { readonly kind: 'removed'; readonly blobKey: string | null };

export async function releaseTranscript(trx: Trx, r: RecordingRecord): Promise<TranscriptRelease> {
  const transcript = await findTranscriptByRecordingId(trx, r.id);
  if (!transcript) return { kind: 'none' };
  if ((await findHeldRecordingIds(trx, r.orgId, [r.id])).has(r.id)) return { kind: 'held' };
  await deleteTranscriptRow(trx, r.id);
  return { kind: 'removed', blobKey: transcript.blobKey };
}

async function applyMutation(
  trx: Trx,
  deps: RecordingsDeps,
  actor: Actor,
  mutation: Mutation,
  r: RecordingRecord,
  as: 'owner' | 'role',
  options: MutationOptions,
  outbox: WebhookOutbox,
): Promise<string[]> {
  const at = deps.clock.now().toISOString();
  let releasedKey: string | null = null;
  let transcriptKey: string | null = null;
  let after: RecordingRecord = r;
  const details: Record<string, unknown> = { ownerId: r.ownerId, as, statusBefore: r.status };
  switch (mutation) {
    case 'softDelete':
      await updateRecordingState(trx, r.id, {
        status: 'deleted',
        deletedAt: at,
        purgedAt: null,
        updatedAt: at,
      });
      after = { ...r, status: 'deleted', deletedAt: at, purgedAt: null, updatedAt: at };
      break;
    case 'restore':
      await updateRecordingState(trx, r.id, {
        status: 'available',
        deletedAt: null,
        purgedAt: null,
        updatedAt: at,
      });
      after = { ...r, status: 'available', deletedAt: null, purgedAt: null, updatedAt: at };
      break;
    case 'purge':
      await updateRecordingState(trx, r.id, {
        status: 'purged',
        deletedAt: r.deletedAt,
        purgedAt: at,
        updatedAt: at,
      });
      await addOrgUsage(trx, r.orgId, { bytes: 0, recordings: -1 }, at);
      // Under a legal hold the audio stays (releaseAudioIfUnused checks): the recording is gone
      // for users and administrators, a compliance officer still finds it.
      releasedKey = await releaseAudioIfUnused(trx, r.audioId, at);
      if (r.audioId !== null && releasedKey === null && (await isAudioHeld(trx, r.audioId))) {
        details.audioKeptForLegalHold = true;
      }
      {
        const t = await releaseTranscript(trx, r);
        if (t.kind === 'held') details.transcriptKeptForLegalHold = true;
        if (t.kind === 'removed') {
          transcriptKey = t.blobKey;
          details.transcriptRemoved = true;
        }
      }
      after = { ...r, status: 'purged', purgedAt: at, updatedAt: at };
      break;
    case 'reassign': {
      const to = options.newOwner;
      if (!to) throw new AppError('INTERNAL', 'reassign without a new owner');
      await updateRecordingOwner(trx, r.id, to, at);
      after = {
        ...r,
        ownerId: to.id,
        ownerEmail: to.email,
        ownerName: to.name,
        ownerType: to.type,
        updatedAt: at,
      };
      details.from = { id: r.ownerId, email: r.ownerEmail, type: r.ownerType };
      details.to = { id: to.id, email: to.email, type: to.type };
      break;
    }
    case 'delete': {
      // Held recordings never reach a permanent delete, so the transcript always goes.
      const t = await releaseTranscript(trx, r);
      if (t.kind === 'removed') {
        transcriptKey = t.blobKey;
        details.transcriptRemoved = true;
      }
      await deleteRecordingRow(trx, r.id);
      if (r.status !== 'purged') await addOrgUsage(trx, r.orgId, { bytes: 0, recordings: -1 }, at);
      releasedKey = await releaseAudioIfUnused(trx, r.audioId, at);
      // The row is gone; the audit event keeps what a custodian needs to know about it.
      Object.assign(details, {
        reason: options.reason,
        ...(options.comment !== undefined ? { comment: options.comment } : {}),
        sha256: r.sha256,
        ownerEmail: r.ownerEmail,
        timeRecorded: r.timeRecorded,
        sizeBytes: r.sizeBytes,
        topic: r.topic,
      });
      break;
    }
  }
  if (releasedKey !== null) details.audioRemoved = true;
  await audit(
    trx,
    deps.clock,
    actor,
    AUDIT_ACTION[mutation],
    { type: 'recording', id: r.id },
    details,
  );
  // Webhooks: the recycle bin, restore and reassign update a recording; purge and the permanent
  // delete remove it (its audio is gone for everyone who subscribes).
  const event = mutation === 'purge' || mutation === 'delete' ? 'deleted' : 'updated';
  await addRecordingEvent(outbox, event, actor.personId, after);
  return [...(releasedKey !== null ? audioObjectBlobKeys(releasedKey) : []), transcriptKey].filter(
    (k): k is string => k !== null,
  );
}

interface MutationOutcome {
  readonly changed: string[];
  readonly unchanged: string[];
  readonly failed: Failure[];
}

/**
 * Applies one lifecycle change to recordings in one transaction. `atomic`: any refusal changes
 * nothing and is thrown (the Webex batch calls); otherwise the permitted ones change and the
 * refusals are reported (Callvault's bulk call).
 */
async function mutateRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  mutation: Mutation,
  select: (trx: Trx) => Promise<{ records: RecordingRecord[]; missing: string[] }>,
  options: MutationOptions,
  atomic: boolean,
): Promise<MutationOutcome> {
  const released: string[] = [];
  let deliveries: readonly string[] = [];
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const { records, missing } = await select(trx);
    const failed: Failure[] = missing.map((id) => ({ id, error: notFound('Recording') }));
    const held =
      mutation === 'delete'
        ? await findHeldRecordingIds(
            trx,
            actor.orgId,
            records.map((r) => r.id),
          )
        : new Set<string>();
    const todo: Array<{ r: RecordingRecord; as: 'owner' | 'role' }> = [];
    const unchanged: string[] = [];
    for (const r of records) {
      const d = await decide(trx, actor, mutation, r);
      if (!d.ok) {
        failed.push({ id: r.id, error: d.error });
        continue;
      }
      if (held.has(r.id)) {
        failed.push({
          id: r.id,
          error: new AppError(
            'CONFLICT',
            `${r.id}: the recording is under a legal hold and cannot be deleted until the hold is released`,
          ),
        });
        continue;
      }
      const t = transitionOf(mutation, r, options);
      if (t === 'same') unchanged.push(r.id);
      else if (t === 'change') todo.push({ r, as: d.as });
      else failed.push({ id: r.id, error: new AppError('CONFLICT', `${r.id}: ${t.conflict}`) });
    }
    if (atomic && failed.length > 0) {
      const first = failed[0]?.error ?? notFound('Recording');
      const descriptions = failed.map((f) => `${f.id}: ${f.error.message}`);
      throw new AppError(first.code, first.message, descriptions);
    }
    const outbox = createWebhookOutbox(trx, deps.clock, actor.orgId);
    for (const { r, as } of todo) {
      released.push(...(await applyMutation(trx, deps, actor, mutation, r, as, options, outbox)));
    }
    if (todo.length > 0 && (mutation === 'purge' || mutation === 'delete')) {
      await noteUsageChange(trx, deps.clock, actor.orgId, outbox);
    }
    deliveries = outbox.deliveryIds;
    return { changed: todo.map((t) => t.r.id), unchanged, failed };
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  // After the commit: a failed delete leaves an unreferenced object, never a dangling recording.
  for (const key of released) await deps.blobStore.delete(key).catch(() => undefined);
  return outcome;
}

function byIds(actor: Actor, ids: readonly string[]) {
  const unique = [...new Set(ids)];
  return async (trx: Trx) => {
    const records = await findRecordingsByIds(trx, actor.orgId, unique);
    const found = new Set(records.map((r) => r.id));
    return { records, missing: unique.filter((id) => !found.has(id)) };
  };
}

export interface BatchBody {
  readonly all?: boolean | undefined;
  readonly ownerEmail?: string | undefined;
  readonly recordingIds?: readonly string[] | undefined;
}

const BATCH_FLAG: Record<'softDelete' | 'restore' | 'purge', string> = {
  softDelete: 'trashAll',
  restore: 'restoreAll',
  purge: 'purgeAll',
};
const BATCH_SOURCE_STATUS: Record<'softDelete' | 'restore' | 'purge', RecordingStatus> = {
  softDelete: 'available',
  restore: 'deleted',
  purge: 'deleted',
};

/**
 * `POST /v1/convergedRecordings/softDelete|restore|purge` with Webex's rules: either the
 * "all" flag (an administrator names the owner by `ownerEmail`; a user acts on their own) or up to
 * 100 `recordingIds`.
 */
export async function changeRecordingsInBatch(
  deps: RecordingsDeps,
  actor: Actor,
  mutation: 'softDelete' | 'restore' | 'purge',
  body: BatchBody,
): Promise<void> {
  const flag = BATCH_FLAG[mutation];
  const ids = body.recordingIds ?? [];
  let select;
  if (body.all === true) {
    if (ids.length > 0) throw invalid(`recordingIds must be empty when ${flag} is true`);
    const status = BATCH_SOURCE_STATUS[mutation];
    if (body.ownerEmail !== undefined) {
      if (!can(actor, 'recording.manage', { orgId: actor.orgId })) {
        throw forbidden(`Only an administrator may use ${flag} with ownerEmail`);
      }
      const email = body.ownerEmail;
      select = async (trx: Trx) => ({
        records: await findRecordingsOfOwner(trx, actor.orgId, { email }, [status]),
        missing: [],
      });
    } else {
      select = async (trx: Trx) => ({
        records: await findRecordingsOfOwner(trx, actor.orgId, { id: actor.personId }, [status]),
        missing: [],
      });
    }
  } else {
    if (body.ownerEmail !== undefined) {
      throw invalid(`ownerEmail is used only when ${flag} is true`);
    }
    if (ids.length === 0) throw invalid(`recordingIds must not be empty unless ${flag} is true`);
    if (ids.length > MAX_RECORDING_IDS) {
      throw invalid(`recordingIds may have at most ${MAX_RECORDING_IDS} ids`);
    }
    select = byIds(actor, ids);
  }
  await mutateRecordings(deps, actor, mutation, select, {}, true);
}

/** `DELETE /v1/convergedRecordings/{id}`: a compliance officer's permanent delete. */
export async function deleteRecordingPermanently(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
  body: { reason: string; comment?: string | undefined },
): Promise<void> {
  await mutateRecordings(deps, actor, 'delete', byIds(actor, [id]), body, true);
}

async function requireOrgPersonByEmail(
  db: Db | Trx,
  actor: Actor,
  email: string,
  field: string,
): Promise<RecordingOwner> {
  const person = await findPersonOwnerByEmail(db, email);
  if (!person || person.orgId !== actor.orgId) {
    throw invalid(`${field}: no person with this email in the organization`);
  }
  return person;
}

/** `POST /v1/convergedRecordings/reassign` */
export async function reassignRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  body: ReassignBody,
): Promise<void> {
  if (!can(actor, 'recording.reassign', { orgId: actor.orgId })) {
    throw forbidden('Only an administrator may reassign recordings');
  }
  const newOwner = await requireOrgPersonByEmail(
    deps.db,
    actor,
    body.reassignOwnerEmail,
    'reassignOwnerEmail',
  );
  const ids = body.recordingIds ?? [];
  if (ids.length === 0 && body.ownerEmail === undefined && body.ownerID === undefined) {
    throw invalid('Give recordingIds, ownerEmail or ownerID: which recordings to reassign');
  }
  const matchesOwner = (r: RecordingRecord): boolean =>
    (body.ownerEmail === undefined || r.ownerEmail === body.ownerEmail.toLowerCase()) &&
    (body.ownerID === undefined || r.ownerId === body.ownerID);
  const select = async (trx: Trx) => {
    if (ids.length > 0) {
      // Webex: with an owner as well, only the ids that belong to that owner are reassigned.
      const picked = await byIds(actor, ids)(trx);
      return { records: picked.records.filter(matchesOwner), missing: picked.missing };
    }
    const owner = {
      ...(body.ownerEmail !== undefined ? { email: body.ownerEmail } : {}),
      ...(body.ownerID !== undefined ? { id: body.ownerID } : {}),
    };
    return {
      records: await findRecordingsOfOwner(trx, actor.orgId, owner, ['available', 'deleted']),
      missing: [],
    };
  };
  await mutateRecordings(deps, actor, 'reassign', select, { newOwner }, true);
}

/** `POST /api/recordings/bulk`: one action on up to 200 ids; each refusal is reported. */
export async function bulkChangeRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  body: RecordingBulkBody,
): Promise<RecordingBulkResult> {
  if (!can(actor, 'recording.search', { orgId: actor.orgId })) {
    throw forbidden('Bulk actions need an administrator or compliance officer');
  }
  const options: MutationOptions = {};
  if (body.action === 'reassign') {
    if (body.reassignOwnerEmail === undefined) throw invalid('reassign needs reassignOwnerEmail');
    Object.assign(options, {
      newOwner: await requireOrgPersonByEmail(
        deps.db,
        actor,
        body.reassignOwnerEmail,
        'reassignOwnerEmail',
      ),
    });
  }
  if (body.action === 'delete') {
    if (body.reason === undefined) throw invalid('a permanent delete needs a reason');
    Object.assign(options, { reason: body.reason, comment: body.comment });
  }
  const outcome = await mutateRecordings(
    deps,
    actor,
    body.action,
    byIds(actor, body.ids),
    options,
    false,
  );
  return {
    changed: outcome.changed,
    unchanged: outcome.unchanged,
    failed: outcome.failed.map((f) => ({
      id: f.id,
      errorCode: f.error.code satisfies ErrorCode,
      description: f.error.message,
    })),
  };
}
