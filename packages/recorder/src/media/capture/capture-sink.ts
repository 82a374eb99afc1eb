// The RecordingSink that captures media (SPEC §5): for every accepted audio stream of a session's
// SDP answer it binds the port pair and journals the packets; on the session's end it closes the
// sockets, flushes the journals and enqueues the finalize job. Re-INVITEs that move a stream to
// another port or codec re-bind it and append to the same journal.
//
// Live controls (SPEC §4) meet the capture here: RFC 4733 digits on a recorded party's own stream
// are matched against the org's feature codes, SRC direction changes (a=inactive, c=0.0.0.0) are
// hold/unhold, and every change of the call's live state (the host's `CaptureLiveCalls`) is written to session.json as
// `recordingActions`, so finalize (and crash recovery) cut the audio the way the call went.
// Failures (a journal write refused by the disk, a stream with no media) fail the call's live
// state at once and are kept in session.json for finalize to catalogue: never a silent loss.
import fs from 'node:fs';
import path from 'node:path';
import {
  createAudioDecoder,
  normalizeAudioCodecName,
  type AudioDecoder,
} from '../codecs/audio-decoder.js';
import { createOpusDecoder } from '../codecs/opus-decoder.js';
import { DtmfDetector, parseTelephoneEvent } from '../../rtp/telephone-event.js';
import type { SdpAnsweredStream } from '../../sdp/index.js';
import {
  DEFAULT_DTMF_FEATURE_CODES,
  createDtmfFeatureCodeMatcher,
  type DtmfFeatureCodeMatcher,
  type DtmfFeatureCodes,
} from '../../session/dtmf-feature-codes.js';
import {
  allowedRecordingControls,
  type RecordingControl,
} from '../../session/recording-control-state.js';
import type { RecordingAction } from '../../session/recording-segments.js';
import type {
  Clock,
  Logger,
  RecordingSessionClosed,
  RecordingSessionSnapshot,
  RecordingSink,
} from '../../session/ports.js';
import { InbandDtmfDetector, toInbandDtmfRate } from './inband-dtmf-detector.js';
import type { RtpJournalRecord } from './rtp-journal-format.js';
import {
  createRtpJournalWriter,
  type RtpJournalWriter,
  type RtpJournalWriterOptions,
} from './rtp-journal-writer.js';
import { DEFAULT_MEDIA_LATCHING, type MediaLatchingMode } from './rtp-source-latch.js';
import { startRtpStreamCapture, type RtpStreamCapture } from './rtp-stream-capture.js';
import type { UdpReceiver } from './udp-receiver.js';
import {
  journalDirFor,
  removeJournal,
  writeSessionFile,
  type CaptureFailureNote,
  type CaptureSessionFile,
  type CaptureStreamInfo,
} from './capture-journal.js';

/** An owner of a live call as the capture opens it. */
export interface CaptureLiveCallOwner {
  readonly id: string;
  readonly kind: string;
  readonly displayName: string;
  readonly participantId?: string;
  readonly mode: string;
  readonly failureBehavior: string | null;
}

/** A participant of a live call. */
export interface CaptureLiveCallParty {
  readonly id: string;
  readonly aor?: string;
  readonly name?: string;
}

/**
 * The live recording state of the calls (SPEC §4), as the capture drives it: the host keeps it
 * (it is shown and controlled through the host's API too), the capture opens and closes each
 * call, applies DTMF feature codes, hold and failures to it, and writes every state change it is
 * told of to the session's journal.
 */
