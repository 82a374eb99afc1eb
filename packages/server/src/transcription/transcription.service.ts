// The transcription pipeline for one recording (SPEC §8): decide whether it gets a
// transcript (its owner's transcript switch; English calls only — the call's language is the
// recorded entity's announcement language), decode the stored audio per channel, transcribe each
// channel (one party each), merge into one timeline with speakers, store the JSON encrypted beside
// the audio through the same blob store, and catalogue the outcome. Idempotent: a recording whose
// outcome is recorded is left alone, so a retried job does nothing twice.
import type { RecordingParty } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { RecordableKind } from '../recording-settings/recording-settings.model.js';
import {
  effectiveSettingsOf,
  findRecordableEntity,
} from '../recording-settings/effective-settings.service.js';
import type { RecordingRecord } from '../recordings/recordings.model.js';
import {
  findAudioObjectById,
  findRecordingByIdAnyOrg,
  setRecordingHasTranscript,
} from '../recordings/recordings.repository.js';
import { addRecordingEvent } from '../recordings/recording-webhook-events.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { JobQueue } from '../jobs/index.js';
import { createWebhookOutbox, enqueueWebhookDeliveries } from '../webhooks/webhooks.service.js';
import { decodeAudioChannels } from './audio-channel-decoder.js';
import {
  mergeChannelTranscripts,
  parseTranscriptDocument,
  renderTranscriptJson,
  type ChannelWords,
  type TranscriptDocument,
  type TranscriptSpeaker,
} from './transcript-formats.js';
import { isEnglishLanguage, type Transcriber } from './transcriber.js';
import {
  countRecordingsAwaitingTranscript,
  findRecordingIdsAwaitingTranscript,
  findTranscriptByRecordingId,
  insertTranscript,
  type IndexedSegment,
  type TranscriptRecord,
} from './transcripts.repository.js';

export interface TranscriptionDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The encrypting blob store the audio is in. */
  readonly blobStore: BlobStore;
  readonly transcriber: Transcriber;
  /** Enqueues the webhook deliveries right after the commit; without it the webhook sweep does. */
  readonly queue?: JobQueue | null;
}

/** Channels are decoded at the rate the wideband engines work at. */
const DECODE_RATE = 16_000;

export type TranscribeOutcome =
  | { readonly kind: 'completed'; readonly transcript: TranscriptRecord }
  | { readonly kind: 'skipped'; readonly transcript: TranscriptRecord }
  | { readonly kind: 'already-decided'; readonly transcript: TranscriptRecord }
  | { readonly kind: 'no-audio'; readonly why: string };

/** The blob key of a recording's transcript: in the org's namespace, beside its audio. */
export function transcriptBlobKey(orgId: string, recordingId: string): string {
  return `org/${orgId}/transcripts/${recordingId}.json`;
}

const KIND_OF_OWNER: Record<
  Exclude<RecordingRecord['ownerType'], 'unattributed'>,
  RecordableKind
> = {
  user: 'person',
  place: 'workspace',
  virtualLine: 'virtualLine',
};

/**
 * Who speaks on each channel: a party with a `channel` is that channel's speaker; parties without
 * one are taken in order for the channels still free. Names fall back to number, then address.
 */
export function speakersOfRecording(
  parties: readonly RecordingParty[],
  channels: number,
): TranscriptSpeaker[] {
  const byChannel = new Map<number, RecordingParty>();
  for (const p of parties) {
    if (p.channel !== undefined && p.channel < channels && !byChannel.has(p.channel)) {
      byChannel.set(p.channel, p);
    }
  }
  const unplaced = parties.filter((p) => p.channel === undefined);
  for (let c = 0; c < channels && unplaced.length > 0; c++) {
    if (!byChannel.has(c)) byChannel.set(c, unplaced.shift() as RecordingParty);
  }
  return Array.from({ length: channels }, (_, channel) => {
    const p = byChannel.get(channel);
    return {
      channel,
      participant: p?.entityId ?? p?.address ?? p?.number ?? `channel-${channel}`,
      name: p?.name ?? p?.number ?? p?.address ?? `Speaker ${channel + 1}`,
    };
  });
}

