// The capture-failure catalogue of finalize (SPEC §5: a failed recording is never silent): the
// failure row and its audit event in one transaction, listed as retrying while a passing failure
// may still get past, made final after the last attempt, resolved when a retry stores the call;
// failed.json beside the journal as far as the disk takes it.
import { writeFailedFile, readSessionFile, type CaptureSessionFile } from '@callvault/recorder';
import { audit } from '../audit/audit.service.js';
import {
  findOpenCaptureFailureOfJournal,
  findRetryingCaptureFailure,
  insertCaptureFailure,
  newCaptureFailureId,
  resolveRetryingCaptureFailure,
  setCaptureFailureRecordings,
  updateRetryingCaptureFailure,
  type CaptureFailureRecord,
} from './capture-failures.repository.js';
import type { FinalizeDeps, FinalizeOptions, FinalizeResult } from './capture-finalize.js';

/** Failures a later attempt may get past: the store or the disk coming back, a crashed encoder. */
export const PASSING_FAILURES: ReadonlySet<string> = new Set([
  'store-error',
  'disk-full',
  'encoder-error',
]);

/**
 * Writes a call's failure row and its `capture.failed` audit event in one transaction: a new row,
 * or `replacing` (the journal's row listed while retries ran) updated in place, so a call keeps one
 * row from its first failed attempt to its last.
 */
async function saveFailure(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  failure: {
    code: string;
    detail: string;
    recordingIds: readonly string[];
    retrying: boolean;
  },
  replacing: CaptureFailureRecord | null,
  auditExtra: Record<string, unknown>,
): Promise<void> {
  const record: CaptureFailureRecord = {
    id: replacing?.id ?? newCaptureFailureId(),
    orgId: session.orgId,
    sessionId: session.sessionId,
    callId: session.callId,
    reason: failure.code,
    detail: failure.detail,
    failureBehavior: session.owners.find((o) => o.failureBehavior)?.failureBehavior ?? null,
    ownerIds: session.owners.map((o) => o.id),
    recordingIds: failure.recordingIds,
    journalDir: dir,
    failedAt: replacing?.failedAt ?? deps.clock.now().toISOString(),
    resolvedAt: null,
    retrying: failure.retrying,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (replacing) await updateRetryingCaptureFailure(trx, record.id, record);
    else await insertCaptureFailure(trx, record);
    await audit(
      trx,
      deps.clock,
      null,
      'capture.failed',
      { type: 'captureFailure', id: record.id },
      {
        reason: record.reason,
        detail: record.detail,
        callId: record.callId,
        siprecSession: record.sessionId,
        failureBehavior: record.failureBehavior,
        recordingIds: record.recordingIds,
        ...auditExtra,
      },
      session.orgId,
    );
  });
}

/**
 * Catalogues a failure (audited in the same transaction) unless this journal's failure with the
 * same reason is already catalogued, in which case only its recordings are brought up to date:
 * finalize may run again for one journal (a full disk deferred it, a restart recovered it). A
 * `final` failure turns the journal's row listed while retries ran into the final one.
 */
export async function catalogueFailure(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  failure: { code: string; reason: string; recordingIds: readonly string[] },
  final: boolean,
): Promise<void> {
  const retrying = final ? await findRetryingCaptureFailure(deps.db, dir) : null;
  const existing = retrying
    ? null
    : await findOpenCaptureFailureOfJournal(deps.db, dir, failure.code);
  if (existing) {
    if (failure.recordingIds.length === 0) return;
    await deps.db.transaction().execute(async (trx) => {
      await setCaptureFailureRecordings(trx, existing.id, failure.recordingIds);
      await audit(
        trx,
        deps.clock,
        null,
        'capture.failureRecordingsStored',
        { type: 'captureFailure', id: existing.id },
        { callId: existing.callId, recordingIds: failure.recordingIds },
        session.orgId,
      );
    });
    return;
  }
  await saveFailure(
    deps,
    dir,
    session,
    { ...failure, detail: failure.reason, retrying: false },
    retrying,
    retrying ? { afterRetries: true } : {},
  );
}

/**
 * A failed recording is never silent: a row in the capture-failure catalogue with the org's
 * failure behaviour, first, in the database (the journal's disk may be the one that is full),
 * then `failed.json` beside the journal (kept for an operator and skipped by recovery) as far as
 * the disk takes it; the job fails with the reason. A lost database connection is no failure of
 * the recording: it is thrown before failed.json is written, and the finalize runs again. A
 * passing failure while retries remain is listed as retrying instead (see noteRetrying), and
 * nothing is written beside the journal.
 */
export async function markFailed(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile | null,
  failure: { code: string; reason: string; recordingIds?: readonly string[] },
  options: FinalizeOptions = {},
): Promise<FinalizeResult> {
  const recordingIds = failure.recordingIds ?? [];
  if (session && options.retrying === true && PASSING_FAILURES.has(failure.code)) {
    await noteRetrying(deps, dir, session, { ...failure, recordingIds });
    return { kind: 'retrying', code: failure.code, reason: failure.reason, recordingIds };
  }
  if (session) await catalogueFailure(deps, dir, session, { ...failure, recordingIds }, true);
  try {
    writeFailedFile(dir, {
      code: failure.code,
      reason: failure.reason,
      failedAt: deps.clock.now().toISOString(),
      recordingIds,
    });
  } catch (err) {
    // The catalogue has it; a journal without failed.json is finalized again later, and that
    // run finds the catalogued failure instead of storing the audio twice.
    deps.logger?.warn({ err, dir }, 'failed.json could not be written beside the journal');
  }
  return { kind: 'failed', code: failure.code, reason: failure.reason, recordingIds };
}

/**
 * A passing failure with retries left: the call is listed as failed-and-retrying (one row per
 * journal, audited when it appears and when its reason changes), so an operator sees the outage,
 * but it is not final and not counted as a loss.
 */
async function noteRetrying(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  failure: { code: string; reason: string; recordingIds: readonly string[] },
): Promise<void> {
  const detail = `${failure.reason} (retrying; the journal is kept)`;
  const existing = await findRetryingCaptureFailure(deps.db, dir);
  if (existing && existing.reason === failure.code) return;
  await saveFailure(deps, dir, session, { ...failure, detail, retrying: true }, existing, {
    retrying: true,
  });
}

/** A retry stored what an earlier attempt could not: the listed failure resolves itself. */
export async function resolveRetried(
  deps: FinalizeDeps,
  dir: string,
  session: CaptureSessionFile,
  recordingIds: readonly string[],
): Promise<void> {
  const retrying = await findRetryingCaptureFailure(deps.db, dir);
  if (!retrying) return;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await resolveRetryingCaptureFailure(trx, retrying.id, deps.clock.now().toISOString()))) {
      return;
    }
    await audit(
      trx,
      deps.clock,
      null,
      'capture.failureResolved',
      { type: 'captureFailure', id: retrying.id },
      { retried: true, reason: retrying.reason, journalDir: dir, recordingIds },
      session.orgId,
    );
  });
}

/**
 * The last attempt threw where no failure was foreseen (a journal the reader chokes on, a bug): the
 * call is catalogued as a final `finalize-error` with its journal kept, so it is never silent.
 */
export async function markFinalizeError(
  deps: FinalizeDeps,
  dir: string,
  error: unknown,
): Promise<FinalizeResult> {
  let session: CaptureSessionFile | null = null;
  try {
    session = readSessionFile(dir);
  } catch {
    session = null;
  }
  return markFailed(deps, dir, session, {
    code: 'finalize-error',
    reason: `finalizing failed: ${error instanceof Error ? error.message : String(error)}`,
  });
}
