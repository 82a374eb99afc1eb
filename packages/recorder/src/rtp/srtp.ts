// SRTP and SRTCP with the SDES crypto suites AES_CM_128_HMAC_SHA1_80 and _32.
// RFC 3711: §3.1 packet format, §3.3.1 packet index / ROC estimation (Appendix A), §3.3.2 replay
// list, §3.4 SRTCP, §4.1.1 AES counter mode, §4.2 HMAC-SHA1, §4.3 key derivation.
// RFC 4568 §6.2: suite parameters (SRTCP keeps an 80-bit tag even for the _32 suite).
// node:crypto is computation, not I/O: the module stays sans-I/O. Failures are returned as typed
// results so the media path can drop and count them without exceptions.
import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export type SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export const SRTP_CRYPTO_SUITES: readonly SrtpCryptoSuite[] = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
];

const MASTER_KEY_LENGTH = 16;
const MASTER_SALT_LENGTH = 14;
const AUTH_KEY_LENGTH = 20;
const SRTCP_TAG_LENGTH = 10;
/** RFC 3711 §3.3.2: the replay window "SHOULD be at least 64". */
export const SRTP_REPLAY_WINDOW = 128;

export interface SrtpMasterKey {
  suite: SrtpCryptoSuite;
  /** 128-bit master key. */
  masterKey: Uint8Array;
  /** 112-bit master salt. */
  masterSalt: Uint8Array;
  /** Length of the MKI field carried in each packet (0 when the SDP line has no MKI). */
  mkiLength?: number;
}

export interface SrtpSessionKeys {
  encryptionKey: Buffer;
  authenticationKey: Buffer;
  salt: Buffer;
}

/** RFC 3711 §4.3.2 key derivation labels. */
export const SRTP_KEY_LABEL = {
  RTP_ENCRYPTION: 0x00,
  RTP_AUTHENTICATION: 0x01,
  RTP_SALT: 0x02,
  RTCP_ENCRYPTION: 0x03,
  RTCP_AUTHENTICATION: 0x04,
  RTCP_SALT: 0x05,
} as const;

/**
 * AES-CM keystream (RFC 3711 §4.1.1): AES_k(IV), AES_k(IV + 1), ... where IV is a 128-bit
 * counter block whose low 16 bits are the block counter. Node's CTR mode increments the whole
 * block, which is the same as long as fewer than 2^16 blocks are requested (a packet is far
 * shorter).
 */
export function generateSrtpKeystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  return cipher.update(Buffer.alloc(length));
}

function xorWithKeystream(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  return cipher.update(data);
}

/**
 * RFC 3711 §4.3.1 with key_derivation_rate 0 (the SDES default): r = 0, so
 * x = (label << 48) XOR master_salt and the key is AES-CM(master_key, x * 2^16) truncated.
 */
export function deriveSrtpKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(masterSalt).copy(iv, 0, 0, MASTER_SALT_LENGTH);
  // key_id = label || r (48 bits of zero): the label lands in byte 7 of the 14-byte salt field.
  iv[7]! ^= label;
  return generateSrtpKeystream(masterKey, iv, length);
}

/** Session keys for SRTP (labels 0-2) or SRTCP (labels 3-5). */
export function deriveSrtpSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  rtcp = false,
): SrtpSessionKeys {
  const base = rtcp ? SRTP_KEY_LABEL.RTCP_ENCRYPTION : SRTP_KEY_LABEL.RTP_ENCRYPTION;
  return {
    encryptionKey: deriveSrtpKey(masterKey, masterSalt, base, MASTER_KEY_LENGTH),
    authenticationKey: deriveSrtpKey(masterKey, masterSalt, base + 1, AUTH_KEY_LENGTH),
    salt: deriveSrtpKey(masterKey, masterSalt, base + 2, MASTER_SALT_LENGTH),
  };
}

/** IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16) — RFC 3711 §4.1.1. */
function buildSrtpIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).copy(iv, 0, 0, MASTER_SALT_LENGTH);
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

function computeTag(authKey: Uint8Array, parts: readonly Uint8Array[], length: number): Buffer {
  const hmac = createHmac('sha1', authKey);
  for (const part of parts) hmac.update(part);
  return hmac.digest().subarray(0, length);
}

function rtpTagLength(suite: SrtpCryptoSuite): number {
  return suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;
}

/**
 * RFC 3711 §3.3.2 replay list as a sliding window over the highest index seen. Each slot keeps
 * the index it last recorded, so a slot reused by a newer index reads as "not received".
 */
export class SrtpReplayWindow {
  private highest = -1;
  private readonly slots: Float64Array;

  constructor(private readonly size: number = SRTP_REPLAY_WINDOW) {
    this.slots = new Float64Array(size).fill(-1);
  }

  /** 'ok' when the index may be accepted, else why not. Does not record it. */
  check(index: number): 'ok' | 'replayed' | 'too-old' {
    if (index > this.highest) return 'ok';
    if (this.highest - index >= this.size) return 'too-old';
    return this.slots[index % this.size] === index ? 'replayed' : 'ok';
  }

