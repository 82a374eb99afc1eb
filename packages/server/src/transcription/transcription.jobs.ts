// The transcription jobs (STYLE.md habit 9): `transcribe` does one recording; `transcribe-sweep`
// runs every few minutes and fans out one `transcribe` job per recording still awaiting its
// transcript decision. A recording is never blocked by its transcript: it is catalogued first and
// the transcript follows, retried with backoff when the engine fails.
import type { OutboxConsumer } from '../events/outbox.js';
import {
  DEFAULT_JOB_RETRY_POLICY,
  retryOptionsFor,
  type JobQueue,
  type JobRetryPolicy,
} from '../jobs/index.js';
import { RECORDING_STORED, recordingStoredPayload } from '../recordings/recording-events.js';
import {
  countRecordingsAwaitingTranscript,
  findRecordingIdsAwaitingTranscript,
} from './transcripts.repository.js';
import { transcribeRecording, type TranscriptionDeps } from './transcription.service.js';

export const TRANSCRIBE_JOB = 'transcribe';
export const TRANSCRIBE_SWEEP_JOB = 'transcribe-sweep';
const SWEEP_EVERY_MS = 5 * 60_000;
/** Jobs enqueued per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

export interface TranscribeJobPayload extends Record<string, unknown> {
  readonly recordingId: string;
}

export async function enqueueTranscription(queue: JobQueue, recordingId: string): Promise<string> {
  return queue.enqueue(TRANSCRIBE_JOB, { recordingId }, { singletonKey: recordingId });
}

/**
 * SPEC §8: every stored recording gets its transcript decision. The transcribe job decides once
 * (a recording whose outcome is recorded is left alone), so enqueueing it twice changes nothing.
 */
export const recordingStoredTranscription: OutboxConsumer = {
  name: 'transcription',
  topic: RECORDING_STORED,
  needsQueue: true,
  async handle(ctx, event, claim) {
    if (!ctx.queue) return;
    for (const id of recordingStoredPayload(event).recordingIds) {
      await enqueueTranscription(ctx.queue, id);
    }
    await ctx.db.transaction().execute(async (trx) => {
      await claim(trx);
    });
  },
};

/** Enqueues a transcribe job for each recording awaiting one (up to `limit`); returns how many. */
export async function enqueuePendingTranscriptions(
  queue: JobQueue,
  deps: Pick<TranscriptionDeps, 'db'>,
  limit = SWEEP_BATCH,
): Promise<number> {
  const ids = await findRecordingIdsAwaitingTranscript(deps.db, limit);
  for (const id of ids) await enqueueTranscription(queue, id);
  return ids.length;
}

export function countPendingTranscriptions(deps: Pick<TranscriptionDeps, 'db'>): Promise<number> {
  return countRecordingsAwaitingTranscript(deps.db);
}

export async function registerTranscriptionJobs(
  queue: JobQueue,
  deps: TranscriptionDeps & { readonly retry?: JobRetryPolicy },
): Promise<void> {
  await queue.register<TranscribeJobPayload>(
    TRANSCRIBE_JOB,
    async (job) => {
      if (typeof job.payload.recordingId !== 'string') return;
      await transcribeRecording({ queue, ...deps }, job.payload.recordingId, {
        signal: job.signal,
      });
    },
    // One channel-decoding engine run at a time per process; pocketsphinx uses one core each.
    // A retry finds the transcript already decided, or overwrites its blob under the same key.
    {
      concurrency: 1,
      timeoutMs: 2 * 3_600_000,
      ...retryOptionsFor(deps.retry ?? DEFAULT_JOB_RETRY_POLICY),
    },
  );
  await queue.register(TRANSCRIBE_SWEEP_JOB, async () => {
    await enqueuePendingTranscriptions(queue, deps);
  });
  await queue.schedule(TRANSCRIBE_SWEEP_JOB, SWEEP_EVERY_MS);
}