export interface CaptureLiveCalls {
  open(call: {
    sessionId: string;
    callId: string;
    orgId: string;
    startedAt: number;
    owners: readonly CaptureLiveCallOwner[];
    parties?: readonly CaptureLiveCallParty[];
  }): void;
  setParties(sessionId: string, parties: readonly CaptureLiveCallParty[]): void;
  addOwners(sessionId: string, owners: readonly CaptureLiveCallOwner[], atMs: number): void;
  control(
    sessionId: string,
    ownerId: string,
    control: RecordingControl,
    source: 'dtmf',
    atMs: number,
  ): { readonly ok: boolean };
  hold(sessionId: string, onHold: boolean, atMs: number): void;
  fail(sessionId: string, failure: CaptureFailureNote): void;
  /** Ends a failure of `reason`; true when there was one. */
  recover(sessionId: string, reason: string, atMs: number): boolean;
  close(sessionId: string, atMs: number): unknown;
  get(sessionId: string):
    | {
        readonly actions: readonly RecordingAction[];
        readonly failure: CaptureFailureNote | null;
      }
    | undefined;
  /** Every change of a call's state; `recordingState` ones are written to its journal. */
  subscribe(
    listener: (event: { readonly type: string; readonly sessionId: string }) => void,
  ): () => void;
}

/** The org's live-control settings the capture needs (SPEC §4). */
export interface CaptureControlSettings {
  readonly pauseBehaviour: 'cut' | 'silence';
  readonly dtmfFeatureCodes: DtmfFeatureCodes;
}

export const DEFAULT_CAPTURE_CONTROLS: CaptureControlSettings = {
  pauseBehaviour: 'cut',
  dtmfFeatureCodes: DEFAULT_DTMF_FEATURE_CODES,
};

/** Default wait for a stream's first packet before the capture is failed as `no-media`. */
export const NO_MEDIA_TIMEOUT_MS = 10_000;

export interface CaptureSinkOptions<C extends CaptureLiveCalls = CaptureLiveCalls> {
  readonly dataDir: string;
  /** The address to bind media sockets on (the SIP host). */
  readonly host: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Enqueues the finalize job for a closed session's journal directory; `session` is given when
   * session.json could not be written (a full disk), so finalize need not read it.
   */
  readonly finalize: (dir: string, session?: CaptureSessionFile) => Promise<void>;
  readonly flushIntervalMs?: number;
  /** The live state of the calls (the host shares it with its calls API and events). */
  readonly calls: C;
  /** The org's pause behaviour and DTMF feature codes (default: cut, *44 *45 *48 *49). */
  readonly loadControls?: (orgId: string) => Promise<CaptureControlSettings>;
  /** A stream with no packet this long after it was bound fails the capture (`no-media`). */
  readonly noMediaTimeoutMs?: number;
  /** Where media sockets come from (default: the batch receiver when built, else dgram). */
  readonly udpReceiver?: UdpReceiver;
  /** Opens a stream's journal writer (tests inject one whose disk is full). */
  readonly createJournalWriter?: (options: RtpJournalWriterOptions) => RtpJournalWriter;
}

interface StreamCapture {
  port: number;
  capture: RtpStreamCapture | null;
  writer: RtpJournalWriter;
  info: CaptureStreamInfo;
  /** RFC 4733 digits of this stream, and the feature-code matcher of its sender. */
  dtmf: DtmfDetector;
  matcher: DtmfFeatureCodeMatcher | null;
  /**
   * In-band DTMF on the stream of an owner who has controls, until the stream shows RFC 4733
   * events (then those are used alone); undefined until decided, null when not wanted.
   */
  inband: InbandDtmfDetector | null | undefined;
  /** The decoders in-band detection uses, by payload type (G.722 and Opus keep state). */
  inbandDecoders: Map<number, AudioDecoder & { close?(): void }>;
  /** RFC 4733 events were seen on the stream: no in-band detection from then on. */
  rfc4733: boolean;
  noMediaTimer: NodeJS.Timeout | null;
  packets: number;
  /**
   * The codecs of the current answer by payload type: the SRC may send any of them without a
   * re-offer. One joins `info.codecs` (what finalize decodes) when its first packet arrives.
   */
  answered: Map<number, { payloadType: number; name: string; clockRate: number }>;
  /** The answered stream the socket was last set up for (a new object on each re-offer). */
  lastAnswer: SdpAnsweredStream | null;
}

