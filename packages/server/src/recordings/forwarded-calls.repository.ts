// The catalogue of calls forwarded to external recorders (migration 0025): one row per forwarded
// session, its owners beside it for "my forwarded calls".
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import { beforeCursor, toPage, type Page } from '../db/paging.js';

export interface ForwardedCallParty {
  readonly id: string;
  readonly aor: string | null;
  readonly name: string | null;
}

export interface ForwardedCallOwner {
  readonly type: string;
  readonly id: string;
  readonly displayName: string;
}

export interface ForwardedCallRow {
  readonly id: string;
  readonly orgId: string;
  readonly sessionId: string;
  readonly callId: string;
  readonly trunkId: string;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly sipUri: string;
  readonly startedAt: string;
  readonly establishedAt: string | null;
  readonly endedAt: string;
  readonly outcome: 'completed' | 'failed';
  readonly failureCode: string | null;
  readonly failureStatus: number | null;
  readonly failureReason: string | null;
  readonly recordedHere: boolean;
  readonly endReason: string;
  readonly parties: readonly ForwardedCallParty[];
  readonly owners: readonly ForwardedCallOwner[];
  readonly createdAt: string;
}

export async function findForwardedCallBySession(
  db: DbOrTrx,
  orgId: string,
  sessionId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('forwarded_calls')
    .select('id')
    .where('org_id', '=', orgId)
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

export async function insertForwardedCall(db: DbOrTrx, row: ForwardedCallRow): Promise<void> {
  await db
    .insertInto('forwarded_calls')
    .values({
      id: row.id,
      org_id: row.orgId,
      session_id: row.sessionId,
      call_id: row.callId,
      trunk_id: row.trunkId,
      vendor_id: row.vendorId,
      vendor_name: row.vendorName,
      sip_uri: row.sipUri,
      started_at: row.startedAt,
      established_at: row.establishedAt,
      ended_at: row.endedAt,
      outcome: row.outcome,
      failure_code: row.failureCode,
      failure_status: row.failureStatus,
      failure_reason: row.failureReason,
      recorded_here: row.recordedHere ? 1 : 0,
      end_reason: row.endReason,
      parties: toJsonColumn(row.parties),
      owners: toJsonColumn(row.owners),
      created_at: row.createdAt,
    })
    .execute();
  const ownerIds = [...new Set(row.owners.map((o) => o.id))];
  if (ownerIds.length > 0) {
    await db
      .insertInto('forwarded_call_owners')
      .values(
        ownerIds.map((ownerId) => ({
          forwarded_call_id: row.id,
          org_id: row.orgId,
          owner_id: ownerId,
        })),
      )
      .execute();
  }
}

export interface ForwardedCallFilter {
  readonly orgId: string;
  /** Only calls one of these entities owns (a person's own list); absent: the whole org. */
  readonly ownerIds?: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly vendorId?: string | undefined;
  readonly outcome?: 'completed' | 'failed' | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/** Newest first by start time, keyset-paged. */
export async function listForwardedCalls(
  db: DbOrTrx,
  f: ForwardedCallFilter,
): Promise<Page<ForwardedCallRow>> {
  let query = db
    .selectFrom('forwarded_calls')
    .selectAll()
    .where('org_id', '=', f.orgId)
    .where('started_at', '>=', f.from)
    .where('started_at', '<', f.to);
  if (f.ownerIds !== undefined) {
    const ids = f.ownerIds.length > 0 ? [...f.ownerIds] : [''];
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('forwarded_call_owners')
        .select('forwarded_call_id')
        .where('org_id', '=', f.orgId)
        .where('owner_id', 'in', ids),
    );
  }
  if (f.vendorId !== undefined) query = query.where('vendor_id', '=', f.vendorId);
  if (f.outcome !== undefined) query = query.where('outcome', '=', f.outcome);
  if (f.cursor !== undefined) query = query.where(beforeCursor('started_at', f.cursor));
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  return toPage(
    rows.map((r): ForwardedCallRow => ({
      id: r.id,
      orgId: r.org_id,
      sessionId: r.session_id,
      callId: r.call_id,
      trunkId: r.trunk_id,
      vendorId: r.vendor_id,
      vendorName: r.vendor_name,
      sipUri: r.sip_uri,
      startedAt: r.started_at,
      establishedAt: r.established_at,
      endedAt: r.ended_at,
      outcome: r.outcome === 'failed' ? 'failed' : 'completed',
      failureCode: r.failure_code,
      failureStatus: r.failure_status === null ? null : Number(r.failure_status),
      failureReason: r.failure_reason,
      recordedHere: Number(r.recorded_here) === 1,
      endReason: r.end_reason,
      parties: parseJsonColumn<ForwardedCallParty[]>(r.parties),
      owners: parseJsonColumn<ForwardedCallOwner[]>(r.owners),
      createdAt: r.created_at,
    })),
    f.limit,
    (r) => [r.startedAt, r.id],
  );
}
