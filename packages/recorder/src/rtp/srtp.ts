// SRTP and SRTCP for the SDES crypto suites of srtp-suites.ts.
// RFC 3711: §3.1 packet format, §3.3.1 packet index / ROC estimation (srtp-replay.ts), §3.3.2
// replay list, §3.4 SRTCP, §4.1.1 AES counter mode, §4.2 HMAC-SHA1, §4.3 key derivation
// (srtp-kdf.ts). RFC 6188: the same transform with AES-256. RFC 7714: AES-GCM, where the RTP
// header (SRTCP: the first 8 bytes and the E/index word) is the associated data and the 16-byte
// tag follows the ciphertext.
// node:crypto is computation, not I/O: the module stays sans-I/O. Failures are returned as typed
// results so the media path can drop and count them without exceptions.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { AesCmCipher, deriveSrtpSessionKeys, type SrtpSessionKeys } from './srtp-kdf.js';
import { estimateSrtpRoc, SrtpReplayWindow } from './srtp-replay.js';
import {
  isSrtpCryptoSuite,
  srtpInlineKeyLength,
  srtpSuiteParameters,
  type SrtpCryptoSuite,
  type SrtpSuiteParameters,
} from './srtp-suites.js';

export interface SrtpMasterKey {
  suite: SrtpCryptoSuite;
  /** Master key: 16 bytes, or 32 for the AES-256 suites. */
  masterKey: Uint8Array;
  /** Master salt: 14 bytes (AES-CM suites) or 12 (GCM suites). */
  masterSalt: Uint8Array;
  /** Length of the MKI field carried in each packet (0 when the SDP line has no MKI). */
  mkiLength?: number;
  /**
   * The MKI value the key was signalled with (RFC 4568 §6.1), `mkiLength` bytes: packets carrying
   * another MKI are dropped (`unknown-mki`), since this context holds no key for them.
   */
  mki?: Uint8Array;
}

/**
 * A context keyed with session keys directly (RFC 7714's §16/§17 examples state session keys,
 * not a master key).
 */
export interface SrtpSessionKeyed {
  suite: SrtpCryptoSuite;
  rtp: SrtpSessionKeys;
  rtcp: SrtpSessionKeys;
  mkiLength?: number;
  mki?: Uint8Array;
}

interface SrtpStreamState {
  roc: number;
  highestSeq: number;
  replay: SrtpReplayWindow;
  /** Sender side: last sequence number sent, to bump the ROC on wrap. */
  lastSentSeq: number;
}

/** SRTCP carries its index explicitly (RFC 3711 §3.4), so its state is kept apart from RTP's. */
interface SrtcpStreamState {
  /** Next SRTCP index to send (protect side). */
  nextIndex: number;
  replay: SrtpReplayWindow;
}

export type SrtpFailureReason =
  'too-short' | 'bad-header' | 'unknown-mki' | 'auth-failed' | 'replayed' | 'too-old';

export type SrtpUnprotectResult =
  { ok: true; packet: Uint8Array; index: number } | { ok: false; reason: SrtpFailureReason };

const GCM_TAG_LENGTH = 16;

/**
 * One SRTP cryptographic context for a direction (RFC 3711 §3.2): one master key, per-SSRC
 * rollover counters and replay lists. Create one per a=crypto line.
 */
export class SrtpContext {
  readonly suite: SrtpCryptoSuite;
  private readonly params: SrtpSuiteParameters;
  private readonly rtpKeys: SrtpSessionKeys;
  private readonly rtcpKeys: SrtpSessionKeys;
  /** AES-CM suites: the session keys' ciphers and HMAC keys, made once. */
  private readonly rtpCm: { cipher: AesCmCipher; auth: KeyObject } | null;
  private readonly rtcpCm: { cipher: AesCmCipher; auth: KeyObject } | null;
  private readonly mkiLength: number;
  private readonly mki: Uint8Array | undefined;
  private readonly streams = new Map<number, SrtpStreamState>();
  private readonly rtcpStreams = new Map<number, SrtcpStreamState>();
  /** Dropped packets by reason, RTP and RTCP together, for the session's counters. */
  readonly stats: Record<SrtpFailureReason, number> = {
    'too-short': 0,
    'bad-header': 0,
    'unknown-mki': 0,
    'auth-failed': 0,
    replayed: 0,
    'too-old': 0,
  };

