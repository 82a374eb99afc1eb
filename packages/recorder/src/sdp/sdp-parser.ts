// SDP offer reader: RFC 8866 §5 (formerly RFC 4566) line grammar, RFC 3264 §5 offer semantics,
// RFC 3551 §6 static payload types, RFC 4574 labels, RFC 4568 §9.1 SDES crypto attributes.
//
//   session-description = v= o= s= [i= u= e= p=] [c=] b=* (t= r=*)+ [z=] [k=] a=*
//                         media-description*
//   media-description   = m=<media> <port>[/<count>] <proto> <fmt> ... [i=] c=* b=* [k=] a=*
//
// The line structure is read here rather than with sdp-transform: sdp-transform silently drops an
// m-line whose port carries a count (`m=audio 1234/2 ...`) and any line it cannot match, and turns
// `o=` fields into numbers. An answerer must answer every offered m-line in order (RFC 3264 §6),
// so losing one would shift every later stream onto the wrong port.

import { parseSdpCryptoAttribute } from './sdp-crypto.js';
import { SdpError } from './sdp-error.js';
import type {
  SdpAttribute,
  SdpConnection,
  SdpCryptoAttribute,
  SdpDirection,
  SdpMediaDescription,
  SdpOrigin,
  SdpPayloadType,
  SdpSessionDescription,
  SdpTransportProtocol,
} from './sdp-session-description.js';

export interface SdpParseOptions {
  /** Largest SDP accepted, in bytes. */
  readonly maxBytes?: number;
}

export const DEFAULT_SDP_MAX_BYTES = 64 * 1024;

/** RFC 3551 §6 Table 4: static audio payload types (encoding, clock rate, channels). */
const STATIC_AUDIO_PAYLOAD_TYPES: ReadonlyMap<number, SdpPayloadType> = new Map(
  (
    [
      [0, 'PCMU', 8000, 1],
      [3, 'GSM', 8000, 1],
      [4, 'G723', 8000, 1],
      [5, 'DVI4', 8000, 1],
      [6, 'DVI4', 16000, 1],
      [7, 'LPC', 8000, 1],
      [8, 'PCMA', 8000, 1],
      // RFC 3551 §4.5.2: G.722's RTP clock is 8000 Hz although it samples at 16000 Hz.
      [9, 'G722', 8000, 1],
      [10, 'L16', 44100, 2],
      [11, 'L16', 44100, 1],
      [12, 'QCELP', 8000, 1],
      [13, 'CN', 8000, 1],
      [14, 'MPA', 90000, 1],
      [15, 'G728', 8000, 1],
      [16, 'DVI4', 11025, 1],
      [17, 'DVI4', 22050, 1],
      [18, 'G729', 8000, 1],
    ] as const
  ).map(([payloadType, encodingName, clockRate, channels]) => [
    payloadType,
    { payloadType, encodingName, clockRate, channels },
  ]),
);

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function malformed(message: string): SdpError {
  return new SdpError('SDP_MALFORMED', message);
}

function parseConnection(value: string): SdpConnection {
  const [netType, addressType, address] = value.trim().split(/\s+/);
  if (netType === undefined || addressType === undefined || address === undefined) {
    throw malformed(`c= needs <nettype> <addrtype> <address>: "${value}"`);
  }
  // RFC 8866 §5.7: IPv4 multicast carries /ttl[/count]; only the address matters here.
  return { netType, addressType, address: address.split('/')[0] ?? address };
}

function parseOrigin(value: string): SdpOrigin {
  const fields = value.trim().split(/\s+/);
  const [username, sessionId, sessionVersion, netType, addressType, address] = fields;
  if (
    fields.length !== 6 ||
    username === undefined ||
    sessionId === undefined ||
    sessionVersion === undefined ||
    netType === undefined ||
    addressType === undefined ||
    address === undefined
  ) {
    throw malformed(`o= needs six fields (RFC 8866 §5.2): "${value}"`);
  }
  return { username, sessionId, sessionVersion, netType, addressType, address };
}

function transportOf(protocol: string): SdpTransportProtocol {
  const upper = protocol.toUpperCase();
  if (upper === 'RTP/AVP') return 'RTP/AVP';
  if (upper === 'RTP/SAVP') return 'RTP/SAVP';
  return 'other';
}

