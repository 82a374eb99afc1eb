// The external recorders' health (docs/adr/0010 §5), in the recorder role: every registered vendor
// of every org is probed with OPTIONS (the recorder's createVendorProbe over the UAS core's client
// transactions), its SIP URI located afresh for each probe (resolveSipTargets, RFC 3263, over the
// node:dns port). The vendors are reloaded from the database periodically; a vendor's health goes
// to the database when it changes and with each probe's time (recording_vendor_health, so every
// API process of a cluster shows it: GET /api/recording-vendors) and to /metrics
// (`callvault_recording_vendor_up{vendor}`, 1 up, 0 down, absent while unknown).
//
// The probe's responses come from an address that is no trunk's: the vendor's address is let in
// through the recorder's opened peers for as long as it is probed.
import crypto from 'node:crypto';
import {
  createNodeSipDns,
  createSystemTimerService,
  createVendorProbe,
  parseUri,
  resolveSipTargets,
  type OpenedPeers,
  type SipDnsPort,
  type SipTarget,
  type SipTransportName,
  type SipUserAgentCore,
  type TimerService,
  type VendorHealth,
  type VendorProbe,
} from '@callvault/recorder';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { DbOrTrx } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import {
  listAllExternalVendors,
  saveVendorHealth,
} from '../recording-settings/vendor-health.repository.js';

export const DEFAULT_VENDOR_PROBE_INTERVAL_MS = 30_000;
export const DEFAULT_VENDOR_RELOAD_INTERVAL_MS = 60_000;

export interface VendorHealthOptions {
  /** The recorder's UAS core: its client transactions and listening addresses. */
  readonly core: Pick<SipUserAgentCore, 'sendRequest' | 'localAddress'>;
  readonly db: DbOrTrx;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The recorder's opened peers: a probed vendor's responses are let in through them. */
  readonly openedPeers?: OpenedPeers;
  /** Where vendor URIs are looked up (default: node:dns with the system's servers). */
  readonly dns?: SipDnsPort;
  /** The host written into Via and From when a transport listens on every interface. */
  readonly advertisedHost?: string;
  readonly probeIntervalMs?: number;
  readonly reloadIntervalMs?: number;
  /** Timers of the probes (default: system timers on `clock`'s time). */
  readonly timers?: TimerService;
  /** Where `callvault_recording_vendor_up` is registered (the process's /metrics registry). */
  readonly metricsRegistry?: Registry;
}

export interface VendorHealthMonitor {
  /** The vendors probed now, with their health. */
  list(): Array<{ vendorId: string; name: string; health: VendorHealth }>;
  /** Reloads the vendors from the database now (a failure is logged and the last list kept). */
  reload(): Promise<void>;
  /** Stops the probes and waits for the health being written. */
  stop(): Promise<void>;
}

