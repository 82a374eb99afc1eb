// Process wiring: configuration → database → app and background work, chosen by role (api,
// recorder, worker); `callvault serve` starts it.
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import type { SiprecUri } from '@callvault/shared';
import path from 'node:path';
import {
  batchUdpReceiverLoadError,
  isNativeSrtpAvailable,
  nativeSrtpLoadError,
  createBoundPortPairs,
  createCaptureSink,
  createPortPairAllocator,
  journalRoot,
  selectUdpReceiver,
  withCapture,
  createJournalShipper,
  type JournalShipper,
} from '@callvault/recorder';
import {
  registerSrtpDecryptionMetric,
  registerUdpReceiverMetrics,
} from '../capture/capture-receiver.metrics.js';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db/database.js';
import { registerDatabaseMetrics } from '../db/database.metrics.js';
import { createJobQueue } from '../jobs/index.js';
import { registerApplicationJobs } from './register-jobs.js';
import { createTranscriber } from '../transcription/create-transcriber.js';
import { buildApp } from './build-app.js';
import type { HealthCheck } from '../http/health.js';
import type { AppInstance } from '../http/types.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ensureInitialAdmin, type InitialAdmin } from '../org/bootstrap.service.js';
import { createForwardSink } from '../siprec/forward-sink.js';
import { createSessionRegistry } from '../siprec/session-registry.js';
import {
  createCaptureControlsLoader,
  createFinalizeBacklog,
  createFinalizeEnqueuer,
  createFinalizeSweep,
  recoverUnfinishedJournals,
  registerFinalizeBacklogMetrics,
} from '../capture/index.js';
import {
  createDiskSpaceGuard,
  diskSpaceHealthCheck,
  registerDiskSpaceMetric,
  type DiskSpaceGuard,
} from '../capture/disk-space.js';
import {
  chooseMediaAddress,
  sipNonceSecret,
  startSiprecRecorder,
} from '../siprec/siprec-recorder.js';
import {
  openSipCertificate,
  registerSipCertificateMetric,
  sipCertificateHealthCheck,
  type SipCertificateStore,
} from '../siprec/sip-tls-certificate.js';
import { loadOrCreateLinkSecret } from '../recordings/link-signer.js';
import { startLiveCallMirror } from '../telephony/live-calls-mirror.js';
import { deleteLiveCall } from '../telephony/live-calls.repository.js';
import {
  createJournalHandOff,
  handOffLeftJournals,
  type JournalHandOff,
} from '../capture/journal-hand-off.js';
import { createBlobJournalShipTarget } from '../capture/shipped-journals.js';
import { registerJournalShippingMetrics } from '../capture/journal-shipping.metrics.js';
import { startVanishedRecorderSweep } from '../capture/vanished-recorders.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Registry } from 'prom-client';
import { EncryptedBlobStore, loadMasterKeyring } from '../crypto/index.js';
import { storageRegionOf } from '../recording-settings/storage-region.js';
import {
  createBlobStore,
  createBlobStoreHealthCheck,
  S3BlobStore,
  type BlobStore,
} from '../storage/index.js';

export const ROLES = ['recorder', 'api', 'worker'] as const;
export type ProcessRole = (typeof ROLES)[number];

export function parseRoles(text: string): ProcessRole[] {
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length > 0 || roles.length === 0) {
    throw new Error(
      `--roles: ${bad.length > 0 ? `unknown role ${bad.join(', ')}` : 'no role given'}; choose from ${ROLES.join(', ')}`,
    );
  }
  return [...new Set(roles)] as ProcessRole[];
}

/** The console build that `make build` produces, next to this package. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Where call systems send SIPREC for the built-in recorder. */
export function builtinSiprecUri(config: Config): string {
  const host = config.sip.host.includes(':') ? `[${config.sip.host}]` : config.sip.host;
  return `sip:callvault@${host}:${config.sip.port}`;
}

/**
 * The SIPREC URIs an SBC is configured with: sip: over UDP and TCP on CALLVAULT_SIP_ADDR, and
 * over TLS on CALLVAULT_SIP_TLS_ADDR both the sips: form (RFC 3261 §26.2) and sip:;transport=tls
 * (what many SBCs' trunk settings take). A wildcard listening address is shown as the host of
 * CALLVAULT_PUBLIC_URL, else this machine's first IPv4 address.
 */
