// Finalizing a captured session (SPEC §5): the journals are read back, each stream goes through
// the jitter buffer (RFC 3550 A.1 reordering, duplicates, loss) and its codec's decoder (payload
// type → codec from every answer of the session, so a codec change mid-call decodes), both
// parties are placed on one timeline (the recorded owner's side first), and the result is
// cut by the owners' recording actions (SPEC §4: start…stop is one recording, paused stretches are
// cut out or silenced), encoded to Ogg Opus and stored through the recordings store; transcription
// is enqueued for each stored recording. Failures are catalogued, never silent.
//
// Decoders: the recorder's PCMU/PCMA/G.722 and its Opus wrapper (opusscript).
// Encoder: ffmpeg with libopus as a child process. mediabunny needs WebCodecs' AudioEncoder for
// Opus, which Node 20 does not have.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  callDirectionOf,
  createAudioDecoder,
  createOpusDecoder,
  DtmfDetector,
  encodeOggOpusInProcess,
  getRtpClockRate,
  JitterBuffer,
  keptStretches,
  loadOpusEncodeAddon,
  normalizeAudioCodecName,
  OPUS_ENCODER_SAMPLE_RATES,
  parseTelephoneEvent,
  PcmTimeline,
  planRecordingSegments,
  type AudioDecoder,
  type JitterOutput,
  type OpusAudioDecoder,
  type RecordingAction,
  type RecordingMetadata,
  type RecordingSegmentPlan,
  RtpJournalReader,
  type RtpJournalSummary,
  sdesKeyExposure,
} from '@callvault/recorder';
import { audit } from '../audit/audit.service.js';
import { isConnectionLoss } from '../db/connection-loss.js';
import type { Logger } from '../observability/logger.js';
import { findCallSessionRecordings, findOwnerById } from '../recordings/recordings.repository.js';
import {
  defaultRecordingTopic,
  storeRecording,
  type RecordingStoreDeps,
} from '../recordings/recordings.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { mergeSrcMetadata } from '../recordings/recording-provenance.js';
import { phoneNumberOfAor } from '../siprec/recording-policy.js';
import { enqueueTranscription } from '../transcription/transcription.jobs.js';
import { isStorageFullError } from '../errors.js';
import {
  findOpenCaptureFailureOfJournal,
  findRetryingCaptureFailure,
  insertCaptureFailure,
  newCaptureFailureId,
  resolveRetryingCaptureFailure,
  setCaptureFailureRecordings,
  updateRetryingCaptureFailure,
  type CaptureFailureRecord,
} from './capture-failures.repository.js';
import {
  RECORDING_END_REASONS,
  type RecordingCaptureFailure,
  type RecordingEndReason,
  type RecordingRecovery,
} from '@callvault/shared';
import {
  readSessionFile,
  SESSION_FILE,
  writeFailedFile,
  writeSessionFile,
  type CaptureSessionFile,
  type CaptureStreamInfo,
} from './capture-journal.js';

export interface DecodedStream {
  readonly index: number;
  readonly label?: string;
  readonly packets: number;
  readonly lost: number;
  readonly codecs: readonly string[];
  readonly dtmf: ReadonlyArray<{ readonly digit: string; readonly atMs: number }>;
  /** Why the stream gave no audio, when it did not. */
  readonly failure?: string;
  readonly firstArrivalMs: number | null;
}

export interface RenderedSession {
  readonly sampleRate: number;
  /** One PCM channel per stream, in `order`. */
  readonly channels: Int16Array[];
  readonly order: readonly DecodedStream[];
  readonly originMs: number;
  readonly truncatedBytes: number;
}

interface LoadedStream {
  info: CaptureStreamInfo;
  /**
   * The journal, read record by record while decoding: a long call's records are never all
   * alive at once.
   */
  journal: RtpJournalReader | null;
  summary: RtpJournalSummary;
  failure?: string;
}

const NO_RECORDS: RtpJournalSummary = {
  records: 0,
  firstArrivalMs: null,
  lastArrivalMs: null,
  truncatedBytes: 0,
};

function loadStream(dir: string, info: CaptureStreamInfo): LoadedStream {
  const file = path.join(dir, info.journal);
  if (!fs.existsSync(file)) {
    return { info, journal: null, summary: NO_RECORDS, failure: 'no journal' };
  }
  const journal = RtpJournalReader.open(fs.readFileSync(file));
  if (!journal) return { info, journal, summary: NO_RECORDS, failure: 'journal unreadable' };
  return { info, journal, summary: journal.summarize() };
}

function decoderRate(name: string): number {
  const codec = normalizeAudioCodecName(name);
  if (codec === 'G722') return 16000;
  if (codec === 'opus') return 48000;
  return 8000;
}

/** The recorded owner's stream first (RFC 7865 §6.4.2 send association), then SDP order. */
function orderStreams(session: CaptureSessionFile, streams: LoadedStream[]): LoadedStream[] {
  const ownerParticipant = session.owners[0]?.participantId;
  const isOwners = (s: LoadedStream): boolean =>
    ownerParticipant !== undefined &&
    session.senders[s.info.label ?? `#${s.info.index}`] === ownerParticipant;
  return [...streams].sort(
    (a, b) => Number(isOwners(b)) - Number(isOwners(a)) || a.info.index - b.info.index,
  );
}

