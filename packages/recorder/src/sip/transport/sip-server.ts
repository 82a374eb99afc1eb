// Wires SIP transports to the UAS core (RFC 3261 §18): the one place where octets become
// messages and back, and where the parse-error policy lives.
//
//   transport ──bytes──► parse (§18.3) ──request──► stamp received/rport (§18.2.1) ──► core
//      │                    │            └response─► §8.1.3.3 check ─────────────────► core
//      │                    └ SipParseError ─┐
//      └ framer failure (oversize, lost sync)┴► 400/505/513 with the problem in the Reason-Phrase
//                                               and a Warning 399 (§21.4.1, §20.43), built from
//                                               the partial request or the salvaged headers;
//                                               counted by reason and reported to onParseError
//   transports refuse unknown sources and abusive connections before this point: onRefused
//   core ──message──► §18.2.2 response routing ──► serialize ──► transport.send
//
// Start listens on every configured transport (UDP and TCP on the same host:port by default, TLS
// on its own; a port of 0 picks one free port that the other port-0 transports on that host then
// share). Requests whose top Via asks for connection reuse (RFC 5923 `alias`) have the
// connection registered for their sent-by port.
import {
  buildParseErrorResponse,
  describeParseError,
  findAnswerableRequest,
  getVias,
  parseDatagram,
  parseFramedMessage,
  serializeMessage,
  SipParseError,
  validateResponse,
  type SipMessage,
  type SipParseErrorReason,
  type SipParseLimits,
} from '../message/index.js';
import type { SipUserAgentCore, SipUserAgentCoreStats } from '../dialog/sip-user-agent-core.js';
import { resolveResponseDestination, stampTopVia } from './response-routing.js';
import {
  listenSipTransport,
  SIP_TRANSPORT_FACTORIES,
  type SipTransportFactory,
  type SipTransportListenOptions,
} from './sip-transport-factory.js';
import type {
  SipDestination,
  SipLocalAddress,
  SipRefusal,
  SipSource,
  SipSourceAdmission,
  SipTransport,
  SipTransportName,
  SipTransportStats,
} from './sip-transport.js';

export interface SipListenAddress {
  readonly transport: SipTransportName;
  readonly host: string;
  /** 0: any free port, shared by the other port-0 transports on the same host. */
  readonly port: number;
}

export interface SipServerOptions {
  readonly transports: readonly SipListenAddress[];
  readonly core: SipUserAgentCore;
  readonly parseLimits?: Partial<SipParseLimits>;
  readonly stream?: SipTransportListenOptions['stream'];
  /** The certificate and peer check of the TLS transport (required when one is listed). */
  readonly tls?: SipTransportListenOptions['tls'];
  /**
   * Sources that may talk SIP at all (the trunks' networks): TCP connections from others are
   * reset at accept, UDP datagrams from others dropped unanswered. Default: everyone.
   */
  readonly isAdmissibleSource?: SipSourceAdmission;
  /** warn-agent of the Warning header on parse-error answers (default "callvault"). */
  readonly warnAgent?: string;
  /** Unexpected failures (socket errors, failed sends, core exceptions), for the logger. */
  readonly onError?: (error: Error, context: string) => void;
  /** Every message refused for its syntax or size, for a (rate-limited) log line. */
  readonly onParseError?: (event: SipParseErrorEvent) => void;
  /** Every peer a transport turned away (unknown source, caps, timeouts). */
  readonly onRefused?: (refusal: SipRefusal) => void;
  readonly factories?: Readonly<Partial<Record<SipTransportName, SipTransportFactory>>>;
}

export interface SipParseErrorEvent {
  readonly source: SipSource;
  readonly reason: SipParseErrorReason;
  readonly header: string | undefined;
  /** The parser's explanation. */
  readonly detail: string;
  /** The status answered, or null when nothing could be answered (dropped). */
  readonly answered: number | null;
}

export interface SipParseErrorCount {
  readonly reason: SipParseErrorReason;
  /** The header at fault, or "" when the failure is not about one header. */
  readonly header: string;
  readonly count: number;
}