  constructor(key: SrtpMasterKey | SrtpSessionKeyed) {
    this.suite = key.suite;
    this.params = srtpSuiteParameters(key.suite);
    const gcm = this.params.transform === 'aes-gcm';
    if ('masterKey' in key) {
      if (
        key.masterKey.length !== this.params.keyLength ||
        key.masterSalt.length !== this.params.saltLength
      ) {
        throw new RangeError(
          `${key.suite} needs a ${this.params.keyLength}-byte master key and ` +
            `${this.params.saltLength}-byte master salt`,
        );
      }
      this.rtpKeys = deriveSrtpSessionKeys(key.masterKey, key.masterSalt, false, !gcm);
      this.rtcpKeys = deriveSrtpSessionKeys(key.masterKey, key.masterSalt, true, !gcm);
    } else {
      this.rtpKeys = key.rtp;
      this.rtcpKeys = key.rtcp;
    }
    const cm = (keys: SrtpSessionKeys) => ({
      cipher: new AesCmCipher(keys.encryptionKey),
      auth: createSecretKey(keys.authenticationKey),
    });
    this.rtpCm = gcm ? null : cm(this.rtpKeys);
    this.rtcpCm = gcm ? null : cm(this.rtcpKeys);
    this.mkiLength = key.mkiLength ?? 0;
    if (key.mki !== undefined && key.mki.length !== this.mkiLength) {
      throw new RangeError(`MKI value must be ${this.mkiLength} bytes`);
    }
    this.mki = key.mki;
  }

  private stream(ssrc: number, firstSeq: number): SrtpStreamState {
    let state = this.streams.get(ssrc);
    if (!state) {
      state = {
        roc: 0,
        highestSeq: firstSeq,
        replay: new SrtpReplayWindow(),
        lastSentSeq: -1,
      };
      this.streams.set(ssrc, state);
    }
    return state;
  }

  private rtcpStream(ssrc: number): SrtcpStreamState {
    let state = this.rtcpStreams.get(ssrc);
    if (!state) {
      state = { nextIndex: 1, replay: new SrtpReplayWindow() };
      this.rtcpStreams.set(ssrc, state);
    }
    return state;
  }

  private mkiMatches(packet: Uint8Array, offset: number): boolean {
    if (this.mki === undefined) return true;
    for (let i = 0; i < this.mkiLength; i++) {
      if (packet[offset + i] !== this.mki[i]) return false;
    }
    return true;
  }

  /*
   * RFC 3711 §3.1 (AES-CM):  | RTP header | encrypted payload | [MKI] | auth tag (10 or 4) |
   * RFC 7714 §8   (AES-GCM): | RTP header | encrypted payload | GCM tag (16) | [MKI] |
   */
  /** Decrypt and authenticate one SRTP packet (RFC 3711 §3.3, RFC 7714 §8). */
  unprotectRtp(packet: Uint8Array): SrtpUnprotectResult {
    const headerLength = measureRtpHeader(packet);
    if (headerLength < 0) return this.fail('bad-header');
    const tagLength = this.params.rtpTagLength;
    const trailer = tagLength + this.mkiLength;
    if (packet.length < headerLength + trailer) return this.fail('too-short');
    const gcm = this.params.transform === 'aes-gcm';
    const mkiOffset = gcm ? packet.length - this.mkiLength : packet.length - trailer;
    if (!this.mkiMatches(packet, mkiOffset)) return this.fail('unknown-mki');
    const seq = (packet[2]! << 8) | packet[3]!;
    const ssrc = readUint32(packet, 8);
    const known = this.streams.has(ssrc);
    const state = this.stream(ssrc, seq);
    const roc = known ? estimateSrtpRoc(seq, state.highestSeq, state.roc) : state.roc;
    const index = roc * 65536 + seq;

    const replay = state.replay.check(index);
    if (replay !== 'ok') {
      if (!known) this.streams.delete(ssrc);
      return this.fail(replay);
    }

    const payloadEnd = packet.length - trailer;
    const payload = gcm
      ? gcmOpen(
          this.rtpKeys.encryptionKey,
          rtpGcmIv(this.rtpKeys.salt, ssrc, roc, seq),
          [packet.subarray(0, headerLength)],
          packet.subarray(headerLength, payloadEnd),
          packet.subarray(payloadEnd, payloadEnd + GCM_TAG_LENGTH),
        )
      : this.openCm(packet, headerLength, payloadEnd, roc, ssrc, index);
    if (payload === null) {
      // Keep no state from a forged packet: it must not move the ROC or create a stream.
      if (!known) this.streams.delete(ssrc);
      return this.fail('auth-failed');
    }

    state.replay.record(index);
    const highestIndex = state.roc * 65536 + state.highestSeq;
    if (!known || index > highestIndex) {
      state.roc = roc;
      state.highestSeq = seq;
    }

    const out = new Uint8Array(headerLength + payload.length);
    out.set(packet.subarray(0, headerLength));
    out.set(payload, headerLength);
    return { ok: true, packet: out, index };
  }

