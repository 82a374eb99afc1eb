// Sessions and streams of the capture sink's state, built by hand for the unit tests of its parts.
import type { SdpAnsweredStream } from '../../sdp/index.js';
import type { Logger, RecordingSessionSnapshot } from '../../session/ports.js';
import type { RecordingMetadataRevision } from '../../siprec/index.js';
import { DtmfDetector } from '../../rtp/telephone-event.js';
import type { RtpJournalRecord } from './rtp-journal-format.js';
import type { RtpJournalWriter } from './rtp-journal-writer.js';
import type { SessionCapture, StreamCapture } from './capture-session.js';

export function answeredStream(over: Partial<SdpAnsweredStream> = {}): SdpAnsweredStream {
  return {
    index: 0,
    media: 'audio',
    label: '1',
    accepted: true,
    localPort: 40_000,
    localRtcpPort: 40_001,
    protocol: 'RTP/AVP',
    direction: 'recvonly',
    offeredDirection: 'sendonly',
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
    codecs: [{ name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 }],
    payloadTypes: [],
    remote: { address: '192.0.2.10', port: 9000, rtcpPort: 9001 },
    onHold: false,
    ...over,
  };
}

/**
 * A metadata revision whose merged model says participant `p1` (`sip:alice@example.com`) sends
 * the stream labelled `1` (the only parts of the model the capture reads).
 */
export function p1SendsStream1(): RecordingMetadataRevision {
  return {
    seq: 1,
    raw: '<recording/>',
    model: {
      streams: [{ id: 'st-1', label: '1' }],
      participants: [{ id: 'p1', aor: 'sip:alice@example.com', send: ['st-1'] }],
    },
  } as unknown as RecordingMetadataRevision;
}

export function sessionSnapshot(
  over: Partial<RecordingSessionSnapshot> = {},
): RecordingSessionSnapshot {
  return {
    id: 'sess-1',
    callId: 'call-1@src',
    orgId: 'org-1',
    trunkId: 'trunk-1',
    trunkName: 'trunk',
    source: { transport: 'udp', address: '192.0.2.1', port: 5060 },
    state: 'active',
    ownership: 'owned',
    startedAt: 1_700_000_000_000,
    parties: [{ id: 'p1', aor: 'sip:alice@example.com', placeholder: false }],
    owners: [
      {
        kind: 'person',
        id: 'person-1',
        displayName: 'Alice',
        participantId: 'p1',
        matchedBy: 'sip-address',
        mode: 'On Demand with User Initiated Start',
      },
    ],
    streams: [answeredStream()],
    metadataRevisions: [p1SendsStream1()],
    siprecIndicators: { srcFeatureTag: true, requireSiprec: true, metadataPart: true },
    ...over,
  };
}

/** A journal writer that keeps what it is given in memory. */
export function memoryWriter(): RtpJournalWriter & {
  readonly appended: RtpJournalRecord[];
  readonly closed: boolean;
} {
  const appended: RtpJournalRecord[] = [];
  let closed = false;
  return {
    file: 'memory',
    appended,
    get closed() {
      return closed;
    },
    append(record) {
      appended.push(record);
    },
    flush() {},
    close() {
      closed = true;
    },
    error: null,
    bytesWritten: 0,
  };
}

export function streamCapture(over: Partial<StreamCapture> = {}): StreamCapture {
  return {
    port: 40_000,
    capture: null,
    writer: memoryWriter(),
    info: {
      index: 0,
      label: '1',
      codecs: [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }],
      telephoneEventPayloadTypes: [101],
      journal: 'stream-0.rtpj',
      srtp: false,
    },
    dtmf: new DtmfDetector(),
    matcher: null,
    inband: undefined,
    inbandDecoders: new Map(),
    rfc4733: false,
    noMediaTimer: null,
    packets: 0,
    answered: new Map(),
    lastAnswer: null,
    ...over,
  };
}

export function sessionCapture(over: Partial<SessionCapture> = {}): SessionCapture {
  return {
    id: 'sess-1',
    dir: '/nonexistent',
    streams: new Map([[0, streamCapture()]]),
    work: Promise.resolve(),
    last: sessionSnapshot(),
    controls: {
      pauseBehaviour: 'cut',
      dtmfFeatureCodes: { start: '*44', stop: '*45', pause: '*48', resume: '*49' },
    },
    closed: false,
    lastMediaAt: 0,
    ...over,
  };
}

export interface LoggedLine {
  readonly level: keyof Logger;
  readonly message: string;
}

export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: keyof Logger) => (_fields: Record<string, unknown>, message: string) => {
    lines.push({ level, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
