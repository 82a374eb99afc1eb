// Whether an SRC that sends no BYE is still there, beyond its RTP (rtp-inactivity.ts):
//   session timer (RFC 4028 §10) — the SRC refreshes: no refresh by the interval less
//     min(32 s, interval / 3) ends the session (`session-timer`); we refresh (the SRC does not
//     support timer, or asked us to): an UPDATE at half the interval, a 481 or 408 to it ends it
//   OPTIONS probe — every probe interval (CALLVAULT_SIP_DIALOG_PROBE_INTERVAL, 0: off) an
//     OPTIONS inside the dialog; a 481 or a 408 / no answer at all (RFC 3261 §12.2.1.2: the UAC
//     should then end the dialog) ends the session (`probe-failed`). Any other final answer,
//     even 405 or 501, comes from the SRC's dialog and says it is alive.
// Every end closes the session with its reason and sends BYE (the handler's endSession).
//
// The decision is pure (`decideDialogLiveness`, its memory passed in); the watcher runs it on an
// injected timer and sends the requests through the UAS core (sendInDialog).
import type { SipHeader } from '../sip/message/index.js';
import type { RecordingSessionSnapshot } from './ports.js';
import { refreshRequestHeaders, sessionExpiresAt, sessionRefreshDueAt } from './session-timer.js';

export const DEFAULT_DIALOG_PROBE_INTERVAL_MS = 300_000;

export type DialogLivenessAction =
  | { readonly kind: 'expire'; readonly id: string }
  | { readonly kind: 'refresh'; readonly id: string; readonly headers: readonly SipHeader[] }
  | { readonly kind: 'probe'; readonly id: string };

/** What the watcher remembers between checks, per session id. */
export interface DialogLivenessMemory {
  /** When the next probe is due, and whether one is on its way. */
  readonly probes: Map<string, { dueAt: number; inFlight: boolean }>;
  /** The refreshedAt of the timer our last UPDATE refreshed (one attempt per interval). */
  readonly refreshedFor: Map<string, number>;
}

export function createDialogLivenessMemory(): DialogLivenessMemory {
  return { probes: new Map(), refreshedFor: new Map() };
}

/** What is due at `now` for the active sessions; the memory notes what is sent. */
export function decideDialogLiveness(
  sessions: readonly RecordingSessionSnapshot[],
  memory: DialogLivenessMemory,
  now: number,
  probeIntervalMs: number,
): DialogLivenessAction[] {
  const open = new Set(sessions.map((s) => s.id));
  for (const map of [memory.probes, memory.refreshedFor]) {
    for (const id of map.keys()) if (!open.has(id)) map.delete(id);
  }
  const actions: DialogLivenessAction[] = [];
  for (const session of sessions) {
    if (session.state !== 'active') continue;
    const { id, sessionTimer: timer } = session;
    if (timer !== undefined) {
      if (now >= sessionExpiresAt(timer)) {
        actions.push({ kind: 'expire', id });
        continue;
      }
      const refreshAt = sessionRefreshDueAt(timer);
      if (
        refreshAt !== undefined &&
        now >= refreshAt &&
        memory.refreshedFor.get(id) !== timer.refreshedAt
      ) {
        memory.refreshedFor.set(id, timer.refreshedAt);
        actions.push({ kind: 'refresh', id, headers: refreshRequestHeaders(timer) });
      }
    }
    if (probeIntervalMs > 0) {
      let probe = memory.probes.get(id);
      if (!probe) {
        probe = { dueAt: now + probeIntervalMs, inFlight: false };
        memory.probes.set(id, probe);
      }
      if (!probe.inFlight && now >= probe.dueAt) {
        probe.inFlight = true;
        actions.push({ kind: 'probe', id });
      }
    }
  }
  return actions;
}

/** RFC 3261 §12.2.1.2: a 481 or 408 to a request inside a dialog means the dialog is gone. */
export function isDialogGone(status: number): boolean {
  return status === 481 || status === 408;
}

