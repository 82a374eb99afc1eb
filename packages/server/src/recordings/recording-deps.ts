// What the catalogue's services take: plain values passed in (STYLE.md), no container.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { LinkSigner } from './link-signer.js';

/** What storing needs: the catalogue, the time and the (encrypting) blob store. */
export interface RecordingStoreDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  /**
   * Dispatches side effects (events, webhook deliveries) right after a change commits; without it
   * the sweeps do.
   */
  readonly queue?: JobQueue | null;
}

export interface RecordingsDeps extends RecordingStoreDeps {
  readonly links: LinkSigner;
}
