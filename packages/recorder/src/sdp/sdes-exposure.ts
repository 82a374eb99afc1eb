// RFC 4568 §8.3: SDES carries the SRTP master keys in the SDP itself, so they are only as secret
// as the signalling that carries them. Over UDP or TCP anyone on the path can read them and
// decrypt the media; only a protected hop (TLS) keeps them private. The recorder still answers
// such offers (some SBCs send SRTP over cleartext SIP), and the host counts and flags them.

/** The SDES exposure of a session: which suites its streams use and whether their keys travelled in clear. */
export interface SdesKeyExposure {
  /** Suites of the session's SRTP streams, in stream order, without repeats. */
  readonly suites: readonly string[];
  /** True when the session has SRTP streams and its SIP came over a transport without TLS. */
  readonly keysSentInClear: boolean;
}

/** Transports whose hop protects the SDP body (and with it the SDES keys). */
const PROTECTED_TRANSPORTS: ReadonlySet<string> = new Set(['tls', 'wss']);

export function sdesKeyExposure(
  signallingTransport: string,
  streams: ReadonlyArray<{ readonly srtp?: { readonly suite: string } | undefined }>,
): SdesKeyExposure {
  const suites = [...new Set(streams.flatMap((s) => (s.srtp ? [s.srtp.suite] : [])))];
  return {
    suites,
    keysSentInClear:
      suites.length > 0 && !PROTECTED_TRANSPORTS.has(signallingTransport.toLowerCase()),
  };
}
