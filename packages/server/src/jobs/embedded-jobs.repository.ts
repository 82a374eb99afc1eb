// SQL for the embedded job queue's `jobs` table, portable between SQLite and PostgreSQL. Times
// are ISO-8601 UTC strings from the caller's clock, so comparisons are string comparisons.
import type { Selectable } from 'kysely';
import { dialectOf, type Db } from '../db/database.js';
import type { JobsTable } from '../db/schema.js';
import type { JobState } from './job-queue.js';

export type JobRow = Selectable<JobsTable>;

const PENDING: JobState[] = ['queued', 'retry', 'active'];
const DUE: JobState[] = ['queued', 'retry'];
const FINISHED: JobState[] = ['completed', 'failed'];

export interface NewJobRow {
  readonly id: string;
  readonly name: string;
  readonly payload: string;
  readonly singletonKey: string | null;
  readonly priority: number;
  readonly runAt: string;
  readonly retryLimit: number;
  readonly createdAt: string;
}

/** Inserts unless the id or (name, singleton key) of a pending job is taken; true if inserted. */
export async function insertJobUnlessPresent(db: Db, job: NewJobRow): Promise<boolean> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      id: job.id,
      name: job.name,
      payload: job.payload,
      state: 'queued',
      singleton_key: job.singletonKey,
      priority: job.priority,
      run_at: job.runAt,
      attempts: 0,
      retry_limit: job.retryLimit,
      last_error: null,
      locked_by: null,
      locked_until: null,
      created_at: job.createdAt,
      completed_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findPendingJobIdBySingletonKey(
  db: Db,
  name: string,
  singletonKey: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where('name', '=', name)
    .where('singleton_key', '=', singletonKey)
    .where('state', 'in', PENDING)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Takes the next due job of `name` for `workerId`: one UPDATE whose WHERE re-checks the state, so
 * two workers can never both win a row. On PostgreSQL the inner SELECT skips rows another
 * transaction is claiming instead of waiting for it.
 */
export async function claimNextJob(
  db: Db,
  claim: {
    readonly name: string;
    readonly workerId: string;
    readonly now: string;
    readonly lockedUntil: string;
    readonly retryLimit: number;
  },
): Promise<JobRow | null> {
  let next = db
    .selectFrom('jobs')
    .select('id')
    .where('name', '=', claim.name)
    .where('state', 'in', DUE)
    .where('run_at', '<=', claim.now)
    .orderBy('priority', 'desc')
    .orderBy('run_at')
    .orderBy('id')
    .limit(1);
  if (dialectOf(db) === 'postgres') next = next.forUpdate().skipLocked();
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'active',
      attempts: eb('attempts', '+', 1),
      retry_limit: claim.retryLimit,
      locked_by: claim.workerId,
      locked_until: claim.lockedUntil,
    }))
    .where('id', '=', next)
    .where('state', 'in', DUE)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function renewJobLease(
  db: Db,
  id: string,
  workerId: string,
  lockedUntil: string,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: lockedUntil })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function completeJob(
  db: Db,
  id: string,
  workerId: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'completed', completed_at: now, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records a failed attempt: `retryAt` null means no retries are left. */
export async function failJobAttempt(
  db: Db,
  attempt: {
    readonly id: string;
    readonly workerId: string;
    readonly error: string;
    readonly now: string;
    readonly retryAt: string | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set(
      attempt.retryAt === null
        ? { state: 'failed', completed_at: attempt.now }
        : { state: 'retry', run_at: attempt.retryAt },
    )
    .set({ last_error: attempt.error, locked_by: null, locked_until: null })
    .where('id', '=', attempt.id)
    .where('locked_by', '=', attempt.workerId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Active jobs whose lease ran out belong to a worker that died or hung: count the attempt as
 * failed and make the job due again at once (or failed when no retries are left).
 */
export async function releaseExpiredLeases(db: Db, now: string): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: eb
        .case()
        .when('attempts', '>', eb.ref('retry_limit'))
        .then('failed')
        .else('retry')
        .end(),
      completed_at: eb
        .case()
        .when('attempts', '>', eb.ref('retry_limit'))
        .then(now)
        .else(null)
        .end(),
      run_at: now,
      last_error: 'the worker running this job stopped renewing its lease (crashed or hung)',
      locked_by: null,
      locked_until: null,
    }))
    .where('state', '=', 'active')
    .where('locked_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findJobRowById(db: Db, id: string): Promise<JobRow | null> {
  return (await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function countJobsByNameAndState(
  db: Db,
): Promise<Array<{ name: string; state: string; count: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['name', 'state', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy(['name', 'state'])
    .execute();
  return rows.map((r) => ({ name: r.name, state: r.state, count: Number(r.count) }));
}

export async function deleteFinishedJobsBefore(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('state', 'in', FINISHED)
    .where('completed_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
