// Retention (SPEC §6): a recording is purged once it is older than its org's
// retention (time recorded + retentionDays < now; never earlier), unless a legal hold covers it.
// Work is done in small batches, each its own transaction with its audit events and webhook
// events; the status change is conditional, so a batch that runs twice purges nothing twice. The
// same run gives back the audio of recordings purged while held whose hold has been released.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { audit } from '../audit/audit.service.js';
import type { JobQueue } from '../jobs/index.js';
import { findOrgSettings } from '../recording-settings/recording-settings.repository.js';
import { addOrgUsage } from '../recordings/recordings.repository.js';
import { releaseAudioIfUnused, releaseTranscript } from './recording-lifecycle.service.js';
import { dropRecordingShares } from '../sharing/sharing.service.js';
import { addRecordingEvent } from '../recordings/recording-webhook-events.js';
import { audioObjectBlobKeys } from '../recordings/waveform-peaks.js';
import type { BlobStore } from '../storage/blob-store.js';
import { createWebhookOutbox, enqueueWebhookDeliveries } from '../webhooks/webhooks.service.js';
import {
  findExpiredRecordings,
  findReleasableAudioIds,
  findReleasableTranscriptRecordings,
  markRecordingPurged,
} from './retention.repository.js';
import { noteUsageChange } from './usage.service.js';

const DAY_MS = 86_400_000;
const BATCH = 100;

export interface RetentionDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  readonly queue?: JobQueue | null;
}

export interface RetentionReport {
  readonly orgId: string;
  readonly retentionDays: number;
  /** Recordings made before this instant were due. */
  readonly cutoff: string;
  readonly purged: number;
  /** Audio objects given back after their legal hold was released. */
  readonly audioReleased: number;
  /** Transcripts of purged recordings removed after their legal hold was released. */
  readonly transcriptsReleased: number;
}

/** The instant before which recordings are due: `now` − retentionDays. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

async function deleteBlobs(blobStore: BlobStore, keys: readonly string[]): Promise<void> {
  // After the commit: a failed delete leaves an unreferenced object, never a dangling recording.
  for (const key of keys) await blobStore.delete(key).catch(() => undefined);
}

/** Applies the org's retention as of `now`. */
export async function applyRetention(
  deps: RetentionDeps,
  orgId: string,
  now: Date,
): Promise<RetentionReport> {
  const { retentionDays } = await findOrgSettings(deps.db, orgId);
  const cutoff = retentionCutoff(now, retentionDays).toISOString();
  let purged = 0;
  let audioReleased = 0;
  let transcriptsReleased = 0;
  for (;;) {
    const batch = await deps.db.transaction().execute(async (trx) => {
      const due = await findExpiredRecordings(trx, orgId, cutoff, BATCH);
      const at = deps.clock.now().toISOString();
      const outbox = createWebhookOutbox(trx, deps.clock, orgId);
      const keys: string[] = [];
      let done = 0;
      for (const r of due) {
        if (!(await markRecordingPurged(trx, r.id, at))) continue;
        done++;
        await addOrgUsage(trx, orgId, { bytes: 0, recordings: -1 }, at);
        const key = await releaseAudioIfUnused(trx, r.audioId, at);
        await dropRecordingShares(trx, deps.clock, null, r, 'recordingPurged');
        if (key !== null) keys.push(...audioObjectBlobKeys(key));
        // Expired recordings are never held (findExpiredRecordings), so their transcript goes.
        const transcript = await releaseTranscript(trx, r);
        if (transcript.kind === 'removed' && transcript.blobKey !== null) {
          keys.push(transcript.blobKey);
        }
        await audit(
          trx,
          deps.clock,
          null,
          'recording.purged',
          { type: 'recording', id: r.id },
          {
            by: 'retention',
            ownerId: r.ownerId,
            statusBefore: r.status,
            timeRecorded: r.timeRecorded,
            retentionDays,
            cutoff,
            ...(key !== null ? { audioRemoved: true } : {}),
            ...(transcript.kind === 'removed' ? { transcriptRemoved: true } : {}),
          },
          orgId,
        );
        // Webex: a purge is an `updated` event with the PURGE sub-type.
        await addRecordingEvent(trx, deps.clock, outbox, {
          type: 'updated',
          subType: 'PURGE',
          actorId: null,
          recording: { ...r, status: 'purged', purgedAt: at, updatedAt: at },
        });
      }
      if (done > 0) await noteUsageChange(trx, deps.clock, orgId, outbox);
      return { seen: due.length, done, keys, deliveries: outbox.deliveryIds };
    });
    purged += batch.done;
    await deleteBlobs(deps.blobStore, batch.keys);
    await enqueueWebhookDeliveries(deps.queue, batch.deliveries);
    if (batch.seen < BATCH) break;
  }
  for (;;) {
    const batch = await deps.db.transaction().execute(async (trx) => {
      const audioIds = await findReleasableAudioIds(trx, orgId, BATCH);
      const at = deps.clock.now().toISOString();
      const keys: string[] = [];
      for (const audioId of audioIds) {
        const key = await releaseAudioIfUnused(trx, audioId, at);
        if (key === null) continue;
        keys.push(...audioObjectBlobKeys(key));
        await audit(
          trx,
          deps.clock,
          null,
          'recording.audioReleased',
          { type: 'audio', id: audioId },
          { by: 'retention', reason: 'the legal hold that kept this purged audio was released' },
          orgId,
        );
      }
      if (keys.length > 0) {
        await noteUsageChange(trx, deps.clock, orgId, createWebhookOutbox(trx, deps.clock, orgId));
      }
      return { seen: audioIds.length, keys };
    });
    audioReleased += batch.keys.length;
    await deleteBlobs(deps.blobStore, batch.keys);
    if (batch.seen < BATCH || batch.keys.length === 0) break;
  }
  for (;;) {
    const batch = await deps.db.transaction().execute(async (trx) => {
      const recordings = await findReleasableTranscriptRecordings(trx, orgId, BATCH);
      const keys: string[] = [];
      let removed = 0;
      for (const r of recordings) {
        const transcript = await releaseTranscript(trx, r);
        if (transcript.kind !== 'removed') continue;
        removed++;
        if (transcript.blobKey !== null) keys.push(transcript.blobKey);
        await audit(
          trx,
          deps.clock,
          null,
          'recording.transcriptReleased',
          { type: 'recording', id: r.id },
          {
            by: 'retention',
            ownerId: r.ownerId,
            reason: 'the legal hold that kept this purged transcript was released',
          },
          orgId,
        );
      }
      return { seen: recordings.length, removed, keys };
    });
    transcriptsReleased += batch.removed;
    await deleteBlobs(deps.blobStore, batch.keys);
    if (batch.seen < BATCH || batch.removed === 0) break;
  }
  return { orgId, retentionDays, cutoff, purged, audioReleased, transcriptsReleased };
}
