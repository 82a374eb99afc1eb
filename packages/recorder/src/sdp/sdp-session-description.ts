// Typed SDP session description (RFC 8866, formerly RFC 4566) as far as a recording answerer
// needs it: origin, connection, media descriptions with their RTP payload types (RFC 3551, RFC
// 8866 §6.6 rtpmap, §6.15 fmtp), direction (RFC 3264 §5.1), label (RFC 4574) and SDES crypto
// attributes (RFC 4568 §9.1).

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** The transport protocols the recorder can answer; anything else is `other` and is rejected. */
export type SdpTransportProtocol = 'RTP/AVP' | 'RTP/SAVP' | 'other';

/** `IP4`, `IP6`, or another address type as written. */
export type SdpAddressType = string;

/** RFC 8866 §5.2 `o=` — session id and version kept as decimal strings (they exceed 2^53). */
export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addressType: SdpAddressType;
  readonly address: string;
}

/** RFC 8866 §5.7 `c=`. */
export interface SdpConnection {
  readonly netType: string;
  readonly addressType: SdpAddressType;
  readonly address: string;
}

/** One RTP payload format of an m-line, from `a=rtpmap`/`a=fmtp` or the RFC 3551 static table. */
export interface SdpPayloadType {
  readonly payloadType: number;
  /** Encoding name as written (`PCMU`, `opus`, `telephone-event`). */
  readonly encodingName?: string;
  readonly clockRate?: number;
  readonly channels?: number;
  readonly fmtp?: string;
}

/** RFC 4568 §9.1 key-param with the `inline` method. */
export interface SdpCryptoKeyParam {
  readonly method: string;
  /** Base64 concatenated master key and salt. */
  readonly keySalt: string;
  readonly lifetime?: string;
  readonly mki?: { readonly value: string; readonly length: number };
}

/** RFC 4568 §9.1 `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]`. */
export interface SdpCryptoAttribute {
  readonly tag: number;
  readonly suite: string;
  readonly keyParams: readonly SdpCryptoKeyParam[];
  readonly sessionParams: readonly string[];
}

export interface SdpAttribute {
  readonly name: string;
  readonly value?: string;
}

export interface SdpMediaDescription {
  /** Position of the m-line in the offer (0-based). */
  readonly index: number;
  readonly media: string;
  readonly port: number;
  readonly portCount?: number;
  /** Transport protocol as written. */
  readonly protocol: string;
  readonly transport: SdpTransportProtocol;
  /** The fmt list as written. */
  readonly formats: readonly string[];
  /** RTP payload types of `formats` (numeric formats only), in offer order. */
  readonly payloadTypes: readonly SdpPayloadType[];
  /** Effective direction: media-level, else session-level, else sendrecv (RFC 3264 §5.1). */
  readonly direction: SdpDirection;
  /** RFC 4574 `a=label`. */
  readonly label?: string;
  readonly crypto: readonly SdpCryptoAttribute[];
  /** Effective connection: media-level `c=`, else session-level. */
  readonly connection?: SdpConnection;
  /** RFC 3605 `a=rtcp`. */
  readonly rtcp?: { readonly port: number; readonly address?: string };
  readonly ptime?: number;
  readonly maxptime?: number;
  /**
   * Held, the SRC sends nothing: `c=0.0.0.0` (RFC 3264 §8.4 legacy hold), `a=inactive` or
   * `a=recvonly` (sendonly is the ordinary SIPREC offer, RFC 7866).
   */
  readonly onHold: boolean;
  readonly attributes: readonly SdpAttribute[];
}

export interface SdpSessionDescription {
  readonly origin: SdpOrigin;
  readonly sessionName: string;
  readonly connection?: SdpConnection;
  /** Session-level direction attribute, if any. */
  readonly direction?: SdpDirection;
  readonly media: readonly SdpMediaDescription[];
  readonly attributes: readonly SdpAttribute[];
}
