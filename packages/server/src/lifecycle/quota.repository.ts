// The only SQL of quota notifications: the highest threshold each org was told about.
import type { DbOrTrx } from '../db/database.js';

export async function findQuotaNotificationLevel(db: DbOrTrx, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('quota_notifications')
    .select('level')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row ? Number(row.level) : 0;
}

/**
 * Raises the stored level to `level` if it is lower; true when this call raised it. A conditional
 * update, so two processes storing at once notify a crossing once.
 */
export async function raiseQuotaNotificationLevel(
  db: DbOrTrx,
  orgId: string,
  level: number,
  at: string,
): Promise<boolean> {
  await db
    .insertInto('quota_notifications')
    .values({ org_id: orgId, level: 0, updated_at: at })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
  const result = await db
    .updateTable('quota_notifications')
    .set({ level, updated_at: at })
    .where('org_id', '=', orgId)
    .where('level', '<', level)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Lowers the stored level after usage fell, so the next crossing notifies again. */
export async function lowerQuotaNotificationLevel(
  db: DbOrTrx,
  orgId: string,
  level: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('quota_notifications')
    .set({ level, updated_at: at })
    .where('org_id', '=', orgId)
    .where('level', '>', level)
    .execute();
}
