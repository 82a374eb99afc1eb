// Calls forwarded to external recorders (docs/adr/0010): each forwarded session leaves a catalogue
// entry of kind `forwarded` — the vendor, times, parties, owners and outcome, no audio — written
// with its audit events (the forward and its outcome) in one transaction, once per session.
// Compliance officers and administrators list the org's entries, everyone else the entries they
// own, at /api/forwarded-calls; Webex's /v1/convergedRecordings never lists them (SPEC §3.1).
import type { RecordingOwner, RecordingSessionClosed } from '@callvault/recorder';
import type { ForwardedCall, ForwardedCallsQuery } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Page } from '../db/paging.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import { findOrgSettings } from '../recording-settings/recording-settings.repository.js';
import {
  findForwardedCallBySession,
  insertForwardedCall,
  listForwardedCalls as listRows,
  type ForwardedCallRow,
} from './forwarded-calls.repository.js';
import { resolveWindow } from './recording-query.service.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Catalogues a closed forwarded session (the sink's sessionClosed with `forward`); `owners` are
 * the entities the vendor recorded the call for. Idempotent by session: a second call for the
 * same session writes nothing and returns the first entry's id.
 */
export async function catalogueForwardedCall(
  deps: { readonly db: Db; readonly clock: Clock },
  closed: RecordingSessionClosed,
  owners: readonly RecordingOwner[],
): Promise<string | null> {
  const forward = closed.forward;
  if (!forward) return null;
  return deps.db.transaction().execute(async (trx) => {
    const existing = await findForwardedCallBySession(trx, closed.orgId, closed.id);
    if (existing) return existing.id;
    const failed = forward.state === 'failed';
    const row: ForwardedCallRow = {
      id: newId('FORWARDED_CALL'),
      orgId: closed.orgId,
      sessionId: closed.id,
      callId: closed.callId,
      trunkId: closed.trunkId,
      vendorId: forward.vendorId,
      vendorName: forward.vendorName,
      sipUri: forward.sipUri,
      startedAt: iso(forward.startedAt),
      establishedAt: forward.establishedAt === undefined ? null : iso(forward.establishedAt),
      endedAt: iso(forward.endedAt ?? closed.endedAt),
      outcome: failed ? 'failed' : 'completed',
      failureCode: failed ? (forward.failure?.code ?? 'vendor-failed') : null,
      failureStatus: failed ? (forward.failure?.status ?? null) : null,
      failureReason: failed ? (forward.failure?.reason ?? 'the external recorder failed') : null,
      recordedHere: forward.recordedHere,
      endReason: closed.endReason,
      parties: closed.parties
        .filter((p) => !p.placeholder)
        .map((p) => ({ id: p.id, aor: p.aor ?? null, name: p.name ?? null })),
      owners: dedupeOwners(owners),
      createdAt: deps.clock.now().toISOString(),
    };
    await insertForwardedCall(trx, row);
    const target = { type: 'forwardedCall', id: row.id };
    const facts = {
      callId: row.callId,
      sessionId: row.sessionId,
      vendorId: row.vendorId,
      vendorName: row.vendorName,
      sipUri: row.sipUri,
      ownerIds: row.owners.map((o) => o.id),
    };
    await audit(
      trx,
      deps.clock,
      null,
      'recording.forwarded',
      target,
      { ...facts, startedAt: row.startedAt },
      row.orgId,
    );
    await audit(
      trx,
      deps.clock,
      null,
      failed ? 'recording.forwardFailed' : 'recording.forwardCompleted',
      target,
      {
        ...facts,
        endedAt: row.endedAt,
        establishedAt: row.establishedAt,
        recordedHere: row.recordedHere,
        ...(failed
          ? {
              failure: {
                code: row.failureCode,
                status: row.failureStatus,
                reason: row.failureReason,
              },
            }
          : {}),
      },
      row.orgId,
    );
    return row.id;
  });
}

function dedupeOwners(owners: readonly RecordingOwner[]) {
  const seen = new Set<string>();
  return owners.flatMap((o) => {
    if (seen.has(o.id)) return [];
    seen.add(o.id);
    return [{ type: o.kind, id: o.id, displayName: o.displayName }];
  });
}

export function presentForwardedCall(row: ForwardedCallRow): ForwardedCall {
  const answered = row.establishedAt === null ? null : Date.parse(row.establishedAt);
  return {
    id: row.id,
    kind: 'forwarded',
    callId: row.callId,
    vendor: { id: row.vendorId, name: row.vendorName, sipUri: row.sipUri },
    startTime: row.startedAt,
    establishedTime: row.establishedAt,
    endTime: row.endedAt,
    durationSeconds:
      answered === null ? 0 : Math.max(0, Math.round((Date.parse(row.endedAt) - answered) / 1000)),
    outcome: row.outcome,
    failure:
      row.outcome === 'failed'
        ? {
            code: row.failureCode ?? 'vendor-failed',
            status: row.failureStatus,
            reason: row.failureReason ?? '',
          }
        : null,
    recordedHere: row.recordedHere,
    endReason: row.endReason,
    parties: [...row.parties],
    owners: [...row.owners],
  };
}

/**
 * The forwarded calls an actor may see, newest first: the org's for compliance officers and
 * administrators, the calls they own for everyone else. The window is at most the retention
 * period (default: the last 7 days).
 */
export async function listForwardedCalls(
  deps: { readonly db: Db; readonly clock: Clock },
  actor: Actor,
  q: ForwardedCallsQuery,
): Promise<Page<ForwardedCall>> {
  assertCan(actor, 'org.read', { orgId: actor.orgId });
  const settings = await findOrgSettings(deps.db, actor.orgId);
  const window = resolveWindow(deps.clock.now(), q, settings.retentionDays);
  const wholeOrg = can(actor, 'recording.search', { orgId: actor.orgId });
  // Who was on which call is read like a recording list: audited with what was listed.
  const page = await deps.db.transaction().execute(async (trx) => {
    const rows = await listRows(trx, {
      orgId: actor.orgId,
      ...(wholeOrg ? {} : { ownerIds: actor.personId ? [actor.personId] : [] }),
      ...window,
      vendorId: q.vendorId,
      outcome: q.outcome,
      cursor: q.cursor,
      limit: q.max ?? 100,
    });
    await audit(trx, deps.clock, actor, 'forwardedCall.listed', null, {
      filters: { ...q, ...window },
      count: rows.items.length,
      forwardedCallIds: rows.items.map((r) => r.id),
    });
    return rows;
  });
  return { items: page.items.map(presentForwardedCall), nextCursor: page.nextCursor };
}
