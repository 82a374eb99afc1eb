// Which peer addresses may talk SIP to this recorder at all: the source networks of every enabled
// recording trunk (the same data the RecordingPolicy admits INVITEs by). The SIP transports ask
// for every TCP connection and UDP datagram, so the answer is synchronous and cheap: one matcher
// built from the trunk list, rebuilt when a refresh finds the list changed. A trunk added or
// edited through the API (possibly in another process) is seen within one refresh interval.
import type { DbOrTrx } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import { createCidrMatcher, parseCidr, type Cidr } from './cidr.js';
import { listEnabledTrunks } from './recording-trunks.repository.js';

export interface TrunkSourceAdmission {
  /** True when `address` is inside a source network of an enabled trunk. */
  isAdmissible(address: string): boolean;
  /** Reloads the trunk list now (start-up, and after a trunk changed in this process). */
  refresh(): Promise<void>;
  /** The networks admitted now, as "address/prefix" (for logs and tests). */
  networks(): readonly string[];
  stop(): void;
}

export interface TrunkSourceAdmissionDeps {
  readonly db: DbOrTrx;
  readonly logger: Logger;
  /** How often the trunk list is reloaded (default 5 s). */
  readonly refreshMs?: number;
}

/**
 * Loads the trunk list once (a failure rejects: a recorder that cannot read its trunks must not
 * start) and then every refreshMs; a later failed reload keeps the last list and is logged.
 */
export async function startTrunkSourceAdmission(
  deps: TrunkSourceAdmissionDeps,
): Promise<TrunkSourceAdmission> {
  let matcher: (address: string) => boolean = () => false;
  let current: string[] = [];
  let failing = false;

  async function refresh(): Promise<void> {
    const trunks = await listEnabledTrunks(deps.db);
    const cidrs: Cidr[] = trunks.flatMap((t) =>
      t.allowedSources.flatMap((s) => {
        const cidr = parseCidr(s);
        return cidr ? [cidr] : [];
      }),
    );
    const networks = [...new Set(cidrs.map((c) => `${c.address}/${c.prefix}`))].sort();
    if (networks.join(',') === current.join(',')) return;
    matcher = createCidrMatcher(cidrs);
    current = networks;
    deps.logger.info({ networks }, 'SIP sources admitted from the recording trunks');
  }

  await refresh();
  const timer = setInterval(() => {
    refresh().then(
      () => {
        if (failing) deps.logger.info({}, 'recording trunks readable again');
        failing = false;
      },
      (err: unknown) => {
        if (!failing) {
          deps.logger.warn({ err }, 'cannot reload the recording trunks; keeping the last list');
        }
        failing = true;
      },
    );
  }, deps.refreshMs ?? 5_000);
  timer.unref();

  return {
    isAdmissible: (address) => matcher(address),
    refresh,
    networks: () => current,
    stop: () => clearInterval(timer),
  };
}
