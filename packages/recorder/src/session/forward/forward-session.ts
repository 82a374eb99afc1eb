// One recorded call forwarded to an external recorder: the outbound leg (forward-leg.ts) started
// from the inbound session's answered streams and metadata, the relay of each stream (a socket
// of ours sending towards the port the vendor answered, fed by a tap on the inbound port), and
// the leg's state as the sink sees it (RecordingForwardState).
//
//   startForward ──► resolve the vendor URI (RFC 3263) ──► open one relay socket per stream
//     ──► INVITE (SRC offer + metadata in the vendor's dialect) ──► 2xx: targets from the answer,
//     taps on the inbound ports ──► established          (the SRC's 200 is answered only now)
//   any failure before that (DNS, no port, vendor 3xx-6xx, no answer in answerTimeoutMs) ──►
//     the start's failure; the caller records here, or refuses the SRC, by the org's options
//   updateForward: the inbound streams or metadata changed ──► re-INVITE (hold, codec, metadata)
//   endForward: BYE (or CANCEL) towards the vendor; sockets closed, taps removed
//
// The host hands in everything that touches the network (SessionForwarding); the leg itself is
// sans-I/O.
import { writeRecordingMetadata } from '../../siprec/forward/recording-metadata-writer.js';
import type { RecordingMetadata } from '../../siprec/index.js';
import { buildForwardSdpOffer, parseSdp, type SdpAnsweredStream } from '../../sdp/index.js';
import {
  createRtpRelayStream,
  type RtpRelayRekey,
  type RtpRelayStream,
} from '../../media/relay/rtp-relay-stream.js';
import { createSrtpContextFromSdes } from '../../rtp/srtp.js';
import { srtpInlineKeyLength } from '../../rtp/srtp-suites.js';
import type { SipRequest } from '../../sip/message/index.js';
import type {
  ClientRequestHandlers,
  ClientTransaction,
  TimerService,
} from '../../sip/transaction/index.js';
import type { SipTarget } from '../../sip/resolver/index.js';
import type { OpenedPeer } from '../../sip/transport/opened-peers.js';
import type {
  SipDestination,
  SipLocalAddress,
  SipTransportName,
} from '../../sip/transport/sip-transport.js';
import type { RecordingForwardState, RecordingForwardTarget } from '../ports.js';
import { createForwardLeg, type ForwardFailure, type ForwardLeg } from './forward-leg.js';
import type { ForwardLocalAddress } from './forward-requests.js';

/** The relay's sending socket of one stream, on an even port its offer names. */
export interface ForwardRelaySocket {
  readonly port: number;
  send(packet: Uint8Array, target: { readonly address: string; readonly port: number }): void;
  close(): Promise<void>;
}

/** What the host gives the session handler so it can forward sessions. */
export interface SessionForwarding {
  readonly timers: TimerService;
  /** The UAS core's client side (SipUserAgentCore.sendRequest / sendAck / localAddress). */
  sendRequest(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): ClientTransaction;
  sendAck(ack: SipRequest, destination: SipDestination): void;
  localAddress(transport: SipTransportName): SipLocalAddress | undefined;
  /** RFC 3263 targets of the vendor's URI, most preferred first; throws when DNS fails. */
  resolve(sipUri: string): Promise<readonly SipTarget[]>;
  /** Lets the vendor's responses and requests in until the returned function is called. */
  openPeer(peer: OpenedPeer): () => void;
  /** Binds a relay socket on an even port of the RTP range; undefined when none is free. */
  openRelaySocket(): Promise<ForwardRelaySocket | undefined>;
  /**
   * Every packet arriving on one of the session's answered RTP ports is handed to `onPacket`
   * too (a copy: the capture may reuse its buffers), until the returned function is called.
   */
  tap(rtpPort: number, onPacket: (packet: Uint8Array) => void): () => void;
  /**
   * How long the SRC's INVITE waits for the vendor's final answer (default 8 s, well inside the
   * SRC's own Timer B); then the vendor counts as timed out and its INVITE is cancelled.
   */
  readonly answerTimeoutMs?: number;
  generateBranch(): string;
  generateTag(): string;
  generateCallId(): string;
}

export const DEFAULT_FORWARD_ANSWER_TIMEOUT_MS = 8_000;

/** Why a forward could not start, or why its leg failed. */
export interface ForwardStartFailure {
  readonly code:
    | ForwardFailure['code']
    | 'vendor-unresolvable'
    | 'relay-no-port'
    | 'no-offer'
    | 'srtp-key-refused';
  readonly status?: number;
  readonly reason: string;
}