export interface SipServerStats {
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Octets that did not parse as SIP (answered when possible, otherwise dropped). */
  readonly parseErrors: number;
  /** 400/505/513 responses built from a request that failed to parse. */
  readonly parseErrorResponses: number;
  /** parseErrors by reason and header. */
  readonly parseErrorCounts: readonly SipParseErrorCount[];
  /** Datagrams holding only CRLFs (keep-alives of some SBCs). */
  readonly keepAlives: number;
  /** Responses failing RFC 3261 §8.1.3.3 (dropped). */
  readonly responsesDiscarded: number;
  readonly sendErrors: number;
  readonly retransmissionsAbsorbed: number;
  readonly connectionsOpen: number;
  readonly transports: readonly SipTransportStats[];
  readonly core: SipUserAgentCoreStats;
}

export interface SipServer {
  /** Listens on every configured transport; resolves with the bound addresses, in order. */
  start(): Promise<ReadonlyArray<SipListenAddress>>;
  /** Stops the core's timers and closes every transport. */
  stop(): Promise<void>;
  stats(): SipServerStats;
}

/** TLS on its own host and port: what CALLVAULT_SIP_TLS_ADDR means (RFC 3261 §26.2: 5061). */
export function listenOnTls(host: string, port: number): SipListenAddress[] {
  return [{ transport: 'tls', host, port }];
}

/** UDP and TCP on one host and port: what CALLVAULT_SIP_ADDR means. */
export function listenOnUdpAndTcp(host: string, port: number): SipListenAddress[] {
  return [
    { transport: 'udp', host, port },
    { transport: 'tcp', host, port },
  ];
}

