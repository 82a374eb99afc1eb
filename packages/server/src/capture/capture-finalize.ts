// Finalizing a captured session (SPEC §5), the job's side: the recorder renders the journals
// (read, decode, align: renderCapturedSession) and cuts each owner's recordings by their actions
// (SPEC §4: start…stop is one recording, paused stretches cut out or silenced); here each
// recording is encoded (capture-encoder.ts) and stored through the recordings store with its
// owners, parties and provenance, and transcription is enqueued for each stored recording.
// Failures are catalogued, never silent.
import fs from 'node:fs';
import path from 'node:path';
import {
  callDirectionOf,
  cutRecording,
  planOwnerRecordings,
  readSessionFile,
  removeJournal,
  renderCapturedSession,
  SESSION_FILE,
  writeFailedFile,
  writeSessionFile,
  type CaptureSessionFile,
  type RecordingAction,
  type RecordingMetadata,
  type RecordingSegmentPlan,
} from '@callvault/recorder';
import { audit } from '../audit/audit.service.js';
import { isConnectionLoss } from '../db/connection-loss.js';
import type { Logger } from '../observability/logger.js';
import { findCallSessionRecordings, findOwnerById } from '../recordings/recordings.repository.js';
import {
  defaultRecordingTopic,
  storeRecording,
  type RecordingStoreDeps,
} from '../recordings/recordings.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { mergeSrcMetadata } from '../recordings/recording-provenance.js';
import { enqueueTranscription } from '../transcription/transcription.jobs.js';
import { isStorageFullError } from '../errors.js';
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
import {
  RECORDING_END_REASONS,
  type RecordingCaptureFailure,
  type RecordingEndReason,
  type RecordingRecovery,
} from '@callvault/shared';
import { encodeOggOpus } from './capture-encoder.js';

export interface FinalizeOptions {
  /** The session never closed (a crash): its audio up to the last flush is kept as `recovered`. */
  readonly recovered?: boolean;
  /**
   * The session as the recorder last knew it, when its session.json could not be written (a
   * full disk): used instead of the file, and written to it when the disk takes it again.
   */
  readonly session?: CaptureSessionFile;
  /**
   * Another attempt follows if this one fails for a passing reason (the blob store, the disk,
   * the encoder): such a failure is listed as retrying and the journal kept as it is, instead of
   * being final. Default false: every failure is final.
   */
  readonly retrying?: boolean;
}

/** Failures a later attempt may get past: the store or the disk coming back, a crashed encoder. */
export const PASSING_FAILURES: ReadonlySet<string> = new Set([
  'store-error',
  'disk-full',
  'encoder-error',
]);

export type FinalizeResult =
  | {
      readonly kind: 'stored';
      readonly recordingIds: readonly string[];
      readonly durationMs: number;
    }
  | {
      readonly kind: 'failed';
      /** Stable code: no-media, disk-full, journal-write, encoder-error, store-error, ... */
      readonly code: string;
      readonly reason: string;
      /** Recordings stored anyway from what was captured (a partial recording). */
      readonly recordingIds: readonly string[];
    }
  | {
      /**
       * A full disk refused the encoded audio or the stored recording before anything was
       * stored: the journal is kept whole and finalize is run again once there is space.
       */
      readonly kind: 'deferred';
      readonly reason: string;
      /** Always empty: nothing was stored. */
      readonly recordingIds: readonly string[];
    }
  | {
      /** A passing failure; the caller retries (the journal and the listed failure stay). */
      readonly kind: 'retrying';
      readonly code: string;
      readonly reason: string;
      readonly recordingIds: readonly string[];
    }
  | {
      /** The journal is gone: an earlier attempt stored the call and removed it. */
      readonly kind: 'done-before';
      /** None stored by this attempt. */
      readonly recordingIds: readonly string[];
    };

async function resolveOwners(
  deps: RecordingStoreDeps,
  session: CaptureSessionFile,
): Promise<RecordingOwner[]> {
  const owners: RecordingOwner[] = [];
  for (const ref of session.owners) {
    const found = await findOwnerById(deps.db, ref.id);
    if (!found || found.orgId !== session.orgId) continue;
    const { orgId: _orgId, ...owner } = found;
    if (!owners.some((o) => o.id === owner.id)) owners.push(owner);
  }
  return owners;
}