export function siprecUris(config: Config): SiprecUri[] {
  const hostOf = (address: string): string => {
    const wildcard = address === '0.0.0.0' || address === '::';
    const host = wildcard
      ? config.publicUrl
        ? new URL(config.publicUrl).hostname
        : chooseMediaAddress(address)
      : address;
    return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  };
  const sip = `callvault@${hostOf(config.sip.host)}:${config.sip.port}`;
  const uris: SiprecUri[] = [
    { transport: 'udp', uri: `sip:${sip}` },
    { transport: 'tcp', uri: `sip:${sip};transport=tcp` },
  ];
  if (config.sipTls) {
    const tls = `callvault@${hostOf(config.sipTls.host)}:${config.sipTls.port}`;
    uris.push({ transport: 'tls', uri: `sips:${tls}` });
    uris.push({ transport: 'tls', uri: `sip:${tls};transport=tls` });
  }
  return uris;
}

/**
 * The blob store CALLVAULT_STORAGE_URL names (the data dir's `blobs/` or an S3 bucket), encrypted
 * at rest under the master key (CALLVAULT_MASTER_KEY or the key file in the data dir).
 */
export async function createConfiguredBlobStore(config: Config): Promise<BlobStore> {
  const keyring = await loadMasterKeyring({ masterKey: config.masterKey, dataDir: config.dataDir });
  return new EncryptedBlobStore(createBlobStore(config.storage), { keyring });
}

/** The recorder's journal shipper and hand-off over the blob store, with their metrics. */
function createShippingParts(
  config: Config,
  queue: JobQueue,
  blobStore: BlobStore,
  registry: Registry,
  logger: Logger,
  clock: Clock,
): { shipper: JournalShipper; handOff: JournalHandOff; stop(): void } {
  let handOff: JournalHandOff | null = null;
  const shipper: JournalShipper = createJournalShipper({
    target: createBlobJournalShipTarget(blobStore),
    intervalMs: config.journalShipIntervalMs,
    logger: logger.child({ module: 'capture' }),
    now: () => clock.now().getTime(),
    onShipped: (bytes) => metrics.shipped(bytes),
    onFailed: () => metrics.failed(),
  });
  const metrics = registerJournalShippingMetrics(registry, {
    unshippedBytes: () => shipper.unshippedBytes,
    pendingHandOffs: () => handOff?.pending ?? 0,
  });
  handOff = createJournalHandOff({ shipper, queue, logger: logger.child({ module: 'capture' }) });
  const parts = handOff;
  return {
    shipper,
    handOff: parts,
    stop() {
      shipper.stop();
      parts.stop();
    },
  };
}

export async function openMigratedDatabase(
  config: Config,
  logger?: Logger,
): Promise<DatabaseHandle> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const handle = openDatabase(config.database, logger ? { logger } : {});
  await migrateToLatest(handle.db);
  return handle;
}

/**
 * The disks Callvault writes to: the journal (the recorder's), the data dir, the file blob store
 * and the SQLite file's folder. Their free space gates new SIPREC sessions and shows in health.
 */
export async function createConfiguredDiskSpaceGuard(
  config: Config,
  logger?: Logger,
): Promise<DiskSpaceGuard> {
  const journal = journalRoot(config.dataDir);
  fs.mkdirSync(journal, { recursive: true });
  const guard = createDiskSpaceGuard({
    paths: [
      journal,
      config.dataDir,
      ...(config.storage.kind === 'file' ? [config.storage.dir] : []),
      ...(config.database.kind === 'sqlite' ? [path.dirname(config.database.file)] : []),
    ],
    minFreeBytes: config.minFreeBytes,
    ...(logger ? { logger } : {}),
  });
  await guard.refresh();
  return guard;
}

export interface RunningServer {
  readonly app: AppInstance | null;
  readonly url: string | null;
  readonly initialAdmin: InitialAdmin | null;
  /** Reads the SIP TLS certificate files again (SIGHUP); false when nothing changed or no TLS. */
  reloadTlsCertificate(): Promise<boolean>;
  /**
   * Takes the process out of service (SIGTERM): a recorder answers new INVITEs and out-of-dialog
   * OPTIONS 503 and records its live calls to their end, and /api/health says `draining`.
   * Resolves `drained` once no call is live (at once without the recorder role), `timed-out`
   * when `timeoutMs` passes first; stop() comes next either way.
   */
  drain(timeoutMs: number): Promise<'drained' | 'timed-out'>;
  /** Stops every part; the recorder's live calls are ended with BYE and kept as recordings. */
  stop(): Promise<void>;
}

