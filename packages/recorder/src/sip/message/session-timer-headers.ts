// The session-timer headers of RFC 4028 §4-§5:
//
//   Session-Expires = ("Session-Expires" / "x") HCOLON delta-seconds *(SEMI se-params)
//   se-params       = refresher-param / generic-param
//   refresher-param = "refresher" EQUAL ("uas" / "uac")
//   Min-SE          = "Min-SE" HCOLON delta-seconds *(SEMI generic-param)
//
// Pure: values in, values out; a malformed value throws SipParseError like the other header
// parsers, so the caller answers 400 with the reason.
import { SipParseError } from './sip-parse-error.js';
import { readParams } from './sip-grammar.js';
import { getHeader, type SipMessage } from './sip-message.js';

export type SessionRefresher = 'uac' | 'uas';

export interface SessionExpires {
  /** The session interval in seconds. */
  readonly deltaSeconds: number;
  /** Who refreshes; absent when the sender left the choice to the UAS (§9). */
  readonly refresher?: SessionRefresher;
}

/** RFC 4028 §4: the lowest session interval any element may ask for. */
export const SESSION_TIMER_FLOOR_SECONDS = 90;

const UINT32_MAX = 4_294_967_295;

/** delta-seconds followed by parameters; returns the number and the parameters. */
function readDeltaWithParams(
  value: string,
  header: string,
): { seconds: number; params: Record<string, string | null> } {
  const text = value.trim();
  const digits = /^\d+/.exec(text)?.[0];
  if (digits === undefined) {
    throw new SipParseError('HEADER_VALUE', `${header} does not start with delta-seconds`);
  }
  const seconds = Number(digits);
  if (digits.length > 10 || seconds > UINT32_MAX) {
    throw new SipParseError('HEADER_VALUE', `${header} delta-seconds out of range`);
  }
  const { params, end } = readParams(text, digits.length);
  if (end !== text.length) {
    throw new SipParseError('HEADER_VALUE', `${header} has text after its parameters`);
  }
  return { seconds, params };
}

export function parseSessionExpires(value: string): SessionExpires {
  const { seconds, params } = readDeltaWithParams(value, 'Session-Expires');
  const refresher = params.refresher?.toLowerCase();
  if (refresher === undefined) return { deltaSeconds: seconds };
  if (refresher !== 'uac' && refresher !== 'uas') {
    throw new SipParseError('HEADER_VALUE', 'Session-Expires refresher is neither uac nor uas');
  }
  return { deltaSeconds: seconds, refresher };
}

export function formatSessionExpires(value: SessionExpires): string {
  return value.refresher === undefined
    ? String(value.deltaSeconds)
    : `${value.deltaSeconds};refresher=${value.refresher}`;
}

export function parseMinSe(value: string): number {
  return readDeltaWithParams(value, 'Min-SE').seconds;
}

/** The message's Session-Expires (long or compact `x` form), if any. */
export function getSessionExpires(msg: SipMessage): SessionExpires | undefined {
  const v = getHeader(msg, 'Session-Expires');
  return v === undefined ? undefined : parseSessionExpires(v);
}

export function getMinSe(msg: SipMessage): number | undefined {
  const v = getHeader(msg, 'Min-SE');
  return v === undefined ? undefined : parseMinSe(v);
}
