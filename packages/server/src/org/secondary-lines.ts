// Secondary lines: which people have a virtual line on their phone beside their own line. Admins
// set them (Callvault's /api/virtual-lines/{id}/secondaryLineUsers); a person reads the recording
// settings of their secondary lines (Webex's people/me/settings/secondaryLines/{lineOwnerId}).
import { audit } from '../audit/audit.service.js';
import type { DbOrTrx } from '../db/database.js';
import { invalid, notFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type { OrgDeps } from './org-deps.js';
import { findPersonById } from './people.repository.js';
import { findVirtualLineById } from './virtual-lines.repository.js';

/** The people who have virtual line `virtualLineId` as a secondary line, in id order. */
export async function listSecondaryLineUsers(
  db: DbOrTrx,
  orgId: string,
  virtualLineId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('secondary_lines')
    .select('person_id')
    .where('org_id', '=', orgId)
    .where('virtual_line_id', '=', virtualLineId)
    .orderBy('person_id')
    .execute();
  return rows.map((r) => r.person_id);
}

/** Whether the person has the virtual line as a secondary line. */
export async function hasSecondaryLine(
  db: DbOrTrx,
  orgId: string,
  personId: string,
  virtualLineId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('secondary_lines')
    .select('person_id')
    .where('org_id', '=', orgId)
    .where('person_id', '=', personId)
    .where('virtual_line_id', '=', virtualLineId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function getSecondaryLineUsers(
  deps: OrgDeps,
  actor: Actor,
  virtualLineId: string,
): Promise<{ personIds: string[] }> {
  assertCan(actor, 'virtualLine.read', { orgId: actor.orgId });
  if (!(await findVirtualLineById(deps.db, actor.orgId, virtualLineId))) {
    throw notFound('Virtual line');
  }
  return { personIds: await listSecondaryLineUsers(deps.db, actor.orgId, virtualLineId) };
}

/** Replaces the people who have the virtual line as a secondary line; audited with before/after. */
export async function setSecondaryLineUsers(
  deps: OrgDeps,
  actor: Actor,
  virtualLineId: string,
  personIds: readonly string[],
): Promise<void> {
  assertCan(actor, 'virtualLine.write', { orgId: actor.orgId });
  const wanted = [...new Set(personIds)].sort();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findVirtualLineById(trx, actor.orgId, virtualLineId))) {
      throw notFound('Virtual line');
    }
    const unknown: string[] = [];
    for (const id of wanted) {
      if (!(await findPersonById(trx, actor.orgId, id))) unknown.push(id);
    }
    if (unknown.length > 0) {
      const problems = unknown.map((id) => `personIds: no person ${id} in this organization`);
      throw invalid(problems[0] ?? 'unknown person', problems);
    }
    const before = await listSecondaryLineUsers(trx, actor.orgId, virtualLineId);
    await trx
      .deleteFrom('secondary_lines')
      .where('org_id', '=', actor.orgId)
      .where('virtual_line_id', '=', virtualLineId)
      .execute();
    const now = deps.clock.now().toISOString();
    if (wanted.length > 0) {
      await trx
        .insertInto('secondary_lines')
        .values(
          wanted.map((personId) => ({
            person_id: personId,
            virtual_line_id: virtualLineId,
            org_id: actor.orgId,
            created_at: now,
          })),
        )
        .execute();
    }
    await audit(
      trx,
      deps.clock,
      actor,
      'virtualLine.secondaryLineUsersUpdated',
      { type: 'virtualLine', id: virtualLineId },
      { before: { personIds: before }, after: { personIds: wanted } },
    );
  });
}
