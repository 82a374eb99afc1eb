// HTTP Digest authentication for SIP (RFC 3261 §22.4, RFC 2617 §3, RFC 7616 §3; RFC 8760 for
// SHA-256 in SIP): reads an Authorization header, computes and checks the response, and builds the
// WWW-Authenticate challenge of a 401.
//
// Nonces are stateless: nonce = base64url( issued-at (8 octets, ms, big-endian) ||
// HMAC-SHA-256(secret, issued-at || realm)[0..16) ). Any recorder process holding the same secret
// can check a nonce it did not issue (SPEC §10: recorders keep no state another needs), and an old
// nonce is recognised as `stale` (RFC 7616 §3.3) so the SRC retries without asking its operator.
//
//   credentials = "Digest" LWS digest-response *(COMMA digest-response)      (RFC 3261 §25.1)
//   digest-response = username / realm / nonce / digest-uri / dresponse / algorithm / cnonce /
//                     opaque / message-qop / nonce-count / auth-param
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { quoteString, readQuotedString, readToken, skipLws } from '../message/sip-grammar.js';

/** RFC 7616 §3.4.2 algorithms the recorder checks; `-sess` variants need a per-session HA1. */
export type DigestAlgorithm = 'MD5' | 'SHA-256' | 'MD5-sess' | 'SHA-256-sess';

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  /** digest-uri: the Request-URI as the client saw it (RFC 3261 §22.4 item 8). */
  readonly uri: string;
  /** request-digest, 32 (MD5) or 64 (SHA-256) lower-case hex digits. */
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly cnonce?: string;
  readonly opaque?: string;
  /** `auth` or `auth-int`; absent for the RFC 2069 compatible form. */
  readonly qop?: string;
  /** nonce-count, 8 hex digits. */
  readonly nc?: string;
  /** Every parameter as received, names lower-cased (auth-param extensions included). */
  readonly params: Readonly<Record<string, string>>;
}

const ALGORITHMS: Readonly<Record<string, DigestAlgorithm>> = {
  md5: 'MD5',
  'sha-256': 'SHA-256',
  'md5-sess': 'MD5-sess',
  'sha-256-sess': 'SHA-256-sess',
};

function hashName(algorithm: DigestAlgorithm): 'md5' | 'sha256' {
  return algorithm.startsWith('MD5') ? 'md5' : 'sha256';
}

function hex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(hashName(algorithm)).update(text, 'utf8').digest('hex');
}

/**
 * The parameters of a `Digest` header value (credentials or challenge, RFC 7616 §3.3/§3.4),
 * names lower-cased; undefined for another scheme, a malformed list or a repeated parameter.
 */
export function readDigestParams(value: string): Record<string, string> | undefined {
  let i = skipLws(value, 0);
  const schemeEnd = readToken(value, i);
  if (value.slice(i, schemeEnd).toLowerCase() !== 'digest') return undefined;
  i = schemeEnd;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  try {
    for (;;) {
      i = skipLws(value, i);
      if (i >= value.length) break;
      const nameEnd = readToken(value, i);
      if (nameEnd === i) return undefined;
      const name = value.slice(i, nameEnd).toLowerCase();
      i = skipLws(value, nameEnd);
      if (value[i] !== '=') return undefined;
      i = skipLws(value, i + 1);
      let paramValue: string;
      if (value[i] === '"') {
        const quoted = readQuotedString(value, i);
        paramValue = quoted.value;
        i = quoted.end;
      } else {
        const end = readToken(value, i);
        if (end === i) return undefined;
        paramValue = value.slice(i, end);
        i = end;
      }
      // RFC 7616 §3.4: a parameter appears at most once.
      if (name in params) return undefined;
      params[name] = paramValue;
      i = skipLws(value, i);
      if (i >= value.length) break;
      if (value[i] !== ',') return undefined;
      i += 1;
    }
  } catch {
    return undefined;
  }
  return params;
}

/**
 * Reads a `Digest` Authorization or Proxy-Authorization value. Returns undefined for other
 * schemes and for values missing a required parameter (RFC 7616 §3.4: username, realm, nonce,
 * uri, response) or with an unknown algorithm; such a request is simply challenged again.
 */
