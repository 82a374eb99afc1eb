// The recorder's RecordingPolicy port (SPEC §5), implemented on the database: which recording
// trunks a SIPREC session may come on, with their stored digest credentials (trunk-lookup.ts;
// the recorder authenticates), and which people, workspaces and virtual lines own the call
// (owner-matching.ts).
//
// Both decisions only read, and reads are retried on a lost connection by the database driver
// (a fast PostgreSQL restart is over in about a second); when the database stays away the SRC
// is told 503 with Retry-After and fails over. Sessions already admitted are not touched: their
// media goes on to the journal.
import type { RecordingPolicy } from '@callvault/recorder';
import { DATABASE_RETRY_AFTER_SECONDS, isConnectionLoss } from '../db/connection-loss.js';
import type { DbOrTrx } from '../db/database.js';
import { decideOwnersOn } from './owner-matching.js';
import { findTrunksForSource } from './trunk-lookup.js';

export interface RecordingPolicyDeps {
  readonly db: DbOrTrx;
}

export { phoneNumberOfAor } from './party-lookups.js';

const UNAVAILABLE = 'the recording policy cannot be read: the database is unavailable';

export function createRecordingPolicy(deps: RecordingPolicyDeps): RecordingPolicy {
  return {
    async findTrunks(request) {
      try {
        return await findTrunksForSource(deps.db, request);
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        return {
          ok: false,
          status: 503,
          reason: UNAVAILABLE,
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        };
      }
    },
    async decideOwners(scope, participants, leg) {
      try {
        return await decideOwnersOn(deps.db, scope, participants, leg);
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        return {
          owners: [],
          waitingForParticipants: false,
          refusal: {
            status: 503,
            reason: UNAVAILABLE,
            retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
          },
          notes: ['database unavailable'],
        };
      }
    },
  };
}
