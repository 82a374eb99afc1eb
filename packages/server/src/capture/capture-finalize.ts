// Finalizing a captured session (SPEC §5): the journals are read back, each stream goes through
// the jitter buffer (RFC 3550 A.1 reordering, duplicates, loss) and its codec's decoder (payload
// type → codec from every answer of the session, so a codec change mid-call decodes), both
// parties are placed on one timeline (the recorded owner's side first), and the result is
// encoded to Ogg Opus and stored once for every owner through the recordings store.
//
// Decoders: the recorder's PCMU/PCMA/G.722 and its Opus wrapper (opusscript).
// Encoder: ffmpeg with libopus as a child process. mediabunny needs WebCodecs' AudioEncoder for
// Opus, which Node 20 does not have.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  createAudioDecoder,
  createOpusDecoder,
  DtmfDetector,
  getRtpClockRate,
  JitterBuffer,
  normalizeAudioCodecName,
  parseRtpJournal,
  parseTelephoneEvent,
  PcmTimeline,
  type AudioDecoder,
  type JitterOutput,
  type OpusAudioDecoder,
  type RtpJournalRecord,
} from '@callvault/recorder';
import { findOwnerById } from '../recordings/recordings.repository.js';
import { storeRecording, type RecordingStoreDeps } from '../recordings/recordings.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import {
  FAILED_FILE,
  readSessionFile,
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
  records: RtpJournalRecord[];
  truncatedBytes: number;
  failure?: string;
}

function loadStream(dir: string, info: CaptureStreamInfo): LoadedStream {
  const file = path.join(dir, info.journal);
  if (!fs.existsSync(file)) return { info, records: [], truncatedBytes: 0, failure: 'no journal' };
  const parsed = parseRtpJournal(fs.readFileSync(file));
  if (!parsed.ok) return { info, records: [], truncatedBytes: 0, failure: 'journal unreadable' };
  return { info, records: parsed.records, truncatedBytes: parsed.truncatedBytes };
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
  const arrivals = loaded.flatMap((s) => (s.records[0] ? [s.records[0].arrivalMs] : []));
  const originMs = arrivals.length > 0 ? Math.min(...arrivals) : session.startedAt;
  const timeline = new PcmTimeline({
    sampleRate,
    channelCount: Math.max(1, loaded.length),
    originMs,
  });
  const order: DecodedStream[] = loaded.map((stream, channel) =>
    decodeOnto(timeline, channel, stream, originMs),
  );
  return {
    sampleRate,
    channels: timeline.readAll(),
    order,
    originMs,
    truncatedBytes: loaded.reduce((n, s) => n + s.truncatedBytes, 0),
  };
}

function decodeOnto(
  timeline: PcmTimeline,
  channel: number,
  stream: LoadedStream,
  originMs: number,
): DecodedStream {
  const { info, records } = stream;
  const base = {
    index: info.index,
    ...(info.label === undefined ? {} : { label: info.label }),
    codecs: info.codecs.map((c) => c.name),
  };
  if (stream.failure || records.length === 0) {
    return {
      ...base,
      packets: 0,
      lost: 0,
      dtmf: [],
      failure: stream.failure ?? 'no media received',
      firstArrivalMs: null,
    };
  }
  const clock = { time: records[0]!.arrivalMs, now: () => clock.time };
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
        samples: decoder.decode(output.payload),
        sampleRate: decoder.sampleRate,
      });
      decodedFrames++;
    }
  };
  const dtmf: Array<{ digit: string; atMs: number }> = [];
  const detector = new DtmfDetector();
  for (const record of records) {
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
    packets: records.length,
    lost: buffer.stats.lost,
    dtmf,
    ...(failure ? { failure } : {}),
    firstArrivalMs: records[0]!.arrivalMs,
  };
}

