// The waveform of a recording (SPEC §7): peaks precomputed once per audio object, kept encrypted
// beside the audio (they are derived from what was said) and removed with it. The capture stores
// them with the audio from the PCM it encoded; for anything else (imports) the
// `recording.stored` consumer (recording-events.ts) decodes the stored audio right after. Whoever may play a recording may fetch them;
// a recording whose peaks are not there yet (stored before this job existed, or the job has not
// run) gets them computed on that first request.
import { audit } from '../audit/audit.service.js';
import type { Db } from '../db/database.js';
import { notFound } from '../errors.js';
import {
  DEFAULT_JOB_RETRY_POLICY,
  retryOptionsFor,
  type JobQueue,
  type JobRetryPolicy,
} from '../jobs/job-queue.js';
import type { Actor } from '../policy/actor.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { AudioObjectRecord } from './recordings.model.js';
import type { RecordingsDeps } from './recording-deps.js';
import { authorizeRecordingRead } from './recording-read-access.js';
import { findAudioObjectById, findRecordingById } from './recordings.repository.js';
import { decodePeaks, PEAKS_JOB, peaksBlobKey, type WaveformPeaks } from './waveform-peaks.js';

export interface RecordingPeaksResponse extends WaveformPeaks {
  readonly recordingId: string;
  readonly durationMs: number;
}

function isWaveformPeaks(value: unknown): value is WaveformPeaks {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.sampleRate === 'number' &&
    typeof v.samplesPerPeak === 'number' &&
    Array.isArray(v.channels) &&
    v.channels.every((lane) => Array.isArray(lane))
  );
}

async function readStoredPeaks(
  blobStore: BlobStore,
  audio: AudioObjectRecord,
): Promise<WaveformPeaks | null> {
  const key = peaksBlobKey(audio.blobKey);
  if ((await blobStore.head(key)) === null) return null;
  const parsed: unknown = JSON.parse(Buffer.from(await blobStore.get(key)).toString('utf8'));
  return isWaveformPeaks(parsed) ? parsed : null;
}

/** Decodes the stored audio, reduces it to peaks and stores them; returns them. */
export async function computeAudioPeaks(
  blobStore: BlobStore,
  audio: AudioObjectRecord,
): Promise<WaveformPeaks> {
  const read = await blobStore.getStream(audio.blobKey);
  const peaks = await decodePeaks(read.stream, {
    channels: audio.channels,
    durationMs: audio.durationMs,
  });
  await blobStore.put(peaksBlobKey(audio.blobKey), Buffer.from(JSON.stringify(peaks), 'utf8'), {
    contentType: 'application/json',
  });
  return peaks;
}

/** The audio's stored peaks, computed and stored first when they are not there yet. */
export async function ensureAudioPeaks(
  blobStore: BlobStore,
  audio: AudioObjectRecord,
): Promise<WaveformPeaks> {
  return (await readStoredPeaks(blobStore, audio)) ?? (await computeAudioPeaks(blobStore, audio));
}

/**
 * Makes sure the audio's peaks are stored, computing them only when they are not: a look at the
 * blob store, no read, when the capture stored them with the audio.
 */
export async function storeAudioPeaksIfMissing(
  blobStore: BlobStore,
  audio: AudioObjectRecord,
): Promise<void> {
  if ((await blobStore.head(peaksBlobKey(audio.blobKey))) !== null) return;
  await computeAudioPeaks(blobStore, audio);
}

/** `GET /api/recordings/{id}/peaks`: for those who may play the recording. */
export async function getRecordingPeaks(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
): Promise<RecordingPeaksResponse> {
  const recording = await findRecordingById(deps.db, actor.orgId, id);
  if (!recording) throw notFound('Recording');
  const grant = await authorizeRecordingRead(deps.db, actor, recording, deps.clock.now(), 'play');
  const audio = recording.audioId ? await findAudioObjectById(deps.db, recording.audioId) : null;
  if (!audio) throw notFound('Recording audio');
  const peaks = await ensureAudioPeaks(deps.blobStore, audio);
  await deps.db
    .transaction()
    .execute((trx) =>
      audit(
        trx,
        deps.clock,
        actor,
        'recording.waveformViewed',
        { type: 'recording', id: recording.id },
        { ownerId: recording.ownerId, ...grant },
      ),
    );
  return { recordingId: recording.id, durationMs: audio.durationMs, ...peaks };
}

export interface PeaksJobDeps {
  readonly db: Db;
  readonly blobStore: BlobStore;
  /** How long a failing peaks job keeps retrying (default DEFAULT_JOB_RETRY_POLICY). */
  readonly retry?: JobRetryPolicy;
}

export async function registerPeaksJob(queue: JobQueue, deps: PeaksJobDeps): Promise<void> {
  await queue.register(
    PEAKS_JOB,
    async (job) => {
      const audioId = job.payload.audioId;
      if (typeof audioId !== 'string') return;
      const audio = await findAudioObjectById(deps.db, audioId);
      // Released before the job ran: nothing to draw.
      if (!audio) return;
      await storeAudioPeaksIfMissing(deps.blobStore, audio);
    },
    // Peaks are written under the audio's own key, so a retry overwrites rather than duplicates.
    retryOptionsFor(deps.retry ?? DEFAULT_JOB_RETRY_POLICY),
  );
}