/** Decodes every stream of a journal directory onto one timeline. */
export function renderCapturedSession(dir: string, session: CaptureSessionFile): RenderedSession {
  const loaded = orderStreams(
    session,
    session.streams.map((info) => loadStream(dir, info)),
  );
  const sampleRate = Math.max(
    8000,
    ...loaded.flatMap((s) => s.info.codecs.map((c) => decoderRate(c.name))),
  );
  const arrivals = loaded.flatMap((s) => s.summary.firstArrivalMs ?? []);
  const originMs = arrivals.length > 0 ? Math.min(...arrivals) : session.startedAt;
  // The audio ends about where the last packet arrived: the timeline's channels are sized for
  // that once (with room for a sender clock a little fast against ours) instead of growing.
  const lastArrivalMs = Math.max(originMs, ...loaded.map((s) => s.summary.lastArrivalMs ?? 0));
  const timeline = new PcmTimeline({
    sampleRate,
    channelCount: Math.max(1, loaded.length),
    originMs,
    expectedDurationMs: (lastArrivalMs - originMs) * 1.01 + 1000,
  });
  const order: DecodedStream[] = loaded.map((stream, channel) =>
    decodeOnto(timeline, channel, stream, originMs),
  );
  return {
    sampleRate,
    channels: timeline.readAll(),
    order,
    originMs,
    truncatedBytes: loaded.reduce((n, s) => n + s.summary.truncatedBytes, 0),
  };
}

function decodeOnto(
  timeline: PcmTimeline,
  channel: number,
  stream: LoadedStream,
  originMs: number,
): DecodedStream {
  const { info, journal, summary } = stream;
  const base = {
    index: info.index,
    ...(info.label === undefined ? {} : { label: info.label }),
    codecs: info.codecs.map((c) => c.name),
  };
  if (stream.failure || !journal || summary.firstArrivalMs === null) {
    return {
      ...base,
      packets: 0,
      lost: 0,
      dtmf: [],
      failure: stream.failure ?? 'no media received',
      firstArrivalMs: null,
    };
  }
  const firstArrivalMs = summary.firstArrivalMs;
  const clock = { time: firstArrivalMs, now: () => clock.time };
  const buffer = new JitterBuffer({ clock, depthMs: 60 });
  const decoders = new Map<number, AudioDecoder | null>();
  const unsupported = new Set<string>();
  const opusDecoders: OpusAudioDecoder[] = [];
  const decoderFor = (pt: number): AudioDecoder | null => {
    if (decoders.has(pt)) return decoders.get(pt) ?? null;
    const codec = info.codecs.find((c) => c.payloadType === pt);
    let decoder: AudioDecoder | null = null;
    if (codec) {
      try {
        if (normalizeAudioCodecName(codec.name) === 'opus') {
          const opus = createOpusDecoder();
          opusDecoders.push(opus);
          decoder = opus;
        } else {
          decoder = createAudioDecoder(codec.name);
        }
      } catch {
        unsupported.add(codec.name);
      }
    }
    decoders.set(pt, decoder);
    return decoder;
  };
  let decodedFrames = 0;
  // The timeline copies what it is given, so a decoder that can write into an array (G.711)
  // decodes every packet into this one.
  let scratch = new Int16Array(960);
  const decodeFrame = (decoder: AudioDecoder, payload: Uint8Array): Int16Array => {
    if (!decoder.decodeInto || !decoder.maxSamplesOf) return decoder.decode(payload);
    const most = decoder.maxSamplesOf(payload);
    if (most > scratch.length) scratch = new Int16Array(most);
    return scratch.subarray(0, decoder.decodeInto(payload, scratch));
  };
  const consume = (outputs: JitterOutput[]): void => {
    for (const output of outputs) {
      if (output.kind !== 'frame') continue;
      const decoder = decoderFor(output.payloadType);
      if (!decoder) continue;
      timeline.place({
        channel,
        segment: output.segment,
        segmentTimestamp: output.segmentTimestamp,
        rtpClockRate: getRtpClockRate(decoder.codec),
        arrivalMs: output.arrivalMs,
        samples: decodeFrame(decoder, output.payload),
        sampleRate: decoder.sampleRate,
      });
      decodedFrames++;
    }
  };
  const dtmf: Array<{ digit: string; atMs: number }> = [];
  const detector = new DtmfDetector();
  for (let record = journal.next(); record !== null; record = journal.next()) {
    clock.time = record.arrivalMs;
    if (info.telephoneEventPayloadTypes.includes(record.payloadType)) {
      // RFC 4733 §2.5: telephone events are not audio; they go to the metadata.
      const event = parseTelephoneEvent(record.payload);
      if (event) {
        for (const digit of detector.push({ timestamp: record.timestamp, event })) {
          dtmf.push({ digit: digit.digit, atMs: Math.round(record.arrivalMs - originMs) });
        }
      }
      continue;
    }
    buffer.push(record);
    consume(buffer.pop());
  }
  consume(buffer.flush());
  for (const opus of opusDecoders) opus.close();
  const failure =
    decodedFrames > 0
      ? undefined
      : unsupported.size > 0
        ? `no decoder for ${[...unsupported].join(', ')}`
        : 'no audio packets of a negotiated codec';
  return {
    ...base,
    packets: summary.records,
    lost: buffer.stats.lost,
    dtmf,
    ...(failure ? { failure } : {}),
    firstArrivalMs,
  };
}

/** Samples per channel in each block piped to the encoder (about 4 s at 8 kHz, 0.7 s at 48 kHz). */
const ENCODER_BLOCK_SAMPLES = 32768;

/**
 * Interleaved s16le of samples [start, end) of the channels (padded with silence where a channel
 * is shorter), written into `block`. The PCM goes to the encoder in a few blocks used over and
 * over rather than one buffer of the whole call: a 10-minute call would be a 19 MB allocation,
 * and touching fresh memory costs as much as the interleaving itself.
 */