  private openCm(
    packet: Uint8Array,
    headerLength: number,
    payloadEnd: number,
    roc: number,
    ssrc: number,
    index: number,
  ): Buffer | null {
    const tagLength = this.params.rtpTagLength;
    const tag = packet.subarray(packet.length - tagLength);
    // RFC 3711 §4.2: the tag covers header and encrypted payload (not the MKI), then the ROC.
    const expected = createHmac('sha1', this.rtpCm!.auth)
      .update(packet.subarray(0, payloadEnd))
      .update(uint32Bytes(roc))
      .digest()
      .subarray(0, tagLength);
    if (!timingSafeEqual(tag, expected)) return null;
    return this.rtpCm!.cipher.transform(
      cmIv(this.rtpKeys.salt, ssrc, index),
      packet.subarray(headerLength, payloadEnd),
    );
  }

  /**
   * Encrypt and authenticate one RTP packet (tests and the load generator). The ROC advances
   * when the sequence number wraps, as a sender's does (RFC 3711 §3.3.1).
   */
  protectRtp(packet: Uint8Array, mki?: Uint8Array): Uint8Array {
    const headerLength = measureRtpHeader(packet);
    if (headerLength < 0) throw new RangeError('not an RTP packet');
    const seq = (packet[2]! << 8) | packet[3]!;
    const ssrc = readUint32(packet, 8);
    const state = this.stream(ssrc, seq);
    if (state.lastSentSeq >= 0 && seq < state.lastSentSeq && state.lastSentSeq - seq > 32768) {
      state.roc = (state.roc + 1) >>> 0;
    }
    state.lastSentSeq = seq;
    const header = packet.subarray(0, headerLength);
    const mkiField = this.mkiBytes(mki);
    if (this.params.transform === 'aes-gcm') {
      const sealed = gcmSeal(
        this.rtpKeys.encryptionKey,
        rtpGcmIv(this.rtpKeys.salt, ssrc, state.roc, seq),
        [header],
        packet.subarray(headerLength),
      );
      return concatBytes(header, sealed, mkiField);
    }
    const index = state.roc * 65536 + seq;
    const body = this.rtpCm!.cipher.transform(
      cmIv(this.rtpKeys.salt, ssrc, index),
      packet.subarray(headerLength),
    );
    const authenticated = concatBytes(header, body);
    const tag = createHmac('sha1', this.rtpCm!.auth)
      .update(authenticated)
      .update(uint32Bytes(state.roc))
      .digest()
      .subarray(0, this.params.rtpTagLength);
    return concatBytes(authenticated, mkiField, tag);
  }

