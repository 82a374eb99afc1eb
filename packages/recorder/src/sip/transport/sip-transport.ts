// The transport layer's contract (RFC 3261 §18): what every SIP transport (UDP, TCP, later TLS)
// offers the layers above. Types only, so the sans-I/O transaction and dialog layers can name
// sources and destinations without importing any socket code.

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
}

export type SipTransportMessageListener = (bytes: Uint8Array, source: SipSource) => void;
export type SipTransportErrorListener = (error: Error) => void;

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
  /** Sends octets; resolves once handed to the socket, rejects when that fails. */
  send(bytes: Uint8Array, destination: SipDestination): Promise<void>;
  stats(): SipTransportStats;
  close(): Promise<void>;
}

/** True for transports that deliver in order and retransmit themselves. */
export function isReliableTransport(name: SipTransportName): boolean {
  return name !== 'udp';
}