function interleaveBlock(
  channels: readonly Int16Array[],
  start: number,
  end: number,
  block: Buffer,
): Buffer {
  const n = channels.length;
  // Typed arrays use the platform's byte order; every platform Node supports is little endian.
  const out = new Int16Array(block.buffer, block.byteOffset, (end - start) * n);
  for (let c = 0; c < n; c++) {
    const channel = channels[c]!;
    const stop = Math.min(end, channel.length);
    let j = c;
    for (let i = start; i < stop; i++, j += n) out[j] = channel[i]!;
    for (let i = Math.max(start, stop); i < end; i++, j += n) out[j] = 0;
  }
  return block.subarray(0, (end - start) * n * 2);
}

/**
 * Encodes PCM to Ogg Opus with libopus, one party per channel: in-process through the native
 * addon (packages/recorder/native/opus-encode.c, built by `make deps`) when it is built, else
 * through an ffmpeg child with the same settings. In-process saves ffmpeg's start-up, its
 * pipeline and the PCM pipe: the encode of a 10-minute two-party PCMU call went from 1.06–1.38 s
 * of CPU to 0.66–0.74 s (issue #6: finalize ≥ 400× real time per core; bench/capture.bench.ts).
 * libopus runs on the thread pool, so the event loop that receives RTP is not held up.
 */
