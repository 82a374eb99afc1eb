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
// The sink composes its concerns, each in its own module: capture-streams.ts (per-stream setup and
// teardown), capture-session-journal.ts (session.json), capture-live-controls.ts (DTMF feature
// codes, hold) and capture-failures.ts (disk, no-media); capture-session.ts holds their state.
import fs from 'node:fs';
import { callDirectionOf } from '../../siprec/metadata/call-direction.js';
import { DEFAULT_DTMF_FEATURE_CODES } from '../../session/dtmf-feature-codes.js';
import type { RecordingControl } from '../../session/recording-control-state.js';
import type { RecordingAction } from '../../session/recording-segments.js';
import type {
  Clock,
  Logger,
  RecordingSessionSnapshot,
  RecordingSink,
} from '../../session/ports.js';
import type { RtpJournalWriter, RtpJournalWriterOptions } from './rtp-journal-writer.js';
import type { UdpReceiver } from './udp-receiver.js';
import type { JournalShipper } from './journal-shipper.js';
import {
  journalDirFor,
  removeJournal,
  type CaptureFailureNote,
  type CaptureSessionFile,
} from './capture-journal.js';
import { createCaptureFailures } from './capture-failures.js';
import { createCaptureLiveControls } from './capture-live-controls.js';
import { createCaptureSessionJournal } from './capture-session-journal.js';
import type { CaptureControlSettings, SessionCapture } from './capture-session.js';
import { createCaptureStreams } from './capture-streams.js';

export type { CaptureControlSettings } from './capture-session.js';
export { NO_MEDIA_TIMEOUT_MS } from './capture-failures.js';

/** An owner of a live call as the capture opens it. */
export interface CaptureLiveCallOwner {
  readonly id: string;
  readonly kind: string;
  readonly displayName: string;
  readonly participantId?: string;
  readonly mode: string;
  readonly failureBehavior: string | null;
  /**
   * Whether the owner placed the call (`outbound`) or received it (`inbound`), as the SRC's
   * vendor metadata says (call-direction.ts); null when it does not say.
   */
  readonly direction?: 'inbound' | 'outbound' | null;
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

export const DEFAULT_CAPTURE_CONTROLS: CaptureControlSettings = {
  pauseBehaviour: 'cut',
  dtmfFeatureCodes: DEFAULT_DTMF_FEATURE_CODES,
};

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
  /**
   * Ships live journals to shared storage as they grow (journal-shipper.ts); the host's
   * `finalize` ships the final segment. Without it journals stay on this disk until finalized.
   */
  readonly shipper?: JournalShipper;
  /** Opens a stream's journal writer (tests inject one whose disk is full). */
  readonly createJournalWriter?: (options: RtpJournalWriterOptions) => RtpJournalWriter;
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

const ownersOf = (snapshot: RecordingSessionSnapshot): CaptureLiveCallOwner[] => {
  const metadata = snapshot.metadataRevisions.at(-1)?.model;
  return snapshot.owners.map((o) => {
    // Each owner's own side: no other owner is passed, so a call between two owners reads as
    // outbound for its caller and inbound for the other, never `internal`.
    const direction = metadata ? callDirectionOf(metadata, o.participantId) : null;
    return {
      id: o.id,
      kind: o.kind,
      displayName: o.displayName,
      participantId: o.participantId,
      mode: o.mode,
      failureBehavior: o.failureBehavior ?? null,
      direction: direction === 'internal' ? null : direction,
    };
  });
};

const partiesOf = (snapshot: RecordingSessionSnapshot): CaptureLiveCallParty[] =>
  snapshot.parties.map((p) => ({
    id: p.id,
    ...(p.aor === undefined ? {} : { aor: p.aor }),
    ...(p.name === undefined ? {} : { name: p.name }),
  }));

export function createCaptureSink<C extends CaptureLiveCalls>(
  options: CaptureSinkOptions<C>,
): CaptureSink<C> {
  const sessions = new Map<string, SessionCapture>();
  const closing = new Set<Promise<void>>();
  const { logger, calls, clock } = options;
  const failures = createCaptureFailures({
    calls,
    logger,
    clock,
    ...(options.noMediaTimeoutMs === undefined
      ? {}
      : { noMediaTimeoutMs: options.noMediaTimeoutMs }),
  });
  const journal = createCaptureSessionJournal({ calls, logger, failures });
  const controls = createCaptureLiveControls({ calls, logger, clock });
  const streams = createCaptureStreams({ ...options, failures, journal, controls });

  // Every state change of a call this sink captures goes to its session.json.
  calls.subscribe((event) => {
    if (event.type !== 'recordingState') return;
    const s = sessions.get(event.sessionId);
    if (s && !s.closed) journal.persist(s);
  });

  const enqueue = (s: SessionCapture, snapshot: RecordingSessionSnapshot): void => {
    s.work = s.work
      .then(() => streams.apply(s, snapshot))
      .catch((err: unknown) => {
        logger.error({ err, callId: snapshot.callId }, 'media capture could not start');
        // A stream we cannot bind is audio we cannot keep: the call's recording has failed.
        failures.fail(
          s,
          'capture-start',
          `media capture could not start: ${(err as Error).message}`,
        );
      });
  };

  return {
    get size() {
      return sessions.size;
    },
    calls,
    sessionOpened(snapshot) {
      if (sessions.has(snapshot.id)) return;
      // A forwarded session is journalled here only when it may end up recorded here (dual
      // recording, or the org's fallback for a failing vendor); otherwise its media is only
      // relayed and nothing of it touches the disk.
      const forward = snapshot.forward;
      if (forward && !forward.recordedHere && !forward.fallbackToLocal) return;
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
        lastMediaAt: clock.now(),
      };
      sessions.set(snapshot.id, s);
      options.shipper?.track(dir);
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
      const previous = s.last;
      s.last = snapshot;
      calls.setParties(snapshot.id, partiesOf(snapshot));
      calls.addOwners(snapshot.id, ownersOf(snapshot), clock.now());
      controls.sessionUpdated(s, previous);
      enqueue(s, snapshot);
    },
    sessionClosed(closed) {
      const s = sessions.get(closed.id);
      if (!s) return;
      s.closed = true;
      const done = s.work
        .then(async () => {
          await streams.closeAll(s);
          sessions.delete(closed.id);
          if (!closed.kept) {
            // No owner and not unattributed (refused, or its entity does not record the call):
            // SPEC §5 keeps nothing of such a session.
            options.shipper?.forget(s.dir);
            calls.close(closed.id, closed.endedAt);
            removeJournal(s.dir);
            return;
          }
          const unwritten = journal.persist(s, closed);
          // The call stays live (in the host's live calls, which a worker reads to find the
          // journals of a recorder that vanished) until its finalize is handed over.
          await options.finalize(s.dir, unwritten ?? undefined);
          calls.close(closed.id, closed.endedAt);
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
