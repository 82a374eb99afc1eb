// Is the blob store usable right now? `/api/health` writes, reads back and deletes a small probe
// object under a reserved prefix — the operations finalize needs — instead of trusting that the
// bucket exists. The answer is cached for a few seconds so health stays cheap under polling, and
// an attempt that hangs counts as a failure after a timeout.
import crypto from 'node:crypto';
import type { HealthCheck, HealthCheckResult } from '../http/health.js';
import type { BlobStore } from './blob-store.js';

/** Keys under this prefix are the probe's own; nothing else is stored there. */
export const HEALTH_PROBE_PREFIX = 'health-probe/';

/** Writes `key`, reads it back, compares and deletes it; throws with what went wrong. */
export async function probeBlobStore(store: BlobStore, key: string): Promise<void> {
  const body = crypto.randomBytes(32);
  await store.put(key, body, { contentType: 'application/octet-stream' });
  try {
    const read = await store.get(key);
    if (!Buffer.from(read).equals(body)) throw new Error('read back different bytes');
  } finally {
    await store.delete(key);
  }
}

export interface BlobStoreHealthOptions {
  /** A name for the store in the answer (`file`, `s3 bucket …`). */
  readonly label: string;
  /** This process captures calls: recordings then wait in the journal and are retried. */
  readonly capturing: boolean;
  /** A probe taking longer fails (default 3 s). */
  readonly timeoutMs?: number;
  /** How long an answer is reused (default 5 s). */
  readonly cacheMs?: number;
  /** Milliseconds now (tests). */
  readonly now?: () => number;
}

/**
 * The `blobStore` health check. A failing store makes the process `degraded`, not `error`: the
 * catalogue, the console and capture keep working (captured calls wait in their journal and
 * finalize retries them), while playback and storing wait for the store.
 */
export function createBlobStoreHealthCheck(
  store: BlobStore,
  options: BlobStoreHealthOptions,
): HealthCheck {
  const timeoutMs = options.timeoutMs ?? 3000;
  const cacheMs = options.cacheMs ?? 5000;
  const now = options.now ?? Date.now;
  // One key per process, so processes probing one bucket never delete each other's probe.
  const key = `${HEALTH_PROBE_PREFIX}${crypto.randomUUID()}`;
  let cached: { at: number; result: Promise<HealthCheckResult> } | null = null;

  const run = async (): Promise<HealthCheckResult> => {
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([probeBlobStore(store, key), timedOut]);
      return {
        status: 'ok',
        detail: `${options.label}: write, read and delete in ${now() - started} ms`,
      };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        status: 'degraded',
        detail: options.capturing
          ? `${options.label} failed a write/read/delete probe: ${why}; calls are still captured and their recordings are stored when it is back`
          : `${options.label} failed a write/read/delete probe: ${why}; playback and storing wait for it`,
      };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    name: 'blobStore',
    check: () => {
      if (cached === null || now() - cached.at >= cacheMs) {
        cached = { at: now(), result: run() };
      }
      return cached.result;
    },
  };
}
