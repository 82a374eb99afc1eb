// The SDP offer of a session Callvault starts as an SRC towards another recorder (RFC 7866 §8.1:
// the SRC offers one sendonly m-line per recorded stream, each with its `a=label`). The media is
// relayed packet by packet without decoding, so each stream offers exactly the payload types the
// inbound leg agreed (same numbers, rtpmap and fmtp): whatever the inbound SRC sends can go out
// unchanged. A stream the inbound SRC put on hold is offered `inactive` (RFC 3264 §8.4).
//
//   v=0
//   o=callvault <session id> <version> IN IP4 <local address>
//   s=Callvault SRC
//   c=IN IP4 <local address>
//   t=0 0
//   m=audio <relay port> RTP/AVP <payload types of the inbound stream>   (RTP/SAVP for SRTP)
//   a=crypto:1 <suite> inline:<our key||salt>       SRTP only: this leg's own key (RFC 4568)
//   a=rtpmap:<pt> <name>/<rate>[/<channels>]      a=fmtp:<pt> <params>
//   a=label:<label of the inbound stream>
//   a=sendonly | a=inactive
//
// Pure: relay ports are chosen by the caller (it opened the sockets), and the session id too.
import type { SdpAnsweredStream } from './sdp-answer.js';
import { SdpError } from './sdp-error.js';

export interface ForwardSdpStream {
  /** The inbound stream as answered (its payload types, label and hold state). */
  readonly inbound: SdpAnsweredStream;
  /** The even local port the relay sends this stream from (RTCP on port + 1). */
  readonly relayPort: number;
  /**
   * The outbound leg's own SDES key when the stream is relayed as SRTP: offered RTP/SAVP with
   * `a=crypto:1 <suite> inline:<key||salt>` (RFC 4568 §9.1), a key of this leg alone.
   */
  readonly crypto?: { readonly suite: string; readonly keySalt: string };
}

export interface ForwardSdpOfferOptions {
  readonly localAddress: string;
  readonly sessionId: string;
  /** 1 for the first offer; each re-offer of the leg one more (RFC 3264 §8). */
  readonly sessionVersion: number;
  readonly streams: readonly ForwardSdpStream[];
  readonly username?: string;
}

const CRLF = '\r\n';

function rtpmapOf(pt: SdpAnsweredStream['payloadTypes'][number]): string | undefined {
  if (pt.encodingName === undefined || pt.clockRate === undefined) return undefined;
  const channels = pt.channels !== undefined && pt.channels !== 1 ? `/${pt.channels}` : '';
  return `${pt.encodingName}/${pt.clockRate}${channels}`;
}

/** The offer; SdpError when a stream was not accepted inbound or has an odd or no relay port. */
export function buildForwardSdpOffer(options: ForwardSdpOfferOptions): string {
  if (options.streams.length === 0) {
    throw new SdpError('SDP_OFFER_NO_STREAMS', 'a forwarded session needs at least one stream');
  }
  const addressType = options.localAddress.includes(':') ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=${options.username ?? 'callvault'} ${options.sessionId} ${options.sessionVersion} IN ${addressType} ${options.localAddress}`,
    's=Callvault SRC',
    `c=IN ${addressType} ${options.localAddress}`,
    't=0 0',
  ];
  for (const { inbound, relayPort, crypto } of options.streams) {
    if (!inbound.accepted || inbound.payloadTypes.length === 0) {
      throw new SdpError('SDP_OFFER_NO_STREAMS', `stream ${inbound.index} was not accepted`);
    }
    if (!Number.isInteger(relayPort) || relayPort % 2 !== 0 || relayPort < 2 || relayPort > 65534) {
      throw new SdpError('SDP_PORT_INVALID', `relay port ${relayPort}; RTP needs an even port`);
    }
    const formats = inbound.payloadTypes.map((pt) => pt.payloadType).join(' ');
    lines.push(`m=${inbound.media} ${relayPort} ${crypto ? 'RTP/SAVP' : 'RTP/AVP'} ${formats}`);
    for (const pt of inbound.payloadTypes) {
      const rtpmap = rtpmapOf(pt);
      if (rtpmap !== undefined) lines.push(`a=rtpmap:${pt.payloadType} ${rtpmap}`);
      if (pt.fmtp !== undefined) lines.push(`a=fmtp:${pt.payloadType} ${pt.fmtp}`);
    }
    if (crypto) lines.push(`a=crypto:1 ${crypto.suite} inline:${crypto.keySalt}`);
    if (inbound.label !== undefined) lines.push(`a=label:${inbound.label}`);
    lines.push(inbound.onHold ? 'a=inactive' : 'a=sendonly');
  }
  return lines.join(CRLF) + CRLF;
}
