// A captured session's session.json (SPEC §5): what finalize and crash recovery read to render the
// call — owners, parties, streams and their codecs, metadata, senders, the recording actions of the
// live controls and any failure. It is rewritten on every change; a write the disk refuses is a
// failure of the call, not a crash.
import type { Logger, RecordingSessionClosed } from '../../session/ports.js';
import {
  writeSessionFile,
  type CaptureFailureNote,
  type CaptureSessionFile,
} from './capture-journal.js';
import type { RecordingAction } from '../../session/recording-segments.js';
import { failureReasonOf, type CaptureFailures } from './capture-failures.js';
import {
  participantHistoryOf,
  sendersOf,
  stableParticipantId,
  type SessionCapture,
} from './capture-session.js';
import { streamPartiesOf } from '../../siprec/metadata/participant-history.js';
import { DEFAULT_PLACEHOLDER_AOR_PATTERNS } from '../../siprec/metadata/recording-metadata-state.js';

const isPlaceholderAor = (aor: string | undefined): boolean =>
  aor !== undefined && DEFAULT_PLACEHOLDER_AOR_PATTERNS.some((p) => p.test(aor.trim()));

/** The live state of a call as session.json records it. */
export interface CaptureCallRecord {
  readonly actions: readonly RecordingAction[];
  readonly failure: CaptureFailureNote | null;
}

/** The session file of a capture, as it stands (and as it ends, given `closed`). */
export function describeCaptureSession(
  s: SessionCapture,
  call: CaptureCallRecord | undefined,
  closed?: RecordingSessionClosed,
): CaptureSessionFile {
  const snap = closed ?? s.last;
  const history = participantHistoryOf(snap);
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
      participantId: stableParticipantId(history, o.participantId),
      mode: o.mode,
      ...(o.failureBehavior === undefined ? {} : { failureBehavior: o.failureBehavior }),
      ...(o.recordingType === undefined ? {} : { recordingType: o.recordingType }),
    })),
    ...(snap.owners.length === 0 && snap.unattributedReason !== undefined
      ? { unattributed: { reason: snap.unattributedReason } }
      : {}),
    // A placeholder the SRC later replaced (Avaya SBCE's `sip:ASBCE@asbce.com`) was nobody.
    parties: history.participants
      .filter((p) => !isPlaceholderAor(p.aor))
      .map((p) => ({
        id: p.id,
        ids: p.ids,
        ...(p.aor === undefined ? {} : { aor: p.aor }),
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.joinedAt === undefined ? {} : { joinedAt: p.joinedAt }),
        ...(p.leftAt === undefined ? {} : { leftAt: p.leftAt }),
      })),
    streams: [...s.streams.values()].map((c) => c.info),
    metadataRevisions: snap.metadataRevisions.map((r) => ({
      seq: r.seq,
      raw: r.raw,
      ...(r.receivedAtMs === undefined ? {} : { receivedAt: r.receivedAtMs }),
    })),
    senders: sendersOf(snap, history),
    streamParties: Object.fromEntries(
      streamPartiesOf(snap.metadataRevisions, history).map((p) => [
        p.label,
        { senders: p.senders, mixed: p.mixed },
      ]),
    ),
    recordingActions: call?.actions ?? [],
    pauseBehaviour: s.controls.pauseBehaviour,
    ...(call?.failure ? { failure: call.failure } : {}),
    ...(closed
      ? {
          closed: { endedAt: closed.endedAt, endReason: closed.endReason, kept: closed.kept },
          counters: Object.fromEntries(
            [...s.streams.entries()].map(([i, c]) => [String(i), { ...(c.capture?.stats ?? {}) }]),
          ),
        }
      : {}),
  };
}

export interface CaptureSessionJournal {
  /**
   * Writes session.json; a refused write fails the call. Returns null when written, else the
   * session file that could not be written (with that failure in it).
   */
  persist(s: SessionCapture, closed?: RecordingSessionClosed): CaptureSessionFile | null;
}

export function createCaptureSessionJournal(options: {
  readonly calls: { get(sessionId: string): CaptureCallRecord | undefined };
  readonly logger: Logger;
  readonly failures: Pick<CaptureFailures, 'fail'>;
}): CaptureSessionJournal {
  const describe = (s: SessionCapture, closed?: RecordingSessionClosed) =>
    describeCaptureSession(s, options.calls.get(s.id), closed);
  return {
    persist(s, closed) {
      try {
        writeSessionFile(s.dir, describe(s, closed));
        return null;
      } catch (err) {
        options.logger.error({ err, callId: s.last.callId }, 'session file write failed');
        options.failures.fail(
          s,
          failureReasonOf(err as Error),
          `session file: ${(err as Error).message}`,
        );
        // Described again: the failure just recorded belongs in it.
        return describe(s, closed);
      }
    },
  };
}
