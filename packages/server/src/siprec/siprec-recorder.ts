// The recorder role (SPEC §5, §9.4): the SIP server on CALLVAULT_SIP_ADDR (UDP and TCP) and
// CALLVAULT_SIP_TLS_ADDR (TLS, with the certificate of sip-tls-certificate.ts), the UAS
// core with system timers, and the SIPREC session handler wired to the database-backed
// RecordingPolicy and the in-memory session registry. The transports admit only the recording
// trunks' source networks (over TLS, a trunk requiring a client certificate is chosen by it) and
// the peers the recorder opened legs towards (`openedPeers`, an external recorder's address), and
// enforce the CALLVAULT_SIP_* limits; refused messages and peers are logged at most once a
// minute per source and reason, and counted on /metrics.
import crypto from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  anySourceAdmission,
  createNodeSipDns,
  createOpenedPeers,
  createPortPairAllocator,
  createSessionForwarding,
  createSipServer,
  createSipUserAgentCore,
  createSiprecSessionHandler,
  startRtpInactivityWatcher,
  startDialogLivenessWatcher,
  DEFAULT_DIALOG_PROBE_INTERVAL_MS,
  DEFAULT_RTP_INACTIVITY_TIMEOUT_MS,
  createSystemTimerService,
  listenOnTls,
  listenOnUdpAndTcp,
  type OpenedPeers,
  type SipListenAddress,
  type PortPairAllocator,
  type SipServerStats,
  type SiprecSessionHandler,
  type SipDnsPort,
} from '@callvault/recorder';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import { moduleLogger, type Logger } from '../observability/logger.js';
import { createLogThrottle } from '../observability/log-throttle.js';
import { startTrunkSourceAdmission } from '../recording-trunks/trunk-source-admission.js';
import { createRecordingPolicy } from './recording-policy.js';
import { registerSipServerMetrics } from './sip-server.metrics.js';
import type { SipCertificateStore } from './sip-tls-certificate.js';
import type { SessionRegistry } from './session-registry.js';
import { startVendorHealth, type VendorHealthOptions } from './vendor-health.js';

export interface SiprecRecorderOptions {
  readonly config: Pick<Config, 'sip' | 'rtpPorts' | 'maxSessions' | 'sipLimits'> &
    Partial<
      Pick<
        Config,
        'sipTls' | 'rtpInactivityTimeoutMs' | 'sipDialogProbeIntervalMs' | 'sipSessionMinSeSeconds'
      >
    >;
  /** The certificate SIP over TLS presents; without it (or without config.sipTls) no TLS. */
  readonly certificate?: Pick<SipCertificateStore, 'context'>;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sessions: SessionRegistry;
  /**
   * The RTP port pairs (default: CALLVAULT_RTP_PORTS, bookkeeping only); the runtime gives pairs
   * whose sockets are bound as they are handed out, which the capture then takes over.
   */
  readonly ports?: PortPairAllocator;
  /** Most sessions at once (default: half the RTP port pairs, two streams per session). */
  readonly maxSessions?: number;
  /** Event-loop delay (p99, ms) beyond which new sessions get 503 (default 200). */
  readonly maxEventLoopDelayMs?: number;
  readonly retryAfterSeconds?: number;
  readonly nonceSecret?: Uint8Array;
  /** False while the journal disk is below CALLVAULT_MIN_FREE_BYTES: new sessions get 503. */
  readonly storageHasRoom?: () => boolean;
  /** False while the finalize backlog is at CALLVAULT_MAX_FINALIZE_BACKLOG: new sessions get 503. */
  readonly finalizeHasRoom?: () => boolean;
  /** How long stop() waits for the SRCs to answer the BYEs of live calls (default 2 s). */
  readonly byeTimeoutMs?: number;
  /** Where the SIP refusal counters are registered (the process's /metrics registry). */
  readonly metricsRegistry?: Registry;
  /** How often the trunks' source networks are reloaded (default 5 s). */
  readonly trunkRefreshMs?: number;
  /**
   * The capture's last RTP packet time of a session (CaptureSink.lastMediaAt, the recorder
   * clock's ms): with it, sessions silent for CALLVAULT_RTP_INACTIVITY_TIMEOUT are ended.
   */
  readonly lastMediaAt?: (sessionId: string) => number | undefined;
  /**
   * Hands a copy of each datagram on one of the answered RTP ports to a forwarded session's relay
   * (BoundPortPairs.tap). Without it sessions are not forwarded: a session for an external
   * recorder's owners is refused with 403 naming the recorder.
   */
  readonly tapRtp?: (port: number, onPacket: (packet: Uint8Array) => void) => () => void;
  /** The DNS vendors' SIP URIs are resolved with (default: the system's, node:dns). */
  readonly sipDns?: SipDnsPort;
  /** How long an SRC's INVITE waits for the external recorder's answer (default 8 s). */
  readonly forwardAnswerTimeoutMs?: number;
  /** The external recorders' OPTIONS probes (vendor-health.ts): intervals, DNS. */
  readonly vendorHealth?: Pick<VendorHealthOptions, 'probeIntervalMs' | 'reloadIntervalMs' | 'dns'>;
}

