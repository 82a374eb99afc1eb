// Which calls already heard the compliance announcement (at most once per callSessionId, SPEC §3):
// one row per (org, call session), the unique key deciding a race between two requests.
import type { DbOrTrx } from '../db/database.js';
import { isUniqueViolation } from '../db/json.js';

/** Notes the announcement as played; false when the call session already had it. */
export async function markCompliancePlayed(
  db: DbOrTrx,
  orgId: string,
  call: { readonly callSessionId: string; readonly callId: string },
  at: Date,
): Promise<boolean> {
  try {
    await db
      .insertInto('announcement_plays')
      .values({
        org_id: orgId,
        call_session_id: call.callSessionId,
        call_id: call.callId,
        played_at: at.toISOString(),
      })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Whether the call session already heard the announcement. */
export async function wasCompliancePlayed(
  db: DbOrTrx,
  orgId: string,
  callSessionId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('announcement_plays')
    .select('call_session_id')
    .where('org_id', '=', orgId)
    .where('call_session_id', '=', callSessionId)
    .executeTakeFirst();
  return row !== undefined;
}
