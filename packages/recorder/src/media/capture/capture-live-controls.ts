// Live controls on the media (SPEC §4): RFC 4733 digits, or in-band DTMF, on a recorded party's
// own stream are matched against the org's feature codes and applied to the owner(s) that party
// is; an SRC direction change (a=inactive, c=0.0.0.0) is hold or unhold. Both go to the host's
// `CaptureLiveCalls`, which keeps the call's state.
import { createAudioDecoder, normalizeAudioCodecName } from '../codecs/audio-decoder.js';
import { createOpusDecoder } from '../codecs/opus-decoder.js';
import { parseTelephoneEvent } from '../../rtp/telephone-event.js';
import { createDtmfFeatureCodeMatcher } from '../../session/dtmf-feature-codes.js';
import { allowedRecordingControls } from '../../session/recording-control-state.js';
import type { Clock, Logger, RecordingSessionSnapshot } from '../../session/ports.js';
import { InbandDtmfDetector, toInbandDtmfRate } from './inband-dtmf-detector.js';
import type { RtpJournalRecord } from './rtp-journal-format.js';
import type { CaptureLiveCalls } from './capture-sink.js';
import {
  isOnHold,
  isOwnerParticipant,
  senderOf,
  type SessionCapture,
  type StreamCapture,
} from './capture-session.js';

export interface CaptureLiveControls {
  /** A kept packet of a stream: RFC 4733 events, or audio for in-band detection. */
  onPacket(s: SessionCapture, stream: StreamCapture, record: RtpJournalRecord): void;
  /**
   * `s.last` is a new snapshot (`previous` the one before): who gets in-band detection is decided
   * again, and a change of hold is told to the calls.
   */
  sessionUpdated(s: SessionCapture, previous: RecordingSessionSnapshot): void;
  /** Releases a stream's in-band decoders (the stream is closed). */
  closeStream(stream: StreamCapture): void;
}

/** Codecs whose audio the in-band detector listens to (all the recorder decodes). */
const canListen = (codecName: string): boolean => normalizeAudioCodecName(codecName) !== null;

function closeInbandDecoders(stream: StreamCapture): void {
  for (const decoder of stream.inbandDecoders.values()) decoder.close?.();
  stream.inbandDecoders.clear();
}

export function createCaptureLiveControls(options: {
  readonly calls: Pick<CaptureLiveCalls, 'control' | 'hold'>;
  readonly logger: Logger;
  readonly clock: Clock;
}): CaptureLiveControls {
  const { calls, logger } = options;

  /** The recorded party's stream: its digits control the owner(s) that party is. */
  const onDigit = (s: SessionCapture, stream: StreamCapture, digit: string, atMs: number) => {
    if (stream.matcher === null) {
      const sender = senderOf(s.last, stream.info);
      if (s.last.owners.some((o) => isOwnerParticipant(s.last, o, sender))) {
        stream.matcher = createDtmfFeatureCodeMatcher(s.controls.dtmfFeatureCodes);
      }
    }
    const control = stream.matcher?.push(digit, atMs);
    if (!control) return;
    const sender = senderOf(s.last, stream.info);
    for (const owner of s.last.owners.filter((o) => isOwnerParticipant(s.last, o, sender))) {
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
      const sender = senderOf(s.last, stream.info);
      const controlled = s.last.owners.some(
        (o) => isOwnerParticipant(s.last, o, sender) && allowedRecordingControls(o.mode).length > 0,
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

  return {
    onPacket(s, stream, record) {
      if (stream.info.telephoneEventPayloadTypes.includes(record.payloadType)) {
        if (!stream.rfc4733) closeInbandDecoders(stream);
        stream.rfc4733 = true;
        stream.inband = null;
        onDtmf(s, stream, record);
      } else if (stream.inband !== null) {
        onAudio(s, stream, record);
      }
    },
    sessionUpdated(s, previous) {
      // Owners or senders may have changed: decide again who gets in-band detection.
      // A payload type may now name another codec: in-band decoders are made afresh.
      for (const c of s.streams.values()) {
        if (c.inband === null && !c.rfc4733) c.inband = undefined;
        closeInbandDecoders(c);
      }
      const onHold = isOnHold(s.last);
      if (onHold !== isOnHold(previous)) calls.hold(s.id, onHold, options.clock.now());
    },
    closeStream: closeInbandDecoders,
  };
}