export interface FinalizeDeps extends RecordingStoreDeps {
  /** Encodes PCM to Ogg Opus (tests inject a failing encoder). */
  readonly encode?: typeof encodeOggOpus;
  /**
   * The phone number a participant's AOR names, or null (for the catalogue's parties, numbers
   * and topics); the SIPREC side's reading, given at composition.
   */
  readonly phoneNumberOfAor: (aor: string | undefined) => string | null;
  readonly logger?: Logger;
}

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
async function catalogueFailure(
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
async function markFailed(
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

/** Nothing was stored: the partial audio file goes (it takes space), the journal stays whole. */
function deferFinalize(dir: string, file: string, what: string): FinalizeResult {
  fs.rmSync(file, { force: true });
  return {
    kind: 'deferred',
    reason: `the disk is full (${what}); finalize waits for space`,
    recordingIds: [],
  };
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
async function resolveRetried(
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

function presentActions(
  actions: readonly RecordingAction[],
  ownerIds: ReadonlySet<string>,
  originMs: number,
) {
  return actions
    .filter((a) => a.ownerId === undefined || ownerIds.has(a.ownerId))
    .map((a) => ({
      action: a.action,
      at: new Date(a.atMs).toISOString(),
      offsetMs: Math.round(a.atMs - originMs),
      source: a.source,
      ...(a.ownerId === undefined ? {} : { ownerId: a.ownerId }),
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    }));
}

/**
 * Turns a journal directory into stored recordings: one per start…stop of each owner (owners
 * whose actions give the same recordings share them), paused stretches cut or silenced. On
 * success the journal is removed; on a failure (no media at all, a live capture failure, no
 * owner left, encoder error) the failure is catalogued and the journal kept for an operator —
 * with whatever audio could be stored stored anyway.
 */
/**
 * The catalogue's local and remote numbers (searched by `partyNumber`, shown in topics): the
 * first owner's own participant and the first other participant, when their AORs name numbers.
 */
function partyNumbersOf(
  phoneNumberOfAor: FinalizeDeps['phoneNumberOfAor'],
  session: CaptureSessionFile,
  owners: readonly RecordingOwner[],
): { localNumber?: string; remoteNumber?: string } {
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  const own = session.parties.find((p) => p.id === ownerRef?.participantId);
  const other = session.parties.find((p) => p.id !== ownerRef?.participantId);
  const local = phoneNumberOfAor(own?.aor);
  const remote = phoneNumberOfAor(other?.aor);
  return {
    ...(local === null ? {} : { localNumber: local }),
    ...(remote === null ? {} : { remoteNumber: remote }),
  };
}

/**
 * Which way the call went for the group's owner, from the SRC's vendor metadata (Acme
 * `callingParty`, BroadWorks `callType`): RFC 7865 itself has no direction. Null when the
 * metadata does not say.
 */
function directionOf(
  metadata: RecordingMetadata | undefined,
  session: CaptureSessionFile,
  owners: readonly RecordingOwner[],
): 'inbound' | 'outbound' | 'internal' | null {
  if (!metadata) return null;
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  return callDirectionOf(
    metadata,
    ownerRef?.participantId,
    session.owners.map((o) => o.participantId),
  );
}

const FAILURE_WORDS: Readonly<Record<string, string>> = {
  'no-media': 'a stream received no media',
  'disk-full': 'the disk was full',
  'journal-write': 'a journal write failed',
  'capture-start': 'media capture could not start',
};

/**
 * Every failure of the capture, in order: the live ones from the call's actions (a `fail`, over
 * when a `recover` of the same reason followed: media that came after all), the one still open
 * at the end, and the streams finalize found silent or unreadable. A stream the live capture
 * already failed for having no media is not listed twice.
 */
export function captureFailuresOf(
  session: Pick<CaptureSessionFile, 'recordingActions' | 'failure'>,
  streamFailures: ReadonlyArray<{ stream: number; label: string | null; reason: string }>,
): RecordingCaptureFailure[] {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const actions = [...(session.recordingActions ?? [])].sort((a, b) => a.atMs - b.atMs);
  const out: RecordingCaptureFailure[] = [];
  let liveListed = false;
  for (const [i, a] of actions.entries()) {
    if (a.action !== 'fail') continue;
    const code = a.reason ?? 'unknown';
    const recover = actions
      .slice(i + 1)
      .find((b) => b.action === 'recover' && (b.reason ?? 'unknown') === code);
    const live =
      session.failure?.reason === code && session.failure.atMs === a.atMs
        ? session.failure
        : undefined;
    if (live) liveListed = true;
    out.push({
      code,
      detail: a.detail ?? live?.detail ?? FAILURE_WORDS[code] ?? code,
      at: iso(a.atMs),
      resolvedAt: recover ? iso(recover.atMs) : null,
      stream: null,
    });
  }
  if (session.failure && !liveListed) {
    out.push({
      code: session.failure.reason,
      detail: session.failure.detail,
      at: iso(session.failure.atMs),
      resolvedAt: null,
      stream: null,
    });
  }
  for (const f of streamFailures) {
    const stream = f.label ?? `#${f.stream}`;
    const code = f.reason === 'journal unreadable' ? 'unreadable' : 'no-media';
    const alreadyFailed = out.some(
      (o) => o.code === code && o.resolvedAt === null && o.detail.startsWith(`stream ${stream} `),
    );
    if (alreadyFailed) continue;
    out.push({ code, detail: `stream ${stream}: ${f.reason}`, at: null, resolvedAt: null, stream });
  }
  // The API bounds a failure's words; an error message can be long.
  return out.map((f) => (f.detail.length > 1000 ? { ...f, detail: f.detail.slice(0, 1000) } : f));
}

/**
 * What a recovered session kept: the audio up to the last journal flush. The journal files'
 * last write tells about when the recorder stopped (within a flush interval while media flowed).
 */
export function recoveryOf(
  dir: string,
  audioEndMs: number,
  recoveredAt: string,
): RecordingRecovery {
  let lastWriteMs: number | null = null;
  try {
    for (const name of fs.readdirSync(dir)) {
      if (name !== SESSION_FILE && !name.endsWith('.rtpj')) continue;
      const mtime = fs.statSync(path.join(dir, name)).mtimeMs;
      lastWriteMs = Math.max(lastWriteMs ?? 0, mtime);
    }
  } catch {
    // The times are a help for the reader, not the recording: unknown when unreadable.
    lastWriteMs = null;
  }
  return {
    recoveredAt,
    audioEndedAt: new Date(audioEndMs).toISOString(),
    journalLastWrittenAt: lastWriteMs === null ? null : new Date(lastWriteMs).toISOString(),
  };
}

const isEndReason = (v: string): v is RecordingEndReason =>
  (RECORDING_END_REASONS as readonly string[]).includes(v);

/**
 * Why one recording of the call ended: stopped by its owner before the call's audio ended,
 * else how the session ended (BYE, CANCEL, no ACK, shutdown), or `recovered` for a session that
 * never closed because the recorder stopped.
 */
export function endReasonOf(
  session: Pick<CaptureSessionFile, 'closed'>,
  options: FinalizeOptions,
  plan: Pick<RecordingSegmentPlan, 'endMs'>,
  audio: { readonly endMs: number },
): RecordingEndReason | null {
  if (plan.endMs < audio.endMs) return 'stopped';
  if (session.closed)
    return isEndReason(session.closed.endReason) ? session.closed.endReason : null;
  return options.recovered ? 'recovered' : null;
}

export async function finalizeCapturedSession(
  deps: FinalizeDeps,
  dir: string,
  options: FinalizeOptions = {},
): Promise<FinalizeResult> {
  if (!fs.existsSync(dir)) {
    // Only a finished finalize removes a journal: a retry after that has nothing left to do. No
    // journal folder at all means this process cannot see the recorder's disk: it throws, and
    // the job is retried (by a worker that can, or once the disk is mounted).
    if (!fs.existsSync(path.dirname(dir))) {
      throw new Error(`the journal folder ${path.dirname(dir)} is not on this server`);
    }
    return { kind: 'done-before', recordingIds: [] };
  }
  // Stored before, and failed after storing (its failed.json could not be written): the
  // catalogue says so, and the audio is not stored a second time. A failure still retrying is
  // not final: the retry goes on.
  const done = await findOpenCaptureFailureOfJournal(deps.db, dir);
  if (done && !done.retrying && done.recordingIds.length > 0) {
    return markFailed(deps, dir, null, {
      code: done.reason,
      reason: done.detail,
      recordingIds: done.recordingIds,
    });
  }
  let session: CaptureSessionFile;
  if (options.session) {
    session = options.session;
    try {
      writeSessionFile(dir, session);
    } catch (err) {
      deps.logger?.warn({ err, dir }, 'session.json still cannot be written beside the journal');
    }
  } else {
    try {
      session = readSessionFile(dir);
    } catch (err) {
      return markFailed(deps, dir, null, {
        code: 'unreadable',
        reason: `session file unreadable: ${(err as Error).message}`,
      });
    }
  }
  // A live failure (the journal's disk filled, a stream without media) is catalogued before any
  // audio is encoded: it is listed even while a full disk holds the rest of finalize back.
  if (session.failure) {
    await catalogueFailure(
      deps,
      dir,
      session,
      { code: session.failure.reason, reason: session.failure.detail, recordingIds: [] },
      false,
    );
  }
  const rendered = renderCapturedSession(dir, session);
  const failures = rendered.order.flatMap((s) =>
    s.failure ? [{ stream: s.index, label: s.label ?? null, reason: s.failure }] : [],
  );
  if (rendered.order.length === 0 || failures.length === rendered.order.length) {
    const why = failures.map((f) => `stream ${f.stream}: ${f.reason}`).join('; ');
    return markFailed(deps, dir, session, {
      code: session.failure?.reason ?? 'no-media',
      reason: [session.failure?.detail, why || 'the session had no audio stream']
        .filter(Boolean)
        .join('; '),
    });
  }
  const owners = await resolveOwners(deps, session);
  if (owners.length === 0) {
    return markFailed(deps, dir, session, {
      code: 'no-owner',
      reason: 'none of the owners exists any more',
    });
  }

  const samples = Math.max(0, ...rendered.channels.map((c) => c.length));
  // A recording still running at the BYE ends with the audio (the last packet placed).
  const audio = {
    startMs: rendered.originMs,
    endMs: rendered.originMs + (samples / rendered.sampleRate) * 1000,
  };
  // Owners with the same recordings (the same actions' effect) share each stored audio.
  const groups = new Map<string, { plans: RecordingSegmentPlan[]; owners: RecordingOwner[] }>();
  for (const owner of owners) {
    const plans = planOwnerRecordings(session, owner.id, audio);
    const key = JSON.stringify(plans);
    const group = groups.get(key) ?? { plans, owners: [] };
    group.owners.push(owner);
    groups.set(key, group);
  }
  const behaviour = session.pauseBehaviour ?? 'cut';
  const encode = deps.encode ?? encodeOggOpus;
  const recordingIds: string[] = [];
  let durationMs = 0;
  // A party's stream that gave no audio while the other's did: stored, and still a failure.
  const silentStreams = failures;
  // The catalogue's parties (with the channel each speaks on) and the SRC's merged metadata are
  // the call's; numbers and direction are each group's owner's.
  const parties = session.parties.map((p) => {
    const channel = rendered.order.findIndex(
      (s) => session.senders[s.label ?? `#${s.index}`] === p.id,
    );
    const number = deps.phoneNumberOfAor(p.aor);
    return {
      ...(p.name === undefined ? {} : { name: p.name }),
      ...(p.aor === undefined ? {} : { address: p.aor }),
      ...(number === null ? {} : { number }),
      ...(channel >= 0 ? { channel } : {}),
    };
  });
  const metadata = mergeSrcMetadata(session.metadataRevisions);
  const captureFailures = captureFailuresOf(session, failures);
  const recovery = options.recovered
    ? recoveryOf(dir, audio.endMs, deps.clock.now().toISOString())
    : null;
  for (const [groupIndex, group] of [...groups.values()].entries()) {
    const ownerIds = new Set(group.owners.map((o) => o.id));
    const numbers = partyNumbersOf(deps.phoneNumberOfAor, session, group.owners);
    const direction = directionOf(metadata, session, group.owners);
    for (const [i, plan] of group.plans.entries()) {
      const channels = cutRecording(rendered, plan, behaviour);
      const length = Math.max(0, ...channels.map((c) => c.length));
      if (length === 0) continue;
      const segmentMs = Math.round((length / rendered.sampleRate) * 1000);
      const startMs = Math.max(plan.startMs, rendered.originMs);
      // Stored by an earlier run of this finalize (its database connection was lost after the
      // commit, or its job outcome could not be recorded): not stored twice.
      const already = await findCallSessionRecordings(
        deps.db,
        session.orgId,
        session.sessionId,
        new Date(startMs).toISOString(),
        group.owners.map((o) => o.id),
      );
      if (already.length > 0) {
        durationMs += segmentMs;
        for (const r of already) recordingIds.push(r.id);
        continue;
      }
      const file = path.join(dir, `audio-${recordingIds.length}.ogg`);
      try {
        await encode(channels, rendered.sampleRate, file);
      } catch (err) {
        if (isStorageFullError(err) && recordingIds.length === 0) {
          return deferFinalize(dir, file, `the encoded audio: ${(err as Error).message}`);
        }
        return markFailed(
          deps,
          dir,
          session,
          {
            code: 'encoder-error',
            reason: `encoder error: ${(err as Error).message}`,
            recordingIds,
          },
          options,
        );
      }
      let stored;
      try {
        stored = await storeRecording(deps, {
          orgId: session.orgId,
          // Streamed from the file: the store hashes and encrypts it in chunks.
          audio: fs.createReadStream(file),
          format: 'OGG',
          durationMs: segmentMs,
          channels: channels.length,
          sampleRate: 48000,
          owners: group.owners,
          timeRecorded: new Date(startMs).toISOString(),
          callId: session.callId,
          callSessionId: session.sessionId,
          ...numbers,
          parties,
          direction,
          // Several recordings of one call (stopped and started again) tell which part they are.
          ...(group.plans.length > 1
            ? {
                topic: `${defaultRecordingTopic({ ...numbers, parties }, new Date(startMs))} (part ${i + 1} of ${group.plans.length})`,
              }
            : {}),
          metadata: {
            participants: session.parties.map((p) => ({ ...p })),
            streams: rendered.order.map((s, channel) => ({
              channel,
              index: s.index,
              label: s.label ?? null,
              participantId: session.senders[s.label ?? `#${s.index}`] ?? null,
              codecs: s.codecs,
              packets: s.packets,
              lost: s.lost,
              ...(s.failure ? { failure: s.failure } : {}),
              counters: session.counters?.[String(s.index)] ?? null,
            })),
            dtmf: rendered.order.flatMap((s) => s.dtmf.map((d) => ({ stream: s.index, ...d }))),
            recordingActions: presentActions(
              session.recordingActions ?? [],
              ownerIds,
              rendered.originMs,
            ),
            segment: {
              index: i + 1,
              count: group.plans.length,
              startOffsetMs: Math.round(startMs - rendered.originMs),
              endOffsetMs: Math.round(plan.endMs - rendered.originMs),
              pauses: plan.pauses.map((p) => ({
                startOffsetMs: Math.round(p.startMs - rendered.originMs),
                endOffsetMs: Math.round(p.endMs - rendered.originMs),
              })),
              pauseBehaviour: behaviour,
            },
            srcMetadataRevisions: session.metadataRevisions,
            trunk: { id: session.trunkId, name: session.trunkName },
            ...(session.failure
              ? {
                  failureBehavior:
                    session.owners.find((o) => o.failureBehavior)?.failureBehavior ?? null,
                }
              : {}),
          },
          provenance: {
            recovered: options.recovered === true,
            recovery,
            failures: captureFailures,
            endReason: endReasonOf(session, options, plan, audio),
          },
          source: 'recorder',
          // One key per journal and segment: a retried finalize finds what an earlier attempt
          // stored instead of storing (and counting) it again.
          idempotencyKey: `capture:${session.sessionId}:${path.basename(dir)}:${groupIndex}:${i}`,
          auditDetails: {
            siprecSession: session.sessionId,
            recovered: options.recovered === true,
            segment: i + 1,
          },
        });
      } catch (err) {
        if (isConnectionLoss(err)) throw err;
        if (isStorageFullError(err) && recordingIds.length === 0) {
          return deferFinalize(dir, file, `storing the recording: ${(err as Error).message}`);
        }
        return markFailed(
          deps,
          dir,
          session,
          {
            code: isStorageFullError(err) ? 'disk-full' : 'store-error',
            reason: `storing the recording failed: ${(err as Error).message}`,
            recordingIds,
          },
          options,
        );
      }
      durationMs += segmentMs;
      for (const r of stored.recordings) recordingIds.push(r.id);
    }
  }
  // SPEC §8: the transcribe job decides per recording (owner's transcripts on, language).
  if (deps.queue) {
    for (const id of recordingIds) {
      // Without the database the job cannot be queued now; the transcription sweep queues every
      // recording still awaiting its transcript, so the recording is not held back for it.
      await enqueueTranscription(deps.queue, id).catch((err: unknown) => {
        if (!isConnectionLoss(err)) throw err;
      });
    }
  }
  // A live failure, or a party whose stream never carried media: the recording is incomplete.
  if (session.failure) {
    return markFailed(deps, dir, session, {
      code: session.failure.reason,
      reason: session.failure.detail,
      recordingIds,
    });
  }
  if (silentStreams.length > 0) {
    return markFailed(deps, dir, session, {
      code: silentStreams.some((f) => f.reason === 'journal unreadable')
        ? 'unreadable'
        : 'no-media',
      reason: silentStreams.map((f) => `stream ${f.label ?? f.stream}: ${f.reason}`).join('; '),
      recordingIds,
    });
  }
  // Resolved before the journal goes: should this process die in between, the retry finds every
  // segment stored and removes the journal then.
  await resolveRetried(deps, dir, session, recordingIds);
  removeJournal(dir);
  return { kind: 'stored', recordingIds, durationMs };
}
