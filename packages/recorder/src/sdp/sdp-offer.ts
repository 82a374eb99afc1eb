// The SRS's own SDP offer for an INVITE that carried none (a delayed offer, RFC 3261 §13.2.1 and
// RFC 3264 §5): the offer goes in the 2xx and the SRC's answer comes in the ACK. Cisco CUCM's
// built-in bridge forks calls this way. The offer has one recvonly audio stream per label (the
// metadata's stream labels, else two streams labelled 1 and 2), each listing every codec the
// recorder decodes and telephone-event, on a port pair of the recorder (RTP/AVP: with no offer
// of the SRC's there is no SDES key to answer, so the SRC's SRTP policy decides by rejecting).
//
// The answer in the ACK is read as the session's answered streams through buildSdpAnswer, with
// the offer as the previous state: the ports are the offered ones, the codecs those the SRC chose.
//
// Pure: ports come from an injected allocator and the session id from an injected random source.
import {
  buildSdpAnswer,
  type SdpAnswer,
  type SdpAnswerOptions,
  type SdpAnswerState,
} from './sdp-answer.js';
import { isG729Decodable } from '../media/codecs/g729-decoder.js';
import { SdpError } from './sdp-error.js';
import type { SdpSessionDescription } from './sdp-session-description.js';

/**
 * Payload types of the offer: every codec buildSdpAnswer accepts, in the order the SRC should
 * prefer them — PCMU, PCMA, G722, G.729 (RFC 3551 static PT 18; only when this process decodes
 * it), G.726 at each RFC 3551 rate on dynamic PTs, Opus — then telephone-event (RFC 4733). An SRC
 * whose calls are G.729 or G.726 can so answer with its own codec instead of transcoding.
 */
function offeredPayloadTypes(
  g729: boolean,
): readonly { pt: number; rtpmap: string; fmtp?: string }[] {
  return [
    { pt: 0, rtpmap: 'PCMU/8000' },
    { pt: 8, rtpmap: 'PCMA/8000' },
    { pt: 9, rtpmap: 'G722/8000' },
    ...(g729 ? [{ pt: 18, rtpmap: 'G729/8000', fmtp: 'annexb=yes' }] : []),
    { pt: 112, rtpmap: 'G726-16/8000' },
    { pt: 113, rtpmap: 'G726-24/8000' },
    { pt: 114, rtpmap: 'G726-32/8000' },
    { pt: 115, rtpmap: 'G726-40/8000' },
    { pt: 111, rtpmap: 'opus/48000/2' },
    { pt: 101, rtpmap: 'telephone-event/8000', fmtp: '0-16' },
  ];
}

/** Labels of a delayed offer's streams when the metadata names none (one per direction). */
export const DEFAULT_OFFER_LABELS: readonly string[] = Object.freeze(['1', '2']);

export interface SdpOfferOptions {
  readonly localAddress: string;
  /** Reserve an RTP/RTCP port pair; the even RTP port, or undefined when none is free. */
  readonly allocatePortPair: SdpAnswerOptions['allocatePortPair'];
  readonly randomBytes: (length: number) => Uint8Array;
  /** `a=label` of each stream, in order; one stream per label (at least one). */
  readonly labels: readonly string[];
  readonly username?: string;
  readonly sessionName?: string;
  /** Whether G.729 is offered; default: whether this process decodes it (as the answer). */
  readonly g729?: boolean;
}

export interface SdpOffer {
  readonly sdp: string;
  /** The offered streams (labels and ports), the previous state of every later answer. */
  readonly state: SdpAnswerState;
  readonly labels: readonly string[];
}

const CRLF = '\r\n';

function sessionIdFrom(randomBytes: (length: number) => Uint8Array): string {
  const bytes = randomBytes(6);
  if (bytes.byteLength !== 6) {
    throw new SdpError('SDP_RANDOM_INVALID', `randomBytes(6) gave ${bytes.byteLength}`);
  }
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return String(value + 1);
}

/**
 * The SRS offer of a delayed-offer INVITE; undefined when the allocator has no port pair for
 * every stream (the ports it did hand out are the caller's to give back).
 */
export function buildSdpOffer(options: SdpOfferOptions): SdpOffer | undefined {
  if (options.labels.length === 0) {
    throw new SdpError('SDP_OFFER_NO_STREAMS', 'a delayed offer needs at least one stream');
  }
  const streams: { index: number; media: string; port: number }[] = [];
  for (const [index, label] of options.labels.entries()) {
    const port = options.allocatePortPair({ index, media: 'audio', label });
    if (port === undefined) return undefined;
    if (!Number.isInteger(port) || port % 2 !== 0 || port < 2 || port > 65534) {
      throw new SdpError('SDP_PORT_INVALID', `allocator returned ${port}; RTP needs an even port`);
    }
    streams.push({ index, media: 'audio', port });
  }
  const addressType = options.localAddress.includes(':') ? 'IP6' : 'IP4';
  const sessionId = sessionIdFrom(options.randomBytes);
  const offered = offeredPayloadTypes(options.g729 ?? isG729Decodable());
  const formats = offered.map((p) => p.pt).join(' ');
  const sdp =
    [
      'v=0',
      `o=${options.username ?? 'callvault'} ${sessionId} 1 IN ${addressType} ${options.localAddress}`,
      `s=${options.sessionName ?? 'Callvault SRS'}`,
      `c=IN ${addressType} ${options.localAddress}`,
      't=0 0',
      ...streams.flatMap((stream, i) => [
        `m=audio ${stream.port} RTP/AVP ${formats}`,
        ...offered.flatMap((p) => [
          `a=rtpmap:${p.pt} ${p.rtpmap}`,
          ...(p.fmtp === undefined ? [] : [`a=fmtp:${p.pt} ${p.fmtp}`]),
        ]),
        `a=label:${options.labels[i] ?? ''}`,
        'a=recvonly',
      ]),
    ].join(CRLF) + CRLF;
  return {
    sdp,
    state: { sessionId, sessionVersion: 1, sdp, streams },
    labels: [...options.labels],
  };
}

/**
 * The session's answered streams from the SRC's answer to our offer (RFC 3264 §6: one m-line per
 * offered m-line, in order). A stream the answer leaves unlabelled keeps the offered label, so
 * the metadata's stream associations still name it. Throws SdpError when the answer does not
 * match the offer.
 */
export function readSdpAnswerToOffer(
  offer: SdpOffer,
  answer: SdpSessionDescription,
  options: Pick<
    SdpOfferOptions,
    'localAddress' | 'randomBytes' | 'username' | 'sessionName' | 'g729'
  >,
): SdpAnswer {
  if (answer.media.length !== offer.state.streams.length) {
    throw new SdpError(
      'SDP_ANSWER_MISMATCH',
      `the answer has ${answer.media.length} m-lines, the offer ${offer.state.streams.length}`,
    );
  }
  const labelled: SdpSessionDescription = {
    ...answer,
    media: answer.media.map((media, i) =>
      media.label === undefined && offer.labels[i] !== undefined
        ? { ...media, label: offer.labels[i] }
        : media,
    ),
  };
  const read = buildSdpAnswer(labelled, {
    ...options,
    // Every stream keeps its offered port pair; none is taken anew.
    allocatePortPair: () => undefined,
    previous: offer.state,
  });
  // What was last sent is the offer: a later re-offer's answer counts its version from it.
  return {
    ...read,
    state: { ...read.state, sessionVersion: 1, sdp: offer.sdp },
    releasedPorts: [],
  };
}