  /** Record an authenticated index (RFC 3711 §3.3: update only after authentication). */
  record(index: number): void {
    this.slots[index % this.size] = index;
    if (index > this.highest) this.highest = index;
  }
}

/**
 * RFC 3711 §3.3.1 / Appendix A: guess the ROC of a packet from the highest sequence number s_l
 * and the current ROC, choosing the index closest to s_l.
 */
export function estimateSrtpRoc(sequenceNumber: number, highestSeq: number, roc: number): number {
  if (highestSeq < 32768) {
    return sequenceNumber - highestSeq > 32768 ? (roc - 1) >>> 0 : roc;
  }
  return highestSeq - 32768 > sequenceNumber ? (roc + 1) >>> 0 : roc;
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

export type SrtpFailureReason = 'too-short' | 'bad-header' | 'auth-failed' | 'replayed' | 'too-old';

export type SrtpUnprotectResult =
  { ok: true; packet: Uint8Array; index: number } | { ok: false; reason: SrtpFailureReason };

/**
 * One SRTP cryptographic context for a direction (RFC 3711 §3.2): one master key, per-SSRC
 * rollover counters and replay lists. Create one per a=crypto line.
 */
export class SrtpContext {
  readonly suite: SrtpCryptoSuite;
  private readonly rtpKeys: SrtpSessionKeys;
  private readonly rtcpKeys: SrtpSessionKeys;
  private readonly tagLength: number;
  private readonly mkiLength: number;
  private readonly streams = new Map<number, SrtpStreamState>();
  private readonly rtcpStreams = new Map<number, SrtcpStreamState>();
  /** Dropped packets by reason, RTP and RTCP together, for the session's counters. */
  readonly stats: Record<SrtpFailureReason, number> = {
    'too-short': 0,
    'bad-header': 0,
    'auth-failed': 0,
    replayed: 0,
    'too-old': 0,
  };

  constructor(key: SrtpMasterKey) {
    if (
      key.masterKey.length !== MASTER_KEY_LENGTH ||
      key.masterSalt.length !== MASTER_SALT_LENGTH
    ) {
      throw new RangeError('SRTP master key must be 16 bytes and master salt 14 bytes');
    }
    this.suite = key.suite;
    this.rtpKeys = deriveSrtpSessionKeys(key.masterKey, key.masterSalt, false);
    this.rtcpKeys = deriveSrtpSessionKeys(key.masterKey, key.masterSalt, true);
    this.tagLength = rtpTagLength(key.suite);
    this.mkiLength = key.mkiLength ?? 0;
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

  /** Decrypt and authenticate one SRTP packet (RFC 3711 §3.3). */
  unprotectRtp(packet: Uint8Array): SrtpUnprotectResult {
    const headerLength = measureRtpHeader(packet);
    if (headerLength < 0) return this.fail('bad-header');
    const trailer = this.tagLength + this.mkiLength;
    if (packet.length < headerLength + trailer) return this.fail('too-short');
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

    const authEnd = packet.length - trailer;
    const tag = packet.subarray(packet.length - this.tagLength);
    const expected = computeTag(
      this.rtpKeys.authenticationKey,
      [packet.subarray(0, authEnd), uint32Bytes(roc)],
      this.tagLength,
    );
    if (!timingSafeEqual(tag, expected)) {
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

    const out = new Uint8Array(authEnd);
    out.set(packet.subarray(0, headerLength));
    const iv = buildSrtpIv(this.rtpKeys.salt, ssrc, index);
    out.set(
      xorWithKeystream(this.rtpKeys.encryptionKey, iv, packet.subarray(headerLength, authEnd)),
      headerLength,
    );
    return { ok: true, packet: out, index };
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
    const index = state.roc * 65536 + seq;
    const iv = buildSrtpIv(this.rtpKeys.salt, ssrc, index);
    const body = xorWithKeystream(this.rtpKeys.encryptionKey, iv, packet.subarray(headerLength));
    const authenticated = new Uint8Array(packet.length);
    authenticated.set(packet.subarray(0, headerLength));
    authenticated.set(body, headerLength);
    const tag = computeTag(
      this.rtpKeys.authenticationKey,
      [authenticated, uint32Bytes(state.roc)],
      this.tagLength,
    );
    return concatBytes(authenticated, this.mkiBytes(mki), tag);
  }

  /*
   * RFC 3711 §3.4 SRTCP packet: the first 8 bytes (header + sender SSRC) stay in clear.
   *
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |V=2|P|    RC   |   PT=SR or RR   |             length          |
   * |                         SSRC of sender                        |
   * |                 encrypted rest of the compound ...            |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |E|                         SRTCP index                         |
   * |                    [SRTCP MKI] | authentication tag (80 bits)  |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   */
  /** Authenticate and decrypt one SRTCP packet (RFC 3711 §3.4). */
  unprotectRtcp(packet: Uint8Array): SrtpUnprotectResult {
    const trailer = 4 + this.mkiLength + SRTCP_TAG_LENGTH;
    if (packet.length < 8 + trailer) return this.fail('too-short');
    if (packet[0]! >> 6 !== 2) return this.fail('bad-header');
    const indexOffset = packet.length - trailer;
    const eIndex = readUint32(packet, indexOffset);
    const encrypted = (eIndex & 0x80000000) !== 0;
    const index = eIndex & 0x7fffffff;
    const ssrc = readUint32(packet, 4);
    const state = this.rtcpStreams.get(ssrc);
    const replay = state ? state.replay.check(index) : 'ok';
    if (replay !== 'ok') return this.fail(replay);

    const tag = packet.subarray(packet.length - SRTCP_TAG_LENGTH);
    const expected = computeTag(
      this.rtcpKeys.authenticationKey,
      [packet.subarray(0, indexOffset + 4)],
      SRTCP_TAG_LENGTH,
    );
    if (!timingSafeEqual(tag, expected)) return this.fail('auth-failed');
    this.rtcpStream(ssrc).replay.record(index);

    const out = new Uint8Array(indexOffset);
    out.set(packet.subarray(0, indexOffset));
    if (encrypted) {
      const iv = buildSrtpIv(this.rtcpKeys.salt, ssrc, index);
      out.set(
        xorWithKeystream(this.rtcpKeys.encryptionKey, iv, packet.subarray(8, indexOffset)),
        8,
      );
    }
    return { ok: true, packet: out, index };
  }

  /** Encrypt and authenticate an RTCP compound packet; the SRTCP index counts from 1. */
  protectRtcp(packet: Uint8Array, mki?: Uint8Array): Uint8Array {
    if (packet.length < 8) throw new RangeError('RTCP packet shorter than 8 bytes');
    const ssrc = readUint32(packet, 4);
    const state = this.rtcpStream(ssrc);
    const index = state.nextIndex;
    state.nextIndex = (state.nextIndex + 1) & 0x7fffffff;
    const iv = buildSrtpIv(this.rtcpKeys.salt, ssrc, index);
    const body = xorWithKeystream(this.rtcpKeys.encryptionKey, iv, packet.subarray(8));
    const authenticated = concatBytes(
      packet.subarray(0, 8),
      body,
      uint32Bytes((0x80000000 | index) >>> 0),
    );
    const tag = computeTag(this.rtcpKeys.authenticationKey, [authenticated], SRTCP_TAG_LENGTH);
    return concatBytes(authenticated, this.mkiBytes(mki), tag);
  }

  private fail(reason: SrtpFailureReason): SrtpUnprotectResult {
    this.stats[reason]++;
    return { ok: false, reason };
  }

  private mkiBytes(mki: Uint8Array | undefined): Uint8Array {
    if (this.mkiLength === 0) return new Uint8Array(0);
    if (!mki || mki.length !== this.mkiLength) {
      throw new RangeError(`this context needs a ${this.mkiLength}-byte MKI`);
    }
    return mki;
  }
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

/** Whether an SDES crypto-suite name (RFC 4568 §6.2) is one this module implements. */
export function isSrtpCryptoSuite(name: string): name is SrtpCryptoSuite {
  return (SRTP_CRYPTO_SUITES as readonly string[]).includes(name);
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
  const key = decodeSrtpInlineKey(keyParams);
  if (!key.ok) return key;
  return {
    ok: true,
    context: new SrtpContext({
      suite,
      masterKey: key.masterKey,
      masterSalt: key.masterSalt,
      mkiLength: key.mkiLength,
    }),
  };
}

export type SrtpInlineKeyResult =
  | { ok: true; masterKey: Uint8Array; masterSalt: Uint8Array; mkiLength: number }
  | { ok: false; reason: string };

/**
 * Decode the key-params of an SDES a=crypto line (RFC 4568 §6.1):
 * `inline:<base64 key||salt>[|lifetime][|MKI:length]`.
 */
export function decodeSrtpInlineKey(keyParams: string): SrtpInlineKeyResult {
  const match = /^inline:([A-Za-z0-9+/=]+)((?:\|[^|]*)*)$/.exec(keyParams.trim());
  if (!match) return { ok: false, reason: 'key-params must start with inline:' };
  const material = Buffer.from(match[1]!, 'base64');
  if (material.length !== MASTER_KEY_LENGTH + MASTER_SALT_LENGTH) {
    return { ok: false, reason: `key||salt is ${material.length} bytes, expected 30` };
  }
  let mkiLength = 0;
  for (const part of (match[2] ?? '').split('|').slice(1)) {
    const mki = /^(\d+):(\d+)$/.exec(part);
    if (mki) mkiLength = Number(mki[2]);
  }
  return {
    ok: true,
    masterKey: new Uint8Array(material.subarray(0, MASTER_KEY_LENGTH)),
    masterSalt: new Uint8Array(material.subarray(MASTER_KEY_LENGTH)),
    mkiLength,
  };
}