/** `/api/health`'s `drain` check: ok while the recorder takes sessions, `draining` after SIGTERM. */
function drainHealthCheck(state: {
  readonly drain: { readonly since: Date; readonly until: Date } | null;
  liveCalls(): number;
}): HealthCheck {
  return {
    name: 'drain',
    check: () =>
      Promise.resolve(
        state.drain
          ? {
              status: 'draining' as const,
              detail: `draining since ${state.drain.since.toISOString()}: new SIPREC sessions refused with 503; ${state.liveCalls()} live call(s) recording to their end, ended with BYE at ${state.drain.until.toISOString()} at the latest`,
            }
          : { status: 'ok' as const, detail: 'taking new SIPREC sessions' },
      ),
  };
}

export async function startServer(options: {
  config: Config;
  roles: readonly ProcessRole[];
  logger: Logger;
  clock?: Clock;
  webRoot?: string | null;
}): Promise<RunningServer> {
  const { config, roles, logger } = options;
  const clock = options.clock ?? systemClock;
  const handle = await openMigratedDatabase(config, logger);
  const stops: Array<() => Promise<void>> = [];
  let app: AppInstance | null = null;
  let url: string | null = null;
  let initialAdmin: InitialAdmin | null = null;
  const queue = createJobQueue({
    config,
    database: handle,
    logger: logger.child({ module: 'jobs' }),
    clock,
  });
  const blobStore = await createConfiguredBlobStore(config);
  const transcriber = createTranscriber(config.transcriber);
  // Workers transcribe: a missing engine or model stops start-up instead of failing every job.
  if (roles.includes('worker')) await transcriber.check();
  const disk = await createConfiguredDiskSpaceGuard(config, logger.child({ module: 'disk' }));
  disk.start();
  stops.push(() => Promise.resolve(disk.stop()));
  // Finalize jobs a full disk held back run again once the disk has room, without a restart.
  const finalizeSweep = createFinalizeSweep({
    queue,
    hasRoom: async () => {
      await disk.refresh();
      return disk.hasRoom();
    },
    logger: logger.child({ module: 'capture' }),
  });
  const finalizeBacklog = createFinalizeBacklog(config.maxFinalizeBacklog);
  await registerApplicationJobs(queue, {
    db: handle.db,
    clock,
    blobStore,
    transcriber,
    logger,
    onCaptureFinalizeDeferred: (payload) => finalizeSweep.defer(payload),
    onCaptureFinalizeSettled: (dir) => finalizeBacklog.settle(dir),
    retry: config.jobRetry,
    dataDir: config.dataDir,
  });

  // One metrics registry for the process: the recorder's SIPREC metrics appear on /metrics.
  const metrics = createMetrics();
  registerDiskSpaceMetric(metrics.registry, disk);
  registerDatabaseMetrics(metrics.registry, handle);
  const sessions = roles.includes('recorder')
    ? createSessionRegistry({ metrics, logger: logger.child({ module: 'siprec' }) })
    : null;

  // The recorder's SIP TLS certificate (created self-signed on the first start when none is
  // configured), opened before the API so /api/health and /metrics show its expiry.
  let certificate: SipCertificateStore | null = null;
  if (roles.includes('recorder') && config.sipTls) {
    certificate = await openSipCertificate({
      dataDir: config.dataDir,
      certFile: config.tls.certFile,
      keyFile: config.tls.keyFile,
      logger: logger.child({ module: 'siprec' }),
      clock,
    });
    registerSipCertificateMetric(metrics.registry, certificate);
    const opened = certificate;
    stops.push(() => Promise.resolve(opened.stop()));
  }

  // Set by drain(): the recorder's drain state, which /api/health reports.
  const drainState: {
    drain: { since: Date; until: Date } | null;
    liveCalls(): number;
    recorder: { drain(): Promise<void>; startupDone(): void } | null;
  } = { drain: null, liveCalls: () => 0, recorder: null };

  // A trunk changed through this process's API is admitted by its recorder at once; other
  // processes see it on their recorder's next reload.
  let refreshTrunkSources = (): Promise<void> => Promise.resolve();

  if (roles.includes('api')) {
    const probeStore = createBlobStore(config.storage);
    if (probeStore instanceof S3BlobStore) stops.push(() => Promise.resolve(probeStore.close()));
    initialAdmin = await ensureInitialAdmin({ db: handle.db, clock });
    app = await buildApp({
      db: handle.db,
      dialect: handle.dialect,
      notifications: handle.notifications,
      clock,
      logger,
      metrics,
      sessions,
      dataDir: config.dataDir,
      queue,
      blobStore,
      builtinSiprecUri: builtinSiprecUri(config),
      storageRegion: storageRegionOf(config.storage),
      https: config.https,
      onTrunksChanged: () => refreshTrunkSources(),
      siprecUris: siprecUris(config),
      healthChecks: [
        ...(sessions ? [drainHealthCheck(drainState)] : []),
        ...(certificate ? [sipCertificateHealthCheck(certificate, clock)] : []),
        diskSpaceHealthCheck(disk),
        // The backend itself (not the encryption over it), probed with a write, read and delete.
        createBlobStoreHealthCheck(probeStore, {
          label:
            config.storage.kind === 's3'
              ? `s3 bucket ${config.storage.bucket}`
              : `blob directory ${config.storage.dir}`,
          capturing: roles.includes('recorder'),
        }),
      ],
      webRoot: options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot,
    });
    await app.listen({ host: config.http.host, port: config.http.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`;
    const started = app;
    stops.push(() => started.close());
  }
  if (roles.includes('worker')) {
    // Only worker processes run jobs; other roles just enqueue them.
    await queue.start();
    stops.unshift(() => queue.stop({ timeoutMs: 30_000 }));
    if (config.database.kind === 'postgres') {
      // Live calls of a recorder that stopped heartbeating: their shipped journals finalized.
      const vanished = startVanishedRecorderSweep({
        db: handle.db,
        queue,
        blobStore,
        clock,
        logger: logger.child({ module: 'capture' }),
      });
      stops.unshift(() => vanished.stop());
    }
  }
  // Workers hold back finalizes a full disk refused; recorders, enqueues the queue refused.
  if (roles.includes('worker') || sessions) {
    finalizeSweep.start();
    stops.unshift(() => Promise.resolve(finalizeSweep.stop()));
  }
  if (sessions) {
    // This recorder's live calls in the database, for processes without it (SPEC §10); stops
    // after the recorder (whose sessions' ends it writes), before the database closes.
    const mirror = startLiveCallMirror({
      db: handle.db,
      notifications: handle.notifications,
      hub: sessions.calls,
      clock,
      logger: logger.child({ module: 'live-calls' }),
    });
    stops.unshift(() => mirror.stop());
    // Journal shipping (docs/adr/0009-journal-shipping.md): a recorder-only process on
    // PostgreSQL, whose journals any worker anywhere may finalize, ships them to the blob store
    // as they grow and removes them at the end. A process that also finalizes (the worker role,
    // a single machine) keeps them on its disk and finalizes them there, as on SQLite.
    const shipping =
      config.database.kind === 'postgres' &&
      config.journalShipIntervalMs > 0 &&
      !roles.includes('worker')
        ? createShippingParts(config, queue, blobStore, metrics.registry, logger, clock)
        : null;
    if (shipping) {
      stops.unshift(() => Promise.resolve(shipping.stop()));
      // Journals an earlier process left (killed, or stopped mid hand-off): shipped whole and
      // handed to a worker, `recovered` when their session never closed.
      await handOffLeftJournals(shipping.handOff, config.dataDir, {
        logger: logger.child({ module: 'capture' }),
        forgetLiveCall: (sessionId) => deleteLiveCall(handle.db, sessionId),
      });
    } else {
      // Journals on this recorder's disk whose session never closed (a crash): finalized as
      // `recovered` before new sessions start writing beside them.
      await recoverUnfinishedJournals(queue, config.dataDir, logger.child({ module: 'capture' }));
    }
    const udpReceiver = selectUdpReceiver(config.udpReceiver);
    registerUdpReceiverMetrics(metrics.registry, udpReceiver);
    registerFinalizeBacklogMetrics(metrics.registry, finalizeBacklog);
    if (udpReceiver.kind === config.udpReceiver) {
      logger.info(
        { module: 'capture', udpReceiver: udpReceiver.kind },
        `media capture receives RTP with the ${udpReceiver.kind} receiver`,
      );
    } else {
      const err = batchUdpReceiverLoadError();
      logger.warn(
        { module: 'capture', udpReceiver: udpReceiver.kind, ...(err ? { err } : {}) },
        err
          ? 'media capture receives RTP with Node dgram: the batch receiver addon could not be loaded'
          : 'media capture receives RTP with Node dgram: the batch receiver addon is not built (make deps builds it)',
      );
    }
    const nativeSrtp = isNativeSrtpAvailable();
    registerSrtpDecryptionMetric(metrics.registry, nativeSrtp);
    if (!nativeSrtp) {
      const err = nativeSrtpLoadError();
      logger.warn(
        { module: 'capture', ...(err ? { err } : {}) },
        err
          ? 'media capture decrypts SRTP in TypeScript: the srtp-unprotect addon could not be loaded'
          : 'media capture decrypts SRTP in TypeScript: the srtp-unprotect addon is not built (make deps builds it)',
      );
    }
    const finalizesHere = !shipping && roles.includes('worker');
    const finalizeQueue = createFinalizeEnqueuer(queue, {
      logger: logger.child({ module: 'capture' }),
    });
    // The recorder binds each answered stream's sockets as it allocates the pair, before the
    // 200 OK; the capture takes them over.
    const rtpPorts = createBoundPortPairs({
      allocator: createPortPairAllocator(config.rtpPorts),
      receiver: udpReceiver,
      host: config.sip.host,
    });
    const capture = createCaptureSink({
      udpReceiver: rtpPorts.receiver,
      dataDir: config.dataDir,
      host: config.sip.host,
      clock: { now: () => clock.now().getTime() },
      logger: logger.child({ module: 'capture' }),
      // The call's end never waits for the queue: while its database is away the enqueuer retries
      // every 2 s; a queue that refuses the job for another reason (its disk is full) hands it to
      // the sweep, which enqueues it again once there is room.
      ...(shipping ? { shipper: shipping.shipper } : {}),
      finalize: (dir, session) => {
        if (shipping) return shipping.handOff.handOff(dir, session);
        if (finalizesHere) finalizeBacklog.add(dir);
        return finalizeQueue.enqueue(dir, session).catch((err: unknown) => {
          logger.error(
            { module: 'capture', err, dir },
            'finalize could not be enqueued: held back for the sweep',
          );
          finalizeSweep.defer({ dir, ...(session ? { session } : {}) });
        });
      },
      calls: sessions.calls,
      loadControls: createCaptureControlsLoader(handle.db),
    });
    const recorder = await startSiprecRecorder({
      config,
      nonceSecret: sipNonceSecret(loadOrCreateLinkSecret(config.dataDir)),
      db: handle.db,
      clock,
      logger,
      // The registry, then the capture, then the forwarded sessions (forward-sink.ts), which
      // join the capture's live call or open one of their own.
      sessions: withCapture(
        withCapture(sessions, capture),
        createForwardSink({
          db: handle.db,
          clock,
          logger: logger.child({ module: 'forward' }),
          calls: sessions.calls,
        }),
      ),
      ports: rtpPorts,
      tapRtp: (port, onPacket) => rtpPorts.tap(port, onPacket),
      storageHasRoom: () => disk.hasRoom(),
      // Finalized by this process's worker: new sessions wait while the backlog is at its bound.
      // (A worker elsewhere settles its jobs there, so this process cannot count them.)
      ...(finalizesHere ? { finalizeHasRoom: () => finalizeBacklog.hasRoom() } : {}),
      metricsRegistry: metrics.registry,
      lastMediaAt: (id) => capture.lastMediaAt(id),
      ...(certificate ? { certificate } : {}),
    });
    refreshTrunkSources = () => recorder.refreshTrunkSources();
    drainState.recorder = recorder;
    drainState.liveCalls = () => recorder.handler.load;
    // First to stop: sessions end (and their journals close) before the database closes.
    stops.unshift(async () => {
      await recorder.stop();
      await capture.settle();
      finalizeQueue.stop();
      if (shipping && shipping.handOff.pending > 0) {
        logger.warn(
          { module: 'capture', pending: shipping.handOff.pending },
          'journals not handed over yet stay on this disk and are handed over at the next start',
        );
      }
      if (finalizeQueue.pending > 0) {
        logger.warn(
          { module: 'capture', pending: finalizeQueue.pending },
          'calls whose finalize could not be queued yet are finalized at the next start',
        );
      }
    });
  }
  stops.push(() => handle.close());
  // Every role is up: the recorder's overload guard starts measuring from here.
  drainState.recorder?.startupDone();
  return {
    app,
    url,
    initialAdmin,
    reloadTlsCertificate: () => certificate?.reload() ?? Promise.resolve(false),
    drain: async (timeoutMs) => {
      const recorder = drainState.recorder;
      if (!recorder) return 'drained';
      const since = clock.now();
      drainState.drain = { since, until: new Date(since.getTime() + timeoutMs) };
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        recorder.drain().then(() => 'drained' as const),
        new Promise<'timed-out'>(
          (resolve) => (timer = setTimeout(resolve, timeoutMs, 'timed-out')),
        ),
      ]);
      clearTimeout(timer);
      return outcome;
    },
    stop: async () => {
      for (const stop of stops) await stop();
    },
  };
}