export function encodeOggOpus(
  channels: readonly Int16Array[],
  sampleRate: number,
  file: string,
): Promise<void> {
  if (
    channels.length <= 2 &&
    OPUS_ENCODER_SAMPLE_RATES.includes(sampleRate) &&
    loadOpusEncodeAddon() !== null
  ) {
    // The settings below: 24 kbit/s per party, 120 ms packets, CELT only, complexity 0, no
    // phase inversion.
    return encodeOggOpusInProcess(channels, sampleRate, {
      bitrate: 24000 * channels.length,
      frameMs: 120,
    }).then((ogg) => fs.promises.writeFile(file, ogg!));
  }
  const length = Math.max(0, ...channels.map((c) => c.length));
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
        ...['-f', 's16le', '-ar', String(sampleRate), '-ac', String(channels.length)],
        ...['-i', 'pipe:0', '-c:a', 'libopus', '-b:a', `${24 * channels.length}k`],
        // Speed (issue #6: finalize ≥ 400× real time per core). The least complex encoder,
        // CELT only (`lowdelay`: no SILK/hybrid mode decisions; at 8 kHz input libopus chose
        // CELT anyway) and 120 ms packets (the longest Opus allows, RFC 6716 §3.2.5), half as
        // many packets through libopus and the Ogg muxer as 60 ms: for a 10-minute two-party
        // PCMU call ffmpeg's CPU goes from about 1.1 s to 0.9 s (0.13 s of it is ffmpeg's own
        // start). 24 kbit/s per party: the decoded speech is as close to the original as with
        // the former 60 ms `audio` setting (waveform SNR 18.5 against 19 dB), and the parties
        // stay apart; at 16 kbit/s per party the stereo coder starts to code the upper bands as
        // one (intensity stereo) and one party leaks into the other's channel at about −30 dB.
        ...['-compression_level', '0', '-application', 'lowdelay', '-frame_duration', '120'],
        // Keep the channels apart: no phase-inverted stereo tricks across the two parties.
        ...['-apply_phase_inv', '0', '-f', 'ogg', file],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg failed (${code}): ${stderr.trim()}`)),
    );
    const stdin = child.stdin;
    let failed = false;
    stdin.on('error', () => (failed = true));
    // The PCM goes in blocks as the pipe drains, so the encoder starts at once; a block is used
    // again once the pipe has taken it.
    const blockBytes = ENCODER_BLOCK_SAMPLES * channels.length * 2;
    const spare: Buffer[] = [];
    let at = 0;
    const pump = (): void => {
      while (!failed && at < length) {
        const end = Math.min(length, at + ENCODER_BLOCK_SAMPLES);
        const block = spare.pop() ?? Buffer.allocUnsafeSlow(blockBytes);
        const more = stdin.write(interleaveBlock(channels, at, end, block), () =>
          spare.push(block),
        );
        at = end;
        if (!more) {
          stdin.once('drain', pump);
          return;
        }
      }
      stdin.end();
    };
    pump();
  });
}

export interface FinalizeOptions {
  /** The session never closed (a crash): its audio up to the last flush is kept as `recovered`. */
  readonly recovered?: boolean;
  /**
   * The session as the recorder last knew it, when its session.json could not be written (a
   * full disk): used instead of the file, and written to it when the disk takes it again.
   */
  readonly session?: CaptureSessionFile;
  /**
   * Another attempt follows if this one fails for a passing reason (the blob store, the disk,
   * the encoder): such a failure is listed as retrying and the journal kept as it is, instead of
   * being final. Default false: every failure is final.
   */
  readonly retrying?: boolean;
}

/** Failures a later attempt may get past: the store or the disk coming back, a crashed encoder. */
export const PASSING_FAILURES: ReadonlySet<string> = new Set([
  'store-error',
  'disk-full',
  'encoder-error',
]);

export type FinalizeResult =
  | {
      readonly kind: 'stored';
      readonly recordingIds: readonly string[];
      readonly durationMs: number;
    }
  | {
      readonly kind: 'failed';
      /** Stable code: no-media, disk-full, journal-write, encoder-error, store-error, ... */
      readonly code: string;
      readonly reason: string;
      /** Recordings stored anyway from what was captured (a partial recording). */
      readonly recordingIds: readonly string[];
    }
  | {
      /**
       * A full disk refused the encoded audio or the stored recording before anything was
       * stored: the journal is kept whole and finalize is run again once there is space.
       */
      readonly kind: 'deferred';
      readonly reason: string;
      /** Always empty: nothing was stored. */
      readonly recordingIds: readonly string[];
    }
  | {
      /** A passing failure; the caller retries (the journal and the listed failure stay). */
      readonly kind: 'retrying';
      readonly code: string;
      readonly reason: string;
      readonly recordingIds: readonly string[];
    }
  | {
      /** The journal is gone: an earlier attempt stored the call and removed it. */
      readonly kind: 'done-before';
      /** None stored by this attempt. */
      readonly recordingIds: readonly string[];
    };

async function resolveOwners(
  deps: RecordingStoreDeps,
  session: CaptureSessionFile,
): Promise<RecordingOwner[]> {
  const owners: RecordingOwner[] = [];
  for (const ref of session.owners) {
    const found = await findOwnerById(deps.db, ref.id);
    if (!found || found.orgId !== session.orgId) continue;
    const { orgId: _orgId, ...owner } = found;
    if (!owners.some((o) => o.id === owner.id)) owners.push(owner);
  }
  return owners;
}

export interface FinalizeDeps extends RecordingStoreDeps {
  /** Encodes PCM to Ogg Opus (tests inject a failing encoder). */
  readonly encode?: typeof encodeOggOpus;
  readonly logger?: Logger;
}

/**
 * Writes a call's failure row and its `capture.failed` audit event in one transaction: a new row,
 * or `replacing` (the journal's row listed while retries ran) updated in place, so a call keeps one
 * row from its first failed attempt to its last.
 */
async function saveFailure(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  failure: {
    code: string;
    detail: string;
    recordingIds: readonly string[];
    retrying: boolean;
  },
  replacing: CaptureFailureRecord | null,
  auditExtra: Record<string, unknown>,
): Promise<void> {
  const record: CaptureFailureRecord = {
    id: replacing?.id ?? newCaptureFailureId(),
    orgId: session.orgId,
    sessionId: session.sessionId,
    callId: session.callId,
    reason: failure.code,
    detail: failure.detail,
    failureBehavior: session.owners.find((o) => o.failureBehavior)?.failureBehavior ?? null,
    ownerIds: session.owners.map((o) => o.id),
    recordingIds: failure.recordingIds,
    journalDir: dir,
    failedAt: replacing?.failedAt ?? deps.clock.now().toISOString(),
    resolvedAt: null,
    retrying: failure.retrying,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (replacing) await updateRetryingCaptureFailure(trx, record.id, record);
    else await insertCaptureFailure(trx, record);
    await audit(
      trx,
      deps.clock,
      null,
      'capture.failed',
      { type: 'captureFailure', id: record.id },
      {
        reason: record.reason,
        detail: record.detail,
        callId: record.callId,
        siprecSession: record.sessionId,
        failureBehavior: record.failureBehavior,
        recordingIds: record.recordingIds,
        ...auditExtra,
      },
      session.orgId,
    );
  });
}

/**
 * Catalogues a failure (audited in the same transaction) unless this journal's failure with the
 * same reason is already catalogued, in which case only its recordings are brought up to date:
 * finalize may run again for one journal (a full disk deferred it, a restart recovered it). A
 * `final` failure turns the journal's row listed while retries ran into the final one.
 */
async function catalogueFailure(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  failure: { code: string; reason: string; recordingIds: readonly string[] },
  final: boolean,
): Promise<void> {
  const retrying = final ? await findRetryingCaptureFailure(deps.db, dir) : null;
  const existing = retrying
    ? null
    : await findOpenCaptureFailureOfJournal(deps.db, dir, failure.code);
  if (existing) {
    if (failure.recordingIds.length === 0) return;
    await deps.db.transaction().execute(async (trx) => {
      await setCaptureFailureRecordings(trx, existing.id, failure.recordingIds);
      await audit(
        trx,
        deps.clock,
        null,
        'capture.failureRecordingsStored',
        { type: 'captureFailure', id: existing.id },
        { callId: existing.callId, recordingIds: failure.recordingIds },
        session.orgId,
      );
    });
    return;
  }
  await saveFailure(
    deps,
    dir,
    session,
    { ...failure, detail: failure.reason, retrying: false },
    retrying,
    retrying ? { afterRetries: true } : {},
  );
}

/**
 * A failed recording is never silent: a row in the capture-failure catalogue with the org's
 * failure behaviour, first, in the database (the journal's disk may be the one that is full),
 * then `failed.json` beside the journal (kept for an operator and skipped by recovery) as far as
 * the disk takes it; the job fails with the reason. A lost database connection is no failure of
 * the recording: it is thrown before failed.json is written, and the finalize runs again. A
 * passing failure while retries remain is listed as retrying instead (see noteRetrying), and
 * nothing is written beside the journal.
 */
async function markFailed(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile | null,
  failure: { code: string; reason: string; recordingIds?: readonly string[] },
  options: FinalizeOptions = {},
): Promise<FinalizeResult> {
  const recordingIds = failure.recordingIds ?? [];
  if (session && options.retrying === true && PASSING_FAILURES.has(failure.code)) {
    await noteRetrying(deps, dir, session, { ...failure, recordingIds });
    return { kind: 'retrying', code: failure.code, reason: failure.reason, recordingIds };
  }
  if (session) await catalogueFailure(deps, dir, session, { ...failure, recordingIds }, true);
  try {
    writeFailedFile(dir, {
      code: failure.code,
      reason: failure.reason,
      failedAt: deps.clock.now().toISOString(),
      recordingIds,
    });
  } catch (err) {
    // The catalogue has it; a journal without failed.json is finalized again later, and that
    // run finds the catalogued failure instead of storing the audio twice.
    deps.logger?.warn({ err, dir }, 'failed.json could not be written beside the journal');
  }
  return { kind: 'failed', code: failure.code, reason: failure.reason, recordingIds };
}

/** Nothing was stored: the partial audio file goes (it takes space), the journal stays whole. */
function deferFinalize(dir: string, file: string, what: string): FinalizeResult {
  fs.rmSync(file, { force: true });
  return {
    kind: 'deferred',
    reason: `the disk is full (${what}); finalize waits for space`,
    recordingIds: [],
  };
}

/**
 * A passing failure with retries left: the call is listed as failed-and-retrying (one row per
 * journal, audited when it appears and when its reason changes), so an operator sees the outage,
 * but it is not final and not counted as a loss.
 */
async function noteRetrying(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  failure: { code: string; reason: string; recordingIds: readonly string[] },
): Promise<void> {
  const detail = `${failure.reason} (retrying; the journal is kept)`;
  const existing = await findRetryingCaptureFailure(deps.db, dir);
  if (existing && existing.reason === failure.code) return;
  await saveFailure(deps, dir, session, { ...failure, detail, retrying: true }, existing, {
    retrying: true,
  });
}

/** A retry stored what an earlier attempt could not: the listed failure resolves itself. */
async function resolveRetried(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  recordingIds: readonly string[],
): Promise<void> {
  const retrying = await findRetryingCaptureFailure(deps.db, dir);
  if (!retrying) return;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await resolveRetryingCaptureFailure(trx, retrying.id, deps.clock.now().toISOString()))) {
      return;
    }
    await audit(
      trx,
      deps.clock,
      null,
      'capture.failureResolved',
      { type: 'captureFailure', id: retrying.id },
      { retried: true, reason: retrying.reason, journalDir: dir, recordingIds },
      session.orgId,
    );
  });
}

/**
 * The last attempt threw where no failure was foreseen (a journal the reader chokes on, a bug): the
 * call is catalogued as a final `finalize-error` with its journal kept, so it is never silent.
 */
export async function markFinalizeError(
  deps: FinalizeDeps,
  dir: string,
  error: unknown,
): Promise<FinalizeResult> {
  let session: CaptureSessionFile | null = null;
  try {
    session = readSessionFile(dir);
  } catch {
    session = null;
  }
  return markFailed(deps, dir, session, {
    code: 'finalize-error',
    reason: `finalizing failed: ${error instanceof Error ? error.message : String(error)}`,
  });
}

/** An owner's recordings of the call, from the actions in the journal (SPEC §4). */
export function planOwnerRecordings(
  session: CaptureSessionFile,
  ownerId: string,
  audio: { readonly startMs: number; readonly endMs: number },
): RecordingSegmentPlan[] {
  const endMs = audio.endMs;
  // Journals from before live controls record the whole call, as Always does.
  if (session.recordingActions === undefined) {
    return [{ startMs: audio.startMs, endMs, pauses: [] }];
  }
  return planRecordingSegments(
    session.recordingActions.filter((a) => a.ownerId === undefined || a.ownerId === ownerId),
    endMs,
  );
}

/**
 * The channels of one recording: its stretch of the timeline with every paused stretch cut out
 * (Webex) or silenced (the org's `pauseBehaviour: silence`). Both parties are cut at the same
 * samples, so they stay aligned. A recording of one unbroken stretch (a whole call, the usual
 * case) is a view of the rendered channels, not a copy: treat the result as read-only.
 */
export function cutRecording(
  rendered: Pick<RenderedSession, 'channels' | 'sampleRate' | 'originMs'>,
  plan: RecordingSegmentPlan,
  behaviour: 'cut' | 'silence',
): Int16Array[] {
  const length = Math.max(0, ...rendered.channels.map((c) => c.length));
  const at = (ms: number): number =>
    Math.min(
      length,
      Math.max(0, Math.round(((ms - rendered.originMs) * rendered.sampleRate) / 1000)),
    );
  const stretches =
    behaviour === 'cut' ? keptStretches(plan) : [{ startMs: plan.startMs, endMs: plan.endMs }];
  const spans = stretches
    .map((st) => [at(st.startMs), at(st.endMs)] as const)
    .filter(([a, b]) => b > a);
  const total = spans.reduce((n, [a, b]) => n + b - a, 0);
  const whole = spans.length === 1 && (behaviour === 'cut' || plan.pauses.length === 0);
  return rendered.channels.map((channel) => {
    const [a, b] = spans[0] ?? [0, 0];
    if (whole && b <= channel.length) return channel.subarray(a, b);
    const out = new Int16Array(total);
    let offset = 0;
    for (const [a, b] of spans) {
      out.set(channel.subarray(Math.min(a, channel.length), Math.min(b, channel.length)), offset);
      offset += b - a;
    }
    if (behaviour === 'silence') {
      const base = spans[0]?.[0] ?? 0;
      for (const pause of plan.pauses) {
        out.fill(0, Math.max(0, at(pause.startMs) - base), Math.max(0, at(pause.endMs) - base));
      }
    }
    return out;
  });
}

function presentActions(
  actions: readonly RecordingAction[],
  ownerIds: ReadonlySet<string>,
  originMs: number,
) {
  return actions
    .filter((a) => a.ownerId === undefined || ownerIds.has(a.ownerId))
    .map((a) => ({
      action: a.action,
      at: new Date(a.atMs).toISOString(),
      offsetMs: Math.round(a.atMs - originMs),
      source: a.source,
      ...(a.ownerId === undefined ? {} : { ownerId: a.ownerId }),
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    }));
}

/**
 * Turns a journal directory into stored recordings: one per start…stop of each owner (owners
 * whose actions give the same recordings share them), paused stretches cut or silenced. On
 * success the journal is removed; on a failure (no media at all, a live capture failure, no
 * owner left, encoder error) the failure is catalogued and the journal kept for an operator —
 * with whatever audio could be stored stored anyway.
 */
/**
 * The catalogue's local and remote numbers (searched by `partyNumber`, shown in topics): the
 * first owner's own participant and the first other participant, when their AORs name numbers.
 */
function partyNumbersOf(
  session: CaptureSessionFile,
  owners: readonly RecordingOwner[],
): { localNumber?: string; remoteNumber?: string } {
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  const own = session.parties.find((p) => p.id === ownerRef?.participantId);
  const other = session.parties.find((p) => p.id !== ownerRef?.participantId);
  const local = phoneNumberOfAor(own?.aor);
  const remote = phoneNumberOfAor(other?.aor);
  return {
    ...(local === null ? {} : { localNumber: local }),
    ...(remote === null ? {} : { remoteNumber: remote }),
  };
}

/**
 * Which way the call went for the group's owner, from the SRC's vendor metadata (Acme
 * `callingParty`, BroadWorks `callType`): RFC 7865 itself has no direction. Null when the
 * metadata does not say.
 */
function directionOf(
  metadata: RecordingMetadata | undefined,
  session: CaptureSessionFile,
  owners: readonly RecordingOwner[],
): 'inbound' | 'outbound' | 'internal' | null {
  if (!metadata) return null;
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  return callDirectionOf(
    metadata,
    ownerRef?.participantId,
    session.owners.map((o) => o.participantId),
  );
}

const FAILURE_WORDS: Readonly<Record<string, string>> = {
  'no-media': 'a stream received no media',
  'disk-full': 'the disk was full',
  'journal-write': 'a journal write failed',
  'capture-start': 'media capture could not start',
};

/**
 * Every failure of the capture, in order: the live ones from the call's actions (a `fail`, over
 * when a `recover` of the same reason followed: media that came after all), the one still open
 * at the end, and the streams finalize found silent or unreadable. A stream the live capture
 * already failed for having no media is not listed twice.
 */
export function captureFailuresOf(
  session: Pick<CaptureSessionFile, 'recordingActions' | 'failure'>,
  streamFailures: ReadonlyArray<{ stream: number; label: string | null; reason: string }>,
): RecordingCaptureFailure[] {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const actions = [...(session.recordingActions ?? [])].sort((a, b) => a.atMs - b.atMs);
  const out: RecordingCaptureFailure[] = [];
  let liveListed = false;
  for (const [i, a] of actions.entries()) {
    if (a.action !== 'fail') continue;
    const code = a.reason ?? 'unknown';
    const recover = actions
      .slice(i + 1)
      .find((b) => b.action === 'recover' && (b.reason ?? 'unknown') === code);
    const live =
      session.failure?.reason === code && session.failure.atMs === a.atMs
        ? session.failure
        : undefined;
    if (live) liveListed = true;
    out.push({
      code,
      detail: a.detail ?? live?.detail ?? FAILURE_WORDS[code] ?? code,
      at: iso(a.atMs),
      resolvedAt: recover ? iso(recover.atMs) : null,
      stream: null,
    });
  }
  if (session.failure && !liveListed) {
    out.push({
      code: session.failure.reason,
      detail: session.failure.detail,
      at: iso(session.failure.atMs),
      resolvedAt: null,
      stream: null,
    });
  }
  for (const f of streamFailures) {
    const stream = f.label ?? `#${f.stream}`;
    const code = f.reason === 'journal unreadable' ? 'unreadable' : 'no-media';
    const alreadyFailed = out.some(
      (o) => o.code === code && o.resolvedAt === null && o.detail.startsWith(`stream ${stream} `),
    );
    if (alreadyFailed) continue;
    out.push({ code, detail: `stream ${stream}: ${f.reason}`, at: null, resolvedAt: null, stream });
  }
  // The API bounds a failure's words; an error message can be long.
  return out.map((f) => (f.detail.length > 1000 ? { ...f, detail: f.detail.slice(0, 1000) } : f));
}

