// Session timers (RFC 4028) on the recorder's side, the UAS: what the 2xx to an INVITE, re-INVITE
// or UPDATE says about the session interval, and when a session whose SRC stopped refreshing it
// has expired. Pure: the request in, the decision out; time is a number the caller passes.
//
//   request Session-Expires  ──none──────────────► no timer (a refresh without it turns it off)
//        │ below our Min-SE, SRC supports timer ─► 422 + Min-SE (§9)
//        │ below it, SRC does not (a proxy added it): no timer, as a UAS without support (§9)
//        ▼
//   refresher: the SRC supports timer ─► its refresher param, else uac (the SRC refreshes);
//              it does not            ─► uas (we refresh with UPDATE, RFC 4028 §7.4 / §10)
//   2xx: Session-Expires: <its interval>;refresher=<…>, Require: timer when the SRC supports it
//
//   expiry (§10): the side not refreshing sends BYE at interval − min(32 s, interval / 3) after
//   the last refresh; as refresher we send the refresh at half the interval (§7.2, §10).
//
// A refresher role we cannot play (the SRC does not allow UPDATE, the only refresh we send) is
// declined by answering without Session-Expires: the session then runs as with a UAS that does
// not support timers, and the in-dialog OPTIONS probe still notices a vanished SRC.
import {
  getHeaderValues,
  getMinSe,
  getOptionTags,
  getSessionExpires,
  SESSION_TIMER_FLOOR_SECONDS,
  splitHeaderList,
  type SessionRefresher,
  type SipHeader,
  type SipRequest,
} from '../sip/message/index.js';

export const DEFAULT_SESSION_MIN_SE_SECONDS = SESSION_TIMER_FLOOR_SECONDS;

/** A running session timer: the interval the 2xx agreed and when the last refresh came. */
export interface SessionTimerState {
  readonly intervalMs: number;
  readonly refresher: SessionRefresher;
  /** When the last refresh (or the request that started the timer) was answered 2xx. */
  readonly refreshedAt: number;
}

export type SessionTimerNegotiation =
  /** No session timer for this session (none asked, or one we decline). */
  | { readonly kind: 'none'; readonly declined?: string }
  /** 422 Session Interval Too Small with these headers (Min-SE). */
  | { readonly kind: 'too-small'; readonly headers: readonly SipHeader[] }
  /** 400: a Session-Expires or Min-SE we cannot read. */
  | { readonly kind: 'malformed'; readonly detail: string }
  /** The 2xx carries `headers`; the timer runs with this interval and refresher. */
  | {
      readonly kind: 'timer';
      readonly intervalSeconds: number;
      readonly refresher: SessionRefresher;
      readonly headers: readonly SipHeader[];
    };

function allowsMethod(request: SipRequest, method: string): boolean {
  return getHeaderValues(request, 'Allow')
    .flatMap((v) => splitHeaderList(v))
    .some((m) => m.trim().toUpperCase() === method);
}

/**
 * RFC 4028 §9: the UAS's answer to the session-timer headers of an INVITE, re-INVITE or UPDATE.
 * `minSeSeconds` is our minimum (at least 90 s, §4).
 */
export function negotiateSessionTimer(
  request: SipRequest,
  minSeSeconds: number = DEFAULT_SESSION_MIN_SE_SECONDS,
): SessionTimerNegotiation {
  const minimum = Math.max(SESSION_TIMER_FLOOR_SECONDS, minSeSeconds);
  let expires;
  try {
    expires = getSessionExpires(request);
    getMinSe(request);
  } catch (err) {
    return { kind: 'malformed', detail: err instanceof Error ? err.message : String(err) };
  }
  if (expires === undefined) return { kind: 'none' };
  let supportsTimer: boolean;
  try {
    supportsTimer = getOptionTags(request, 'Supported').some((t) => t.toLowerCase() === 'timer');
  } catch {
    supportsTimer = false;
  }
  if (expires.deltaSeconds < minimum) {
    if (!supportsTimer) {
      return { kind: 'none', declined: `interval ${expires.deltaSeconds} s below ${minimum} s` };
    }
    return { kind: 'too-small', headers: [{ name: 'Min-SE', value: String(minimum) }] };
  }
  const refresher: SessionRefresher = supportsTimer ? (expires.refresher ?? 'uac') : 'uas';
  if (refresher === 'uas' && !allowsMethod(request, 'UPDATE')) {
    return { kind: 'none', declined: 'we would refresh, and the SRC does not allow UPDATE' };
  }
  return {
    kind: 'timer',
    intervalSeconds: expires.deltaSeconds,
    refresher,
    headers: [
      { name: 'Session-Expires', value: `${expires.deltaSeconds};refresher=${refresher}` },
      // §9: Require: timer when the SRC refreshes (MUST) or supports timer at all (SHOULD).
      ...(supportsTimer ? [{ name: 'Require', value: 'timer' }] : []),
    ],
  };
}

/** The timer a 2xx with this negotiation starts at `now` (undefined: no timer). */
export function startSessionTimer(
  negotiation: SessionTimerNegotiation,
  now: number,
): SessionTimerState | undefined {
  if (negotiation.kind !== 'timer') return undefined;
  return {
    intervalMs: negotiation.intervalSeconds * 1000,
    refresher: negotiation.refresher,
    refreshedAt: now,
  };
}

/**
 * RFC 4028 §10: when the side that does not refresh gives up on the session and sends BYE —
 * the interval after the last refresh, less the smaller of 32 s and a third of the interval.
 */
export function sessionExpiresAt(timer: SessionTimerState): number {
  return timer.refreshedAt + timer.intervalMs - Math.min(32_000, timer.intervalMs / 3);
}

/** §10: as refresher, the refresh goes out at half the interval; undefined when the SRC refreshes. */
export function sessionRefreshDueAt(timer: SessionTimerState): number | undefined {
  return timer.refresher === 'uas' ? timer.refreshedAt + timer.intervalMs / 2 : undefined;
}

/** The Session-Expires of an UPDATE refresh we send as refresher (§7.4). */
export function refreshRequestHeaders(timer: SessionTimerState): SipHeader[] {
  return [
    { name: 'Session-Expires', value: `${timer.intervalMs / 1000};refresher=uas` },
    { name: 'Supported', value: 'timer' },
  ];
}
