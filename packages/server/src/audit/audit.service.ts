// Writing and reading the audit log on behalf of an actor.
import type { AuditEventDto } from '@callvault/shared';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { insertAuditEvent, listAuditEvents, type AuditEvent } from './audit.repository.js';

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