interface Decision {
  readonly language: string;
  readonly reason: string | null;
}

/** Whether the recording gets a transcript, and the call's language. */
async function decide(deps: TranscriptionDeps, r: RecordingRecord): Promise<Decision> {
  // Transcripts follow the owner's settings and language; an unattributed call has neither.
  if (r.ownerType === 'unattributed') {
    return { language: 'unknown', reason: 'the recording is unattributed: it has no owner' };
  }
  const entity = await findRecordableEntity(
    deps.db,
    r.orgId,
    KIND_OF_OWNER[r.ownerType],
    r.ownerId,
  );
  if (!entity) return { language: 'unknown', reason: 'the recording’s owner no longer exists' };
  const language = entity.language;
  const settings = await effectiveSettingsOf(deps.db, entity);
  if (!settings.transcriptEnabled) {
    return { language, reason: 'transcripts are turned off for the recording’s owner' };
  }
  if (!isEnglishLanguage(language)) {
    return {
      language,
      reason: `transcripts are made for English calls only; this call’s language is ${language}`,
    };
  }
  if (deps.transcriber.engine === 'none') {
    return { language, reason: 'transcription is turned off on this server (engine none)' };
  }
  return { language, reason: null };
}

/** A document's segments as the search index keeps them: times, the speaker's name, the words. */
export function indexedSegmentsOf(document: TranscriptDocument): IndexedSegment[] {
  const names = new Map(document.speakers.map((s) => [s.participant, s.name]));
  return document.segments.map((s) => ({
    start: s.start,
    end: s.end,
    speaker: names.get(s.speaker) ?? s.speaker,
    text: s.text,
  }));
}