export function parseDigestCredentials(value: string): DigestCredentials | undefined {
  const params = readDigestParams(value);
  if (params === undefined) return undefined;
  const { username, realm, nonce, uri, response } = params;
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  ) {
    return undefined;
  }
  const algorithm = ALGORITHMS[(params.algorithm ?? 'MD5').toLowerCase()];
  if (algorithm === undefined) return undefined;
  return {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm,
    ...(params.cnonce === undefined ? {} : { cnonce: params.cnonce }),
    ...(params.opaque === undefined ? {} : { opaque: params.opaque }),
    ...(params.qop === undefined ? {} : { qop: params.qop.toLowerCase() }),
    ...(params.nc === undefined ? {} : { nc: params.nc.toLowerCase() }),
    params,
  };
}

/** RFC 7616 §3.4.2: A1 = username:realm:password, H(A1) is what a trunk stores. */
export function computeDigestHa1(
  username: string,
  realm: string,
  password: string,
  algorithm: DigestAlgorithm = 'MD5',
): string {
  return hex(algorithm, `${username}:${realm}:${password}`);
}

export interface DigestResponseInput {
  /** H(username:realm:password) in lower-case hex. */
  readonly ha1: string;
  readonly algorithm: DigestAlgorithm;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly cnonce?: string;
  /** The message body, for qop=auth-int (RFC 7616 §3.4.3). */
  readonly body?: Uint8Array;
}