interface ForwardRelay {
  /** Position of the stream among the inbound answer's streams. */
  readonly index: number;
  /** SRTP streams: the outbound leg's own key, offered to the vendor. */
  readonly crypto?: { readonly suite: string; readonly keySalt: string };
  inboundPort: number;
  readonly socket: ForwardRelaySocket;
  readonly stream: RtpRelayStream;
  untap: () => void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ForwardRuntime {
  readonly target: RecordingForwardTarget;
  readonly leg: ForwardLeg;
  /** The leg's state as the snapshot shows it. */
  readonly state: Mutable<RecordingForwardState>;
  readonly relays: ForwardRelay[];
  /** The leg's SIP dialog id once the vendor answered (for its in-dialog requests). */
  dialogId(): string | undefined;
  /** Packets relayed and dropped, summed over the streams. */
  relayed(): { forwarded: number; dropped: number };
  /** The inbound streams or the metadata changed: a re-INVITE mirrors it (hold, codec ...). */
  update(inbound: readonly SdpAnsweredStream[], metadata?: RecordingMetadata): void;
  /** Ends the leg (BYE) and closes the relay. */
  end(): Promise<void>;
}

export interface StartForwardOptions {
  readonly target: RecordingForwardTarget;
  /** The inbound session's answered streams (accepted ones are forwarded, in order). */
  readonly inbound: readonly SdpAnsweredStream[];
  readonly metadata?: RecordingMetadata;
  /** The address our relay offer names (the recorder's media address). */
  readonly mediaAddress: string;
  readonly now: () => number;
  /** A fresh SDP session id. */
  readonly sessionId: string;
  /** Cryptographically strong random bytes (the outbound leg's SRTP keys). */
  readonly randomBytes: (length: number) => Uint8Array;
  /** Whether Callvault records the call as well from the start (dual recording). */
  readonly recordedHere: boolean;
  /** After the start: the leg failed (vendor BYE, no answer inside the dialog ...). */
  onFailed(failure: ForwardFailure): void;
  /** After the start: the leg ended normally (our BYE answered). */
  onEnded(): void;
  log(level: 'info' | 'warn', message: string, fields?: Record<string, unknown>): void;
}

function targetsFromAnswer(
  answerSdp: string,
  relays: readonly ForwardRelay[],
): { address: string; port: number }[] | string {
  let parsed;
  try {
    parsed = parseSdp(answerSdp);
  } catch (err) {
    return `the vendor's SDP answer is unreadable: ${(err as Error).message}`;
  }
  return relays.map((_relay, position) => {
    const media = parsed.media[position];
    const address = media?.connection?.address ?? parsed.connection?.address;
    if (!media || media.port === 0 || address === undefined || address === '0.0.0.0') {
      return { address: '', port: 0 };
    }
    return { address, port: media.port };
  });
}

function applyTargets(
  relays: readonly ForwardRelay[],
  targets: { address: string; port: number }[],
) {
  relays.forEach((relay, i) => {
    const target = targets[i];
    relay.stream.setTarget(target && target.port > 0 ? target : null);
  });
}

function offerOf(
  relays: readonly ForwardRelay[],
  inbound: readonly SdpAnsweredStream[],
  options: { mediaAddress: string; sessionId: string; version: number },
): string {
  return buildForwardSdpOffer({
    localAddress: options.mediaAddress,
    sessionId: options.sessionId,
    sessionVersion: options.version,
    streams: relays.flatMap((relay) => {
      const stream = inbound[relay.index];
      return stream?.accepted
        ? [
            {
              inbound: stream,
              relayPort: relay.socket.port,
              ...(relay.crypto ? { crypto: relay.crypto } : {}),
            },
          ]
        : [];
    }),
  });
}

/**
 * The re-keying of an SRTP stream (RFC 4568: each leg has its own keys): the inbound context from
 * the SRC's key, a fresh key of ours for the vendor leg; the reason when the SRC's key is unusable.
 */
function rekeyFor(
  srtp: NonNullable<SdpAnsweredStream['srtp']>,
  randomBytes: (length: number) => Uint8Array,
): { rekey: RtpRelayRekey; crypto: { suite: string; keySalt: string } } | string {
  const mki = srtp.remote.mki ? `|${srtp.remote.mki.value}:${srtp.remote.mki.length}` : '';
  const inbound = createSrtpContextFromSdes(srtp.suite, `inline:${srtp.remote.keySalt}${mki}`);
  if (!inbound.ok) return `the SRC's SRTP key cannot be used: ${inbound.reason}`;
  const keySalt = Buffer.from(randomBytes(srtpInlineKeyLength(srtp.suite))).toString('base64');
  const outbound = createSrtpContextFromSdes(srtp.suite, `inline:${keySalt}`);
  if (!outbound.ok) return `no SRTP key for the vendor leg: ${outbound.reason}`;
  return {
    rekey: { inbound: inbound.context, outbound: outbound.context },
    crypto: { suite: srtp.suite, keySalt },
  };
}

/** The address our Via and Contact name: the listening address, or the media address for 0.0.0.0. */
function localFor(
  forwarding: SessionForwarding,
  transport: SipTransportName,
  mediaAddress: string,
): ForwardLocalAddress | undefined {
  const local = forwarding.localAddress(transport);
  if (!local) return undefined;
  const wildcard = local.address === '0.0.0.0' || local.address === '::';
  return { transport, host: wildcard ? mediaAddress : local.address, port: local.port };
}

/**
 * Starts the forward and waits for the vendor: the established runtime, or why not. On
 * failure nothing is left open (sockets closed, the INVITE cancelled, the peer released).
 */
export async function startForward(
  forwarding: SessionForwarding,
  options: StartForwardOptions,
): Promise<{ ok: true; runtime: ForwardRuntime } | { ok: false; failure: ForwardStartFailure }> {
  const { target } = options;
  const accepted = options.inbound.flatMap((stream, index) => (stream.accepted ? [index] : []));
  if (accepted.length === 0) {
    return { ok: false, failure: { code: 'no-offer', reason: 'no stream to forward' } };
  }
  let targets: readonly SipTarget[];
  try {
    targets = await forwarding.resolve(target.sipUri);
  } catch (err) {
    return {
      ok: false,
      failure: {
        code: 'vendor-unresolvable',
        reason: `${target.sipUri} could not be resolved: ${(err as Error).message}`,
      },
    };
  }
  const first = targets.find((t) => forwarding.localAddress(t.transport) !== undefined);
  const local = first && localFor(forwarding, first.transport, options.mediaAddress);
  if (!first || !local) {
    return {
      ok: false,
      failure: {
        code: 'vendor-unresolvable',
        reason:
          targets.length === 0
            ? `${target.sipUri} does not resolve to a SIP server`
            : `${target.sipUri} needs a transport this recorder does not listen on`,
      },
    };
  }
  const destination: SipDestination = {
    transport: first.transport,
    address: first.address,
    port: first.port,
  };

  const relays: ForwardRelay[] = [];
  const closeRelays = async (): Promise<void> => {
    for (const relay of relays) relay.untap();
    await Promise.all(relays.map((relay) => relay.socket.close()));
  };
  for (const index of accepted) {
    const socket = await forwarding.openRelaySocket();
    if (!socket) {
      await closeRelays();
      return {
        ok: false,
        failure: { code: 'relay-no-port', reason: 'no free RTP port for the relay' },
      };
    }
    const inbound = options.inbound[index];
    const keyed =
      inbound?.srtp === undefined ? undefined : rekeyFor(inbound.srtp, options.randomBytes);
    if (typeof keyed === 'string') {
      await socket.close();
      await closeRelays();
      return { ok: false, failure: { code: 'srtp-key-refused', reason: keyed } };
    }
    relays.push({
      index,
      inboundPort: inbound?.localPort ?? 0,
      socket,
      ...(keyed ? { crypto: keyed.crypto } : {}),
      stream: createRtpRelayStream({
        ...(keyed ? { rekey: keyed.rekey } : {}),
        send: (packet, to) => socket.send(packet, to),
      }),
      untap: () => {},
    });
  }

  const releasePeer = forwarding.openPeer({
    transport: destination.transport,
    address: destination.address,
  });
  const state: Mutable<RecordingForwardState> = {
    vendorId: target.vendorId,
    vendorName: target.vendorName,
    sipUri: target.sipUri,
    state: 'inviting',
    owners: target.owners,
    startedAt: options.now(),
    recordedHere: options.recordedHere,
    fallbackToLocal: target.fallbackToLocal,
  };
  const metadata =
    options.metadata === undefined
      ? undefined
      : writeRecordingMetadata(options.metadata, target.metadataDialect ?? 'rfc7865');
  const sdp = offerOf(relays, options.inbound, {
    mediaAddress: options.mediaAddress,
    sessionId: options.sessionId,
    version: 1,
  });

  let settle: (
    result: { ok: true } | { ok: false; failure: ForwardStartFailure },
  ) => void = () => {};
  const settled = new Promise<{ ok: true } | { ok: false; failure: ForwardStartFailure }>(
    (resolve) => (settle = resolve),
  );
  let started = false;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    // The vendor's last answers (to our BYE, its retransmissions) may still come: it stays
    // admitted for one Timer B.
    forwarding.timers.setTimer(32_000, releasePeer);
  };

