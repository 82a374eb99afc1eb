// SDP answer of the Session Recording Server: RFC 3264 §6 (generating the answer), §8 (modifying
// the session: re-offers keep the origin and increment its version), RFC 7866 §8.1.1 (the SRS
// answers each SRC stream recvonly), RFC 4568 §7.1.2/§7.1.3 (SDES: pick one offered crypto
// attribute, answer with its tag and our own key). Of the acceptable crypto attributes the answer
// takes the strongest suite (srtp-suites.ts orders them), the offer's order breaking ties.
//
// Pure: ports come from an injected allocator and key material from an injected random source,
// so the same inputs always give the same answer.

import {
  isSrtpCryptoSuite,
  srtpInlineKeyLength,
  srtpSuiteParameters,
  type SrtpCryptoSuite,
} from '../rtp/srtp-suites.js';
import { isG729Decodable } from '../media/codecs/g729-decoder.js';
import { SdpError } from './sdp-error.js';
import type {
  SdpCryptoKeyParam,
  SdpDirection,
  SdpMediaDescription,
  SdpPayloadType,
  SdpSessionDescription,
} from './sdp-session-description.js';

/** The codecs the recorder decodes (SPEC §5), matched on the RTP encoding name and clock rate. */
export type SdpAudioCodecName =
  'PCMU' | 'PCMA' | 'G722' | 'G726-16' | 'G726-24' | 'G726-32' | 'G726-40' | 'G729' | 'opus';

/** RFC 3551 §4.5.4: G.726 at each bit rate has its own (dynamic) encoding name, 8000 Hz clock. */
const G726_NAMES: ReadonlyMap<string, SdpAudioCodecName> = new Map([
  ['g726-16', 'G726-16'],
  ['g726-24', 'G726-24'],
  ['g726-32', 'G726-32'],
  ['g726-40', 'G726-40'],
]);

/**
 * SDES suites the media layer implements: RFC 4568 §6.2 (AES_CM_128_HMAC_SHA1_80/_32), RFC 6188
 * (AES_256_CM_HMAC_SHA1_80), RFC 7714 (AEAD_AES_128_GCM, AEAD_AES_256_GCM).
 */
export type SdpSrtpSuite = SrtpCryptoSuite;

/** AES_CM_128: 128-bit master key + 112-bit master salt (RFC 4568 §6.2.1) = 30 bytes. */
export const SDP_SRTP_KEY_SALT_BYTES = 30;

export type SdpRejectReason =
  /** The offer disabled the stream (port 0, RFC 3264 §8.2). */
  | 'disabled-in-offer'
  /** Not `audio`. */
  | 'unsupported-media'
  /** Neither RTP/AVP nor RTP/SAVP. */
  | 'unsupported-protocol'
  /** None of PCMU, PCMA, G722, G726-16/24/32/40, G729 (when decodable), opus/48000/2 offered. */
  | 'no-common-codec'
  /** RTP/SAVP without a usable inline key of an implemented suite. */
  | 'no-supported-crypto'
  /** The port allocator had no free pair. */
  | 'no-port';

export interface SdpChosenCodec {
  readonly name: SdpAudioCodecName;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels: number;
}

export interface SdpTelephoneEvent {
  readonly payloadType: number;
  readonly clockRate: number;
  readonly fmtp?: string;
}

export interface SdpSrtpParameters {
  readonly suite: SdpSrtpSuite;
  /** The offered crypto tag, echoed in the answer (RFC 4568 §7.1.2). */
  readonly tag: number;
  /** The SRC's key: decrypts what it sends. */
  readonly remote: SdpCryptoKeyParam;
  /**
   * Our key (base64 of the suite's key || salt: 30, 46, 28 or 44 bytes): the SRC uses it for
   * what we send (RTCP receiver reports).
   */
  readonly local: { readonly keySalt: string };
}

