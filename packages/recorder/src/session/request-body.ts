// The body of an INVITE, re-INVITE or UPDATE as the session reads it: the SDP offer and the
// recording metadata, alone or in multipart/mixed in any order (RFC 7866 §8.1.1, §9.1; the legacy
// metadata type accepted). Anything unreadable (multipart, SDP, metadata: DOCTYPE, entities, size
// caps) is a BodyError naming the part and its code, answered 400 with a Warning.
import {
  applyRecordingMetadataBody,
  isSiprecMetadataError,
  pickSiprecBodyParts,
  readSiprecPartMediaType,
  SIPREC_METADATA_CONTENT_TYPES,
  type RecordingMetadataState,
  type SiprecBodyPart,
  type SiprecMetadataParseOptions,
} from '../siprec/index.js';
import { isSdpError, parseSdp, type SdpSessionDescription } from '../sdp/index.js';
import {
  getCSeq,
  getHeader,
  getPartHeader,
  parseMultipart,
  SipParseError,
  type SipRequest,
} from '../sip/message/index.js';

/** The parts of a request body the session needs. */
export interface BodyParts {
  readonly sdp?: string;
  readonly metadata?: string | Uint8Array;
  readonly metadataContentType?: string;
}

export class BodyError extends Error {
  constructor(
    readonly part: 'multipart' | 'sdp' | 'metadata',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function readBodyParts(request: SipRequest): BodyParts {
  if (request.body.length === 0) return {};
  const contentType = getHeader(request, 'Content-Type') ?? 'application/sdp';
  const mediaType = readSiprecPartMediaType(contentType);
  if (mediaType === 'application/sdp') {
    return { sdp: new TextDecoder().decode(request.body) };
  }
  if (SIPREC_METADATA_CONTENT_TYPES.includes(mediaType)) {
    return { metadata: request.body, metadataContentType: contentType };
  }
  if (!mediaType.startsWith('multipart/')) {
    throw new BodyError('multipart', 'UNSUPPORTED_BODY', `body type ${mediaType} not supported`);
  }
  let parts: SiprecBodyPart[];
  try {
    parts = parseMultipart(request.body, contentType).parts.map((part) => {
      const disposition = getPartHeader(part, 'Content-Disposition');
      return {
        contentType: getPartHeader(part, 'Content-Type') ?? 'text/plain',
        ...(disposition === undefined ? {} : { contentDisposition: disposition }),
        body: part.body,
      };
    });
  } catch (err) {
    if (err instanceof SipParseError) {
      throw new BodyError('multipart', err.code, `multipart body: ${err.message}`);
    }
    throw err;
  }
  const picked = pickSiprecBodyParts(parts);
  return {
    ...(picked.sdp === undefined ? {} : { sdp: picked.sdp }),
    ...(picked.metadata === undefined ? {} : { metadata: picked.metadata }),
    ...(picked.metadataContentType === undefined
      ? {}
      : { metadataContentType: picked.metadataContentType }),
  };
}

function readOffer(sdp: string): SdpSessionDescription {
  try {
    return parseSdp(sdp);
  } catch (err) {
    if (isSdpError(err)) throw new BodyError('sdp', err.code, `SDP offer: ${err.message}`);
    throw err;
  }
}

function applyMetadata(
  state: RecordingMetadataState,
  body: string | Uint8Array,
  seq: number,
  limits: SiprecMetadataParseOptions | undefined,
  receivedAtMs: number | undefined,
): RecordingMetadataState {
  try {
    return applyRecordingMetadataBody(state, body, {
      ...limits,
      seq,
      ...(receivedAtMs === undefined ? {} : { receivedAtMs }),
    });
  } catch (err) {
    if (isSiprecMetadataError(err)) {
      throw new BodyError('metadata', err.code, `recording metadata: ${err.message}`);
    }
    throw err;
  }
}

export interface SessionBody {
  readonly parts: BodyParts;
  readonly offer?: SdpSessionDescription;
  /** The metadata state with the body's revision applied (unchanged without a metadata part). */
  readonly metadata: RecordingMetadataState;
}

/**
 * Reads the body and applies its metadata to `metadata` as the revision of the request's CSeq
 * (`defaultSeq` without one), received at `receivedAtMs`. Throws BodyError for an unreadable part.
 */
export function readSessionBody(
  request: SipRequest,
  metadata: RecordingMetadataState,
  defaultSeq: number,
  limits?: SiprecMetadataParseOptions,
  receivedAtMs?: number,
): SessionBody {
  const parts = readBodyParts(request);
  const offer = parts.sdp === undefined ? undefined : readOffer(parts.sdp);
  const next =
    parts.metadata === undefined
      ? metadata
      : applyMetadata(
          metadata,
          parts.metadata,
          getCSeq(request)?.seq ?? defaultSeq,
          limits,
          receivedAtMs,
        );
  return { parts, ...(offer === undefined ? {} : { offer }), metadata: next };
}