/** One log line per source and reason per minute at most. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * The secret behind the recorder's stateless digest nonces (RFC 7616), derived from the data dir's
 * secret file: every recorder process sharing the data dir (as recorder and worker processes
 * do for the journals) accepts the nonces the others issued, so an SBC's authenticated INVITE
 * that lands on another process behind a balancer is not challenged again.
 */
export function sipNonceSecret(dataDirSecret: Uint8Array): Uint8Array {
  return new Uint8Array(
    crypto.hkdfSync('sha256', dataDirSecret, new Uint8Array(0), 'callvault sip digest nonce', 32),
  );
}

export interface SiprecRecorder {
  readonly addresses: readonly SipListenAddress[];
  readonly handler: SiprecSessionHandler;
  /** Reloads the admitted SIP sources now (after a trunk changed); a failure is logged. */
  refreshTrunkSources(): Promise<void>;
  /**
   * Sources admitted besides the trunks' networks because the recorder opened a leg towards them
   * (an external recorder a session is forwarded to): its responses and requests are let in.
   */
  readonly openedPeers: OpenedPeers;
  stats(): SipServerStats;
  /**
   * Drains: new INVITEs and out-of-dialog OPTIONS get 503 with Retry-After (so the SBC or a
   * dispatcher sends sessions elsewhere) while live sessions record to their end; resolves once
   * none is live, or when stop() ends them.
   */
  drain(): Promise<void>;
  /** Ends the live sessions with BYE (each kept as a recording) and closes the transports. */
  stop(): Promise<void>;
  /**
   * The process has started: the event-loop delay measured so far (loading, migrations, the
   * other roles starting) was not the media path's, so the overload guard forgets it instead of
   * refusing the first calls of a recorder that just came up.
   */
  startupDone(): void;
}

/** How often a drain checks whether the last live session has ended. */
const DRAIN_POLL_MS = 200;

/** `callvault_sip_tls_client_refused_total{reason}`: TLS clients refused for their certificate. */
function tlsClientRefusalCounter(registry: Registry): Counter<'reason'> {
  const existing = registry.getSingleMetric('callvault_sip_tls_client_refused_total');
  if (existing) return existing as Counter<'reason'>;
  return new Counter({
    name: 'callvault_sip_tls_client_refused_total',
    help: 'SIP TLS clients closed at the handshake for their certificate, by reason (no-certificate, expired, unknown-ca, pin-mismatch, subject-mismatch)',
    labelNames: ['reason'],
    registers: [registry],
  });
}

