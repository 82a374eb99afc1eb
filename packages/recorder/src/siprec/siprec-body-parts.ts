// Picks the SDP offer and the recording metadata out of a SIPREC request body (RFC 7866 §8.1.1,
// §9.1): a multipart/mixed body with one `application/sdp` part and one
// `application/rs-metadata+xml` part (RFC 9806 registers the media type), in either order.
// The SIP layer splits the multipart body; this module only chooses among the parts.
//
// Tolerant like the recorders SIPREC clients are tested against: the legacy type
// `application/rs-metadata` of the drafts is accepted, and a generic XML type is taken as metadata
// when the part carries `Content-Disposition: recording-session` (RFC 7866 §9.1).

export interface SiprecBodyPart {
  /** The part's Content-Type header value, parameters included. */
  readonly contentType: string;
  /** The part's Content-Disposition header value, if any. */
  readonly contentDisposition?: string;
  readonly body: string | Uint8Array;
}

export interface SiprecBodySelection {
  /** The SDP offer, when the body has one. */
  readonly sdp?: string;
  /** The metadata body, untouched (the metadata reader decodes and checks it). */
  readonly metadata?: string | Uint8Array;
  /** Content-Type the metadata arrived with. */
  readonly metadataContentType?: string;
  /** Parts not chosen: other types, and second SDP or metadata parts. */
  readonly ignored: readonly SiprecBodyPart[];
}

/** RFC 9806 §2 media type, and the type the pre-RFC drafts used. */
export const SIPREC_METADATA_CONTENT_TYPES: readonly string[] = Object.freeze([
  'application/rs-metadata+xml',
  'application/rs-metadata',
]);

const GENERIC_XML_TYPES: ReadonlySet<string> = new Set(['application/xml', 'text/xml']);

/** `Type/Subtype; params` → `type/subtype` (RFC 3261 §20.15: media types are case-insensitive). */
export function readSiprecPartMediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function dispositionType(disposition: string | undefined): string | undefined {
  if (disposition === undefined) return undefined;
  return readSiprecPartMediaType(disposition);
}

export function isSiprecMetadataPart(part: SiprecBodyPart): boolean {
  const mediaType = readSiprecPartMediaType(part.contentType);
  if (SIPREC_METADATA_CONTENT_TYPES.includes(mediaType)) return true;
  return (
    GENERIC_XML_TYPES.has(mediaType) &&
    dispositionType(part.contentDisposition) === 'recording-session'
  );
}

export function isSdpPart(part: SiprecBodyPart): boolean {
  return readSiprecPartMediaType(part.contentType) === 'application/sdp';
}

function asText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

/**
 * Choose the SDP and metadata parts, in any order. The first part of each kind wins; the rest are
 * returned in `ignored` so the caller can log them.
 */
export function pickSiprecBodyParts(parts: readonly SiprecBodyPart[]): SiprecBodySelection {
  let sdp: string | undefined;
  let metadata: SiprecBodyPart | undefined;
  const ignored: SiprecBodyPart[] = [];
  for (const part of parts) {
    if (sdp === undefined && isSdpPart(part)) sdp = asText(part.body);
    else if (metadata === undefined && isSiprecMetadataPart(part)) metadata = part;
    else ignored.push(part);
  }
  return {
    ...(sdp === undefined ? {} : { sdp }),
    ...(metadata === undefined
      ? {}
      : { metadata: metadata.body, metadataContentType: metadata.contentType }),
    ignored,
  };
}
