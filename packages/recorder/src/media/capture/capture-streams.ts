// Per-stream capture of a session (SPEC §5): every accepted audio stream of the SDP answer gets a
// journal and a bound port pair; a re-INVITE that moves a stream to another port re-binds it and
// appends to the same journal, one that keeps the port lets the latch follow the SRC's new address,
// and a new codec joins the stream's codec list. At the session's end every stream is torn down.
import path from 'node:path';
import { DtmfDetector } from '../../rtp/telephone-event.js';
import type { SdpAnsweredStream } from '../../sdp/index.js';
import type { Clock, Logger, RecordingSessionSnapshot } from '../../session/ports.js';
import type { RtpJournalRecord } from './rtp-journal-format.js';
import {
  createRtpJournalWriter,
  type RtpJournalWriter,
  type RtpJournalWriterOptions,
} from './rtp-journal-writer.js';
import { startRtpStreamCapture } from './rtp-stream-capture.js';
import type { UdpReceiver } from './udp-receiver.js';
import type { CaptureStreamInfo } from './capture-journal.js';
import { failureReasonOf, type CaptureFailures } from './capture-failures.js';
import type { CaptureLiveControls } from './capture-live-controls.js';
import type { CaptureSessionJournal } from './capture-session-journal.js';
import {
  isCapturable,
  latchingOf,
  type SessionCapture,
  type StreamCapture,
} from './capture-session.js';

export interface CaptureStreamsOptions {
  readonly host: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly flushIntervalMs?: number;
  readonly udpReceiver?: UdpReceiver;
  readonly createJournalWriter?: (options: RtpJournalWriterOptions) => RtpJournalWriter;
  readonly failures: CaptureFailures;
  readonly journal: CaptureSessionJournal;
  readonly controls: Pick<CaptureLiveControls, 'onPacket' | 'closeStream'>;
}

export interface CaptureStreams {
  /** Sets every capturable stream of the snapshot up (binds, re-binds), then writes session.json. */
  apply(s: SessionCapture, snapshot: RecordingSessionSnapshot): Promise<void>;
  /** Closes every stream's sockets, decoders and journal. */
  closeAll(s: SessionCapture): Promise<void>;
}

/**
 * The stream's description after an answer: its codec joins the list (a payload type re-used for
 * another codec: the newest mapping wins from now on), as does its telephone-event payload type.
 */
export function answeredStreamInfo(
  info: CaptureStreamInfo,
  stream: SdpAnsweredStream,
): CaptureStreamInfo {
  const answered = stream.codec!;
  const codec = {
    payloadType: answered.payloadType,
    name: answered.name,
    clockRate: answered.clockRate,
  };
  const known = info.codecs.some(
    (c) => c.payloadType === codec.payloadType && c.name === codec.name,
  );
  const te = stream.telephoneEvent?.payloadType;
  return {
    ...info,
    ...(stream.srtp ? { srtp: true, srtpSuite: stream.srtp.suite } : {}),
    codecs: known
      ? info.codecs
      : [...info.codecs.filter((c) => c.payloadType !== codec.payloadType), codec],
    telephoneEventPayloadTypes:
      te === undefined || info.telephoneEventPayloadTypes.includes(te)
        ? info.telephoneEventPayloadTypes
        : [...info.telephoneEventPayloadTypes, te],
  };
}

export function createCaptureStreams(options: CaptureStreamsOptions): CaptureStreams {
  const { logger, failures, journal, controls } = options;
  const openWriter = options.createJournalWriter ?? createRtpJournalWriter;
  const nowMs = (): number => options.clock.now();

  const open = (s: SessionCapture, stream: SdpAnsweredStream, callId: string): StreamCapture => {
    const file = `stream-${stream.index}.rtpj`;
    return {
      port: -1,
      capture: null,
      writer: openWriter({
        file: path.join(s.dir, file),
        ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
        onError: (err) => {
          logger.error({ err, callId }, 'journal write failed');
          failures.fail(s, failureReasonOf(err), `stream ${stream.index} journal: ${err.message}`);
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
        journal: file,
        srtp: !!stream.srtp,
      },
    };
  };

  const onPacket = (s: SessionCapture, sc: StreamCapture, record: RtpJournalRecord): void => {
    s.lastMediaAt = nowMs();
    if (sc.packets++ === 0) failures.firstPacket(s);
    if (!sc.info.codecs.some((c) => c.payloadType === record.payloadType)) {
      const other = sc.answered.get(record.payloadType);
      if (other !== undefined) {
        // The SRC switched to another answered codec without a re-offer: finalize decodes
        // each packet by its payload type, so session.json names this one before it is kept.
        sc.info = { ...sc.info, codecs: [...sc.info.codecs, other] };
        journal.persist(s);
      }
    }
    sc.writer.append(record);
    controls.onPacket(s, sc, record);
  };

  const bind = async (s: SessionCapture, sc: StreamCapture, stream: SdpAnsweredStream) => {
    await sc.capture?.close();
    sc.capture = await startRtpStreamCapture({
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
      onPacket: (record) => onPacket(s, sc, record),
      now: nowMs,
    });
    sc.port = stream.localPort;
    failures.watchForMedia(s, sc, stream.label ?? `#${stream.index}`);
  };

  return {
    // `s.last` is set when the event arrives (sessionOpened/sessionUpdated), not here: binds run
    // later, and an older snapshot must not replace a newer one.
    async apply(s, snapshot) {
      for (const stream of snapshot.streams) {
        if (!isCapturable(stream) || !stream.codec) continue;
        let current = s.streams.get(stream.index);
        if (!current) {
          current = open(s, stream, snapshot.callId);
          s.streams.set(stream.index, current);
        }
        current.info = answeredStreamInfo(current.info, stream);
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
        await bind(s, current, stream);
      }
      journal.persist(s);
    },
    async closeAll(s) {
      for (const c of s.streams.values()) {
        failures.stopWatching(c);
        await c.capture?.close();
        controls.closeStream(c);
        c.writer.close();
      }
    },
  };
}
