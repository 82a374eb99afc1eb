// Which of the trunks that allow a source an INVITE comes on, by digest (RFC 3261 §22.4,
// RFC 7616): the host supplies each trunk's stored credentials (username, realm, H(A1)); this
// reads the Authorization header, checks it with a stateless nonce and decides:
//
//   credentials for a trunk's username and realm ─► right response, fresh nonce: that trunk
//                                                    right response, old nonce: 401 stale=true
//                                                    nonce not ours (other key, restart): 401
//                                                    anything else wrong: 403, for good
//   otherwise ─► a trunk without credentials: that trunk
//               else 401 with the first credentialed trunk's realm
import {
  buildDigestChallenge,
  createDigestNonce,
  parseDigestCredentials,
  verifyDigestCredentials,
} from './digest-auth.js';

/** What a trunk stores to check digest credentials with. */
export interface DigestAccount {
  readonly username: string;
  readonly realm: string;
  /** H(username:realm:password), MD5 in hex (RFC 7616 §3.4.2). */
  readonly ha1: string;
}

export interface DigestProtectedTrunk {
  /** Absent: the trunk's source networks are enough. */
  readonly digest?: DigestAccount;
}

export interface TrunkDigestInput {
  /** The Authorization header value, when the request has one. */
  readonly authorization?: string;
  readonly method: string;
  /** Key of the stateless nonces; asked for only when a trunk has credentials. */
  readonly secret: () => Uint8Array;
  readonly nowMs: number;
  /** How long a nonce stays fresh. */
  readonly nonceMaxAgeMs: number;
}

export type TrunkDigestVerdict<T> =
  | { readonly ok: true; readonly trunk: T }
  | {
      readonly ok: false;
      readonly status: 401;
      readonly reason: string;
      /** The WWW-Authenticate value (RFC 3261 §22.4). */
      readonly challenge: string;
    }
  | { readonly ok: false; readonly status: 403; readonly reason: string };

/**
 * Picks the trunk an INVITE comes on among `trunks` (those allowing its source, in the host's
 * order of preference), checking digest credentials where a trunk has them.
 */
export function authenticateTrunk<T extends DigestProtectedTrunk>(
  trunks: readonly T[],
  input: TrunkDigestInput,
): TrunkDigestVerdict<T> {
  const challenge = (account: DigestAccount, reason: string, stale = false) =>
    ({
      ok: false,
      status: 401,
      reason,
      challenge: buildDigestChallenge({
        realm: account.realm,
        nonce: createDigestNonce(input.secret(), account.realm, input.nowMs),
        stale,
      }),
    }) as const;

  const credentials =
    input.authorization === undefined ? undefined : parseDigestCredentials(input.authorization);
  const withDigest = trunks.filter((t) => t.digest !== undefined);
  if (credentials) {
    const trunk = withDigest.find(
      (t) => t.digest?.username === credentials.username && t.digest.realm === credentials.realm,
    );
    if (trunk?.digest) {
      const verdict = verifyDigestCredentials({
        credentials,
        method: input.method,
        username: trunk.digest.username,
        realm: trunk.digest.realm,
        ha1: trunk.digest.ha1,
        secret: input.secret(),
        nowMs: input.nowMs,
        nonceMaxAgeMs: input.nonceMaxAgeMs,
      });
      if (verdict.ok) return { ok: true, trunk };
      if (verdict.stale) return challenge(trunk.digest, 'digest nonce is stale', true);
      // A nonce another recorder issued (or one from before a restart): ask again.
      if (verdict.reason.startsWith('nonce')) return challenge(trunk.digest, verdict.reason);
      return { ok: false, status: 403, reason: `digest authentication failed: ${verdict.reason}` };
    }
  }
  const open = trunks.find((t) => t.digest === undefined);
  if (open) return { ok: true, trunk: open };
  const first = withDigest[0]?.digest;
  if (!first) return { ok: false, status: 403, reason: 'no usable recording trunk' };
  return challenge(
    first,
    credentials ? 'credentials for an unknown user or realm' : 'the trunk requires credentials',
  );
}
