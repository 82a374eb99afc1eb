// `recording.stored`: written by storeRecording in the transaction that catalogues the audio,
// read by each feature that acts on a new recording (events/outbox.ts). This file holds the
// event's shape and the catalogue's own consumers: the `convergedRecordings` "created" event
// (compliance event and webhooks) and the waveform peaks. Transcription (transcription/) and quota notices (lifecycle/) bring
// theirs; app/recording-stored-consumers.ts lists them all.
import type { OutboxConsumer, OutboxEvent } from '../events/outbox.js';
import { createWebhookOutbox, enqueueWebhookDeliveries } from '../webhooks/webhooks.service.js';
import { storeAudioPeaksIfMissing } from './recording-peaks.service.js';
import { addRecordingEvent } from './recording-webhook-events.js';
import { findAudioObjectById, findRecordingsByIds } from './recordings.repository.js';

export const RECORDING_STORED = 'recording.stored';

export interface RecordingStoredPayload extends Record<string, unknown> {
  readonly audioId: string;
  /** One recording per owner, all backed by the one audio object. */
  readonly recordingIds: readonly string[];
}

/** The payload of a `recording.stored` event, checked (it was read back as JSON). */
export function recordingStoredPayload(event: OutboxEvent): RecordingStoredPayload {
  const { audioId, recordingIds } = event.payload;
  if (
    typeof audioId !== 'string' ||
    !Array.isArray(recordingIds) ||
    !recordingIds.every((id) => typeof id === 'string')
  ) {
    throw new Error(`outbox event ${event.id}: not a ${RECORDING_STORED} payload`);
  }
  return { audioId, recordingIds };
}

/**
 * One `convergedRecordings` "created" compliance event per recording and one delivery per matching
 * webhook, written with the claim in one transaction: a second run finds the claim and writes
 * nothing.
 */
export const recordingCreatedWebhooks: OutboxConsumer = {
  name: 'webhooks',
  topic: RECORDING_STORED,
  async handle(ctx, event, claim) {
    const { recordingIds } = recordingStoredPayload(event);
    const deliveries = await ctx.db.transaction().execute(async (trx) => {
      if (!(await claim(trx))) return [];
      const outbox = createWebhookOutbox(trx, ctx.clock, event.orgId);
      // The recordings as they are now: one deleted since has no "created" event to tell. The
      // owner is the actor of a new recording, as in Webex's own recording events.
      for (const r of await findRecordingsByIds(trx, event.orgId, recordingIds)) {
        await addRecordingEvent(trx, ctx.clock, outbox, {
          type: 'created',
          actorId: r.ownerId,
          recording: r,
        });
      }
      return outbox.deliveryIds;
    });
    await enqueueWebhookDeliveries(ctx.queue, deliveries);
  },
};

/**
 * The audio's waveform peaks, kept beside it. Computing them again writes the same object under
 * the same key, and stored peaks (the capture stores its own with the audio) are not computed
 * twice.
 */
export const recordingPeaks: OutboxConsumer = {
  name: 'peaks',
  topic: RECORDING_STORED,
  async handle(ctx, event, claim) {
    const { audioId } = recordingStoredPayload(event);
    const audio = await findAudioObjectById(ctx.db, audioId);
    // Released before the consumer ran: nothing to draw.
    if (audio) await storeAudioPeaksIfMissing(ctx.blobStore, audio);
    await ctx.db.transaction().execute(async (trx) => {
      await claim(trx);
    });
  },
};
