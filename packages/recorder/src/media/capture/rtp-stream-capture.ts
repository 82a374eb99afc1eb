// The socket shell of one answered stream (RFC 3550 §11: RTP on an even port, RTCP on port + 1).
// Media is accepted from one source at a time, as the latch (rtp-source-latch.ts) decides: the
// SRC's offered address, or in `first-source` mode the first sender within the latch window (NAT),
// and a new sender after a re-offer or an SSRC change; everything else is counted and ignored.
// SRTP (RFC 3711 §3.3, any suite of rtp/srtp-suites.ts) is removed here when the stream is keyed
// (natively when the srtp-unprotect addon is built: rtp/srtp-native.ts) and SRTCP authenticated;
// authentication failures and replays are dropped and counted. Accepted packets go to the journal
// as received: no decoding on the capture path. The sockets come from a UdpReceiver
// (udp-receiver.ts): the batched native one by default, Node's dgram as the fallback.
import { isRtcpPacket } from '../../rtp/rtcp-packet.js';
import { parseRtpPacket } from '../../rtp/rtp-packet.js';
import {
  createSrtpContextFromSdes,
  decodeSrtpInlineKey,
  type SrtpContext,
  type SrtpFailureReason,
} from '../../rtp/srtp.js';
import { createSrtpReceiveContext, type SrtpReceiveContext } from '../../rtp/srtp-native.js';
import { isSrtpCryptoSuite } from '../../rtp/srtp-suites.js';
import type { RtpJournalRecord } from './rtp-journal-format.js';
import { RtpSourceLatch, type MediaLatchingMode } from './rtp-source-latch.js';
import {
  defaultUdpReceiver,
  type UdpReceiver,
  type UdpReceiverSocket,
  type UdpSource,
} from './udp-receiver.js';

export interface RtpStreamCaptureKey {
  readonly suite: string;
  /** Base64 master key and salt (RFC 4568 §9.1 inline key). */
  readonly keySalt: string;
  readonly mki?: { readonly value: string; readonly length: number };
}

export interface RtpStreamCaptureOptions {
  /** Local address to bind (the SIP host, or 0.0.0.0). */
  readonly host: string;
  readonly rtpPort: number;
  /** Default rtpPort + 1. */
  readonly rtcpPort?: number;
  /** The SRC's offered media address (the SDP `c=` line). */
  readonly expectedAddress?: string;
  /** Default `signalled`: only the offered address. */
  readonly latching?: MediaLatchingMode;
  /** How long after binding or a re-offer a new sender may latch (default 5 s). */
  readonly latchWindowMs?: number;
  readonly srtp?: RtpStreamCaptureKey;
  /**
   * Where accepted packets go (the journal writer's append). The record's payload is valid
   * during the call only: the receiver reuses its buffer.
   */
  readonly onPacket: (record: RtpJournalRecord) => void;
  /** Wall-clock milliseconds (the arrival time written to the journal). */
  readonly now: () => number;
  /** Default: defaultUdpReceiver() (the batch receiver when its addon is built). */
  readonly receiver?: UdpReceiver;
}

export interface RtpStreamCaptureStats {
  rtpPackets: number;
  rtcpPackets: number;
  /** Packets from another source than the latched one. */
  foreignPackets: number;
  /** Not RTP (bad version, too short). */
  malformedPackets: number;
  srtpAuthFailures: number;
  srtpReplayed: number;
  srtpOtherFailures: number;
  /** The latched source, `address:port`. */
  source: string | null;
  /** Times the latch moved to another sender (re-offer or SSRC change). */
  relatches: number;
}

export interface RtpStreamCapture {
  readonly stats: RtpStreamCaptureStats;
  /** The SRC re-offered the stream (its `c=` address now `address`): its media may move. */
  reoffer(address?: string): void;
  close(): Promise<void>;
}

/** Builds the SRTP context of a keyed stream; throws when the key cannot be used. */
export function createCaptureSrtpContext(key: RtpStreamCaptureKey): SrtpContext {
  const mki = key.mki ? `|${key.mki.value}:${key.mki.length}` : '';
  const made = createSrtpContextFromSdes(key.suite, `inline:${key.keySalt}${mki}`);
  if (!made.ok) throw new Error(`SRTP key refused: ${made.reason}`);
  return made.context;
}

/**
 * The receive context of a keyed stream: native decryption when its addon is built, the
 * TypeScript SrtpContext otherwise; throws when the key cannot be used.
 */
export function createCaptureSrtpReceiver(key: RtpStreamCaptureKey): SrtpReceiveContext {
  if (!isSrtpCryptoSuite(key.suite)) {
    throw new Error(`SRTP key refused: unsupported crypto suite ${key.suite}`);
  }
  const mki = key.mki ? `|${key.mki.value}:${key.mki.length}` : '';
  const decoded = decodeSrtpInlineKey(`inline:${key.keySalt}${mki}`, key.suite);
  if (!decoded.ok) throw new Error(`SRTP key refused: ${decoded.reason}`);
  return createSrtpReceiveContext({
    suite: key.suite,
    masterKey: decoded.masterKey,
    masterSalt: decoded.masterSalt,
    mkiLength: decoded.mkiLength,
    ...(decoded.mki === undefined ? {} : { mki: decoded.mki }),
  });
}