/**
 * What a recovered session kept: the audio up to the last journal flush. The journal files'
 * last write tells about when the recorder stopped (within a flush interval while media flowed).
 */
export function recoveryOf(
  dir: string,
  audioEndMs: number,
  recoveredAt: string,
): RecordingRecovery {
  let lastWriteMs: number | null = null;
  try {
    for (const name of fs.readdirSync(dir)) {
      if (name !== SESSION_FILE && !name.endsWith('.rtpj')) continue;
      const mtime = fs.statSync(path.join(dir, name)).mtimeMs;
      lastWriteMs = Math.max(lastWriteMs ?? 0, mtime);
    }
  } catch {
    // The times are a help for the reader, not the recording: unknown when unreadable.
    lastWriteMs = null;
  }
  return {
    recoveredAt,
    audioEndedAt: new Date(audioEndMs).toISOString(),
    journalLastWrittenAt: lastWriteMs === null ? null : new Date(lastWriteMs).toISOString(),
  };
}

const isEndReason = (v: string): v is RecordingEndReason =>
  (RECORDING_END_REASONS as readonly string[]).includes(v);

/**
 * Why one recording of the call ended: stopped by its owner before the call's audio ended,
 * else how the session ended (BYE, CANCEL, no ACK, shutdown), or `recovered` for a session that
 * never closed because the recorder stopped.
 */