  const leg = createForwardLeg({
    timers: forwarding.timers,
    destination,
    requestUri: target.sipUri,
    local,
    callId: forwarding.generateCallId(),
    localTag: forwarding.generateTag(),
    generateBranch: () => forwarding.generateBranch(),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    sendRequest: (request, to, handlers) => forwarding.sendRequest(request, to, handlers),
    sendAck: (ack, to) => forwarding.sendAck(ack, to),
    onEstablished(answerSdp) {
      const found = targetsFromAnswer(answerSdp, relays);
      if (typeof found === 'string') {
        settle({ ok: false, failure: { code: 'vendor-answer-invalid', reason: found } });
        return;
      }
      applyTargets(relays, found);
      state.state = 'established';
      state.establishedAt = options.now();
      settle({ ok: true });
    },
    onUpdated(answerSdp) {
      const found = targetsFromAnswer(answerSdp, relays);
      if (typeof found === 'string') {
        options.log('warn', 'the vendor answered a re-INVITE with an unreadable SDP', {
          detail: found,
        });
        return;
      }
      applyTargets(relays, found);
    },
    onUpdateRejected(status, reason) {
      options.log('warn', 'the vendor refused a change of the forwarded session', {
        status,
        reason,
      });
    },
    onFailed(failure) {
      state.state = 'failed';
      state.endedAt = options.now();
      state.failure = {
        code: failure.code,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        reason: failure.reason,
      };
      for (const relay of relays) relay.stream.setTarget(null);
      release();
      if (started) options.onFailed(failure);
      else settle({ ok: false, failure });
    },
    onEnded() {
      if (state.state !== 'failed') {
        state.state = 'ended';
        state.endedAt = options.now();
      }
      release();
      if (started) options.onEnded();
      else
        settle({
          ok: false,
          failure: { code: 'vendor-timeout', reason: 'the forward was abandoned' },
        });
    },
  });

