// The transport layer's contract (RFC 3261 §18): what every SIP transport (UDP, TCP, later TLS)
// offers the layers above. Types only, so the sans-I/O transaction and dialog layers can name
// sources and destinations without importing any socket code.
import type { SipParseError } from '../message/index.js';

/** Transport names as they appear (lower-cased) in Via and in the `transport` URI parameter. */
export type SipTransportName = 'udp' | 'tcp' | 'tls';

/** Where a message came from, as the receiving transport saw it. */
export interface SipSource {
  readonly transport: SipTransportName;
  /** Remote IP address (IPv6 without brackets). */
  readonly address: string;
  readonly port: number;
  /** Set by stream transports: the connection the message arrived on, for replies (§18.2.2). */
  readonly connectionId?: string;
}

/** Where to send a message: an address, and for streams preferably an existing connection. */
export type SipDestination = SipSource;

/** A local listening address. */
export interface SipLocalAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * Why a transport turned a peer away without handing anything up: a source outside every
 * trunk (TCP: closed at accept; UDP: datagram dropped), too many connections from one address
 * or in all, no complete message in time (half-open or trickling), or a peer that does not
 * read what we write.
 */
export type SipRefusalReason =
  'unknown-source' | 'source-limit' | 'connection-limit' | 'message-timeout' | 'write-overflow';

export interface SipRefusal {
  readonly transport: SipTransportName;
  readonly address: string;
  readonly port: number;
  readonly reason: SipRefusalReason;
}

/** Decides, cheaply and synchronously, whether a peer address may talk SIP to us at all. */
export type SipSourceAdmission = (address: string) => boolean;

export interface SipTransportStats {
  readonly transport: SipTransportName;
  readonly messagesIn: number;
  readonly messagesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Stream framing errors (connection closed) and oversized datagrams. */
  readonly framingErrors: number;
  /** RFC 5626 §3.5.1 CRLFCRLF pings answered with a CRLF pong. */
  readonly pings: number;
  /** Stream transports: connections open now, accepted and refused (limit) since start. */
  readonly connectionsOpen: number;
  readonly connectionsAccepted: number;
  readonly connectionsRefused: number;
  readonly connectionsIdleClosed: number;
  /** Sends that failed (socket error, connection refused). */
  readonly sendErrors: number;
  /** Refusals by reason (see SipRefusalReason); connection-limit equals connectionsRefused. */
  readonly refused: Readonly<Record<SipRefusalReason, number>>;
}

export function createRefusalCounters(): Record<SipRefusalReason, number> {
  return {
    'unknown-source': 0,
    'source-limit': 0,
    'connection-limit': 0,
    'message-timeout': 0,
    'write-overflow': 0,
  };
}

/**
 * One datagram or framed message. With `failure`, `bytes` are the head of a message the stream
 * framer could not deliver (oversized, or framing lost): answer it if possible, never process it.
 */
export type SipTransportMessageListener = (
  bytes: Uint8Array,
  source: SipSource,
  failure?: SipParseError,
) => void;
export type SipTransportErrorListener = (error: Error) => void;
export type SipTransportRefusalListener = (refusal: SipRefusal) => void;

/**
 * One listening SIP transport. `message` delivers one datagram (UDP) or one framed message
 * (streams); parsing is the caller's business so the parse-error policy lives in one place.
 */
export interface SipTransport {
  readonly name: SipTransportName;
  /** Reliable transports switch off retransmission timers (RFC 3261 §17.1.1.2, §17.2.1). */
  readonly reliable: boolean;
  readonly local: SipLocalAddress;
  on(event: 'message', listener: SipTransportMessageListener): void;
  on(event: 'error', listener: SipTransportErrorListener): void;
  on(event: 'refused', listener: SipTransportRefusalListener): void;
  /** Sends octets; resolves once handed to the socket, rejects when that fails. */
  send(bytes: Uint8Array, destination: SipDestination): Promise<void>;
  stats(): SipTransportStats;
  close(): Promise<void>;
}

/** True for transports that deliver in order and retransmit themselves. */
export function isReliableTransport(name: SipTransportName): boolean {
  return name !== 'udp';
}