  /*
   * RFC 3711 §3.4 SRTCP packet: the first 8 bytes (header + sender SSRC) stay in clear.
   *
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |V=2|P|    RC   |   PT=SR or RR   |             length          |
   * |                         SSRC of sender                        |
   * |                 encrypted rest of the compound ...            |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |              [GCM tag (16 bytes): RFC 7714 §9 only]           |
   * |E|                         SRTCP index                         |
   * |       [SRTCP MKI] | [AES-CM: authentication tag (80 bits)]    |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   */
  /** Authenticate and decrypt one SRTCP packet (RFC 3711 §3.4, RFC 7714 §9). */
  unprotectRtcp(packet: Uint8Array): SrtpUnprotectResult {
    const gcm = this.params.transform === 'aes-gcm';
    const tagLength = this.params.rtcpTagLength;
    const trailer = 4 + this.mkiLength + tagLength;
    if (packet.length < 8 + trailer) return this.fail('too-short');
    if (packet[0]! >> 6 !== 2) return this.fail('bad-header');
    // AES-CM: ... | E+index | MKI | tag.  GCM: ... | tag | E+index | MKI.
    const indexOffset = gcm ? packet.length - this.mkiLength - 4 : packet.length - trailer;
    if (!this.mkiMatches(packet, indexOffset + 4)) return this.fail('unknown-mki');
    const eIndex = readUint32(packet, indexOffset);
    const encrypted = (eIndex & 0x80000000) !== 0;
    const index = eIndex & 0x7fffffff;
    const ssrc = readUint32(packet, 4);
    const state = this.rtcpStreams.get(ssrc);
    const replay = state ? state.replay.check(index) : 'ok';
    if (replay !== 'ok') return this.fail(replay);

    let out: Uint8Array;
    if (gcm) {
      const tagOffset = indexOffset - GCM_TAG_LENGTH;
      const iv = rtcpGcmIv(this.rtcpKeys.salt, ssrc, index);
      const eIndexBytes = packet.subarray(indexOffset, indexOffset + 4);
      const tag = packet.subarray(tagOffset, indexOffset);
      // RFC 7714 §9.2: with E = 0 the whole packet is associated data and nothing is encrypted.
      const plain = encrypted
        ? gcmOpen(
            this.rtcpKeys.encryptionKey,
            iv,
            [packet.subarray(0, 8), eIndexBytes],
            packet.subarray(8, tagOffset),
            tag,
          )
        : gcmOpen(
            this.rtcpKeys.encryptionKey,
            iv,
            [packet.subarray(0, tagOffset), eIndexBytes],
            new Uint8Array(0),
            tag,
          );
      if (plain === null) return this.fail('auth-failed');
      out = encrypted
        ? concatBytes(packet.subarray(0, 8), plain)
        : new Uint8Array(packet.subarray(0, tagOffset));
    } else {
      const tag = packet.subarray(packet.length - tagLength);
      const expected = createHmac('sha1', this.rtcpCm!.auth)
        .update(packet.subarray(0, indexOffset + 4))
        .digest()
        .subarray(0, tagLength);
      if (!timingSafeEqual(tag, expected)) return this.fail('auth-failed');
      out = new Uint8Array(indexOffset);
      out.set(packet.subarray(0, indexOffset));
      if (encrypted) {
        out.set(
          this.rtcpCm!.cipher.transform(
            cmIv(this.rtcpKeys.salt, ssrc, index),
            packet.subarray(8, indexOffset),
          ),
          8,
        );
      }
    }
    this.rtcpStream(ssrc).replay.record(index);
    return { ok: true, packet: out, index };
  }

