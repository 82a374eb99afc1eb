// Writing and reading the audit log on behalf of an actor.
import { Readable } from 'node:stream';
import type { AuditEventDto, AuditVerificationDto } from '@callvault/shared';
import { stringify } from 'csv-stringify';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  findAuditEventOrg,
  insertAuditEvent,
  listAuditEvents,
  verifyAuditChain,
  type AuditEvent,
} from './audit.repository.js';

export interface AuditTarget {
  readonly type: string;
  readonly id: string;
}

/** Records what `actor` did, inside the transaction that does it. */
export async function audit(
  trx: Trx,
  clock: Clock,
  actor: Actor | null,
  action: string,
  target: AuditTarget | null,
  details: Record<string, unknown> = {},
  orgId: string | null = actor?.orgId ?? null,
): Promise<AuditEvent> {
  return insertAuditEvent(trx, {
    orgId,
    actorType: actor ? 'person' : 'system',
    actorId: actor?.personId ?? null,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    clientIp: actor?.clientIp ?? null,
    details:
      actor && actor.orgId !== actor.homeOrgId
        ? { ...details, viaPartnerOrg: actor.homeOrgId }
        : details,
    at: clock.now(),
  });
}

/** The before/after of a change, listing only the fields that changed. */
export function diffFields<T extends object>(
  before: T,
  after: T,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}

export function presentAuditEvent(e: AuditEvent): AuditEventDto {
  return {
    id: e.id,
    seq: e.seq,
    orgId: e.orgId,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    clientIp: e.clientIp,
    details: e.details,
    created: e.createdAt,
    hash: e.hash,
  };
}

export async function searchAudit(
  db: Db,
  actor: Actor,
  q: {
    action?: string | undefined;
    actorId?: string | undefined;
    targetId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    cursor?: string | undefined;
    max: number;
  },
): Promise<{ items: AuditEventDto[]; nextCursor: string | null }> {
  assertCan(actor, 'audit.read', { orgId: actor.orgId });
  const beforeSeq = q.cursor !== undefined && /^\d+$/.test(q.cursor) ? Number(q.cursor) : undefined;
  const rows = await listAuditEvents(db, {
    orgId: actor.orgId,
    action: q.action,
    actorId: q.actorId,
    targetId: q.targetId,
    from: q.from ? new Date(q.from).toISOString() : undefined,
    to: q.to ? new Date(q.to).toISOString() : undefined,
    beforeSeq,
    limit: q.max + 1,
  });
  const items = rows.slice(0, q.max);
  const last = items[items.length - 1];
  return {
    items: items.map(presentAuditEvent),
    nextCursor: rows.length > q.max && last ? String(last.seq) : null,
  };
}

export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly targetId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/**
 * Walks the whole hash chain (every org's events form one chain), the check `callvault audit
 * verify` runs, and records that it ran. The id of a broken event is shown only when the event is
 * the actor's org's own.
 */
export async function verifyAudit(
  db: Db,
  clock: Clock,
  actor: Actor,
): Promise<AuditVerificationDto> {
  assertCan(actor, 'audit.read', { orgId: actor.orgId });
  const result = await verifyAuditChain(db);
  let firstBroken: AuditVerificationDto['firstBroken'] = null;
  if (!result.ok) {
    const own = result.id !== null && (await findAuditEventOrg(db, result.id)) === actor.orgId;
    firstBroken = { seq: result.seq, id: own ? result.id : null, reason: result.reason };
  }
  const checked = clock.now().toISOString();
  await db.transaction().execute((trx) =>
    audit(trx, clock, actor, 'audit.verified', null, {
      intact: result.ok,
      events: result.events,
      ...(firstBroken ? { firstBrokenSeq: firstBroken.seq } : {}),
    }),
  );
  return { intact: result.ok, events: result.events, checked, firstBroken };
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'created',
  'action',
  'actorType',
  'actorId',
  'targetType',
  'targetId',
  'clientIp',
  'details',
  'hash',
] as const;

const EXPORT_PAGE = 500;

/**
 * The org's audit events matching `filter`, newest first, as CSV (RFC 4180, header row). The
 * export is audited before the first row is read. Rows are read a page at a time while the
 * response streams, so an export of any size holds one page in memory; a database failure
 * mid-way ends the response early (the client sees a truncated transfer, never a complete-looking
 * file). Cells that a spreadsheet would run as a formula are escaped.
 */
export async function exportAuditCsv(
  db: Db,
  clock: Clock,
  actor: Actor,
  filter: AuditFilter,
): Promise<Readable> {
  assertCan(actor, 'audit.read', { orgId: actor.orgId });
  const from = filter.from ? new Date(filter.from).toISOString() : undefined;
  const to = filter.to ? new Date(filter.to).toISOString() : undefined;
  await db.transaction().execute((trx) =>
    audit(trx, clock, actor, 'audit.exported', null, {
      filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)),
    }),
  );
  async function* rows(): AsyncGenerator<Record<string, string | number | null>> {
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await listAuditEvents(db, {
        orgId: actor.orgId,
        action: filter.action,
        actorId: filter.actorId,
        targetId: filter.targetId,
        from,
        to,
        beforeSeq,
        limit: EXPORT_PAGE,
      });
      for (const e of page) {
        yield {
          seq: e.seq,
          created: e.createdAt,
          action: e.action,
          actorType: e.actorType,
          actorId: e.actorId,
          targetType: e.targetType,
          targetId: e.targetId,
          clientIp: e.clientIp,
          details: JSON.stringify(e.details),
          hash: e.hash,
        };
      }
      const last = page[page.length - 1];
      if (page.length < EXPORT_PAGE || !last) return;
      beforeSeq = last.seq;
    }
  }
  const source = Readable.from(rows());
  const csv = stringify({
    header: true,
    columns: [...AUDIT_CSV_COLUMNS],
    escape_formulas: true,
    record_delimiter: 'windows',
  });
  source.on('error', (err) => csv.destroy(err));
  return source.pipe(csv);
}
