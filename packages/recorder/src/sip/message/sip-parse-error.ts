// Typed parse errors of the SIP message layer (RFC 3261 §7, §18.3, §20, §25; RFC 2046 §5.1).
// Every failure of a parser in this folder is a SipParseError with a stable `code`, so transports
// and the transaction layer can decide what to do without string matching: answer (when `status`
// and `partial` are present), drop the datagram, or close the stream connection.
import type { SipMessage } from './sip-message.js';

export type SipParseErrorCode =
  /** Nothing but whitespace/CRLF where a message was expected. */
  | 'EMPTY'
  /** The header section never ends (no empty line) in a datagram. */
  | 'INCOMPLETE'
  /** Request-Line or Status-Line is malformed (RFC 3261 §7.1, §7.2). */
  | 'START_LINE'
  /** SIP-Version is well-formed but not SIP/2.0 (RFC 3261 §8.2.2 → 505). */
  | 'VERSION'
  /** A URI (Request-URI or inside a header) is malformed (RFC 3261 §19.1, §25.1). */
  | 'URI'
  /** A header line cannot be split into name ':' value, or a folded line has nothing to fold onto. */
  | 'HEADER_SYNTAX'
  /** A header the stack relies on has a value that does not match its grammar or range. */
  | 'HEADER_VALUE'
  /** CSeq method differs from the Request-Line method (RFC 3261 §8.1.1.5). */
  | 'CSEQ_METHOD'
  /** Content-Length is missing (streams), malformed, negative, conflicting or beyond the data. */
  | 'CONTENT_LENGTH'
  /** A configured size limit was exceeded (message, header count, header line). */
  | 'TOO_LARGE'
  /** A multipart body cannot be split (RFC 2046 §5.1). */
  | 'MULTIPART';

export interface SipParseErrorDetails {
  /** Response code a UAS should answer a request with (400, 505, 513); absent when only dropping makes sense. */
  readonly status?: number;
  /** Canonical name of the header at fault, when one is. */
  readonly header?: string;
  /**
   * The message as framed before header values were checked. Present when the start line and
   * header section were readable, so a UAS can still build the error response (RFC 3261 §8.2.6).
   */
  readonly partial?: SipMessage;
}

export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  readonly code: SipParseErrorCode;
  readonly status: number | undefined;
  readonly header: string | undefined;
  readonly partial: SipMessage | undefined;

  constructor(code: SipParseErrorCode, message: string, details: SipParseErrorDetails = {}) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.header = details.header;
    this.partial = details.partial;
  }

  /** A copy of this error carrying more context (used when a low-level error bubbles up). */
  withDetails(details: SipParseErrorDetails): SipParseError {
    return new SipParseError(this.code, this.message, {
      status: details.status ?? this.status,
      header: details.header ?? this.header,
      partial: details.partial ?? this.partial,
    });
  }
}

export function isSipParseError(value: unknown): value is SipParseError {
  return value instanceof SipParseError;
}