export interface SdpAnsweredStream {
  readonly index: number;
  readonly media: string;
  readonly label?: string;
  readonly accepted: boolean;
  readonly rejectReason?: SdpRejectReason;
  /** Our RTP port (0 when rejected); RTCP is on port + 1 (RFC 3550 §11). */
  readonly localPort: number;
  readonly localRtcpPort?: number;
  /** Protocol in the answer (always the offered one: SAVP is never downgraded). */
  readonly protocol: string;
  /** Direction in the answer. */
  readonly direction: SdpDirection;
  readonly offeredDirection: SdpDirection;
  /** The preferred codec: the offer's first that the recorder decodes. */
  readonly codec?: SdpChosenCodec;
  /**
   * Every offered codec the recorder decodes, in the offer's order (`codec` first): all are in the
   * answer (RFC 3264 §6.1), so the SRC may switch among them without a re-offer.
   */
  readonly codecs: readonly SdpChosenCodec[];
  /** Payload-type map of the answer: the codecs, then telephone-event if any. */
  readonly payloadTypes: readonly SdpPayloadType[];
  readonly telephoneEvent?: SdpTelephoneEvent;
  readonly srtp?: SdpSrtpParameters;
  /** Where the SRC sends from, as offered (RFC 3264 §5: the offer's address and port). */
  readonly remote: {
    readonly address?: string;
    readonly port: number;
    readonly rtcpPort: number;
    readonly rtcpAddress?: string;
  };
  readonly onHold: boolean;
}

/** What a later answer in the same dialog needs from this one (RFC 3264 §8). */
export interface SdpAnswerState {
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly sdp: string;
  readonly streams: readonly {
    readonly index: number;
    readonly media: string;
    readonly port: number;
    readonly srtp?: {
      readonly tag: number;
      readonly suite: SdpSrtpSuite;
      readonly keySalt: string;
    };
  }[];
}

export interface SdpPortRequest {
  readonly index: number;
  readonly media: string;
  readonly label?: string;
}

export interface SdpAnswerOptions {
  /** Our media address for `o=` and `c=`. */
  readonly localAddress: string;
  /**
   * Reserve an RTP/RTCP port pair; returns the even RTP port (RTCP is port + 1), or undefined
   * when none is free (the stream is then rejected with `no-port`).
   */
  readonly allocatePortPair: (request: SdpPortRequest) => number | undefined;
  /** Cryptographically strong random bytes of the given length. */
  readonly randomBytes: (length: number) => Uint8Array;
  /** The previous answer of this dialog, for re-offers (RFC 3264 §8). */
  readonly previous?: SdpAnswerState;
  /** `o=` username; default `callvault`. */
  readonly username?: string;
  /** `s=` text; default `Callvault SRS`. */
  readonly sessionName?: string;
  /**
   * Whether G729 is answered; default: whether this process decodes it (its native addon is
   * built and loads). An SRC may send any answered codec, so one the recorder cannot render is
   * never answered.
   */
  readonly g729?: boolean;
}

export interface SdpAnswer {
  readonly sdp: string;
  readonly streams: readonly SdpAnsweredStream[];
  readonly state: SdpAnswerState;
  /** Ports of the previous answer no longer used by this one; the caller frees them. */
  readonly releasedPorts: readonly number[];
}

// ---------------------------------------------------------------------------------------------

const CRLF = '\r\n';