  /** Encrypt and authenticate an RTCP compound packet; the SRTCP index counts from 1. */
  protectRtcp(packet: Uint8Array, mki?: Uint8Array): Uint8Array {
    if (packet.length < 8) throw new RangeError('RTCP packet shorter than 8 bytes');
    const ssrc = readUint32(packet, 4);
    const state = this.rtcpStream(ssrc);
    const index = state.nextIndex;
    state.nextIndex = (state.nextIndex + 1) & 0x7fffffff;
    const eIndex = uint32Bytes((0x80000000 | index) >>> 0);
    const mkiField = this.mkiBytes(mki);
    const header = packet.subarray(0, 8);
    if (this.params.transform === 'aes-gcm') {
      const sealed = gcmSeal(
        this.rtcpKeys.encryptionKey,
        rtcpGcmIv(this.rtcpKeys.salt, ssrc, index),
        [header, eIndex],
        packet.subarray(8),
      );
      return concatBytes(header, sealed, eIndex, mkiField);
    }
    const body = this.rtcpCm!.cipher.transform(
      cmIv(this.rtcpKeys.salt, ssrc, index),
      packet.subarray(8),
    );
    const authenticated = concatBytes(header, body, eIndex);
    const tag = createHmac('sha1', this.rtcpCm!.auth)
      .update(authenticated)
      .digest()
      .subarray(0, this.params.rtcpTagLength);
    return concatBytes(authenticated, mkiField, tag);
  }

  private fail(reason: SrtpFailureReason): SrtpUnprotectResult {
    this.stats[reason]++;
    return { ok: false, reason };
  }

  private mkiBytes(mki: Uint8Array | undefined): Uint8Array {
    if (this.mkiLength === 0) return new Uint8Array(0);
    const value = mki ?? this.mki;
    if (!value || value.length !== this.mkiLength) {
      throw new RangeError(`this context needs a ${this.mkiLength}-byte MKI`);
    }
    return value;
  }
}

/** AES-CM IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16) — RFC 3711 §4.1.1. */
function cmIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.set(salt, 0);
  iv[4]! ^= (ssrc >>> 24) & 0xff;
  iv[5]! ^= (ssrc >>> 16) & 0xff;
  iv[6]! ^= (ssrc >>> 8) & 0xff;
  iv[7]! ^= ssrc & 0xff;
  // 48-bit index into bytes 8..13; split to stay within exact integer arithmetic.
  const high = Math.floor(index / 0x100000000);
  const low = index >>> 0;
  iv[8]! ^= (high >>> 8) & 0xff;
  iv[9]! ^= high & 0xff;
  iv[10]! ^= (low >>> 24) & 0xff;
  iv[11]! ^= (low >>> 16) & 0xff;
  iv[12]! ^= (low >>> 8) & 0xff;
  iv[13]! ^= low & 0xff;
  return iv;
}

/** RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR the 12-byte session salt. */
function rtpGcmIv(salt: Uint8Array, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc >>> 0, 2);
  iv.writeUInt32BE(roc >>> 0, 6);
  iv.writeUInt16BE(seq, 10);
  for (let i = 0; i < 12; i++) iv[i]! ^= salt[i]!;
  return iv;
}

/** RFC 7714 §9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR the session salt. */
function rtcpGcmIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc >>> 0, 2);
  iv.writeUInt32BE(index & 0x7fffffff, 8);
  for (let i = 0; i < 12; i++) iv[i]! ^= salt[i]!;
  return iv;
}

function gcmAlgorithm(key: Uint8Array): 'aes-128-gcm' | 'aes-256-gcm' {
  return key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
}

/** AES-GCM decryption; null when the tag does not verify. */
function gcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  aad: readonly Uint8Array[],
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Buffer | null {
  const decipher = createDecipheriv(gcmAlgorithm(key), key, iv, {
    authTagLength: GCM_TAG_LENGTH,
  });
  decipher.setAAD(aad.length === 1 ? aad[0]! : Buffer.concat(aad));
  decipher.setAuthTag(tag);
  const plain = decipher.update(ciphertext);
  try {
    decipher.final();
  } catch {
    return null;
  }
  return plain;
}

/** AES-GCM encryption: ciphertext followed by the 16-byte tag. */
function gcmSeal(
  key: Uint8Array,
  iv: Uint8Array,
  aad: readonly Uint8Array[],
  plaintext: Uint8Array,
): Buffer {
  const cipher = createCipheriv(gcmAlgorithm(key), key, iv, { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(aad.length === 1 ? aad[0]! : Buffer.concat(aad));
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()]);
}