  const timeoutMs = forwarding.answerTimeoutMs ?? DEFAULT_FORWARD_ANSWER_TIMEOUT_MS;
  const cancelTimeout = forwarding.timers.setTimer(timeoutMs, () => {
    settle({
      ok: false,
      failure: {
        code: 'vendor-timeout',
        reason: `the vendor did not answer the INVITE within ${Math.round(timeoutMs / 1000)} s`,
      },
    });
  });
  options.log('info', 'forwarding the session', {
    vendor: target.vendorName,
    to: `${destination.transport}:${destination.address}:${destination.port}`,
    streams: relays.map((r) => r.socket.port),
  });
  leg.start({ sdp, ...(metadata === undefined ? {} : { metadata }) });
  const result = await settled;
  cancelTimeout();
  if (!result.ok) {
    if (state.state !== 'failed') {
      state.state = 'failed';
      state.endedAt = options.now();
      state.failure = {
        code: result.failure.code,
        ...(result.failure.status === undefined ? {} : { status: result.failure.status }),
        reason: result.failure.reason,
      };
    }
    leg.end();
    release();
    await closeRelays();
    return { ok: false, failure: result.failure };
  }
  started = true;
  for (const relay of relays) {
    relay.untap = forwarding.tap(relay.inboundPort, (packet) => relay.stream.relay(packet));
  }
  let version = 1;
  const runtime: ForwardRuntime = {
    target,
    leg,
    state,
    relays,
    dialogId: () => leg.dialog?.id,
    relayed() {
      let forwarded = 0;
      let dropped = 0;
      for (const relay of relays) {
        const stats = relay.stream.stats();
        forwarded += stats.forwarded;
        dropped += stats.droppedMalformed + stats.droppedNoTarget;
      }
      return { forwarded, dropped };
    },
    update(inbound, nextMetadata) {
      // A stream that moved to another inbound port is tapped there from now on.
      for (const relay of relays) {
        const port = inbound[relay.index]?.localPort ?? 0;
        if (port !== relay.inboundPort) {
          relay.untap();
          relay.inboundPort = port;
          relay.untap =
            port === 0 ? () => {} : forwarding.tap(port, (packet) => relay.stream.relay(packet));
        }
      }
      version += 1;
      const body = offerOf(relays, inbound, {
        mediaAddress: options.mediaAddress,
        sessionId: options.sessionId,
        version,
      });
      const doc =
        nextMetadata === undefined
          ? undefined
          : writeRecordingMetadata(nextMetadata, target.metadataDialect ?? 'rfc7865');
      leg.update({ sdp: body, ...(doc === undefined ? {} : { metadata: doc }) });
    },
    async end() {
      leg.end();
      await closeRelays();
    },
  };
  return { ok: true, runtime };
}
