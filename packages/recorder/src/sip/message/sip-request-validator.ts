// What a UAS must answer to a request that parsed (RFC 3261 §8.2 "UAS Behavior", in its order:
// §8.2.1 method, §8.2.2.1 Request-URI scheme, §8.2.2.3 Require, §8.2.3 content), plus the 400
// cases RFC 4475 §3.3 lists for requests that are well-formed but unusable (missing or repeated
// single-value headers, conflicting Content-Length), and §8.1.3.3 for responses a UAC receives.
// Pure: the caller passes the UA's capabilities and turns a rejection into a response with
// createResponse. Merged-request (482) and authentication checks need state and live above.
import {
  getHeader,
  getHeaders,
  getHeaderValues,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import { getContentType, getOptionTags, getTo, parseMediaType } from './sip-header-values.js';
import { parseUri } from './sip-uri.js';
import { SipParseError } from './sip-parse-error.js';
import { getReasonPhrase } from './sip-response-builder.js';

/** Methods defined by RFC 3261 and its extensions: a UA that lacks one answers 405, not 501. */
export const KNOWN_SIP_METHODS: readonly string[] = Object.freeze([
  'ACK',
  'BYE',
  'CANCEL',
  'INFO',
  'INVITE',
  'MESSAGE',
  'NOTIFY',
  'OPTIONS',
  'PRACK',
  'PUBLISH',
  'REFER',
  'REGISTER',
  'SUBSCRIBE',
  'UPDATE',
]);

export interface UasCapabilities {
  /** Methods this UAS implements; include ACK and CANCEL. */
  readonly allowedMethods: readonly string[];
  /** Option tags this UAS supports (Require with others gets 420). */
  readonly supportedOptionTags: readonly string[];
  /** Body media types understood, lower-case "type/subtype" (others get 415). */
  readonly acceptedContentTypes: readonly string[];
  /** Request-URI schemes served (others get 416); default sip, sips, tel. */
  readonly uriSchemes?: readonly string[];
  /** Media types a response to INVITE will carry (an Accept excluding all of them gets 406). */
  readonly answerContentTypes?: readonly string[];
}

export interface SipRejection {
  readonly status: number;
  readonly reason: string;
  /** Why, for logs; not sent. */
  readonly detail: string;
  /** Headers the response must carry (Allow for 405, Unsupported for 420, Accept for 415). */
  readonly headers: readonly SipHeader[];
}

const REQUIRED_HEADERS = ['To', 'From', 'Call-ID', 'CSeq', 'Via'] as const;
const SINGLE_VALUE_HEADERS = [
  'To',
  'From',
  'Call-ID',
  'CSeq',
  'Max-Forwards',
  'Content-Type',
  'Content-Length',
] as const;

function reject(status: number, detail: string, headers: readonly SipHeader[] = []): SipRejection {
  return { status, reason: getReasonPhrase(status), detail, headers };
}

/** Structural problems shared by requests and responses: missing or repeated headers. */
function findStructuralProblem(msg: SipRequest | SipResponse): string | null {
  for (const name of REQUIRED_HEADERS) {
    if (getHeader(msg, name) === undefined) return `missing ${name}`;
  }
  for (const name of SINGLE_VALUE_HEADERS) {
    if (getHeaders(msg, name).length > 1) return `${name} appears more than once`;
  }
  return null;
}

function matchesMediaRange(range: string, type: string): boolean {
  let parsed;
  try {
    parsed = parseMediaType(range);
  } catch (err) {
    if (err instanceof SipParseError) return false;
    throw err;
  }
  const [t, s] = type.split('/');
  return (
    (parsed.type === '*' || parsed.type === t) && (parsed.subtype === '*' || parsed.subtype === s)
  );
}

/**
 * Returns the rejection a UAS must answer with, or null when the request may be processed.
 * ACK never gets a response (RFC 3261 §17.2.1): callers drop an ACK that is rejected here.
 */
export function validateRequest(request: SipRequest, caps: UasCapabilities): SipRejection | null {
  const structural = findStructuralProblem(request);
  if (structural !== null) return reject(400, structural);

  const method = request.method;
  if (!caps.allowedMethods.includes(method)) {
    if (KNOWN_SIP_METHODS.includes(method)) {
      return reject(405, `${method} is not allowed`, [
        { name: 'Allow', value: caps.allowedMethods.join(', ') },
      ]);
    }
    return reject(501, `${method} is not implemented`);
  }

  const schemes = caps.uriSchemes ?? ['sip', 'sips', 'tel'];
  const uri = parseUri(request.uri);
  if (!schemes.includes(uri.scheme))
    return reject(416, `Request-URI scheme ${uri.scheme} is not served`);

  // A registrar requires an AOR in To (RFC 3261 §10.3; RFC 4475 §3.3.4 suggests 400).
  if (method === 'REGISTER') {
    const to = getTo(request);
    if (to?.uri.kind !== 'sip') return reject(400, 'To of a REGISTER is not a SIP or SIPS URI');
  }

  // RFC 3261 §8.2.2.3: Require is not processed for ACK and CANCEL.
  if (method !== 'ACK' && method !== 'CANCEL') {
    const unknown = getOptionTags(request, 'Require').filter(
      (tag) => !caps.supportedOptionTags.includes(tag),
    );
    if (unknown.length > 0) {
      return reject(420, `unsupported extensions ${unknown.join(', ')}`, [
        { name: 'Unsupported', value: unknown.join(', ') },
      ]);
    }
  }

  const contentType = getContentType(request);
  if (request.body.length > 0 && contentType === undefined) {
    return reject(400, 'a body without Content-Type (RFC 3261 §20.15)');
  }
  if (contentType !== undefined && request.body.length > 0) {
    const essence = `${contentType.type}/${contentType.subtype}`;
    if (!caps.acceptedContentTypes.includes(essence)) {
      return reject(415, `body type ${essence} is not understood`, [
        { name: 'Accept', value: caps.acceptedContentTypes.join(', ') },
      ]);
    }
    const encodings = getHeaderValues(request, 'Content-Encoding').map((e) => e.toLowerCase());
    if (encodings.some((e) => e !== 'identity')) {
      return reject(415, `content coding ${encodings.join(', ')} is not understood`, [
        { name: 'Accept-Encoding', value: 'identity' },
      ]);
    }
  }

  // RFC 4475 §3.3.15: an INVITE whose Accept excludes the type of our answer gets 406.
  if (
    method === 'INVITE' &&
    caps.answerContentTypes !== undefined &&
    getHeaders(request, 'Accept').length > 0
  ) {
    const ranges = getHeaderValues(request, 'Accept');
    const ok = caps.answerContentTypes.some((type) =>
      ranges.some((range) => matchesMediaRange(range, type)),
    );
    if (!ok) return reject(406, `Accept excludes ${caps.answerContentTypes.join(', ')}`);
  }
  return null;
}

/**
 * What a UAC does with a response (RFC 3261 §8.1.3.3): a response with more than one Via, or
 * missing or repeated required headers, is discarded. Returns why, or null to process it.
 */
export function validateResponse(
  response: SipResponse,
): { readonly discard: true; readonly detail: string } | null {
  const structural = findStructuralProblem(response);
  if (structural !== null) return { discard: true, detail: structural };
  if (getHeaderValues(response, 'Via').length > 1) {
    return { discard: true, detail: 'more than one Via: the response was not meant for this UAC' };
  }
  return null;
}
