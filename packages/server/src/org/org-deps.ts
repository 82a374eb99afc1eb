import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/index.js';
import { AppError } from '../errors.js';
import { findLocationById } from './locations.repository.js';
import type { DbOrTrx } from '../db/database.js';
import type { Location } from '@callvault/shared';

/** What the organisation services need: the database, the time and (to post webhooks) a queue. */
export interface OrgDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Enqueues webhook deliveries at once; without one the minute sweep enqueues them. */
  readonly queue?: JobQueue | null;
}

export const DEFAULT_LANGUAGE = 'en_us';

/** The location `id` of `orgId`, or a 400 naming the field (an unknown id in a body is bad input). */
export async function requireLocation(
  db: DbOrTrx,
  orgId: string,
  id: string,
  field = 'locationId',
): Promise<Location> {
  const location = await findLocationById(db, orgId, id);
  if (!location)
    throw new AppError('VALIDATION_FAILED', `${field}: no such location in this organization`);
  return location;
}