function addressTypeOf(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** RFC 3264 §6.1: the answer's direction mirrors the offer's from the recorder's side. */
function answerDirection(offered: SdpDirection): SdpDirection {
  switch (offered) {
    case 'sendonly':
    case 'sendrecv':
      return 'recvonly';
    case 'recvonly':
    case 'inactive':
      return 'inactive';
  }
}

function codecOf(payloadType: SdpPayloadType, g729: boolean): SdpChosenCodec | undefined {
  const name = payloadType.encodingName?.toLowerCase();
  const clockRate = payloadType.clockRate;
  const { payloadType: pt } = payloadType;
  if (name === 'pcmu' && clockRate === 8000) {
    return { name: 'PCMU', payloadType: pt, clockRate, channels: 1 };
  }
  if (name === 'pcma' && clockRate === 8000) {
    return { name: 'PCMA', payloadType: pt, clockRate, channels: 1 };
  }
  if (name === 'g722' && clockRate === 8000) {
    return { name: 'G722', payloadType: pt, clockRate, channels: 1 };
  }
  const g726 = name === undefined ? undefined : G726_NAMES.get(name);
  if (g726 !== undefined && clockRate === 8000) {
    return { name: g726, payloadType: pt, clockRate, channels: 1 };
  }
  // RFC 3551 §4.5.6 (static PT 18); G729A is the Annex A name some SBCs use for the same format.
  if (g729 && (name === 'g729' || name === 'g729a') && clockRate === 8000) {
    return { name: 'G729', payloadType: pt, clockRate, channels: 1 };
  }
  // RFC 7587 §7: opus is always signalled as opus/48000/2.
  if (name === 'opus' && clockRate === 48000 && payloadType.channels === 2) {
    return { name: 'opus', payloadType: pt, clockRate, channels: 2 };
  }
  return undefined;
}

/**
 * The supported codecs in the offer's order (RFC 3264 §6.1: the offerer's preference first). The
 * answer lists them all: an SRC may send any codec of the answer without a new offer, and many
 * switch (a PCMA leg joining a PCMU call, a transcoder falling back from Opus).
 */
function chooseCodecs(media: SdpMediaDescription, g729: boolean): SdpChosenCodec[] {
  const codecs: SdpChosenCodec[] = [];
  for (const payloadType of media.payloadTypes) {
    const codec = codecOf(payloadType, g729);
    if (codec !== undefined && !codecs.some((c) => c.payloadType === codec.payloadType)) {
      codecs.push(codec);
    }
  }
  return codecs;
}

/** RFC 4733 §7.1.1: telephone-event at the offered PT, preferring the codec's clock rate. */
function chooseTelephoneEvent(
  media: SdpMediaDescription,
  codec: SdpChosenCodec,
): SdpTelephoneEvent | undefined {
  const events = media.payloadTypes.filter(
    (pt) => pt.encodingName?.toLowerCase() === 'telephone-event' && pt.clockRate !== undefined,
  );
  const chosen = events.find((pt) => pt.clockRate === codec.clockRate) ?? events[0];
  if (chosen?.clockRate === undefined) return undefined;
  return {
    payloadType: chosen.payloadType,
    clockRate: chosen.clockRate,
    ...(chosen.fmtp === undefined ? {} : { fmtp: chosen.fmtp }),
  };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether `keySalt` is base64 of exactly the suite's key || salt (padding optional). */
function isInlineKeyFor(suite: SrtpCryptoSuite, keySalt: string): boolean {
  if (!BASE64.test(keySalt)) return false;
  const bytes = srtpInlineKeyLength(suite);
  const unpadded = keySalt.replace(/=+$/, '');
  // Canonical length only: a longer or shorter string is another key, not this one mis-padded.
  return (
    unpadded.length === Math.ceil((bytes * 4) / 3) && keySalt.length <= 4 * Math.ceil(bytes / 3)
  );
}

/**
 * RFC 4568 §7.1.2: one acceptable crypto attribute, answered with its tag. Of the acceptable ones
 * the strongest suite wins; among equals the offer's order (its preference).
 */
function chooseCrypto(
  media: SdpMediaDescription,
): { tag: number; suite: SdpSrtpSuite; remote: SdpCryptoKeyParam } | undefined {
  let best: { tag: number; suite: SdpSrtpSuite; remote: SdpCryptoKeyParam } | undefined;
  for (const crypto of media.crypto) {
    if (!isSrtpCryptoSuite(crypto.suite)) continue;
    // Session parameters (KDR, UNENCRYPTED_SRTP, ...) change the SRTP transform; the media layer
    // runs the default transform only, so such an attribute is not acceptable (RFC 4568 §6.3).
    if (crypto.sessionParams.length > 0) continue;
    const key = crypto.keyParams[0];
    if (key?.method !== 'inline' || !isInlineKeyFor(crypto.suite, key.keySalt)) continue;
    if (
      best === undefined ||
      srtpSuiteParameters(crypto.suite).strength > srtpSuiteParameters(best.suite).strength
    ) {
      best = { tag: crypto.tag, suite: crypto.suite, remote: key };
    }
  }
  return best;
}

function randomBytesChecked(options: SdpAnswerOptions, length: number): Uint8Array {
  const bytes = options.randomBytes(length);
  if (bytes.byteLength !== length) {
    throw new SdpError('SDP_RANDOM_INVALID', `randomBytes(${length}) gave ${bytes.byteLength}`);
  }
  return bytes;
}

function newSessionId(options: SdpAnswerOptions): string {
  // 6 bytes stay below 2^53 and give a 15-digit id, as RFC 8866 §5.2 suggests (an NTP-like value).
  const bytes = randomBytesChecked(options, 6);
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return String(value + 1);
}

function rtpmapLine(pt: SdpPayloadType): string {
  const channels = pt.channels !== undefined && pt.channels > 1 ? `/${pt.channels}` : '';
  return `a=rtpmap:${pt.payloadType} ${pt.encodingName ?? ''}/${pt.clockRate ?? 0}${channels}`;
}

interface StreamPlan {
  readonly lines: string[];
  readonly stream: SdpAnsweredStream;
  readonly state: SdpAnswerState['streams'][number];
}

function rejectStream(
  media: SdpMediaDescription,
  reason: SdpRejectReason,
  remote: SdpAnsweredStream['remote'],
): StreamPlan {
  // RFC 3264 §6: a rejected stream keeps its m-line with port 0; the offered formats are echoed
  // because an m-line needs at least one and these are the ones the offerer understands.
  return {
    lines: [`m=${media.media} 0 ${media.protocol} ${media.formats.join(' ')}`],
    stream: {
      index: media.index,
      media: media.media,
      ...(media.label === undefined ? {} : { label: media.label }),
      accepted: false,
      rejectReason: reason,
      localPort: 0,
      protocol: media.protocol,
      direction: 'inactive',
      offeredDirection: media.direction,
      codecs: [],
      payloadTypes: [],
      remote,
      onHold: media.onHold,
    },
    state: { index: media.index, media: media.media, port: 0 },
  };
}

function planStream(media: SdpMediaDescription, options: SdpAnswerOptions): StreamPlan {
  const remote: SdpAnsweredStream['remote'] = {
    ...(media.connection === undefined ? {} : { address: media.connection.address }),
    port: media.port,
    rtcpPort: media.rtcp?.port ?? (media.port === 0 ? 0 : media.port + 1),
    ...(media.rtcp?.address === undefined ? {} : { rtcpAddress: media.rtcp.address }),
  };
  if (media.port === 0) return rejectStream(media, 'disabled-in-offer', remote);
  if (media.media.toLowerCase() !== 'audio')
    return rejectStream(media, 'unsupported-media', remote);
  if (media.transport === 'other') return rejectStream(media, 'unsupported-protocol', remote);
  const codecs = chooseCodecs(media, options.g729 ?? isG729Decodable());
  const codec = codecs[0];
  if (codec === undefined) return rejectStream(media, 'no-common-codec', remote);
  const crypto = media.transport === 'RTP/SAVP' ? chooseCrypto(media) : undefined;
  if (media.transport === 'RTP/SAVP' && crypto === undefined) {
    return rejectStream(media, 'no-supported-crypto', remote);
  }

  const previous = options.previous?.streams.find(
    (s) => s.index === media.index && s.media === media.media && s.port !== 0,
  );
  let port = previous?.port;
  if (port === undefined) {
    port = options.allocatePortPair({
      index: media.index,
      media: media.media,
      ...(media.label === undefined ? {} : { label: media.label }),
    });
    if (port === undefined) return rejectStream(media, 'no-port', remote);
    if (!Number.isInteger(port) || port % 2 !== 0 || port < 2 || port > 65534) {
      throw new SdpError('SDP_PORT_INVALID', `allocator returned ${port}; RTP needs an even port`);
    }
  }

  let srtp: SdpSrtpParameters | undefined;
  if (crypto !== undefined) {
    // RFC 4568 §7.1.4: a re-offer with the same tag and suite may keep our key; keeping it avoids
    // resetting the SRTP context the SRC already has.
    const kept =
      previous?.srtp !== undefined &&
      previous.srtp.tag === crypto.tag &&
      previous.srtp.suite === crypto.suite
        ? previous.srtp.keySalt
        : undefined;
    const keySalt =
      kept ??
      Buffer.from(randomBytesChecked(options, srtpInlineKeyLength(crypto.suite))).toString(
        'base64',
      );
    srtp = { suite: crypto.suite, tag: crypto.tag, remote: crypto.remote, local: { keySalt } };
  }

  const telephoneEvent = chooseTelephoneEvent(media, codec);
  const payloadTypes: SdpPayloadType[] = codecs.map((c) => {
    const offered = media.payloadTypes.find((pt) => pt.payloadType === c.payloadType);
    return {
      payloadType: c.payloadType,
      encodingName: c.name,
      clockRate: c.clockRate,
      channels: c.channels,
      // Opus parameters (RFC 7587 §7) describe what the SRC sends; echoing them is harmless.
      // G.729's annexb=yes/no (RFC 4856 §2.1.9) is echoed: the recorder decodes either way.
      ...(offered?.fmtp === undefined || (c.name !== 'opus' && c.name !== 'G729')
        ? {}
        : { fmtp: offered.fmtp }),
    };
  });
  if (telephoneEvent !== undefined) {
    payloadTypes.push({
      payloadType: telephoneEvent.payloadType,
      encodingName: 'telephone-event',
      clockRate: telephoneEvent.clockRate,
      ...(telephoneEvent.fmtp === undefined ? {} : { fmtp: telephoneEvent.fmtp }),
    });
  }
  const direction = answerDirection(media.direction);
  const lines = [
    `m=${media.media} ${port} ${media.protocol} ${payloadTypes.map((p) => p.payloadType).join(' ')}`,
    ...payloadTypes.flatMap((pt) => [
      rtpmapLine(pt),
      ...(pt.fmtp === undefined ? [] : [`a=fmtp:${pt.payloadType} ${pt.fmtp}`]),
    ]),
    ...(srtp === undefined
      ? []
      : [`a=crypto:${srtp.tag} ${srtp.suite} inline:${srtp.local.keySalt}`]),
    ...(media.label === undefined ? [] : [`a=label:${media.label}`]),
    `a=${direction}`,
  ];
  return {
    lines,
    stream: {
      index: media.index,
      media: media.media,
      ...(media.label === undefined ? {} : { label: media.label }),
      accepted: true,
      localPort: port,
      localRtcpPort: port + 1,
      protocol: media.protocol,
      direction,
      offeredDirection: media.direction,
      codec,
      codecs,
      payloadTypes,
      ...(telephoneEvent === undefined ? {} : { telephoneEvent }),
      ...(srtp === undefined ? {} : { srtp }),
      remote,
      onHold: media.onHold,
    },
    state: {
      index: media.index,
      media: media.media,
      port,
      ...(srtp === undefined
        ? {}
        : { srtp: { tag: srtp.tag, suite: srtp.suite, keySalt: srtp.local.keySalt } }),
    },
  };
}

function withoutOrigin(sdp: string): string {
  return sdp.replace(/^o=.*$/m, '');
}

/**
 * Build the SRS answer to an SRC offer (RFC 3264 §6, RFC 7866 §8.1.1): one m-line per offered
 * m-line in the same order, recvonly, our own port pair and SRTP key per accepted stream.
 */
export function buildSdpAnswer(offer: SdpSessionDescription, options: SdpAnswerOptions): SdpAnswer {
  const plans = offer.media.map((media) => planStream(media, options));
  const addressType = addressTypeOf(options.localAddress);
  const body = [
    `s=${options.sessionName ?? 'Callvault SRS'}`,
    `c=IN ${addressType} ${options.localAddress}`,
    't=0 0',
    ...plans.flatMap((plan) => plan.lines),
  ];
  const previous = options.previous;
  const sessionId = previous?.sessionId ?? newSessionId(options);
  const originFor = (version: number): string =>
    `o=${options.username ?? 'callvault'} ${sessionId} ${version} IN ${addressType} ${options.localAddress}`;
  const render = (version: number): string =>
    ['v=0', originFor(version), ...body].join(CRLF) + CRLF;

  // RFC 3264 §8: the version increments when the description changes; an identical description
  // (a session refresh) may keep it.
  let sessionVersion = 1;
  if (previous !== undefined) {
    const unchanged =
      withoutOrigin(render(previous.sessionVersion)) === withoutOrigin(previous.sdp);
    sessionVersion = unchanged ? previous.sessionVersion : previous.sessionVersion + 1;
  }
  const sdp = render(sessionVersion);
  const streamStates = plans.map((plan) => plan.state);
  const usedPorts = new Set(streamStates.map((s) => s.port).filter((p) => p !== 0));
  const releasedPorts = (previous?.streams ?? [])
    .map((s) => s.port)
    .filter((port) => port !== 0 && !usedPorts.has(port));
  return {
    sdp,
    streams: plans.map((plan) => plan.stream),
    state: { sessionId, sessionVersion, sdp, streams: streamStates },
    releasedPorts,
  };
}
