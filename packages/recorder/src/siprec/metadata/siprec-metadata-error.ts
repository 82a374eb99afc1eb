// Typed errors of the SIPREC metadata reader (RFC 7865 documents carried per RFC 7866 §9).
// The SIP layer maps every code to a 400 answer; the codes are stable and part of the public API.

/** Stable codes; the SIP layer answers 400 for all of them. */
export type SiprecMetadataErrorCode =
  /** Body larger than the configured cap. */
  | 'XML_TOO_LARGE'
  /** A DOCTYPE or ENTITY declaration: refused before parsing so no entity can ever expand. */
  | 'XML_DOCTYPE'
  /** Not well-formed XML (unclosed tags, two roots, bad attributes, ...). */
  | 'XML_MALFORMED'
  /** Elements nested deeper than the configured cap. */
  | 'XML_TOO_DEEP'
  /** More elements than the configured cap. */
  | 'XML_TOO_MANY_ELEMENTS'
  /** Bytes that are not UTF-8/UTF-16 text. */
  | 'XML_ENCODING'
  /** Well-formed XML whose root is neither `recording` nor `recording_metadata`. */
  | 'METADATA_NOT_RECORDING'
  /** A recording document with a value the RFC forbids (e.g. an unknown datamode). */
  | 'METADATA_INVALID';

export class SiprecMetadataError extends Error {
  override readonly name = 'SiprecMetadataError';
  readonly code: SiprecMetadataErrorCode;

  constructor(code: SiprecMetadataErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isSiprecMetadataError(value: unknown): value is SiprecMetadataError {
  return value instanceof SiprecMetadataError;
}