export function endReasonOf(
  session: Pick<CaptureSessionFile, 'closed'>,
  options: FinalizeOptions,
  plan: Pick<RecordingSegmentPlan, 'endMs'>,
  audio: { readonly endMs: number },
): RecordingEndReason | null {
  if (plan.endMs < audio.endMs) return 'stopped';
  if (session.closed)
    return isEndReason(session.closed.endReason) ? session.closed.endReason : null;
  return options.recovered ? 'recovered' : null;
}

export async function finalizeCapturedSession(
  deps: FinalizeDeps,
  dir: string,
  options: FinalizeOptions = {},
): Promise<FinalizeResult> {
  if (!fs.existsSync(dir)) {
    // Only a finished finalize removes a journal: a retry after that has nothing left to do. No
    // journal folder at all means this process cannot see the recorder's disk: it throws, and
    // the job is retried (by a worker that can, or once the disk is mounted).
    if (!fs.existsSync(path.dirname(dir))) {
      throw new Error(`the journal folder ${path.dirname(dir)} is not on this server`);
    }
    return { kind: 'done-before', recordingIds: [] };
  }
  // Stored before, and failed after storing (its failed.json could not be written): the
  // catalogue says so, and the audio is not stored a second time. A failure still retrying is
  // not final: the retry goes on.
  const done = await findOpenCaptureFailureOfJournal(deps.db, dir);
  if (done && !done.retrying && done.recordingIds.length > 0) {
    return markFailed(deps, dir, null, {
      code: done.reason,
      reason: done.detail,
      recordingIds: done.recordingIds,
    });
  }
  let session: CaptureSessionFile;
  if (options.session) {
    session = options.session;
    try {
      writeSessionFile(dir, session);
    } catch (err) {
      deps.logger?.warn({ err, dir }, 'session.json still cannot be written beside the journal');
    }
  } else {
    try {
      session = readSessionFile(dir);
    } catch (err) {
      return markFailed(deps, dir, null, {
        code: 'unreadable',
        reason: `session file unreadable: ${(err as Error).message}`,
      });
    }
  }
  // A live failure (the journal's disk filled, a stream without media) is catalogued before any
  // audio is encoded: it is listed even while a full disk holds the rest of finalize back.
  if (session.failure) {
    await catalogueFailure(
      deps,
      dir,
      session,
      { code: session.failure.reason, reason: session.failure.detail, recordingIds: [] },
      false,
    );
  }
  const rendered = renderCapturedSession(dir, session);
  const failures = rendered.order.flatMap((s) =>
    s.failure ? [{ stream: s.index, label: s.label ?? null, reason: s.failure }] : [],
  );
  if (rendered.order.length === 0 || failures.length === rendered.order.length) {
    const why = failures.map((f) => `stream ${f.stream}: ${f.reason}`).join('; ');
    return markFailed(deps, dir, session, {
      code: session.failure?.reason ?? 'no-media',
      reason: [session.failure?.detail, why || 'the session had no audio stream']
        .filter(Boolean)
        .join('; '),
    });
  }
  const owners = await resolveOwners(deps, session);
  if (owners.length === 0) {
    return markFailed(deps, dir, session, {
      code: 'no-owner',
      reason: 'none of the owners exists any more',
    });
  }

  const samples = Math.max(0, ...rendered.channels.map((c) => c.length));
  // A recording still running at the BYE ends with the audio (the last packet placed).
  const audio = {
    startMs: rendered.originMs,
    endMs: rendered.originMs + (samples / rendered.sampleRate) * 1000,
  };
  // Owners with the same recordings (the same actions' effect) share each stored audio.
  const groups = new Map<string, { plans: RecordingSegmentPlan[]; owners: RecordingOwner[] }>();
  for (const owner of owners) {
    const plans = planOwnerRecordings(session, owner.id, audio);
    const key = JSON.stringify(plans);
    const group = groups.get(key) ?? { plans, owners: [] };
    group.owners.push(owner);
    groups.set(key, group);
  }
  const behaviour = session.pauseBehaviour ?? 'cut';
  const encode = deps.encode ?? encodeOggOpus;
  const recordingIds: string[] = [];
  let durationMs = 0;
  // A party's stream that gave no audio while the other's did: stored, and still a failure.
  const silentStreams = failures;
  // The catalogue's parties (with the channel each speaks on) and the SRC's merged metadata are
  // the call's; numbers and direction are each group's owner's.
  const parties = session.parties.map((p) => {
    const channel = rendered.order.findIndex(
      (s) => session.senders[s.label ?? `#${s.index}`] === p.id,
    );
    const number = phoneNumberOfAor(p.aor);
    return {
      ...(p.name === undefined ? {} : { name: p.name }),
      ...(p.aor === undefined ? {} : { address: p.aor }),
      ...(number === null ? {} : { number }),
      ...(channel >= 0 ? { channel } : {}),
    };
  });
  const metadata = mergeSrcMetadata(session.metadataRevisions);
  const captureFailures = captureFailuresOf(session, failures);
  const recovery = options.recovered
    ? recoveryOf(dir, audio.endMs, deps.clock.now().toISOString())
    : null;
  for (const [groupIndex, group] of [...groups.values()].entries()) {
    const ownerIds = new Set(group.owners.map((o) => o.id));
    const numbers = partyNumbersOf(session, group.owners);
    const direction = directionOf(metadata, session, group.owners);
    for (const [i, plan] of group.plans.entries()) {
      const channels = cutRecording(rendered, plan, behaviour);
      const length = Math.max(0, ...channels.map((c) => c.length));
      if (length === 0) continue;
      const segmentMs = Math.round((length / rendered.sampleRate) * 1000);
      const startMs = Math.max(plan.startMs, rendered.originMs);
      // Stored by an earlier run of this finalize (its database connection was lost after the
      // commit, or its job outcome could not be recorded): not stored twice.
      const already = await findCallSessionRecordings(
        deps.db,
        session.orgId,
        session.sessionId,
        new Date(startMs).toISOString(),
        group.owners.map((o) => o.id),
      );
      if (already.length > 0) {
        durationMs += segmentMs;
        for (const r of already) recordingIds.push(r.id);
        continue;
      }
      const file = path.join(dir, `audio-${recordingIds.length}.ogg`);
      try {
        await encode(channels, rendered.sampleRate, file);
      } catch (err) {
        if (isStorageFullError(err) && recordingIds.length === 0) {
          return deferFinalize(dir, file, `the encoded audio: ${(err as Error).message}`);
        }
        return markFailed(
          deps,
          dir,
          session,
          {
            code: 'encoder-error',
            reason: `encoder error: ${(err as Error).message}`,
            recordingIds,
          },
          options,
        );
      }
      let stored;
      try {
        stored = await storeRecording(deps, {
          orgId: session.orgId,
          // Streamed from the file: the store hashes and encrypts it in chunks.
          audio: fs.createReadStream(file),
          format: 'OGG',
          durationMs: segmentMs,
          channels: channels.length,
          sampleRate: 48000,
          owners: group.owners,
          timeRecorded: new Date(startMs).toISOString(),
          callId: session.callId,
          callSessionId: session.sessionId,
          ...numbers,
          parties,
          direction,
          // Several recordings of one call (stopped and started again) tell which part they are.
          ...(group.plans.length > 1
            ? {
                topic: `${defaultRecordingTopic({ ...numbers, parties }, new Date(startMs))} (part ${i + 1} of ${group.plans.length})`,
              }
            : {}),
          metadata: {
            participants: session.parties.map((p) => ({ ...p })),
            streams: rendered.order.map((s, channel) => ({
              channel,
              index: s.index,
              label: s.label ?? null,
              participantId: session.senders[s.label ?? `#${s.index}`] ?? null,
              codecs: s.codecs,
              packets: s.packets,
              lost: s.lost,
              ...(s.failure ? { failure: s.failure } : {}),
              counters: session.counters?.[String(s.index)] ?? null,
            })),
            dtmf: rendered.order.flatMap((s) => s.dtmf.map((d) => ({ stream: s.index, ...d }))),
            recordingActions: presentActions(
              session.recordingActions ?? [],
              ownerIds,
              rendered.originMs,
            ),
            segment: {
              index: i + 1,
              count: group.plans.length,
              startOffsetMs: Math.round(startMs - rendered.originMs),
              endOffsetMs: Math.round(plan.endMs - rendered.originMs),
              pauses: plan.pauses.map((p) => ({
                startOffsetMs: Math.round(p.startMs - rendered.originMs),
                endOffsetMs: Math.round(p.endMs - rendered.originMs),
              })),
              pauseBehaviour: behaviour,
            },
            srcMetadataRevisions: session.metadataRevisions,
            trunk: { id: session.trunkId, name: session.trunkName },
            ...mediaSecurityOf(session),
            ...(session.failure
              ? {
                  failureBehavior:
                    session.owners.find((o) => o.failureBehavior)?.failureBehavior ?? null,
                }
              : {}),
          },
          provenance: {
            recovered: options.recovered === true,
            recovery,
            failures: captureFailures,
            endReason: endReasonOf(session, options, plan, audio),
          },
          source: 'recorder',
          // One key per journal and segment: a retried finalize finds what an earlier attempt
          // stored instead of storing (and counting) it again.
          idempotencyKey: `capture:${session.sessionId}:${path.basename(dir)}:${groupIndex}:${i}`,
          auditDetails: {
            siprecSession: session.sessionId,
            recovered: options.recovered === true,
            segment: i + 1,
          },
        });
      } catch (err) {
        if (isConnectionLoss(err)) throw err;
        if (isStorageFullError(err) && recordingIds.length === 0) {
          return deferFinalize(dir, file, `storing the recording: ${(err as Error).message}`);
        }
        return markFailed(
          deps,
          dir,
          session,
          {
            code: isStorageFullError(err) ? 'disk-full' : 'store-error',
            reason: `storing the recording failed: ${(err as Error).message}`,
            recordingIds,
          },
          options,
        );
      }
      durationMs += segmentMs;
      for (const r of stored.recordings) recordingIds.push(r.id);
    }
  }
  // SPEC §8: the transcribe job decides per recording (owner's transcripts on, language).
  if (deps.queue) {
    for (const id of recordingIds) {
      // Without the database the job cannot be queued now; the transcription sweep queues every
      // recording still awaiting its transcript, so the recording is not held back for it.
      await enqueueTranscription(deps.queue, id).catch((err: unknown) => {
        if (!isConnectionLoss(err)) throw err;
      });
    }
  }
  // A live failure, or a party whose stream never carried media: the recording is incomplete.
  if (session.failure) {
    return markFailed(deps, dir, session, {
      code: session.failure.reason,
      reason: session.failure.detail,
      recordingIds,
    });
  }
  if (silentStreams.length > 0) {
    return markFailed(deps, dir, session, {
      code: silentStreams.some((f) => f.reason === 'journal unreadable')
        ? 'unreadable'
        : 'no-media',
      reason: silentStreams.map((f) => `stream ${f.label ?? f.stream}: ${f.reason}`).join('; '),
      recordingIds,
    });
  }
  // Resolved before the journal goes: should this process die in between, the retry finds every
  // segment stored and removes the journal then.
  await resolveRetried(deps, dir, session, recordingIds);
  fs.rmSync(dir, { recursive: true, force: true });
  return { kind: 'stored', recordingIds, durationMs };
}

/**
 * How the media was protected: the SDES suites and whether their keys came over SIP without TLS
 * (RFC 4568 §8.3: then anyone on the signalling path could decrypt the audio). Journals written
 * before the signalling transport was kept have no such entry.
 */
function mediaSecurityOf(session: CaptureSessionFile): {
  mediaSecurity?: { signalling: string; srtpSuites: readonly string[]; keysSentInClear: boolean };
} {
  if (session.signalling === undefined) return {};
  const exposure = sdesKeyExposure(
    session.signalling,
    session.streams.map((s) => (s.srtpSuite ? { srtp: { suite: s.srtpSuite } } : {})),
  );
  return {
    mediaSecurity: {
      signalling: session.signalling,
      srtpSuites: exposure.suites,
      keysSentInClear: exposure.keysSentInClear,
    },
  };
}