/** RTP header length (fixed + CSRC + extension), or -1 if the bytes cannot be RTP. */
function measureRtpHeader(packet: Uint8Array): number {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return -1;
  let length = 12 + (packet[0]! & 0x0f) * 4;
  if ((packet[0]! & 0x10) !== 0) {
    if (packet.length < length + 4) return -1;
    length += 4 + ((packet[length + 2]! << 8) | packet[length + 3]!) * 4;
  }
  return packet.length < length ? -1 : length;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) |
      (bytes[offset + 1]! << 16) |
      (bytes[offset + 2]! << 8) |
      bytes[offset + 3]!) >>>
    0
  );
}

function uint32Bytes(value: number): Uint8Array {
  return Uint8Array.of(
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export type SrtpSdesContextResult =
  { ok: true; context: SrtpContext } | { ok: false; reason: string };

/**
 * Build a context from the crypto-suite and key-params of an SDES a=crypto line
 * (RFC 4568 §9.1: `a=crypto:<tag> <crypto-suite> <key-params>`). Unsupported suites, other key
 * methods and malformed keys give `ok: false` so the offer's line can be declined.
 */
export function createSrtpContextFromSdes(suite: string, keyParams: string): SrtpSdesContextResult {
  if (!isSrtpCryptoSuite(suite)) return { ok: false, reason: `unsupported crypto suite ${suite}` };
  const key = decodeSrtpInlineKey(keyParams, suite);
  if (!key.ok) return key;
  return {
    ok: true,
    context: new SrtpContext({
      suite,
      masterKey: key.masterKey,
      masterSalt: key.masterSalt,
      mkiLength: key.mkiLength,
      ...(key.mki === undefined ? {} : { mki: key.mki }),
    }),
  };
}

export type SrtpInlineKeyResult =
  | {
      ok: true;
      masterKey: Uint8Array;
      masterSalt: Uint8Array;
      mkiLength: number;
      /** The MKI value as the bytes each packet carries (big-endian, `mkiLength` bytes). */
      mki?: Uint8Array;
    }
  | { ok: false; reason: string };

/**
 * Decode the key-params of an SDES a=crypto line (RFC 4568 §6.1):
 * `inline:<base64 key||salt>[|lifetime][|MKI:length]`, with the key and salt lengths of the suite
 * (default AES_CM_128: 16 + 14 bytes).
 */
export function decodeSrtpInlineKey(
  keyParams: string,
  suite: SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80',
): SrtpInlineKeyResult {
  const match = /^inline:([A-Za-z0-9+/=]+)((?:\|[^|]*)*)$/.exec(keyParams.trim());
  if (!match) return { ok: false, reason: 'key-params must start with inline:' };
  const material = Buffer.from(match[1]!, 'base64');
  const expected = srtpInlineKeyLength(suite);
  if (material.length !== expected) {
    return { ok: false, reason: `key||salt is ${material.length} bytes, expected ${expected}` };
  }
  let mkiLength = 0;
  let mki: Uint8Array | undefined;
  for (const part of (match[2] ?? '').split('|').slice(1)) {
    const field = /^(\d{1,128}):(\d{1,3})$/.exec(part);
    if (!field) continue;
    mkiLength = Number(field[2]);
    // RFC 4568 §6.1: the MKI length is 1 to 128 bytes and the value must fit in it.
    if (mkiLength < 1 || mkiLength > 128) {
      return { ok: false, reason: `MKI length ${mkiLength} is outside 1..128` };
    }
    const value = BigInt(field[1]!);
    if (value >> BigInt(8 * mkiLength) !== 0n) {
      return { ok: false, reason: `MKI value ${field[1]} does not fit in ${mkiLength} bytes` };
    }
    mki = new Uint8Array(mkiLength);
    let rest = value;
    for (let i = mkiLength - 1; i >= 0; i--) {
      mki[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  const keyLength = srtpSuiteParameters(suite).keyLength;
  return {
    ok: true,
    masterKey: new Uint8Array(material.subarray(0, keyLength)),
    masterSalt: new Uint8Array(material.subarray(keyLength)),
    mkiLength,
    ...(mki === undefined ? {} : { mki }),
  };
}