interface ProbedVendor {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly sipUri: string;
  readonly probe: VendorProbe;
  /** The opened-peer admission of the address probed now. */
  release: () => void;
  releaseKey: string;
  /** Probes counted in the last write, so each new probe refreshes checked_at. */
  writtenProbes: number;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

/** `callvault_recording_vendor_up{vendor}`: read from the probes when scraped. */
function registerVendorUpGauge(registry: Registry, monitor: () => VendorHealthMonitor): void {
  const existing = registry.getSingleMetric('callvault_recording_vendor_up');
  if (existing) registry.removeSingleMetric('callvault_recording_vendor_up');
  new Gauge({
    name: 'callvault_recording_vendor_up',
    help: 'External SIPREC recorders by vendor id: 1 when the last OPTIONS probe was answered (final response below 500, not 408), 0 when down',
    labelNames: ['vendor'],
    registers: [registry],
    collect() {
      this.reset();
      for (const v of monitor().list()) {
        if (v.health.state === 'unknown') continue;
        this.set({ vendor: v.vendorId }, v.health.state === 'up' ? 1 : 0);
      }
    },
  });
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

export async function startVendorHealth(
  options: VendorHealthOptions,
): Promise<VendorHealthMonitor> {
  const { core, db, clock, logger } = options;
  const dns = options.dns ?? createNodeSipDns();
  const system = createSystemTimerService();
  // Probe times are wall-clock times: downSince is shown as a date.
  const timers: TimerService = options.timers ?? {
    now: () => clock.now().getTime(),
    setTimer: (ms, callback) => system.setTimer(ms, callback),
  };
  const intervalMs = options.probeIntervalMs ?? DEFAULT_VENDOR_PROBE_INTERVAL_MS;
  const vendors = new Map<string, ProbedVendor>();
  const writes = new Set<Promise<void>>();
  let stopped = false;

  const listening = (): SipTransportName[] =>
    (['udp', 'tcp', 'tls'] as const).filter((t) => core.localAddress(t) !== undefined);

  function write(vendor: ProbedVendor): void {
    const health = vendor.probe.health;
    vendor.writtenProbes = health.probes;
    const done = saveVendorHealth(db, {
      vendorId: vendor.id,
      orgId: vendor.orgId,
      state: health.state,
      downSince: iso(health.downSince),
      lastError: health.state === 'down' ? (health.lastError ?? null) : null,
      lastUpAt: iso(health.lastUpAt),
      checkedAt: clock.now().toISOString(),
    }).catch((err: unknown) => {
      logger.warn({ err, vendorId: vendor.id }, 'cannot store the recording vendor health');
    });
    writes.add(done);
    void done.finally(() => writes.delete(done));
  }

  function startProbe(row: { id: string; orgId: string; name: string; sipUri: string }): void {
    // The local address depends on the transport the URI resolves to; the probe reads it after
    // each resolution, so a vendor moving between transports is probed from the right one.
    let local = { transport: 'udp' as SipTransportName, host: '127.0.0.1', port: 5060 };
    const vendor: ProbedVendor = {
      ...row,
      release: () => undefined,
      releaseKey: '',
      writtenProbes: 0,
      probe: createVendorProbe({
        timers,
        requestUri: row.sipUri,
        get local() {
          return local;
        },
        intervalMs,
        resolve: async () => {
          // A probe that finds no address sends nothing: its outcome is written once the probe
          // has counted it (after the promise settles).
          const unresolved = <T>(value: T): T => {
            setImmediate(() => afterProbe(vendor));
            return value;
          };
          let targets: SipTarget[];
          try {
            const uri = parseUri(row.sipUri);
            if (uri.kind !== 'sip') return unresolved(null);
            targets = await resolveSipTargets(uri, dns, { transports: listening() });
          } catch (err) {
            throw unresolved(err);
          }
          const target = targets[0];
          if (!target || stopped) return unresolved(null);
          const own = core.localAddress(target.transport);
          if (!own) return unresolved(null);
          local = {
            transport: target.transport,
            host: UNSPECIFIED.has(own.address)
              ? (options.advertisedHost ?? own.address)
              : own.address,
            port: own.port,
          };
          const key = `${target.transport} ${target.address}`;
          if (options.openedPeers && key !== vendor.releaseKey) {
            vendor.release();
            vendor.release = options.openedPeers.open({
              transport: target.transport,
              address: target.address,
            });
            vendor.releaseKey = key;
          }
          return { transport: target.transport, address: target.address, port: target.port };
        },
        generateBranch: () => `z9hG4bK${crypto.randomBytes(9).toString('hex')}`,
        generateTag: () => crypto.randomBytes(6).toString('hex'),
        generateCallId: () => crypto.randomUUID(),
        sendRequest: (request, destination, handlers) =>
          core.sendRequest(request, destination, {
            ...handlers,
            onResponse: (response) => {
              handlers.onResponse(response);
              if (response.status >= 200) afterProbe(vendor);
            },
            onTimeout: () => {
              handlers.onTimeout();
              afterProbe(vendor);
            },
          }),
        onChange: (health) => {
          afterProbe(vendor);
          logger.info(
            {
              vendorId: row.id,
              vendor: row.name,
              state: health.state,
              ...(health.lastError === undefined ? {} : { lastError: health.lastError }),
            },
            `external recorder ${row.name} is ${health.state}`,
          );
        },
      }),
    };
    vendors.set(row.id, vendor);
    vendor.probe.start();
  }

  /** After each answered or timed-out probe: its health and time to the database. */
  function afterProbe(vendor: ProbedVendor): void {
    if (stopped || vendors.get(vendor.id) !== vendor) return;
    if (vendor.probe.health.probes !== vendor.writtenProbes) write(vendor);
  }

  function stopProbe(vendor: ProbedVendor): void {
    vendor.probe.stop();
    vendor.release();
    vendors.delete(vendor.id);
  }

  async function reload(): Promise<void> {
    let rows;
    try {
      rows = await listAllExternalVendors(db);
    } catch (err) {
      logger.warn({ err }, 'cannot reload the external recorders; probing the last list');
      return;
    }
    if (stopped) return;
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const known = vendors.get(row.id);
      if (known && known.sipUri === row.sipUri && known.name === row.name) continue;
      if (known) stopProbe(known);
      startProbe(row);
    }
    for (const vendor of [...vendors.values()]) {
      if (!seen.has(vendor.id)) stopProbe(vendor);
    }
  }

  const monitor: VendorHealthMonitor = {
    list: () =>
      [...vendors.values()].map((v) => ({ vendorId: v.id, name: v.name, health: v.probe.health })),
    reload,
    async stop() {
      stopped = true;
      clearInterval(reloadTimer);
      for (const vendor of [...vendors.values()]) stopProbe(vendor);
      await Promise.all([...writes]);
    },
  };
  if (options.metricsRegistry) registerVendorUpGauge(options.metricsRegistry, () => monitor);
  await reload();
  const reloadTimer = setInterval(() => {
    void reload();
  }, options.reloadIntervalMs ?? DEFAULT_VENDOR_RELOAD_INTERVAL_MS);
  reloadTimer.unref();
  return monitor;
}