function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  if (colon < 0) return { name: value.trim() };
  return { name: value.slice(0, colon).trim(), value: value.slice(colon + 1).trim() };
}

function readInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

interface MediaBuilder {
  readonly index: number;
  readonly media: string;
  readonly port: number;
  readonly portCount?: number;
  readonly protocol: string;
  readonly formats: string[];
  connection?: SdpConnection;
  readonly attributes: SdpAttribute[];
}

function parseMediaLine(value: string, index: number): MediaBuilder {
  const tokens = value.trim().split(/\s+/);
  const [media, portText, protocol, ...formats] = tokens;
  if (media === undefined || portText === undefined || protocol === undefined) {
    throw malformed(`m= needs <media> <port> <proto> <fmt> (RFC 8866 §5.14): "${value}"`);
  }
  if (formats.length === 0) throw malformed(`m= line without any format: "${value}"`);
  const portMatch = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(portText);
  const port = readInteger(portMatch?.[1]);
  if (port === undefined || port > 65535) throw malformed(`m= port is not 0-65535: "${value}"`);
  const portCount = readInteger(portMatch?.[2]);
  return {
    index,
    media,
    port,
    ...(portCount === undefined ? {} : { portCount }),
    protocol,
    formats,
    attributes: [],
  };
}

function buildPayloadTypes(builder: MediaBuilder): SdpPayloadType[] {
  const rtpmaps = new Map<number, { encodingName: string; clockRate: number; channels?: number }>();
  const fmtps = new Map<number, string>();
  for (const attribute of builder.attributes) {
    if (attribute.value === undefined) continue;
    const name = attribute.name.toLowerCase();
    if (name === 'rtpmap') {
      // RFC 8866 §6.6: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<parameters>]
      const match = /^(\d{1,3})\s+([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(attribute.value);
      const pt = readInteger(match?.[1]);
      const clockRate = readInteger(match?.[3]);
      if (match === null || pt === undefined || clockRate === undefined || rtpmaps.has(pt)) {
        continue;
      }
      const channels = readInteger(match[4]);
      rtpmaps.set(pt, {
        encodingName: match[2] ?? '',
        clockRate,
        ...(channels === undefined ? {} : { channels }),
      });
    } else if (name === 'fmtp') {
      const match = /^(\d{1,3})\s+(.*)$/.exec(attribute.value);
      const pt = readInteger(match?.[1]);
      if (pt !== undefined && !fmtps.has(pt)) fmtps.set(pt, match?.[2] ?? '');
    }
  }
  const payloadTypes: SdpPayloadType[] = [];
  for (const format of builder.formats) {
    const payloadType = readInteger(format);
    if (payloadType === undefined || payloadType > 127) continue;
    const mapped = rtpmaps.get(payloadType);
    const known = mapped ?? STATIC_AUDIO_PAYLOAD_TYPES.get(payloadType);
    const fmtp = fmtps.get(payloadType);
    payloadTypes.push({
      payloadType,
      ...(known === undefined
        ? {}
        : {
            encodingName: known.encodingName,
            clockRate: known.clockRate,
            ...(known.channels === undefined ? {} : { channels: known.channels }),
          }),
      ...(fmtp === undefined ? {} : { fmtp }),
    });
  }
  return payloadTypes;
}

function directionOf(attributes: readonly SdpAttribute[]): SdpDirection | undefined {
  let direction: SdpDirection | undefined;
  for (const attribute of attributes) {
    const name = attribute.name.toLowerCase();
    if (attribute.value === undefined && DIRECTIONS.has(name)) direction = name as SdpDirection;
  }
  return direction;
}

function finishMedia(
  builder: MediaBuilder,
  sessionConnection: SdpConnection | undefined,
  sessionDirection: SdpDirection | undefined,
): SdpMediaDescription {
  const direction = directionOf(builder.attributes) ?? sessionDirection ?? 'sendrecv';
  const connection = builder.connection ?? sessionConnection;
  const crypto: SdpCryptoAttribute[] = [];
  let label: string | undefined;
  let rtcp: SdpMediaDescription['rtcp'];
  let ptime: number | undefined;
  let maxptime: number | undefined;
  for (const attribute of builder.attributes) {
    const name = attribute.name.toLowerCase();
    const value = attribute.value;
    if (value === undefined) continue;
    if (name === 'crypto') {
      // RFC 4568 §6.1: an attribute we cannot read is ignored, the others remain usable.
      const parsed = parseSdpCryptoAttribute(value);
      if (parsed !== undefined) crypto.push(parsed);
    } else if (name === 'label' && label === undefined) label = value;
    else if (name === 'rtcp' && rtcp === undefined) {
      // RFC 3605 §2.1: a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
      const [portText, , , address] = value.split(/\s+/);
      const port = readInteger(portText);
      if (port !== undefined && port <= 65535) {
        rtcp = { port, ...(address === undefined ? {} : { address }) };
      }
    } else if (name === 'ptime') ptime = readInteger(value.split('.')[0]) ?? ptime;
    else if (name === 'maxptime') maxptime = readInteger(value.split('.')[0]) ?? maxptime;
  }
  return {
    index: builder.index,
    media: builder.media,
    port: builder.port,
    ...(builder.portCount === undefined ? {} : { portCount: builder.portCount }),
    protocol: builder.protocol,
    transport: transportOf(builder.protocol),
    formats: builder.formats,
    payloadTypes: buildPayloadTypes(builder),
    direction,
    ...(label === undefined ? {} : { label }),
    crypto,
    ...(connection === undefined ? {} : { connection }),
    ...(rtcp === undefined ? {} : { rtcp }),
    ...(ptime === undefined ? {} : { ptime }),
    ...(maxptime === undefined ? {} : { maxptime }),
    // The SRC will send nothing on the stream: legacy hold, inactive, or recvonly (it only
    // receives). sendonly is no hold here: every SIPREC SRC offers its streams so (RFC 7866).
    onHold:
      connection?.address === '0.0.0.0' || direction === 'inactive' || direction === 'recvonly',
    attributes: builder.attributes,
  };
}

/** Parse an SDP offer (RFC 8866 §5). Throws only `SdpError`. */
export function parseSdp(
  input: string | Uint8Array,
  options: SdpParseOptions = {},
): SdpSessionDescription {
  const maxBytes = options.maxBytes ?? DEFAULT_SDP_MAX_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes)
    throw new SdpError('SDP_TOO_LARGE', `SDP of ${size} bytes exceeds ${maxBytes}`);
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);

  // RFC 8866 §5: lines end in CRLF, but LF alone must be accepted too.
  const lines = text
    .split(/\r\n|\n|\r/)
    .map((line) => line.replace(/[ \t]+$/, ''))
    .filter((line) => line !== '');

  let origin: SdpOrigin | undefined;
  let sessionName = '';
  let sessionConnection: SdpConnection | undefined;
  const sessionAttributes: SdpAttribute[] = [];
  const mediaBuilders: MediaBuilder[] = [];
  let current: MediaBuilder | undefined;

  lines.forEach((line, lineIndex) => {
    const match = /^([a-zA-Z])=(.*)$/.exec(line);
    if (match === null) throw malformed(`line ${lineIndex + 1} is not <type>=<value>: "${line}"`);
    const type = match[1] ?? '';
    const value = match[2] ?? '';
    if (lineIndex === 0) {
      if (type !== 'v' || value.trim() !== '0') throw malformed('SDP must start with v=0');
      return;
    }
    switch (type) {
      case 'o':
        if (current === undefined && origin === undefined) origin = parseOrigin(value);
        break;
      case 's':
        if (current === undefined) sessionName = value;
        break;
      case 'c':
        if (current === undefined) sessionConnection = parseConnection(value);
        else current.connection = parseConnection(value);
        break;
      case 'm':
        current = parseMediaLine(value, mediaBuilders.length);
        mediaBuilders.push(current);
        break;
      case 'a':
        (current === undefined ? sessionAttributes : current.attributes).push(
          parseAttribute(value),
        );
        break;
      default:
        // b=, t=, i=, k=, ... carry nothing the recorder needs.
        break;
    }
  });
  if (lines.length === 0) throw malformed('empty SDP');
  if (origin === undefined) throw malformed('SDP without o= (RFC 8866 §5.2)');
  const sessionDirection = directionOf(sessionAttributes);
  return {
    origin,
    sessionName,
    ...(sessionConnection === undefined ? {} : { connection: sessionConnection }),
    ...(sessionDirection === undefined ? {} : { direction: sessionDirection }),
    media: mediaBuilders.map((builder) =>
      finishMedia(builder, sessionConnection, sessionDirection),
    ),
    attributes: sessionAttributes,
  };
}
