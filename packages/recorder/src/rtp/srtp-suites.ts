// The SDES crypto suites the recorder implements and their transform parameters:
//   RFC 4568 §6.2.1/§6.2.2  AES_CM_128_HMAC_SHA1_80 / _32 (RFC 3711 AES-CM + HMAC-SHA1)
//   RFC 6188 §3/§6          AES_256_CM_HMAC_SHA1_80 (256-bit AES-CM, AES_256_CM_PRF key derivation)
//   RFC 7714 §12/§14.1      AEAD_AES_128_GCM / AEAD_AES_256_GCM (AES-GCM, 96-bit salt, 16-byte tag)
// SRTCP always carries an 80-bit HMAC tag with the AES-CM suites (RFC 4568 §6.2.2 for _32) and the
// 16-byte GCM tag with the AEAD suites.

export type SrtpCryptoSuite =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AES_256_CM_HMAC_SHA1_80'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM';

export interface SrtpSuiteParameters {
  readonly name: SrtpCryptoSuite;
  /** AES counter mode with an HMAC-SHA1 tag, or AES-GCM (an AEAD: no separate auth key). */
  readonly transform: 'aes-cm' | 'aes-gcm';
  /** Master (and session) encryption key length in bytes. */
  readonly keyLength: 16 | 32;
  /** Master (and session) salt length in bytes: 14 for AES-CM, 12 for GCM. */
  readonly saltLength: 14 | 12;
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  /**
   * Strength order for the answer (higher is stronger): key length first, then an AEAD over
   * AES-CM + HMAC, then the longer tag.
   */
  readonly strength: number;
}

const SUITES: Readonly<Record<SrtpCryptoSuite, SrtpSuiteParameters>> = {
  AES_CM_128_HMAC_SHA1_32: {
    name: 'AES_CM_128_HMAC_SHA1_32',
    transform: 'aes-cm',
    keyLength: 16,
    saltLength: 14,
    rtpTagLength: 4,
    rtcpTagLength: 10,
    strength: 1,
  },
  AES_CM_128_HMAC_SHA1_80: {
    name: 'AES_CM_128_HMAC_SHA1_80',
    transform: 'aes-cm',
    keyLength: 16,
    saltLength: 14,
    rtpTagLength: 10,
    rtcpTagLength: 10,
    strength: 2,
  },
  AEAD_AES_128_GCM: {
    name: 'AEAD_AES_128_GCM',
    transform: 'aes-gcm',
    keyLength: 16,
    saltLength: 12,
    rtpTagLength: 16,
    rtcpTagLength: 16,
    strength: 3,
  },
  AES_256_CM_HMAC_SHA1_80: {
    name: 'AES_256_CM_HMAC_SHA1_80',
    transform: 'aes-cm',
    keyLength: 32,
    saltLength: 14,
    rtpTagLength: 10,
    rtcpTagLength: 10,
    strength: 4,
  },
  AEAD_AES_256_GCM: {
    name: 'AEAD_AES_256_GCM',
    transform: 'aes-gcm',
    keyLength: 32,
    saltLength: 12,
    rtpTagLength: 16,
    rtcpTagLength: 16,
    strength: 5,
  },
};

/** Every implemented suite, strongest first. */
export const SRTP_CRYPTO_SUITES: readonly SrtpCryptoSuite[] = Object.values(SUITES)
  .sort((a, b) => b.strength - a.strength)
  .map((s) => s.name);

/** Whether an SDES crypto-suite name (RFC 4568 §6.2) is one this module implements. */
export function isSrtpCryptoSuite(name: string): name is SrtpCryptoSuite {
  return Object.prototype.hasOwnProperty.call(SUITES, name);
}

export function srtpSuiteParameters(suite: SrtpCryptoSuite): SrtpSuiteParameters {
  return SUITES[suite];
}

/** Bytes of an SDES inline key for the suite: master key || master salt (RFC 4568 §6.1). */
export function srtpInlineKeyLength(suite: SrtpCryptoSuite): number {
  const p = SUITES[suite];
  return p.keyLength + p.saltLength;
}
