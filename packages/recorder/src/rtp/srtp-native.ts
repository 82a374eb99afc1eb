// SRTP decryption for the capture path in native code: the srtp-unprotect addon
// (packages/recorder/native/srtp-unprotect.c, OpenSSL's libcrypto, built by `make deps`) does what
// SrtpContext.unprotectRtp (srtp.ts, the reference) does — RFC 3711 §3.3 with AES-CM + HMAC-SHA1,
// RFC 6188, RFC 7714 AES-GCM; the same ROC estimate, replay list, MKI check and failure reasons —
// with every key scheduled once per stream instead of a node:crypto cipher or HMAC per packet.
// The session keys are derived here in TypeScript (srtp-kdf.ts) and handed to the addon once;
// SRTCP (a packet every few seconds) stays in TypeScript. Without the addon (not built, or it
// cannot load) the TypeScript SrtpContext is used: the two are checked against each other packet
// for packet (srtp-native.test.ts).
import { loadNativeAddon } from '../native-addon.js';
import { deriveSrtpSessionKeys } from './srtp-kdf.js';
import {
  SrtpContext,
  type SrtpFailureReason,
  type SrtpMasterKey,
  type SrtpSessionKeyed,
  type SrtpUnprotectResult,
} from './srtp.js';
import { srtpSuiteParameters, type SrtpCryptoSuite } from './srtp-suites.js';

/** What a receiver of SRTP needs: SrtpContext, or NativeSrtpContext. */
export interface SrtpReceiveContext {
  readonly suite: SrtpCryptoSuite;
  /** Dropped packets by reason, RTP and RTCP together. */
  readonly stats: Record<SrtpFailureReason, number>;
  /** Decrypt and authenticate one SRTP packet. */
  unprotectRtp(packet: Uint8Array): SrtpUnprotectResult;
  /** Authenticate and decrypt one SRTCP packet. */
  unprotectRtcp(packet: Uint8Array): SrtpUnprotectResult;
}

/** The addon's exports (srtp-unprotect.c). */
interface SrtpUnprotectAddon {
  create(
    gcm: boolean,
    encryptionKey: Uint8Array,
    authenticationKey: Uint8Array,
    salt: Uint8Array,
    tagLength: number,
    mkiLength: number,
    mki: Uint8Array | null,
  ): object;
  /** The decrypted length (written over the packet), or minus the reason's code. */
  unprotectRtp(context: object, packet: Uint8Array): number;
  /** The packet index of the last packet unprotectRtp accepted. */
  readonly index: Float64Array;
}

/** The addon's failure codes 1..6, in order. */
const REASONS: readonly SrtpFailureReason[] = [
  'too-short',
  'bad-header',
  'unknown-mki',
  'auth-failed',
  'replayed',
  'too-old',
];

const ADDON_FILE = 'srtp-unprotect.node';

function loadAddon(): SrtpUnprotectAddon | null {
  return loadNativeAddon<SrtpUnprotectAddon>(ADDON_FILE).addon;
}

/** Why the native SRTP addon is built but could not be loaded, or null. */
export function nativeSrtpLoadError(): Error | null {
  return loadNativeAddon<SrtpUnprotectAddon>(ADDON_FILE).error;
}

/** Whether SRTP is decrypted natively in this process. */
export function isNativeSrtpAvailable(): boolean {
  return loadAddon() !== null;
}

/**
 * An SRTP receive context whose RTP path is native. unprotectRtp decrypts in place: on success
 * the packet's first bytes become the decrypted RTP packet and the result is a view of them (the
 * capture's datagram buffer is valid during the call only anyway); a dropped packet is left as it
 * was. Everything else (SRTCP, the failure counters) is a TypeScript SrtpContext's.
 */
export class NativeSrtpContext implements SrtpReceiveContext {
  readonly suite: SrtpCryptoSuite;
  readonly stats: Record<SrtpFailureReason, number>;
  private readonly rtcp: SrtpContext;
  private readonly handle: object;
  private readonly index: Float64Array;

  constructor(
    private readonly addon: SrtpUnprotectAddon,
    key: SrtpMasterKey | SrtpSessionKeyed,
  ) {
    // The TypeScript context checks the key's lengths (RangeError) and keeps SRTCP.
    this.rtcp = new SrtpContext(key);
    this.suite = key.suite;
    this.stats = this.rtcp.stats;
    const params = srtpSuiteParameters(key.suite);
    const gcm = params.transform === 'aes-gcm';
    const keys =
      'masterKey' in key
        ? deriveSrtpSessionKeys(key.masterKey, key.masterSalt, false, !gcm)
        : key.rtp;
    const mkiLength = key.mkiLength ?? 0;
    this.handle = addon.create(
      gcm,
      keys.encryptionKey,
      keys.authenticationKey,
      keys.salt,
      params.rtpTagLength,
      mkiLength,
      key.mki ?? null,
    );
    this.index = addon.index;
  }

  unprotectRtp(packet: Uint8Array): SrtpUnprotectResult {
    const length = this.addon.unprotectRtp(this.handle, packet);
    if (length < 0) {
      const reason = REASONS[-length - 1]!;
      this.stats[reason]++;
      return { ok: false, reason };
    }
    return { ok: true, packet: packet.subarray(0, length), index: this.index[0]! };
  }

  unprotectRtcp(packet: Uint8Array): SrtpUnprotectResult {
    return this.rtcp.unprotectRtcp(packet);
  }
}

/** A native receive context for the key, or null when the addon is not loaded. */
export function createNativeSrtpContext(
  key: SrtpMasterKey | SrtpSessionKeyed,
): NativeSrtpContext | null {
  const addon = loadAddon();
  return addon ? new NativeSrtpContext(addon, key) : null;
}

/** The capture's receive context: native when the addon is loaded, TypeScript otherwise. */
export function createSrtpReceiveContext(
  key: SrtpMasterKey | SrtpSessionKeyed,
): SrtpReceiveContext {
  return createNativeSrtpContext(key) ?? new SrtpContext(key);
}