interface SessionCapture {
  id: string;
  dir: string;
  streams: Map<number, StreamCapture>;
  /** Serialises socket (re)binding per session. */
  work: Promise<void>;
  last: RecordingSessionSnapshot;
  controls: CaptureControlSettings;
  closed: boolean;
  /** Clock ms of the last RTP packet on any stream (the session's opening before the first). */
  lastMediaAt: number;
}

export interface CaptureSink<C extends CaptureLiveCalls = CaptureLiveCalls> extends RecordingSink {
  /** Sessions being captured. */
  readonly size: number;
  /** The live recording state of the calls being captured. */
  readonly calls: C;
  /** Waits for pending binds and closes (tests, shutdown). */
  settle(): Promise<void>;
  /**
   * Clock ms of the session's last RTP packet on any stream (its opening before the first);
   * undefined for a session not being captured. Read by the RTP inactivity watcher.
   */
  lastMediaAt(sessionId: string): number | undefined;
}

function isCapturable(stream: SdpAnsweredStream): boolean {
  return stream.accepted && stream.media === 'audio' && stream.localPort > 0 && !!stream.codec;
}

function sendersOf(snapshot: RecordingSessionSnapshot): Record<string, string> {
  const model = snapshot.metadataRevisions.at(-1)?.model;
  const senders: Record<string, string> = {};
  if (!model) return senders;
  const labelOf = new Map(model.streams.map((s) => [s.id, s.label ?? s.id]));
  for (const p of model.participants) {
    for (const streamId of p.send) senders[labelOf.get(streamId) ?? streamId] = p.id;
  }
  return senders;
}

/** Codecs whose audio the in-band detector listens to (all the recorder decodes). */
const canListen = (codecName: string): boolean => normalizeAudioCodecName(codecName) !== null;

function closeInbandDecoders(stream: StreamCapture): void {
  for (const decoder of stream.inbandDecoders.values()) decoder.close?.();
  stream.inbandDecoders.clear();
}

/** The trunk's latching, or the default (first-source within 5 s: SRCs behind NAT work). */
const latchingOf = (snapshot: RecordingSessionSnapshot): MediaLatchingMode =>
  snapshot.mediaLatching ?? DEFAULT_MEDIA_LATCHING;

function isOnHold(snapshot: RecordingSessionSnapshot): boolean {
  const audio = snapshot.streams.filter((s) => s.accepted && s.media === 'audio');
  return audio.length > 0 && audio.some((s) => s.onHold);
}

function failureReasonOf(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'journal-write';
}

