// SIP digest authentication (RFC 3261 §22.4, RFC 7616): pure functions, no state.
//
//   parseDigestCredentials(authorizationValue) → DigestCredentials | undefined
//   computeDigestHa1(user, realm, password) / computeDigestResponse({ ha1, method, uri, nonce, ... })
//   createDigestNonce(secret, realm, nowMs) / checkDigestNonce(...) → 'valid' | 'stale' | 'invalid'
//   buildDigestChallenge({ realm, nonce, stale? }) → WWW-Authenticate value
//   verifyDigestCredentials({ credentials, method, username, realm, ha1, secret, nowMs })
//   authenticateTrunk(trunks with their stored credentials, { authorization, method, secret, ... })
//     → the trunk, 401 with a challenge, or 403
export * from './digest-auth.js';
export * from './trunk-digest.js';
export * from './digest-client.js';