/** A probe's final status: false when the dialog is gone; otherwise the next one is scheduled. */
export function noteProbeAnswer(
  memory: DialogLivenessMemory,
  id: string,
  status: number,
  now: number,
  probeIntervalMs: number,
): boolean {
  const probe = memory.probes.get(id);
  if (probe) {
    probe.inFlight = false;
    probe.dueAt = now + probeIntervalMs;
  }
  return !isDialogGone(status);
}

export type DialogEndReason = 'session-timer' | 'probe-failed';

export interface DialogLivenessWatcherOptions {
  /** OPTIONS probe interval; 0 turns probing off (session timers are still watched). */
  readonly probeIntervalMs: number;
  /** The same clock as the sessions' times (the handler's Clock). */
  readonly now: () => number;
  readonly listSessions: () => readonly RecordingSessionSnapshot[];
  /** The UAS core's sendInDialog: the final status, 408 when none came. */
  readonly sendInDialog: (
    id: string,
    method: 'OPTIONS' | 'UPDATE',
    headers: readonly SipHeader[],
  ) => Promise<number>;
  /** Ends the session with the reason (closes it, sends BYE). */
  readonly end: (id: string, reason: DialogEndReason, detail: string) => void;
  /** Our UPDATE refresh was answered 2xx: the session timer starts again. */
  readonly refreshed: (id: string) => void;
  /** Runs `check` every `ms`; returns the stop. Default: an unref'd setInterval. */
  readonly every?: (ms: number, check: () => void) => () => void;
  /** A request that could not be sent (no transport, the dialog already gone). */
  readonly onError?: (id: string, err: unknown) => void;
}

/** How often the watcher checks: session expiries are met within this. */
export const DIALOG_LIVENESS_CHECK_MS = 1_000;

export function startDialogLivenessWatcher(options: DialogLivenessWatcherOptions): () => void {
  const memory = createDialogLivenessMemory();
  let stopped = false;
  const send = (
    id: string,
    method: 'OPTIONS' | 'UPDATE',
    headers: readonly SipHeader[],
    then: (status: number) => void,
  ): void => {
    options.sendInDialog(id, method, headers).then(
      (status) => {
        if (!stopped) then(status);
      },
      (err: unknown) => {
        options.onError?.(id, err);
        // Nothing was learnt: the next probe goes out an interval later.
        const probe = method === 'OPTIONS' ? memory.probes.get(id) : undefined;
        if (probe) {
          probe.inFlight = false;
          probe.dueAt = options.now() + options.probeIntervalMs;
        }
      },
    );
  };
  const check = (): void => {
    const now = options.now();
    for (const action of decideDialogLiveness(
      options.listSessions(),
      memory,
      now,
      options.probeIntervalMs,
    )) {
      const { id } = action;
      switch (action.kind) {
        case 'expire':
          options.end(id, 'session-timer', 'no session refresh before the interval ran out');
          break;
        case 'refresh':
          send(id, 'UPDATE', action.headers, (status) => {
            if (status >= 200 && status < 300) options.refreshed(id);
            else if (isDialogGone(status)) {
              options.end(id, 'session-timer', `the session refresh was answered ${status}`);
            }
            // Any other failure: the timer runs out and ends the session (§10).
          });
          break;
        case 'probe':
          send(id, 'OPTIONS', [{ name: 'Accept', value: 'application/sdp' }], (status) => {
            if (!noteProbeAnswer(memory, id, status, options.now(), options.probeIntervalMs)) {
              options.end(
                id,
                'probe-failed',
                status === 408 ? 'no answer to OPTIONS' : `OPTIONS answered ${status}`,
              );
            }
          });
          break;
      }
    }
  };
  const every =
    options.every ??
    ((ms: number, run: () => void) => {
      const timer = setInterval(run, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  const stop = every(DIALOG_LIVENESS_CHECK_MS, check);
  return () => {
    stopped = true;
    stop();
  };
}