async function recordOutcome(
  deps: TranscriptionDeps,
  r: RecordingRecord,
  transcript: TranscriptRecord,
  segments: readonly IndexedSegment[] = [],
): Promise<void> {
  const deliveries = await deps.db.transaction().execute(async (trx) => {
    await insertTranscript(trx, transcript, segments);
    const outbox = createWebhookOutbox(trx, deps.clock, r.orgId);
    if (transcript.status === 'completed') {
      await setRecordingHasTranscript(trx, r.id, true, transcript.createdAt);
      // convergedRecordings "updated": the recording now has a transcript.
      await addRecordingEvent(trx, deps.clock, outbox, {
        type: 'updated',
        actorId: null,
        recording: { ...r, hasTranscript: true, updatedAt: transcript.createdAt },
      });
    }
    await audit(
      trx,
      deps.clock,
      null,
      transcript.status === 'completed' ? 'recording.transcribed' : 'recording.transcriptSkipped',
      { type: 'recording', id: r.id },
      {
        ownerId: r.ownerId,
        engine: transcript.engine,
        language: transcript.language,
        ...(transcript.reason !== null ? { reason: transcript.reason } : {}),
        ...(transcript.status === 'completed' ? { words: transcript.wordCount } : {}),
      },
      r.orgId,
    );
    return outbox.deliveryIds;
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
}

/** Transcribes one recording (the `transcribe` job's work). */
export async function transcribeRecording(
  deps: TranscriptionDeps,
  recordingId: string,
  options: { readonly signal?: AbortSignal | undefined } = {},
): Promise<TranscribeOutcome> {
  const existing = await findTranscriptByRecordingId(deps.db, recordingId);
  if (existing) return { kind: 'already-decided', transcript: existing };
  const r = await findRecordingByIdAnyOrg(deps.db, recordingId);
  if (!r) return { kind: 'no-audio', why: 'the recording no longer exists' };
  if (r.status === 'purged' || r.audioId === null) {
    return { kind: 'no-audio', why: 'the recording’s audio is gone' };
  }
  const audio = await findAudioObjectById(deps.db, r.audioId);
  if (!audio) return { kind: 'no-audio', why: 'the recording’s audio is gone' };

  const decision = await decide(deps, r);
  if (decision.reason !== null) {
    const transcript: TranscriptRecord = {
      recordingId: r.id,
      orgId: r.orgId,
      status: 'skipped',
      reason: decision.reason,
      engine: deps.transcriber.engine,
      language: decision.language,
      blobKey: null,
      text: '',
      wordCount: 0,
      createdAt: deps.clock.now().toISOString(),
    };
    await recordOutcome(deps, r, transcript);
    return { kind: 'skipped', transcript };
  }

  const bytes = await deps.blobStore.get(audio.blobKey);
  options.signal?.throwIfAborted();
  const pcm = await decodeAudioChannels(bytes, {
    channels: audio.channels,
    sampleRate: DECODE_RATE,
    signal: options.signal,
  });
  const channels: ChannelWords[] = [];
  for (const [channel, samples] of pcm.entries()) {
    const result = await deps.transcriber.transcribe(samples, DECODE_RATE, {
      language: decision.language,
      signal: options.signal,
    });
    channels.push({ channel, words: result.words });
  }
  const document: TranscriptDocument = mergeChannelTranscripts(
    channels,
    speakersOfRecording(r.parties, audio.channels),
    { language: decision.language, engine: deps.transcriber.engine },
  );
  const key = transcriptBlobKey(r.orgId, r.id);
  // Written before the row: a crash in between leaves an object the retry overwrites.
  await deps.blobStore.put(key, Buffer.from(renderTranscriptJson(document), 'utf8'), {
    contentType: 'application/json',
  });
  const words = document.segments.flatMap((s) => s.words);
  const transcript: TranscriptRecord = {
    recordingId: r.id,
    orgId: r.orgId,
    status: 'completed',
    reason: null,
    engine: deps.transcriber.engine,
    language: decision.language,
    blobKey: key,
    text: document.segments.map((s) => s.text).join(' '),
    wordCount: words.length,
    createdAt: deps.clock.now().toISOString(),
  };
  options.signal?.throwIfAborted();
  await recordOutcome(deps, r, transcript, indexedSegmentsOf(document));
  return { kind: 'completed', transcript };
}

/** Reads a stored transcript document (decrypted by the blob store). */
export async function readTranscriptDocument(
  blobStore: BlobStore,
  transcript: TranscriptRecord,
): Promise<TranscriptDocument | null> {
  if (transcript.blobKey === null) return null;
  return parseTranscriptDocument(
    Buffer.from(await blobStore.get(transcript.blobKey)).toString('utf8'),
  );
}

export interface PendingReport {
  readonly completed: number;
  readonly skipped: number;
  readonly failed: ReadonlyArray<{ readonly recordingId: string; readonly reason: string }>;
}

/**
 * `callvault transcribe --pending`: every recording still awaiting its transcript decision, one
 * after another in this process. `onProgress` is told before the first and after each one.
 */
export async function transcribePendingRecordings(
  deps: TranscriptionDeps,
  onProgress: (done: number, total: number) => void = () => undefined,
  options: { readonly signal?: AbortSignal } = {},
): Promise<PendingReport> {
  const total = await countRecordingsAwaitingTranscript(deps.db);
  const ids = await findRecordingIdsAwaitingTranscript(deps.db, total);
  let completed = 0;
  let skipped = 0;
  const failed: Array<{ recordingId: string; reason: string }> = [];
  onProgress(0, ids.length);
  for (const [index, id] of ids.entries()) {
    options.signal?.throwIfAborted();
    try {
      const outcome = await transcribeRecording(deps, id, options);
      if (outcome.kind === 'completed') completed++;
      else if (outcome.kind === 'skipped') skipped++;
    } catch (error) {
      failed.push({
        recordingId: id,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    onProgress(index + 1, ids.length);
  }
  return { completed, skipped, failed };
}