/** The address written into SDP answers: the SIP host, or this machine's first IPv4 for 0.0.0.0. */
export function chooseMediaAddress(sipHost: string): string {
  if (sipHost !== '0.0.0.0' && sipHost !== '::') return sipHost;
  for (const list of Object.values(os.networkInterfaces())) {
    const found = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

export async function startSiprecRecorder(options: SiprecRecorderOptions): Promise<SiprecRecorder> {
  const { config, sessions } = options;
  const logger = moduleLogger(options.logger, 'siprec');
  const ports = options.ports ?? createPortPairAllocator(config.rtpPorts);
  // A media path that cannot keep up shows first as event-loop delay: refuse new sessions then,
  // so the SBC fails over instead of us dropping audio (SPEC §5 overload).
  // The delay is judged over windows of 10 s. A window younger than 3 s is too short to judge
  // (one stall of a cold start, a first module load, is its p99 then), so until it is 3 s old
  // the last whole window's p99 stands; a loop that stays late is refused within 3 s either way.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const maxDelayNs = (options.maxEventLoopDelayMs ?? 200) * 1e6;
  let windowStarted = performance.now();
  let lastWindowP99 = 0;
  const newWindow = (): void => {
    loopDelay.reset();
    windowStarted = performance.now();
  };
  const resetDelay = setInterval(() => {
    lastWindowP99 = loopDelay.percentile(99);
    newWindow();
  }, 10_000);
  resetDelay.unref();
  const loopDelayP99 = (): number =>
    performance.now() - windowStarted >= 3000 ? loopDelay.percentile(99) : lastWindowP99;

  const timers = createSystemTimerService();
  const mediaAddress = chooseMediaAddress(config.sip.host);
  const tapRtp = options.tapRtp;
  const handler = createSiprecSessionHandler({
    policy: createRecordingPolicy({ db: options.db }),
    ...(options.nonceSecret ? { nonceSecret: options.nonceSecret } : {}),
    sink: sessions,
    clock: { now: () => options.clock.now().getTime() },
    logger,
    ports,
    mediaAddress,
    randomBytes: (length) => crypto.randomBytes(length),
    maxSessions:
      options.maxSessions ??
      options.config.maxSessions ??
      Math.max(1, Math.floor(ports.capacity / 2)),
    mediaHealthy: () => loopDelayP99() < maxDelayNs,
    ...(options.storageHasRoom ? { storageHasRoom: options.storageHasRoom } : {}),
    ...(options.finalizeHasRoom ? { finalizeHasRoom: options.finalizeHasRoom } : {}),
    ...(options.retryAfterSeconds === undefined
      ? {}
      : { retryAfterSeconds: options.retryAfterSeconds }),
    ...(config.sipSessionMinSeSeconds === undefined
      ? {}
      : { sessionMinSeSeconds: config.sipSessionMinSeSeconds }),
    // The core exists by the time a session can end itself (it is built right below).
    terminateDialog: (id) => {
      core.terminateDialog(id).catch((err: unknown) => logger.error({ err }, 'BYE failed'));
    },
    // Forwarding to external recorders (ADR 0010): the core and the opened peers exist by the
    // time a session is forwarded (both are built right below).
    ...(tapRtp
      ? {
          forwarding: createSessionForwarding({
            core: {
              sendRequest: (request, destination, handlers) =>
                core.sendRequest(request, destination, handlers),
              sendAck: (ack, destination) => core.sendAck(ack, destination),
              localAddress: (transport) => core.localAddress(transport),
            },
            timers,
            dns: options.sipDns ?? createNodeSipDns(),
            get openedPeers() {
              return openedPeers;
            },
            ports,
            relayHost: config.sip.host,
            tap: tapRtp,
            ...(options.forwardAnswerTimeoutMs === undefined
              ? {}
              : { answerTimeoutMs: options.forwardAnswerTimeoutMs }),
          }),
        }
      : {}),
  });
  const core = createSipUserAgentCore({
    timers,
    handler,
    userAgent: 'Callvault',
    // RFC 7866 §6.1.1 and RFC 4028 §9 (session timers, session-timer.ts).
    supportedOptionTags: ['siprec', 'timer'],
    onError: (err) => logger.error({ err }, 'SIP core error'),
  });
  let admission;
  try {
    admission = await startTrunkSourceAdmission({
      db: options.db,
      logger,
      clock: options.clock,
      ...(options.trunkRefreshMs === undefined ? {} : { refreshMs: options.trunkRefreshMs }),
    });
  } catch (err) {
    clearInterval(resetDelay);
    loopDelay.disable();
    throw err;
  }
  const openedPeers = createOpenedPeers();
  const throttle = createLogThrottle({ intervalMs: REFUSAL_LOG_INTERVAL_MS });
  const limits = config.sipLimits;
  const tlsAddress = options.certificate && config.sipTls ? config.sipTls : null;
  const certificate = options.certificate;
  const clientRefusals = options.metricsRegistry
    ? tlsClientRefusalCounter(options.metricsRegistry)
    : null;
  const server = createSipServer({
    transports: [
      ...listenOnUdpAndTcp(config.sip.host, config.sip.port),
      ...(tlsAddress ? listenOnTls(tlsAddress.host, tlsAddress.port) : []),
    ],
    core,
    isAdmissibleSource: anySourceAdmission(
      (address, transport) => admission.isAdmissible(address, transport),
      (address, transport) => openedPeers.has(address, transport),
    ),
    ...(certificate && tlsAddress
      ? {
          tls: {
            secureContext: () => certificate.context(),
            verifyPeer: (peer) => admission.verifyTlsPeer(peer),
            handshakeTimeoutMs: limits.tlsHandshakeTimeoutMs,
          },
        }
      : {}),
    parseLimits: { maxMessageBytes: limits.maxMessageBytes },
    stream: {
      messageTimeoutMs: limits.tcpMessageTimeoutMs,
      idleTimeoutMs: limits.tcpIdleTimeoutMs,
      maxConnections: limits.tcpMaxConnections,
      maxConnectionsPerSource: limits.tcpMaxConnectionsPerSource,
    },
    onError: (err, context) => logger.error({ err, context }, 'SIP server error'),
    onParseError: (event) => {
      const verdict = throttle.admit(`parse|${event.source.address}|${event.reason}`);
      if (!verdict.log) return;
      logger.warn(
        {
          source: `${event.source.transport}:${event.source.address}:${event.source.port}`,
          reason: event.reason,
          header: event.header,
          answered: event.answered,
          heldBack: verdict.suppressed,
        },
        `SIP message refused: ${event.detail}`,
      );
    },
    onRefused: (refusal) => {
      if (refusal.reason === 'peer-certificate') {
        clientRefusals?.inc({ reason: refusal.detail ?? 'unknown' });
      }
      const verdict = throttle.admit(
        `refused|${refusal.address}|${refusal.reason}|${refusal.detail ?? ''}`,
      );
      if (!verdict.log) return;
      logger.warn(
        {
          source: `${refusal.transport}:${refusal.address}:${refusal.port}`,
          reason: refusal.reason,
          ...(refusal.detail === undefined ? {} : { detail: refusal.detail }),
          heldBack: verdict.suppressed,
        },
        refusal.reason === 'unknown-source'
          ? 'SIP from an address outside every recording trunk refused'
          : refusal.reason === 'peer-certificate'
            ? `SIP TLS client refused at the handshake: ${refusal.detail ?? 'certificate'}`
            : `SIP peer refused: ${refusal.reason}`,
      );
    },
  });
  if (options.metricsRegistry)
    registerSipServerMetrics(options.metricsRegistry, () => server.stats());
  let addresses: readonly SipListenAddress[];
  try {
    addresses = await server.start();
  } catch (err) {
    admission.stop();
    clearInterval(resetDelay);
    loopDelay.disable();
    throw err;
  }
  // Every registered external recorder is probed with OPTIONS; its health goes to the database.
  const vendorHealth = await startVendorHealth({
    core,
    db: options.db,
    clock: options.clock,
    logger: moduleLogger(options.logger, 'vendor-health'),
    openedPeers,
    advertisedHost: chooseMediaAddress(config.sip.host),
    ...options.vendorHealth,
    ...(options.metricsRegistry ? { metricsRegistry: options.metricsRegistry } : {}),
  });
  logger.info(
    {
      addresses: addresses.map((a) => `${a.transport}:${a.host}:${a.port}`),
      rtpPorts: `${config.rtpPorts.min}-${config.rtpPorts.max}`,
    },
    'SIPREC recorder listening',
  );
  // SIP parse errors are counted by the server; the registry turns them into the metric.
  let reportedParseErrors = 0;
  const parseErrorTimer = setInterval(() => {
    const total = server.stats().parseErrors;
    sessions.countSipParseErrors(total - reportedParseErrors);
    reportedParseErrors = total;
  }, 5_000);
  parseErrorTimer.unref();

  // An SRC that vanished without a BYE: its session ends once no stream has had RTP for the
  // inactivity timeout (held calls excepted), with a BYE and endReason rtp-timeout.
  const lastMediaAt = options.lastMediaAt;
  const stopInactivityWatcher = lastMediaAt
    ? startRtpInactivityWatcher({
        timeoutMs: config.rtpInactivityTimeoutMs ?? DEFAULT_RTP_INACTIVITY_TIMEOUT_MS,
        now: () => options.clock.now().getTime(),
        listSessions: () => handler.listSessions(),
        lastMediaAt,
        end: (id, silentMs) => {
          logger.warn(
            { dialogId: id, silentMs },
            'no RTP on any stream: the SRC is gone; ending the session with BYE',
          );
          handler.endSession(id, 'rtp-timeout');
        },
      })
    : () => {};

  // An SRC gone without a BYE while its RTP still flows (a media relay outliving it): its session
  // timer runs out unrefreshed (RFC 4028 §10), or it answers our in-dialog OPTIONS 481 or not at
  // all; the session ends with a BYE and endReason session-timer or probe-failed.
  const stopLivenessWatcher = startDialogLivenessWatcher({
    probeIntervalMs: config.sipDialogProbeIntervalMs ?? DEFAULT_DIALOG_PROBE_INTERVAL_MS,
    now: () => options.clock.now().getTime(),
    listSessions: () => handler.listSessions(),
    sendInDialog: (id, method, headers) => core.sendInDialog(id, method, headers),
    refreshed: (id) => handler.sessionRefreshed(id),
    end: (id, reason, detail) => {
      logger.warn(
        { dialogId: id, reason },
        `the SRC is gone (${detail}); ending the session with BYE`,
      );
      handler.endSession(id, reason);
    },
    onError: (id, err) => logger.warn({ dialogId: id, err }, 'in-dialog request not sent'),
  });

  let drained: Promise<void> | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let endDrain = (): void => undefined;
  return {
    addresses,
    handler,
    startupDone() {
      newWindow();
    },
    drain() {
      if (drained) return drained;
      handler.drain();
      logger.info(
        { sessions: handler.load },
        'draining: new SIPREC sessions refused with 503; live sessions record to their end',
      );
      drained = new Promise<void>((resolve) => {
        endDrain = () => {
          clearInterval(drainTimer);
          resolve();
        };
        const check = (): void => {
          if (handler.load === 0) endDrain();
        };
        drainTimer = setInterval(check, DRAIN_POLL_MS);
        check();
      });
      return drained;
    },
    refreshTrunkSources: () =>
      admission.refresh().catch((err: unknown) => {
        logger.warn({ err }, 'cannot reload the recording trunks; keeping the last list');
      }),
    openedPeers,
    stats: () => server.stats(),
    async stop() {
      // New sessions are refused while the live ones are ended below.
      handler.drain();
      await vendorHealth.stop();
      stopInactivityWatcher();
      stopLivenessWatcher();
      clearInterval(parseErrorTimer);
      admission.stop();
      clearInterval(resetDelay);
      loopDelay.disable();
      sessions.countSipParseErrors(server.stats().parseErrors - reportedParseErrors);
      // The SRCs are told their recording sessions end (RFC 7866 §8: the SRS may end a
      // session with BYE), so they stop sending media and may record elsewhere; the wait for
      // their answers is bounded, and every session is closed (and finalized) whether or not
      // an answer came.
      const live = core.listDialogs().filter((d) => d.state === 'confirmed');
      if (live.length > 0) {
        logger.info({ sessions: live.length }, 'ending live SIPREC sessions with BYE');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled(live.map((d) => core.terminateDialog(d.id))),
          new Promise((resolve) => (timer = setTimeout(resolve, options.byeTimeoutMs ?? 2_000))),
        ]);
        clearTimeout(timer);
      }
      handler.closeAll();
      endDrain();
      await server.stop();
      logger.info({}, 'SIPREC recorder stopped');
    },
  };
}
