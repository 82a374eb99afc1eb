// SRTP key derivation and the AES-CM keystream: RFC 3711 §4.1.1 (AES-CM), §4.3 (key derivation,
// the AES_CM PRF), RFC 6188 §5.1 (AES_256_CM_PRF: the same construction with a 256-bit key) and
// RFC 7714 §11 with erratum 4938 (the 96-bit GCM master salt is multiplied by 2^16, i.e. padded with
// two zero bytes, before it enters the same PRF). node:crypto is computation, not I/O.
import { createCipheriv, type Cipher } from 'node:crypto';

/** RFC 3711 §4.3.2 key derivation labels. */
export const SRTP_KEY_LABEL = {
  RTP_ENCRYPTION: 0x00,
  RTP_AUTHENTICATION: 0x01,
  RTP_SALT: 0x02,
  RTCP_ENCRYPTION: 0x03,
  RTCP_AUTHENTICATION: 0x04,
  RTCP_SALT: 0x05,
} as const;

/** HMAC-SHA1 session authentication key length (RFC 3711 §4.2.1: n_a = 160). */
export const SRTP_AUTH_KEY_LENGTH = 20;

export interface SrtpSessionKeys {
  encryptionKey: Buffer;
  /** Empty for the AEAD suites (GCM authenticates with the encryption key). */
  authenticationKey: Buffer;
  salt: Buffer;
}

function ctrAlgorithm(key: Uint8Array): 'aes-128-ctr' | 'aes-256-ctr' {
  if (key.length === 16) return 'aes-128-ctr';
  if (key.length === 32) return 'aes-256-ctr';
  throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
}

/**
 * AES-CM keystream (RFC 3711 §4.1.1): AES_k(IV), AES_k(IV + 1), ... where IV is a 128-bit
 * counter block whose low 16 bits are the block counter. Node's CTR mode increments the whole
 * block, which is the same as long as fewer than 2^16 blocks are requested (a packet is far
 * shorter). The key is AES-128 or AES-256 by its length (RFC 6188 §4).
 */
export function generateSrtpKeystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  return createCipheriv(ctrAlgorithm(key), key, iv).update(Buffer.alloc(length));
}

/**
 * AES-CM for one session key, cheaper per packet than a CTR cipher per packet: one AES-ECB
 * cipher is kept for the key, and each packet's keystream is the encryption of its counter
 * blocks IV, IV + 1, ... (RFC 3711 §4.1.1: the counter is the low 16 bits of the block), XORed
 * with the data. ECB without padding keeps no state between whole-block calls.
 */
export class AesCmCipher {
  private readonly ecb: Cipher;
  private blocks = Buffer.alloc(16 * 16);

  constructor(key: Uint8Array) {
    const algorithm = key.length === 32 ? 'aes-256-ecb' : key.length === 16 ? 'aes-128-ecb' : '';
    if (algorithm === '') throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
    this.ecb = createCipheriv(algorithm, key, null);
    this.ecb.setAutoPadding(false);
  }

  /** data XOR keystream(iv): encryption and decryption alike. */
  transform(iv: Uint8Array, data: Uint8Array): Buffer {
    const count = Math.ceil(data.length / 16);
    if (count > 0xffff) throw new RangeError('AES-CM: at most 2^16 blocks per packet');
    if (this.blocks.length < count * 16) this.blocks = Buffer.alloc(count * 16);
    const blocks = this.blocks;
    for (let b = 0; b < count; b++) {
      const at = b * 16;
      blocks.set(iv, at);
      blocks[at + 14] = iv[14]! ^ (b >>> 8);
      blocks[at + 15] = iv[15]! ^ (b & 0xff);
    }
    const keystream = this.ecb.update(blocks.subarray(0, count * 16));
    const out = Buffer.allocUnsafe(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ keystream[i]!;
    return out;
  }
}

/**
 * RFC 3711 §4.3.1 with key_derivation_rate 0 (the SDES default): r = 0, so
 * x = (label << 48) XOR master_salt and the key is AES-CM(master_key, x * 2^16) truncated.
 * A 12-byte GCM master salt is padded with zeros to 14 bytes first (RFC 7714 erratum 4938).
 */
export function deriveSrtpKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Buffer {
  if (masterSalt.length > 14) throw new RangeError('SRTP master salt is at most 14 bytes');
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  // key_id = label || r (48 bits of zero): the label lands in byte 7 of the 14-byte salt field.
  iv[7]! ^= label;
  return generateSrtpKeystream(masterKey, iv, length);
}

/**
 * Session keys for SRTP (labels 0-2) or SRTCP (labels 3-5). The session key and salt have the
 * master key's and salt's lengths (RFC 3711 §8.2, RFC 6188 §6, RFC 7714 §12); `authenticated`
 * false (the AEAD suites) derives no HMAC key.
 */
export function deriveSrtpSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  rtcp = false,
  authenticated = true,
): SrtpSessionKeys {
  const base = rtcp ? SRTP_KEY_LABEL.RTCP_ENCRYPTION : SRTP_KEY_LABEL.RTP_ENCRYPTION;
  return {
    encryptionKey: deriveSrtpKey(masterKey, masterSalt, base, masterKey.length),
    authenticationKey: authenticated
      ? deriveSrtpKey(masterKey, masterSalt, base + 1, SRTP_AUTH_KEY_LENGTH)
      : Buffer.alloc(0),
    salt: deriveSrtpKey(masterKey, masterSalt, base + 2, masterSalt.length),
  };
}