/** Interleaved s16le of the channels (padded to the longest with silence). */
function interleave(channels: readonly Int16Array[]): Buffer {
  const length = Math.max(0, ...channels.map((c) => c.length));
  const n = channels.length;
  // Typed arrays use the platform's byte order; every platform Node supports is little endian.
  const out = new Int16Array(length * n);
  channels.forEach((channel, c) => {
    for (let i = 0; i < channel.length; i++) out[i * n + c] = channel[i]!;
  });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Encodes PCM to Ogg Opus with ffmpeg's libopus, one party per channel. */
export function encodeOggOpus(
  channels: readonly Int16Array[],
  sampleRate: number,
  file: string,
): Promise<void> {
  const pcm = interleave(channels);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-y'],
        ...['-f', 's16le', '-ar', String(sampleRate), '-ac', String(channels.length)],
        ...['-i', 'pipe:0', '-c:a', 'libopus', '-b:a', `${24 * channels.length}k`],
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
    child.stdin.on('error', () => undefined);
    child.stdin.end(pcm);
  });
}

export interface FinalizeOptions {
  /** The session never closed (a crash): its audio up to the last flush is kept as `recovered`. */
  readonly recovered?: boolean;
}

export type FinalizeResult =
  | {
      readonly kind: 'stored';
      readonly recordingIds: readonly string[];
      readonly durationMs: number;
    }
  | { readonly kind: 'failed'; readonly reason: string };

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

function markFailed(dir: string, reason: string, at: Date): FinalizeResult {
  fs.writeFileSync(
    path.join(dir, FAILED_FILE),
    JSON.stringify({ reason, failedAt: at.toISOString() }),
  );
  return { kind: 'failed', reason };
}

/**
 * Turns a journal directory into stored recordings. On success the journal is removed; on a
 * failure (no media at all, no owner left, encoder error) `failed.json` says why and the
 * journal is kept for an operator.
 */
export async function finalizeCapturedSession(
  deps: RecordingStoreDeps,
  dir: string,
  options: FinalizeOptions = {},
): Promise<FinalizeResult> {
  const now = deps.clock.now();
  let session: CaptureSessionFile;
  try {
    session = readSessionFile(dir);
  } catch (err) {
    return markFailed(dir, `session file unreadable: ${(err as Error).message}`, now);
  }
  const rendered = renderCapturedSession(dir, session);
  const failures = rendered.order.flatMap((s) =>
    s.failure ? [{ stream: s.index, label: s.label ?? null, reason: s.failure }] : [],
  );
  if (rendered.order.length === 0 || failures.length === rendered.order.length) {
    const why = failures.map((f) => `stream ${f.stream}: ${f.reason}`).join('; ');
    return markFailed(dir, why || 'the session had no audio stream', now);
  }
  const owners = await resolveOwners(deps, session);
  if (owners.length === 0) return markFailed(dir, 'none of the owners exists any more', now);
  const file = path.join(dir, 'audio.ogg');
  try {
    await encodeOggOpus(rendered.channels, rendered.sampleRate, file);
  } catch (err) {
    return markFailed(dir, `encoder error: ${(err as Error).message}`, now);
  }
  const samples = Math.max(0, ...rendered.channels.map((c) => c.length));
  const durationMs = Math.round((samples / rendered.sampleRate) * 1000);
  const stored = await storeRecording(deps, {
    orgId: session.orgId,
    audio: fs.readFileSync(file),
    format: 'OGG',
    durationMs,
    channels: rendered.channels.length,
    sampleRate: 48000,
    owners,
    timeRecorded: new Date(rendered.originMs).toISOString(),
    callId: session.callId,
    callSessionId: session.sessionId,
    parties: session.parties.map((p) => {
      const channel = rendered.order.findIndex(
        (s) => session.senders[s.label ?? `#${s.index}`] === p.id,
      );
      return {
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.aor === undefined ? {} : { address: p.aor }),
        ...(channel >= 0 ? { channel } : {}),
      };
    }),
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
      srcMetadataRevisions: session.metadataRevisions,
      trunk: { id: session.trunkId, name: session.trunkName },
      ...(failures.length > 0 ? { failures } : {}),
      ...(options.recovered ? { recovered: true } : {}),
      ...(session.closed ? { endReason: session.closed.endReason } : {}),
    },
    source: 'recorder',
    auditDetails: { siprecSession: session.sessionId, recovered: options.recovered === true },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { kind: 'stored', recordingIds: stored.recordings.map((r) => r.id), durationMs };
}