/**
 * request-digest (RFC 7616 §3.4.1; RFC 2617 §3.2.2.1 without qop):
 *   qop present:  KD(H(A1), nonce:nc:cnonce:qop:H(A2))
 *   qop absent:   KD(H(A1), nonce:H(A2))
 * with A2 = method:uri (auth) or method:uri:H(body) (auth-int), and for the -sess algorithms
 * H(A1) = H(H(username:realm:password):nonce:cnonce) (§3.4.2).
 */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm } = input;
  const ha1 = algorithm.endsWith('-sess')
    ? hex(algorithm, `${input.ha1}:${input.nonce}:${input.cnonce ?? ''}`)
    : input.ha1;
  const bodyHash =
    input.qop === 'auth-int'
      ? createHash(hashName(algorithm))
          .update(input.body ?? new Uint8Array())
          .digest('hex')
      : undefined;
  const ha2 = hex(
    algorithm,
    bodyHash === undefined
      ? `${input.method}:${input.uri}`
      : `${input.method}:${input.uri}:${bodyHash}`,
  );
  if (input.qop === undefined) return hex(algorithm, `${ha1}:${input.nonce}:${ha2}`);
  return hex(
    algorithm,
    `${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Stateless nonces

const NONCE_MAC_BYTES = 16;

function nonceMac(secret: Uint8Array, issuedAt: Buffer, realm: string): Buffer {
  return createHmac('sha256', secret)
    .update(issuedAt)
    .update(realm, 'utf8')
    .digest()
    .subarray(0, NONCE_MAC_BYTES);
}

/** A nonce bound to the realm and the time it was issued (ms since the epoch). */
export function createDigestNonce(secret: Uint8Array, realm: string, nowMs: number): string {
  const issuedAt = Buffer.alloc(8);
  issuedAt.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(nowMs))));
  return Buffer.concat([issuedAt, nonceMac(secret, issuedAt, realm)]).toString('base64url');
}

export type DigestNonceCheck = 'valid' | 'stale' | 'invalid';

/**
 * `valid` when we issued the nonce for this realm less than `maxAgeMs` ago, `stale` when we issued
 * it but it is older (RFC 7616 §3.3 stale=true), `invalid` otherwise (forged, other realm, future).
 */
export function checkDigestNonce(
  secret: Uint8Array,
  realm: string,
  nonce: string,
  nowMs: number,
  maxAgeMs: number,
): DigestNonceCheck {
  if (!/^[A-Za-z0-9_-]{32}$/.test(nonce)) return 'invalid';
  const bytes = Buffer.from(nonce, 'base64url');
  if (bytes.length !== 8 + NONCE_MAC_BYTES) return 'invalid';
  const issuedAt = bytes.subarray(0, 8);
  if (!timingSafeEqual(bytes.subarray(8), nonceMac(secret, issuedAt, realm))) return 'invalid';
  const age = nowMs - Number(issuedAt.readBigUInt64BE());
  // A small allowance for clocks of recorder processes that disagree by a little.
  if (age < -5_000) return 'invalid';
  return age > maxAgeMs ? 'stale' : 'valid';
}

export interface DigestChallengeInput {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm?: DigestAlgorithm;
  /** RFC 7616 §3.3: the credentials were right but the nonce was old. */
  readonly stale?: boolean;
  readonly opaque?: string;
}

/** The WWW-Authenticate value of a 401 (RFC 3261 §22.4, RFC 7616 §3.3), always with qop=auth. */
export function buildDigestChallenge(input: DigestChallengeInput): string {
  const parts = [
    `realm=${quoteString(input.realm)}`,
    `nonce=${quoteString(input.nonce)}`,
    ...(input.opaque === undefined ? [] : [`opaque=${quoteString(input.opaque)}`]),
    `algorithm=${input.algorithm ?? 'MD5'}`,
    'qop="auth"',
    ...(input.stale === true ? ['stale=true'] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}

export type DigestVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The response was right but the nonce old: challenge again with stale=true. */
      readonly stale: boolean;
      readonly reason: string;
    };

export interface VerifyDigestInput {
  readonly credentials: DigestCredentials;
  readonly method: string;
  /** What the trunk expects. */
  readonly username: string;
  readonly realm: string;
  readonly ha1: string;
  readonly secret: Uint8Array;
  readonly nowMs: number;
  /** How long a nonce stays fresh (default 5 minutes). */
  readonly nonceMaxAgeMs?: number;
  readonly body?: Uint8Array;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks credentials against a stored HA1 (RFC 3261 §22.4, RFC 7616 §3.4). Only MD5 and MD5-sess
 * can be checked against an MD5 HA1, which is what trunks store.
 */
export function verifyDigestCredentials(input: VerifyDigestInput): DigestVerdict {
  const { credentials } = input;
  const fail = (reason: string): DigestVerdict => ({ ok: false, stale: false, reason });
  if (credentials.username !== input.username) return fail('unknown digest username');
  if (credentials.realm !== input.realm) return fail('digest realm does not match');
  if (!credentials.algorithm.startsWith('MD5')) {
    return fail(`algorithm ${credentials.algorithm} cannot be checked against the stored HA1`);
  }
  if (
    credentials.qop !== undefined &&
    credentials.qop !== 'auth' &&
    credentials.qop !== 'auth-int'
  ) {
    return fail(`unsupported qop ${credentials.qop}`);
  }
  if (
    credentials.qop !== undefined &&
    (credentials.cnonce === undefined || credentials.nc === undefined)
  ) {
    return fail('qop without cnonce or nc');
  }
  const nonce = checkDigestNonce(
    input.secret,
    input.realm,
    credentials.nonce,
    input.nowMs,
    input.nonceMaxAgeMs ?? 300_000,
  );
  if (nonce === 'invalid') return fail('nonce was not issued by this recorder');
  const expected = computeDigestResponse({
    ha1: input.ha1.toLowerCase(),
    algorithm: credentials.algorithm,
    method: input.method,
    uri: credentials.uri,
    nonce: credentials.nonce,
    ...(credentials.qop === undefined ? {} : { qop: credentials.qop }),
    ...(credentials.nc === undefined ? {} : { nc: credentials.nc }),
    ...(credentials.cnonce === undefined ? {} : { cnonce: credentials.cnonce }),
    ...(input.body === undefined ? {} : { body: input.body }),
  });
  if (!sameHex(expected, credentials.response)) return fail('digest response does not match');
  if (nonce === 'stale') return { ok: false, stale: true, reason: 'nonce is stale' };
  return { ok: true };
}
