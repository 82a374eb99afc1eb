// The end of a session whose SRC vanished (crashed, its BYE lost or refused): no RTP on any
// stream for the inactivity timeout (CALLVAULT_RTP_INACTIVITY_TIMEOUT, default 60 s) ends the
// session with endReason `rtp-timeout` and a BYE to the SRC. A held call is excepted: an SRC
// sends nothing on purpose while every party is on hold, and the wait counts again from the
// moment the hold ends. Only active sessions are watched (before the ACK nothing is due).
//
// The decision is pure (`findInactiveSessions`); the watcher runs it on an injected timer and
// reads each session's last packet time from the capture (CaptureSink.lastMediaAt).
import type { RecordingSessionSnapshot } from './ports.js';

export const DEFAULT_RTP_INACTIVITY_TIMEOUT_MS = 60_000;

/** What the watcher remembers of a session between checks: when it was last seen on hold. */
export type HoldMemory = Map<string, number>;

function isHeld(session: RecordingSessionSnapshot): boolean {
  const audio = session.streams.filter((s) => s.accepted && s.media === 'audio');
  return audio.length > 0 && audio.some((s) => s.onHold);
}

/**
 * The ids of the active sessions with no media for `timeoutMs` at `now`: the later of the last
 * packet and the last check that saw the session on hold is the start of the silence. `held`
 * is updated (sessions on hold noted, sessions gone forgotten).
 */
export function findInactiveSessions(
  sessions: readonly RecordingSessionSnapshot[],
  lastMediaAt: (sessionId: string) => number | undefined,
  held: HoldMemory,
  now: number,
  timeoutMs: number,
): string[] {
  const open = new Set(sessions.map((s) => s.id));
  for (const id of held.keys()) if (!open.has(id)) held.delete(id);
  const inactive: string[] = [];
  for (const session of sessions) {
    if (session.state !== 'active') continue;
    if (isHeld(session)) {
      held.set(session.id, now);
      continue;
    }
    const last = lastMediaAt(session.id);
    // A session the capture does not know has nothing to time out against.
    if (last === undefined) continue;
    const since = Math.max(last, held.get(session.id) ?? last);
    if (now - since >= timeoutMs) inactive.push(session.id);
  }
  return inactive;
}

export interface RtpInactivityWatcherOptions {
  readonly timeoutMs: number;
  /** The same clock as lastMediaAt's. */
  readonly now: () => number;
  readonly listSessions: () => readonly RecordingSessionSnapshot[];
  readonly lastMediaAt: (sessionId: string) => number | undefined;
  /** Ends the session (closes it with `rtp-timeout`, sends BYE). */
  readonly end: (sessionId: string, silentMs: number) => void;
  /** Runs `check` every `ms`; returns the stop. Default: an unref'd setInterval. */
  readonly every?: (ms: number, check: () => void) => () => void;
}

/**
 * Checks every quarter of the timeout (at most every 5 s), so a vanished SRC's session ends
 * within the timeout and a quarter of it. A timeout of 0 turns the watcher off.
 */
export function startRtpInactivityWatcher(options: RtpInactivityWatcherOptions): () => void {
  if (options.timeoutMs <= 0) return () => {};
  const held: HoldMemory = new Map();
  const check = (): void => {
    const now = options.now();
    for (const id of findInactiveSessions(
      options.listSessions(),
      options.lastMediaAt,
      held,
      now,
      options.timeoutMs,
    )) {
      options.end(id, now - (options.lastMediaAt(id) ?? now));
    }
  };
  const every =
    options.every ??
    ((ms: number, run: () => void) => {
      const timer = setInterval(run, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  return every(Math.min(5_000, Math.max(250, Math.floor(options.timeoutMs / 4))), check);
}