function isAddressInUse(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

export function createSipServer(options: SipServerOptions): SipServer {
  const core = options.core;
  const onError = options.onError ?? (() => {});
  const factories = options.factories ?? SIP_TRANSPORT_FACTORIES;
  const onParseError = options.onParseError ?? (() => {});
  const warnAgent = options.warnAgent ?? 'callvault';
  const parseErrorCounts = new Map<
    string,
    { reason: SipParseErrorReason; header: string; count: number }
  >();
  const transports = new Map<SipTransportName, SipTransport>();
  const counters = {
    messagesIn: 0,
    messagesOut: 0,
    parseErrors: 0,
    parseErrorResponses: 0,
    keepAlives: 0,
    responsesDiscarded: 0,
    sendErrors: 0,
  };

  function send(message: SipMessage, destination: SipDestination): void {
    const target =
      message.kind === 'response' ? resolveResponseDestination(message, destination) : destination;
    const transport = transports.get(target.transport);
    if (!transport) {
      counters.sendErrors++;
      onError(new Error(`no ${target.transport} transport to send on`), 'send');
      return;
    }
    const bytes = serializeMessage(message);
    counters.messagesOut++;
    transport.send(bytes, target).catch((err: unknown) => {
      counters.sendErrors++;
      onError(err instanceof Error ? err : new Error(String(err)), 'send');
    });
  }

  function receive(
    transport: SipTransport,
    bytes: Uint8Array,
    source: SipSource,
    failure: SipParseError | undefined,
  ): void {
    counters.messagesIn++;
    if (failure !== undefined) {
      counters.parseErrors++;
      answerParseError(bytes, failure, source);
      return;
    }
    let message: SipMessage;
    try {
      message = transport.reliable
        ? parseFramedMessage(bytes, { limits: options.parseLimits ?? {} })
        : parseDatagram(bytes, { limits: options.parseLimits ?? {} });
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      if (err.code === 'EMPTY') {
        counters.keepAlives++;
        return;
      }
      counters.parseErrors++;
      answerParseError(bytes, err, source);
      return;
    }
    try {
      if (message.kind === 'request') {
        if (transport.addAlias && source.connectionId !== undefined) {
          offerAlias(transport, message, source);
        }
        core.receive(stampTopVia(message, source), source);
      } else if (validateResponse(message) === null) {
        core.receive(message, source);
      } else {
        counters.responsesDiscarded++;
      }
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)), 'core');
    }
  }

  /**
   * RFC 5923 §5: a request whose top Via carries `alias` asks that requests to its sent-by port
   * reuse this connection (an SBC's BYE then goes over the connection it opened, not a new
   * one). The transport takes the alias only for the connection's own remote address.
   */
  function offerAlias(transport: SipTransport, request: SipMessage, source: SipSource): void {
    let top;
    try {
      [top] = getVias(request);
    } catch {
      return;
    }
    if (!top || !('alias' in top.params) || top.port === undefined) return;
    transport.addAlias?.(source.connectionId!, source.address, top.port);
  }

  function answerParseError(bytes: Uint8Array, err: SipParseError, source: SipSource): void {
    const described = describeParseError(err);
    const header = described.header ?? '';
    const key = `${described.reason}|${header}`;
    const entry = parseErrorCounts.get(key);
    if (entry) entry.count++;
    else parseErrorCounts.set(key, { reason: described.reason, header, count: 1 });
    let answered: number | null = null;
    const request = findAnswerableRequest(bytes, err);
    if (request !== null) {
      let stamped = request;
      try {
        // §18.2.1: the real source in the top Via, so §18.2.2 routes the answer to it.
        stamped = stampTopVia(request, source);
      } catch {
        // A Via that does not parse: the answer goes to the source as it is.
      }
      const response = buildParseErrorResponse(stamped, err, { warnAgent });
      counters.parseErrorResponses++;
      answered = response.status;
      send(response, source);
    }
    onParseError({
      source,
      reason: described.reason,
      header: described.header,
      detail: err.message,
      answered,
    });
  }

  async function listenAll(): Promise<SipListenAddress[]> {
    const bound: SipListenAddress[] = [];
    const sharedPort = new Map<string, number>();
    try {
      for (const spec of options.transports) {
        // TLS is a second TCP listener: it cannot share the TCP transport's port.
        const shares = spec.port === 0 && spec.transport !== 'tls';
        const port = shares ? (sharedPort.get(spec.host) ?? 0) : spec.port;
        const transport = await listenSipTransport(
          spec.transport,
          {
            host: spec.host,
            port,
            ...(options.parseLimits ? { parseLimits: options.parseLimits } : {}),
            ...(options.stream ? { stream: options.stream } : {}),
            ...(options.tls ? { tls: options.tls } : {}),
            ...(options.isAdmissibleSource
              ? { isAdmissibleSource: options.isAdmissibleSource }
              : {}),
          },
          factories,
        );
        if (transports.has(spec.transport)) {
          await transport.close();
          throw new Error(`transport ${spec.transport} is configured twice`);
        }
        transports.set(spec.transport, transport);
        if (shares && !sharedPort.has(spec.host)) sharedPort.set(spec.host, transport.local.port);
        bound.push({
          transport: spec.transport,
          host: transport.local.address,
          port: transport.local.port,
        });
        transport.on('message', (bytes, source, failure) =>
          receive(transport, bytes, source, failure),
        );
        transport.on('refused', (refusal) => options.onRefused?.(refusal));
        transport.on('error', (error) => onError(error, `${spec.transport} transport`));
      }
    } catch (err) {
      await closeAll();
      throw err;
    }
    return bound;
  }

  async function closeAll(): Promise<void> {
    const open = [...transports.values()];
    transports.clear();
    await Promise.all(open.map((t) => t.close()));
  }

  return {
    async start() {
      if (transports.size > 0) throw new Error('the SIP server is already started');
      const usesSharedEphemeral =
        options.transports.filter((t) => t.port === 0 && t.transport !== 'tls').length > 1;
      // A shared ephemeral port may already be taken on the second transport: try a few ports.
      // Connected first: a message may arrive as soon as the first transport listens.
      core.connect({
        send,
        getLocalAddress: (name): SipLocalAddress | undefined => transports.get(name)?.local,
      });
      for (let attempt = 1; ; attempt++) {
        try {
          return await listenAll();
        } catch (err) {
          if (!usesSharedEphemeral || !isAddressInUse(err) || attempt >= 5) throw err;
        }
      }
    },
    async stop() {
      core.close();
      await closeAll();
    },
    stats() {
      const perTransport = [...transports.values()].map((t) => t.stats());
      const coreStats = core.stats();
      return {
        ...counters,
        parseErrorCounts: [...parseErrorCounts.values()].map((c) => ({ ...c })),
        retransmissionsAbsorbed: coreStats.retransmissionsAbsorbed,
        connectionsOpen: perTransport.reduce((sum, t) => sum + t.connectionsOpen, 0),
        transports: perTransport,
        core: coreStats,
      };
    },
  };
}
