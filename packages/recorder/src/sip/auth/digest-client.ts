// The client side of SIP digest authentication (RFC 3261 §22.2, RFC 7616 §3.4; RFC 8760 for
// SHA-256): reads a 401's WWW-Authenticate or a 407's Proxy-Authenticate challenge and builds the
// Authorization (or Proxy-Authorization) value that answers it. Pure: the cnonce comes in.
import {
  computeDigestHa1,
  computeDigestResponse,
  readDigestParams,
  type DigestAlgorithm,
} from './digest-auth.js';
import { quoteString } from '../message/sip-grammar.js';

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: DigestAlgorithm;
  readonly opaque?: string;
  /** The qop options offered (RFC 7616 §3.3: a list, e.g. "auth,auth-int"); empty: none. */
  readonly qop: readonly string[];
  /** True when the previous nonce was merely stale (RFC 7616 §3.3). */
  readonly stale: boolean;
}

const ALGORITHMS: Readonly<Record<string, DigestAlgorithm>> = {
  md5: 'MD5',
  'sha-256': 'SHA-256',
  'md5-sess': 'MD5-sess',
  'sha-256-sess': 'SHA-256-sess',
};

/** A Digest challenge; undefined for another scheme, a missing realm or nonce, an unknown algorithm. */
export function parseDigestChallenge(value: string): DigestChallenge | undefined {
  const params = readDigestParams(value);
  if (params?.realm === undefined || params.nonce === undefined) return undefined;
  const algorithm = ALGORITHMS[(params.algorithm ?? 'MD5').toLowerCase()];
  if (algorithm === undefined) return undefined;
  return {
    realm: params.realm,
    nonce: params.nonce,
    algorithm,
    ...(params.opaque === undefined ? {} : { opaque: params.opaque }),
    qop: (params.qop ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter((q) => q !== ''),
    stale: (params.stale ?? '').toLowerCase() === 'true',
  };
}

export interface DigestAnswerInput {
  readonly challenge: DigestChallenge;
  readonly username: string;
  /** The password, or H(username:realm:password) for the challenge's hash (then no password). */
  readonly password?: string;
  readonly ha1?: string;
  readonly method: string;
  /** The Request-URI of the request being authorized (digest-uri). */
  readonly uri: string;
  /** A fresh client nonce (RFC 7616 §3.4: unquoted hex or any token). */
  readonly cnonce: string;
  /** How many requests this nonce has answered, 1 for the first. */
  readonly nonceCount: number;
}

/**
 * The Authorization value answering the challenge: qop=auth when offered (auth-int is not used:
 * the body is not signed), else the RFC 2069 compatible form.
 */
export function answerDigestChallenge(input: DigestAnswerInput): string {
  const { challenge } = input;
  const qop = challenge.qop.includes('auth') ? 'auth' : undefined;
  const nc = input.nonceCount.toString(16).padStart(8, '0');
  const baseAlgorithm = challenge.algorithm.startsWith('MD5') ? 'MD5' : 'SHA-256';
  const response = computeDigestResponse({
    ha1:
      input.ha1 ??
      computeDigestHa1(input.username, challenge.realm, input.password ?? '', baseAlgorithm),
    algorithm: challenge.algorithm,
    method: input.method,
    uri: input.uri,
    nonce: challenge.nonce,
    ...(qop === undefined ? {} : { qop, nc, cnonce: input.cnonce }),
    ...(challenge.algorithm.endsWith('-sess') ? { cnonce: input.cnonce } : {}),
  });
  const parts = [
    `username=${quoteString(input.username)}`,
    `realm=${quoteString(challenge.realm)}`,
    `nonce=${quoteString(challenge.nonce)}`,
    `uri=${quoteString(input.uri)}`,
    `response=${quoteString(response)}`,
    `algorithm=${challenge.algorithm}`,
    ...(challenge.opaque === undefined ? [] : [`opaque=${quoteString(challenge.opaque)}`]),
    ...(qop === undefined ? [] : [`qop=${qop}`, `nc=${nc}`, `cnonce=${quoteString(input.cnonce)}`]),
  ];
  return `Digest ${parts.join(', ')}`;
}