/** What each stream's sockets ask the kernel for (room for bursts while the loop is busy). */
const RECEIVE_BUFFER_BYTES = 1 << 20;

/** Binds the stream's RTP and RTCP ports and starts capturing. */
export async function startRtpStreamCapture(
  options: RtpStreamCaptureOptions,
): Promise<RtpStreamCapture> {
  const stats: RtpStreamCaptureStats = {
    rtpPackets: 0,
    rtcpPackets: 0,
    foreignPackets: 0,
    malformedPackets: 0,
    srtpAuthFailures: 0,
    srtpReplayed: 0,
    srtpOtherFailures: 0,
    source: null,
    relatches: 0,
  };
  const srtp = options.srtp ? createCaptureSrtpReceiver(options.srtp) : null;
  const latch = new RtpSourceLatch({
    mode: options.latching ?? 'signalled',
    ...(options.expectedAddress === undefined ? {} : { signalledAddress: options.expectedAddress }),
    ...(options.latchWindowMs === undefined ? {} : { windowMs: options.latchWindowMs }),
    now: options.now,
  });
  /** The receiver hands the same source object while the sender stays the same. */
  let latchedSource: UdpSource | null = null;

  const accepts = (message: Uint8Array, info: UdpSource): boolean => {
    if (info === latchedSource) return true;
    // The SSRC is in the clear in SRTP too (RFC 3711 §3.1); a too-short packet is malformed later.
    const ssrc =
      message.byteLength >= 12
        ? ((message[8]! << 24) | (message[9]! << 16) | (message[10]! << 8) | message[11]!) >>> 0
        : 0;
    const verdict = latch.check(info.address, info.port, ssrc);
    if (verdict === 'foreign') return false;
    if (verdict !== 'accept') {
      if (verdict === 'relatched') stats.relatches++;
      stats.source = latch.source;
    }
    latchedSource = info;
    return true;
  };

  const countSrtpFailure = (reason: SrtpFailureReason): void => {
    if (reason === 'auth-failed') stats.srtpAuthFailures++;
    else if (reason === 'replayed' || reason === 'too-old') stats.srtpReplayed++;
    else stats.srtpOtherFailures++;
  };

  /** RTCP is counted, never journaled; on a keyed stream only authenticated SRTCP counts. */
  const onRtcp = (message: Uint8Array): void => {
    if (srtp) {
      const plain = srtp.unprotectRtcp(message);
      if (!plain.ok) {
        countSrtpFailure(plain.reason);
        return;
      }
    }
    stats.rtcpPackets++;
  };

  const onRtp = (message: Uint8Array, info: UdpSource): void => {
    // RTP and RTCP may share the port (RFC 5761).
    if (isRtcpPacket(message)) {
      onRtcp(message);
      return;
    }
    if (!accepts(message, info)) {
      stats.foreignPackets++;
      return;
    }
    let bytes: Uint8Array = message;
    if (srtp) {
      const plain = srtp.unprotectRtp(message);
      if (!plain.ok) {
        countSrtpFailure(plain.reason);
        return;
      }
      bytes = plain.packet;
    }
    const parsed = parseRtpPacket(bytes);
    if (!parsed.ok) {
      stats.malformedPackets++;
      return;
    }
    const p = parsed.packet;
    stats.rtpPackets++;
    options.onPacket({
      arrivalMs: options.now(),
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      ssrc: p.ssrc,
      payloadType: p.payloadType,
      marker: p.marker,
      payload: p.payload,
    });
  };

  const receiver = options.receiver ?? defaultUdpReceiver();
  const rtp = await receiver.bind({
    host: options.host,
    port: options.rtpPort,
    receiveBufferSize: RECEIVE_BUFFER_BYTES,
    onPacket: onRtp,
  });
  let rtcp: UdpReceiverSocket;
  try {
    rtcp = await receiver.bind({
      host: options.host,
      port: options.rtcpPort ?? options.rtpPort + 1,
      receiveBufferSize: RECEIVE_BUFFER_BYTES,
      onPacket: onRtcp,
    });
  } catch (err) {
    await rtp.close();
    throw err;
  }

  let closing: Promise<void> | null = null;
  return {
    stats,
    reoffer(address) {
      latch.reoffer(address);
      // The next packet, from whichever sender, goes to the latch.
      latchedSource = null;
    },
    close() {
      closing ??= Promise.all([rtp.close(), rtcp.close()]).then(() => undefined);
      return closing;
    },
  };
}
