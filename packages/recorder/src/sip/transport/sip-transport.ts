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
  /** TLS only: the peer's certificate as the host's verifier accepted it (mutual TLS). */
  readonly peer?: SipPeerIdentity;
}

/**
 * A TLS peer's certificate chain as it arrived (DER, leaf first), handed to the host's verifier
 * before any SIP octet of the connection is read.
 */
export interface SipTlsPeer {
  readonly address: string;
  readonly port: number;
  /** DER certificates, the peer's own first; empty when it sent none. */
  readonly certificates: readonly Uint8Array[];
  /** Negotiated protocol, e.g. "TLSv1.3". */
  readonly protocol: string;
}

/** What a verified TLS peer is: its certificate, and the host's names for what it may do. */
export interface SipPeerIdentity {
  /** SHA-256 fingerprint of the peer's certificate, upper-case hex pairs joined by ":". */
  readonly fingerprint: string;
  /** Subject of the peer's certificate, e.g. "CN=sbc.example.com". */
  readonly subject: string;
  /**
   * Opaque to the transport: what the host's verifier decided this certificate stands for
   * (the recorder host puts the ids of the recording trunks it authenticates here).
   */
  readonly authorizedFor: readonly string[];
}

/** The host's decision on a TLS peer: accept (with an identity, or none: no certificate needed). */
export type SipTlsPeerVerdict =
  | { readonly ok: true; readonly identity: SipPeerIdentity | null }
  | { readonly ok: false; readonly reason: string };

/** Synchronous, like source admission: it runs between the handshake and the first read. */
export type SipTlsPeerVerifier = (peer: SipTlsPeer) => SipTlsPeerVerdict;

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
 * or in all, no complete message in time (half-open or trickling), a peer that does not
 * read what we write; over TLS a handshake not finished in time, a handshake that failed
 * (protocol version, cipher, garbage), or a certificate the host's verifier refused.
 */
export type SipRefusalReason =
  | 'unknown-source'
  | 'source-limit'
  | 'connection-limit'
  | 'message-timeout'
  | 'write-overflow'
  | 'handshake-timeout'
  | 'handshake-failed'
  | 'peer-certificate';

export interface SipRefusal {
  readonly transport: SipTransportName;
  readonly address: string;
  readonly port: number;
  readonly reason: SipRefusalReason;
  /** peer-certificate: the verifier's reason (e.g. "unknown-ca"); handshake-failed: the error. */
  readonly detail?: string;
}

/**
 * Decides, cheaply and synchronously, whether a peer address may talk SIP to us at all over
 * the given transport.
 */
export type SipSourceAdmission = (address: string, transport: SipTransportName) => boolean;

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
    'handshake-timeout': 0,
    'handshake-failed': 0,
    'peer-certificate': 0,
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
  /**
   * Stream transports (RFC 5923 §5): requests to `address:port` may reuse this connection.
   * Only the connection's own remote address is taken, so a peer can alias only itself.
   */
  addAlias?(connectionId: string, address: string, port: number): void;
  /** Sends octets; resolves once handed to the socket, rejects when that fails. */
  send(bytes: Uint8Array, destination: SipDestination): Promise<void>;
  stats(): SipTransportStats;
  close(): Promise<void>;
}

/** True for transports that deliver in order and retransmit themselves. */
export function isReliableTransport(name: SipTransportName): boolean {
  return name !== 'udp';
}