export function createCaptureSink<C extends CaptureLiveCalls>(
  options: CaptureSinkOptions<C>,
): CaptureSink<C> {
  const sessions = new Map<string, SessionCapture>();
  const closing = new Set<Promise<void>>();
  const logger = options.logger;
  const calls = options.calls;
  const openWriter = options.createJournalWriter ?? createRtpJournalWriter;
  const noMediaMs = options.noMediaTimeoutMs ?? NO_MEDIA_TIMEOUT_MS;
  const nowMs = (): number => options.clock.now();

  const ownersOf = (snapshot: RecordingSessionSnapshot) =>
    snapshot.owners.map((o) => ({
      id: o.id,
      kind: o.kind,
      displayName: o.displayName,
      participantId: o.participantId,
      mode: o.mode,
      failureBehavior: o.failureBehavior ?? null,
    }));
  const partiesOf = (snapshot: RecordingSessionSnapshot) =>
    snapshot.parties.map((p) => ({
      id: p.id,
      ...(p.aor === undefined ? {} : { aor: p.aor }),
      ...(p.name === undefined ? {} : { name: p.name }),
    }));

  /**
   * session.json is rewritten on every change; a full disk is a failure, not a crash. Returns
   * what was written, or what could not be written (null when it was).
   */
  const persist = (
    s: SessionCapture,
    closed?: RecordingSessionClosed,
  ): CaptureSessionFile | null => {
    try {
      writeSessionFile(s.dir, describe(s, closed));
      return null;
    } catch (err) {
      logger.error({ err, callId: s.last.callId }, 'session file write failed');
      fail(s, failureReasonOf(err as Error), `session file: ${(err as Error).message}`);
      // Described again: the failure just recorded belongs in it.
      return describe(s, closed);
    }
  };

  const fail = (s: SessionCapture, reason: string, detail: string): void => {
    const call = calls.get(s.id);
    if (!call || call.failure) return;
    logger.error({ callId: s.last.callId, reason, detail }, 'recording failed');
    calls.fail(s.id, { reason, detail, atMs: nowMs() });
  };

  // Every state change of a call this sink captures goes to its session.json.
  calls.subscribe((event) => {
    if (event.type !== 'recordingState') return;
    const s = sessions.get(event.sessionId);
    if (s && !s.closed) persist(s);
  });

  /** The recorded party's stream: its digits control the owner(s) that party is. */
  const matcherFor = (
    s: SessionCapture,
    info: CaptureStreamInfo,
  ): DtmfFeatureCodeMatcher | null => {
    const sender = sendersOf(s.last)[info.label ?? `#${info.index}`];
    if (sender === undefined || !s.last.owners.some((o) => o.participantId === sender)) return null;
    return createDtmfFeatureCodeMatcher(s.controls.dtmfFeatureCodes);
  };

  const onDigit = (s: SessionCapture, stream: StreamCapture, digit: string, atMs: number) => {
    stream.matcher ??= matcherFor(s, stream.info);
    const control = stream.matcher?.push(digit, atMs);
    if (!control) return;
    const sender = sendersOf(s.last)[stream.info.label ?? `#${stream.info.index}`];
    for (const owner of s.last.owners.filter((o) => o.participantId === sender)) {
      const result = calls.control(s.id, owner.id, control, 'dtmf', atMs);
      logger.info(
        { callId: s.last.callId, owner: owner.id, control, result },
        result.ok ? 'DTMF feature code applied' : 'DTMF feature code refused',
      );
    }
  };

  const onDtmf = (s: SessionCapture, stream: StreamCapture, record: RtpJournalRecord): void => {
    const event = parseTelephoneEvent(record.payload);
    if (!event) return;
    for (const digit of stream.dtmf.push({ timestamp: record.timestamp, event })) {
      onDigit(s, stream, digit.digit, record.arrivalMs);
    }
  };

  /**
   * Decodes (G.711, G.722 or Opus) only for a party who has live controls, and only until their
   * phone shows RFC 4733 events: nobody else's audio is touched on the capture path.
   */
  const onAudio = (s: SessionCapture, stream: StreamCapture, record: RtpJournalRecord): void => {
    if (stream.inband === undefined) {
      const sender = sendersOf(s.last)[stream.info.label ?? `#${stream.info.index}`];
      const controlled = s.last.owners.some(
        (o) => o.participantId === sender && allowedRecordingControls(o.mode).length > 0,
      );
      const audible = stream.info.codecs.some((c) => canListen(c.name));
      stream.inband = controlled && audible ? new InbandDtmfDetector() : null;
    }
    if (!stream.inband) return;
    let decoder = stream.inbandDecoders.get(record.payloadType);
    if (decoder === undefined) {
      const codec = stream.info.codecs.find((c) => c.payloadType === record.payloadType);
      const name = codec ? normalizeAudioCodecName(codec.name) : null;
      if (name === null) return;
      decoder = name === 'opus' ? createOpusDecoder() : createAudioDecoder(name);
      stream.inbandDecoders.set(record.payloadType, decoder);
    }
    const pcm = toInbandDtmfRate(decoder.decode(record.payload), decoder.sampleRate);
    if (pcm === null) return;
    for (const digit of stream.inband.push(pcm)) onDigit(s, stream, digit.digit, record.arrivalMs);
  };

  /**
   * A stream's first packet: if the call was failed for `no-media` and every stream has media now,
   * the media came late rather than never; the failure is over and nothing was lost.
   */
  const onFirstPacket = (s: SessionCapture): void => {
    if (calls.get(s.id)?.failure?.reason !== 'no-media') return;
    if ([...s.streams.values()].some((c) => c.packets === 0)) return;
    if (calls.recover(s.id, 'no-media', nowMs())) {
      logger.info(
        { callId: s.last.callId },
        'media arrived after all: the no-media failure is over',
      );
    }
  };

  const describe = (s: SessionCapture, closed?: RecordingSessionClosed): CaptureSessionFile => {
    const snap = closed ?? s.last;
    const call = calls.get(s.id);
    return {
      version: 1,
      sessionId: snap.id,
      callId: snap.callId,
      orgId: snap.orgId,
      trunkId: snap.trunkId,
      trunkName: snap.trunkName,
      signalling: snap.source.transport,
      startedAt: snap.startedAt,
      owners: snap.owners.map((o) => ({
        id: o.id,
        kind: o.kind,
        participantId: o.participantId,
        mode: o.mode,
        ...(o.failureBehavior === undefined ? {} : { failureBehavior: o.failureBehavior }),
      })),
      parties: snap.parties.map((p) => ({
        id: p.id,
        ...(p.aor === undefined ? {} : { aor: p.aor }),
        ...(p.name === undefined ? {} : { name: p.name }),
      })),
      streams: [...s.streams.values()].map((c) => c.info),
      metadataRevisions: snap.metadataRevisions.map((r) => ({ seq: r.seq, raw: r.raw })),
      senders: sendersOf(snap),
      recordingActions: call?.actions ?? [],
      pauseBehaviour: s.controls.pauseBehaviour,
      ...(call?.failure ? { failure: call.failure } : {}),
      ...(closed
        ? {
            closed: { endedAt: closed.endedAt, endReason: closed.endReason, kept: closed.kept },
            counters: Object.fromEntries(
              [...s.streams.entries()].map(([i, c]) => [
                String(i),
                { ...(c.capture?.stats ?? {}) },
              ]),
            ),
          }
        : {}),
    };
  };

  // `s.last` is set when the event arrives (sessionOpened/sessionUpdated), not here: binds run
  // later, and an older snapshot must not replace a newer one.
  const apply = async (s: SessionCapture, snapshot: RecordingSessionSnapshot): Promise<void> => {
    for (const stream of snapshot.streams) {
      if (!isCapturable(stream) || !stream.codec) continue;
      const codec = {
        payloadType: stream.codec.payloadType,
        name: stream.codec.name,
        clockRate: stream.codec.clockRate,
      };
      let current = s.streams.get(stream.index);
      if (!current) {
        const journal = `stream-${stream.index}.rtpj`;
        current = {
          port: -1,
          capture: null,
          writer: openWriter({
            file: path.join(s.dir, journal),
            ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
            onError: (err) => {
              logger.error({ err, callId: snapshot.callId }, 'journal write failed');
              fail(s, failureReasonOf(err), `stream ${stream.index} journal: ${err.message}`);
            },
          }),
          dtmf: new DtmfDetector(),
          matcher: null,
          inband: undefined,
          inbandDecoders: new Map(),
          rfc4733: false,
          noMediaTimer: null,
          packets: 0,
          answered: new Map(),
          lastAnswer: null,
          info: {
            index: stream.index,
            ...(stream.label === undefined ? {} : { label: stream.label }),
            codecs: [],
            telephoneEventPayloadTypes: [],
            journal,
            srtp: !!stream.srtp,
          },
        };
        s.streams.set(stream.index, current);
      }
      const known = current.info.codecs.some(
        (c) => c.payloadType === codec.payloadType && c.name === codec.name,
      );
      const te = stream.telephoneEvent?.payloadType;
      current.info = {
        ...current.info,
        ...(stream.srtp ? { srtp: true, srtpSuite: stream.srtp.suite } : {}),
        // A payload type re-used for another codec: the newest mapping wins from now on.
        codecs: known
          ? current.info.codecs
          : [...current.info.codecs.filter((c) => c.payloadType !== codec.payloadType), codec],
        telephoneEventPayloadTypes:
          te === undefined || current.info.telephoneEventPayloadTypes.includes(te)
            ? current.info.telephoneEventPayloadTypes
            : [...current.info.telephoneEventPayloadTypes, te],
      };
      current.answered = new Map(
        (stream.codecs.length > 0 ? stream.codecs : [stream.codec]).map((c) => [
          c.payloadType,
          { payloadType: c.payloadType, name: c.name, clockRate: c.clockRate },
        ]),
      );
      const reoffered = current.lastAnswer !== null && current.lastAnswer !== stream;
      current.lastAnswer = stream;
      if (current.port === stream.localPort) {
        // The same port re-offered (a transfer, a 3-way call): the SRC's media may now come from
        // another address or port, and the latch follows it.
        if (reoffered) current.capture?.reoffer(stream.remote.address);
        continue;
      }
      await current.capture?.close();
      const writer = current.writer;
      const sc = current;
      current.capture = await startRtpStreamCapture({
        host: options.host,
        rtpPort: stream.localPort,
        ...(stream.localRtcpPort ? { rtcpPort: stream.localRtcpPort } : {}),
        ...(stream.remote.address ? { expectedAddress: stream.remote.address } : {}),
        ...(stream.srtp
          ? {
              srtp: {
                suite: stream.srtp.suite,
                keySalt: stream.srtp.remote.keySalt,
                ...(stream.srtp.remote.mki ? { mki: stream.srtp.remote.mki } : {}),
              },
            }
          : {}),
        ...(options.udpReceiver ? { receiver: options.udpReceiver } : {}),
        latching: latchingOf(s.last),
        onPacket: (record) => {
          s.lastMediaAt = nowMs();
          if (sc.packets++ === 0) onFirstPacket(s);
          if (!sc.info.codecs.some((c) => c.payloadType === record.payloadType)) {
            const other = sc.answered.get(record.payloadType);
            if (other !== undefined) {
              // The SRC switched to another answered codec without a re-offer: finalize decodes
              // each packet by its payload type, so session.json names this one before it is kept.
              sc.info = { ...sc.info, codecs: [...sc.info.codecs, other] };
              persist(s);
            }
          }
          writer.append(record);
          if (sc.info.telephoneEventPayloadTypes.includes(record.payloadType)) {
            if (!sc.rfc4733) closeInbandDecoders(sc);
            sc.rfc4733 = true;
            sc.inband = null;
            onDtmf(s, sc, record);
          } else if (sc.inband !== null) {
            onAudio(s, sc, record);
          }
        },
        now: nowMs,
      });
      current.port = stream.localPort;
      if (current.packets === 0 && current.noMediaTimer === null && noMediaMs > 0) {
        const label = stream.label ?? `#${stream.index}`;
        current.noMediaTimer = setTimeout(() => {
          sc.noMediaTimer = null;
          // Held from the start, the SRC sends nothing on purpose.
          if (sc.packets === 0 && !s.closed && !isOnHold(s.last)) {
            fail(s, 'no-media', `stream ${label} received no media in ${noMediaMs / 1000} s`);
          }
        }, noMediaMs);
        current.noMediaTimer.unref();
      }
    }
    persist(s);
  };

  const enqueue = (s: SessionCapture, snapshot: RecordingSessionSnapshot): void => {
    s.work = s.work
      .then(() => apply(s, snapshot))
      .catch((err: unknown) => {
        logger.error({ err, callId: snapshot.callId }, 'media capture could not start');
        // A stream we cannot bind is audio we cannot keep: the call's recording has failed.
        fail(s, 'capture-start', `media capture could not start: ${(err as Error).message}`);
      });
  };

  return {
    get size() {
      return sessions.size;
    },
    calls,
    sessionOpened(snapshot) {
      if (sessions.has(snapshot.id)) return;
      const dir = journalDirFor(options.dataDir, snapshot.id);
      fs.mkdirSync(dir, { recursive: true });
      const s: SessionCapture = {
        id: snapshot.id,
        dir,
        streams: new Map(),
        work: Promise.resolve(),
        last: snapshot,
        controls: DEFAULT_CAPTURE_CONTROLS,
        closed: false,
        lastMediaAt: nowMs(),
      };
      sessions.set(snapshot.id, s);
      calls.open({
        sessionId: snapshot.id,
        callId: snapshot.callId,
        orgId: snapshot.orgId,
        startedAt: snapshot.startedAt,
        owners: ownersOf(snapshot),
        parties: partiesOf(snapshot),
      });
      if (options.loadControls) {
        const load = options.loadControls;
        s.work = s.work
          .then(async () => {
            s.controls = await load(snapshot.orgId);
          })
          .catch((err: unknown) =>
            logger.error({ err, callId: snapshot.callId }, 'live-control settings unreadable'),
          );
      }
      enqueue(s, snapshot);
    },
    sessionUpdated(snapshot) {
      const s = sessions.get(snapshot.id);
      if (!s) return;
      const wasOnHold = isOnHold(s.last);
      s.last = snapshot;
      calls.setParties(snapshot.id, partiesOf(snapshot));
      calls.addOwners(snapshot.id, ownersOf(snapshot), nowMs());
      // Owners or senders may have changed: decide again who gets in-band detection.
      // A payload type may now name another codec: in-band decoders are made afresh.
      for (const c of s.streams.values()) {
        if (c.inband === null && !c.rfc4733) c.inband = undefined;
        closeInbandDecoders(c);
      }
      const onHold = isOnHold(snapshot);
      if (onHold !== wasOnHold) calls.hold(snapshot.id, onHold, nowMs());
      enqueue(s, snapshot);
    },
    sessionClosed(closed) {
      const s = sessions.get(closed.id);
      if (!s) return;
      s.closed = true;
      const done = s.work
        .then(async () => {
          for (const c of s.streams.values()) {
            if (c.noMediaTimer) clearTimeout(c.noMediaTimer);
            await c.capture?.close();
            closeInbandDecoders(c);
            c.writer.close();
          }
          sessions.delete(closed.id);
          if (!closed.kept) {
            // No owner: SPEC §5 keeps nothing of such a session.
            calls.close(closed.id, closed.endedAt);
            removeJournal(s.dir);
            return;
          }
          const unwritten = persist(s, closed);
          calls.close(closed.id, closed.endedAt);
          await options.finalize(s.dir, unwritten ?? undefined);
        })
        .catch((err: unknown) => {
          sessions.delete(closed.id);
          calls.close(closed.id, closed.endedAt);
          logger.error({ err, callId: closed.callId }, 'media capture could not close');
        });
      closing.add(done);
      void done.finally(() => closing.delete(done));
    },
    requestAnswered() {},
    lastMediaAt: (sessionId) => sessions.get(sessionId)?.lastMediaAt,
    async settle() {
      await Promise.all([...[...sessions.values()].map((s) => s.work), ...closing]);
    },
  };
}

/**
 * The host's sink (the session registry) with capture attached: every session event goes to
 * both, the registry first. The registry's other methods are reached through the prototype.
 */
export function withCapture<T extends RecordingSink>(sink: T, capture: RecordingSink): T {
  const tee: RecordingSink = {
    sessionOpened(s) {
      sink.sessionOpened(s);
      capture.sessionOpened(s);
    },
    sessionUpdated(s) {
      sink.sessionUpdated(s);
      capture.sessionUpdated(s);
    },
    sessionClosed(s) {
      sink.sessionClosed(s);
      capture.sessionClosed(s);
    },
    requestAnswered(o) {
      sink.requestAnswered(o);
      capture.requestAnswered(o);
    },
  };
  return Object.assign(Object.create(sink) as T, tee);
}
