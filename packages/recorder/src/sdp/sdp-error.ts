// Typed SDP errors with stable codes; the SIP layer answers 400 (bad offer) or 488/500 for them.

export type SdpErrorCode =
  /** Body larger than the configured cap. */
  | 'SDP_TOO_LARGE'
  /** Not an SDP session description (RFC 8866 §5 grammar). */
  | 'SDP_MALFORMED'
  /** The injected port allocator returned something other than an even port (RFC 3550 §11). */
  | 'SDP_PORT_INVALID'
  /** The injected random source returned the wrong number of bytes. */
  | 'SDP_RANDOM_INVALID'
  /** A delayed offer asked for no stream. */
  | 'SDP_OFFER_NO_STREAMS'
  /** An answer whose m-lines do not match our offer's (RFC 3264 §6). */
  | 'SDP_ANSWER_MISMATCH';

export class SdpError extends Error {
  override readonly name = 'SdpError';
  readonly code: SdpErrorCode;

  constructor(code: SdpErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isSdpError(value: unknown): value is SdpError {
  return value instanceof SdpError;
}
