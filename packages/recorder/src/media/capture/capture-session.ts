// The state the capture sink keeps per session and per stream, and the pure reads of a session
// snapshot its parts share (who sends a stream, is the call on hold, which latching applies).
import type { AudioDecoder } from '../codecs/audio-decoder.js';
import type { DtmfDetector } from '../../rtp/telephone-event.js';
import type { SdpAnsweredStream } from '../../sdp/index.js';
import type { DtmfFeatureCodeMatcher, DtmfFeatureCodes } from '../../session/dtmf-feature-codes.js';
import type { RecordingSessionSnapshot } from '../../session/ports.js';
import type { InbandDtmfDetector } from './inband-dtmf-detector.js';
import type { RtpJournalWriter } from './rtp-journal-writer.js';
import { DEFAULT_MEDIA_LATCHING, type MediaLatchingMode } from './rtp-source-latch.js';
import type { RtpStreamCapture } from './rtp-stream-capture.js';
import type { CaptureStreamInfo } from './capture-journal.js';
import {
  buildParticipantHistory,
  streamPartiesOf,
  type ParticipantHistory,
} from '../../siprec/metadata/participant-history.js';

/** The org's live-control settings the capture needs (SPEC §4). */
export interface CaptureControlSettings {
  readonly pauseBehaviour: 'cut' | 'silence';
  readonly dtmfFeatureCodes: DtmfFeatureCodes;
}

export interface StreamCapture {
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

export interface SessionCapture {
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

export function isCapturable(stream: SdpAnsweredStream): boolean {
  return stream.accepted && stream.media === 'audio' && stream.localPort > 0 && !!stream.codec;
}

/** Who took part over the session's metadata revisions (participant-history.ts). */
export function participantHistoryOf(snapshot: RecordingSessionSnapshot): ParticipantHistory {
  return buildParticipantHistory(snapshot.metadataRevisions);
}

/** A participant id of any revision (or an owner's match id) as its stable id. */
export function stableParticipantId(history: ParticipantHistory, id: string): string {
  return history.stableIds.get(id) ?? id;
}

/**
 * Stream label (or `#index`) → the stable id of the one participant who sends it, from the newest
 * metadata. A mixed stream (several senders, or marked mixed) has no single sender and is left
 * out: streamPartiesOf lists its parties.
 */
export function sendersOf(
  snapshot: RecordingSessionSnapshot,
  history: ParticipantHistory = participantHistoryOf(snapshot),
): Record<string, string> {
  const model = snapshot.metadataRevisions.at(-1)?.model;
  const senders: Record<string, string> = {};
  if (!model) return senders;
  const mixed = new Set(
    streamPartiesOf(snapshot.metadataRevisions, history)
      .filter((s) => s.mixed)
      .map((s) => s.label),
  );
  const labelOf = new Map(model.streams.map((s) => [s.id, s.label ?? s.id]));
  for (const p of model.participants) {
    for (const streamId of p.send) {
      const label = labelOf.get(streamId) ?? streamId;
      if (!mixed.has(label)) senders[label] = stableParticipantId(history, p.id);
    }
  }
  return senders;
}

/** The participant (stable id) who alone sends a captured stream, if the metadata says. */
export function senderOf(
  snapshot: RecordingSessionSnapshot,
  info: CaptureStreamInfo,
): string | undefined {
  return sendersOf(snapshot)[info.label ?? `#${info.index}`];
}

/** Whether an owner is the participant `stableId` (owners keep the id they were matched by). */
export function isOwnerParticipant(
  snapshot: RecordingSessionSnapshot,
  owner: { readonly participantId: string },
  stableId: string | undefined,
): boolean {
  return (
    stableId !== undefined &&
    stableParticipantId(participantHistoryOf(snapshot), owner.participantId) === stableId
  );
}

/** The trunk's latching, or the default (first-source within 5 s: SRCs behind NAT work). */
export const latchingOf = (snapshot: RecordingSessionSnapshot): MediaLatchingMode =>
  snapshot.mediaLatching ?? DEFAULT_MEDIA_LATCHING;

export function isOnHold(snapshot: RecordingSessionSnapshot): boolean {
  const audio = snapshot.streams.filter((s) => s.accepted && s.media === 'audio');
  return audio.length > 0 && audio.some((s) => s.onHold);
}
