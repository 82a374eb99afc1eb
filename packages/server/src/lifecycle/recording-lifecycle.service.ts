// A recording's lifecycle (SPEC §6; docs/adr/0005): the recycle bin (soft delete, restore), purge,
// a compliance officer's permanent delete, and reassigning to another owner, one by one through
// Webex's batch calls or many through Callvault's bulk call. Each change checks
// policy/recording-access.ts, is audited and adds its webhook events in its transaction; audio and
// transcripts nobody needs any more (and no legal hold keeps) are released after the commit.
import type {
  ReassignBody,
  RecordingBulkBody,
  RecordingDeleteBody,
  RecordingBulkResult,
  RecordingEventSubType,
  RecordingStatus,
  ShareRevokeReason,
} from '@callvault/shared';
import { MAX_RECORDING_IDS } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Db, Trx } from '../db/database.js';
import { AppError, forbidden, invalid, notFound, type ErrorCode } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { can } from '../policy/policy.js';
import type { RecordingsDeps } from '../recordings/recording-deps.js';
import {
  decideRecordingOperation,
  type RecordingRole,
} from '../recordings/recording-read-access.js';
import { addRecordingEvent, type RecordingChange } from '../recordings/recording-webhook-events.js';
import type { RecordingOwner, RecordingRecord } from '../recordings/recordings.model.js';
import {
  addOrgUsage,
  countRecordingsNeedingAudio,
  deleteAudioObject,
  deleteRecordingRow,
  findAudioObjectById,
  findPersonOwnerByEmail,
  findRecordingsByIds,
  findRecordingsOfOwner,
  updateRecordingOwner,
  updateRecordingState,
} from '../recordings/recordings.repository.js';
import { audioObjectBlobKeys } from '../recordings/waveform-peaks.js';
import {
  deleteTranscriptRow,
  findTranscriptByRecordingId,
} from '../transcription/transcripts.repository.js';
import {
  createWebhookOutbox,
  enqueueWebhookDeliveries,
  type WebhookOutbox,
} from '../webhooks/webhooks.service.js';
import { dropRecordingShares } from '../sharing/sharing.service.js';
import { findHeldRecordingIds, isAudioHeld } from './legal-holds.repository.js';
import { noteUsageChange } from './usage.service.js';

type Mutation = 'softDelete' | 'restore' | 'purge' | 'reassign' | 'delete';

interface MutationOptions {
  readonly newOwner?: RecordingOwner;
  readonly reason?: string | undefined;
  readonly comment?: string | undefined;
}

interface Failure {
  readonly id: string;
  readonly error: AppError;
}

type Transition = 'change' | 'same' | { readonly conflict: string } | { readonly invalid: string };

/** What `mutation` would do to a recording in its status: change it, nothing, or refuse. */
function transitionOf(
  mutation: Mutation,
  r: RecordingRecord,
  options: MutationOptions,
  actorPersonId: string | null,
): Transition {
  switch (mutation) {
    case 'softDelete':
      if (r.status === 'purged')
        return { conflict: 'a purged recording cannot be moved to the recycle bin' };
      return r.status === 'deleted' ? 'same' : 'change';
    case 'restore':
      if (r.status === 'purged') return { conflict: 'a purged recording cannot be restored' };
      return r.status === 'available' ? 'same' : 'change';
    case 'purge':
      if (r.status === 'available') {
        return {
          conflict: 'only recordings in the recycle bin can be purged; move it there first',
        };
      }
      return r.status === 'purged' ? 'same' : 'change';
    case 'reassign':
      if (r.status === 'purged') return { conflict: 'a purged recording cannot be reassigned' };
      return r.ownerId === options.newOwner?.id ? 'same' : 'change';
    case 'delete':
      // Webex: a compliance officer deleting someone else's recording says why.
      if (options.reason === undefined && r.ownerId !== actorPersonId) {
        return { invalid: "a reason is required to delete another person's recording" };
      }
      return 'change';
  }
}

const RECORDING_EVENT_OF: Record<
  Mutation,
  Pick<RecordingChange, 'type'> & { readonly subType?: RecordingEventSubType }
> = {
  softDelete: { type: 'updated', subType: 'TRASH' },
  restore: { type: 'updated', subType: 'RESTORE' },
  purge: { type: 'updated', subType: 'PURGE' },
  reassign: { type: 'updated' },
  delete: { type: 'deleted' },
};

const SHARE_DROP_REASON: Record<Mutation, Exclude<ShareRevokeReason, 'revoked'> | null> = {
  softDelete: 'recordingDeleted',
  restore: null,
  purge: 'recordingPurged',
  reassign: 'recordingReassigned',
  delete: 'recordingDeleted',
};

const AUDIT_ACTION: Record<Mutation, string> = {
  softDelete: 'recording.softDeleted',
  restore: 'recording.restored',
  purge: 'recording.purged',
  reassign: 'recording.reassigned',
  delete: 'recording.deleted',
};

/**
 * Removes an audio object when no recording needs it any more (none is unpurged, none is under a
 * legal hold) and gives its bytes back to the org's usage. Returns the blob key to delete once
 * the transaction has committed.
 */
export async function releaseAudioIfUnused(
  trx: Trx,
  audioId: string | null,
  at: string,
): Promise<string | null> {
  if (audioId === null) return null;
  if ((await countRecordingsNeedingAudio(trx, audioId)) > 0) return null;
  if (await isAudioHeld(trx, audioId)) return null;
  const audio = await findAudioObjectById(trx, audioId);
  if (!audio) return null;
  await deleteAudioObject(trx, audioId, at);
  await addOrgUsage(trx, audio.orgId, { bytes: -audio.sizeBytes, recordings: 0 }, at);
  return audio.blobKey;
}

/**
 * Removes a purged or deleted recording's transcript row (issue #7 §4) unless the recording is
 * under a legal hold (then the transcript is evidence, like the held audio). Returns the blob key
 * to delete once the transaction has committed.
 */
export type TranscriptRelease =
  | { readonly kind: 'none' | 'held' }
  | { readonly kind: 'removed'; readonly blobKey: string | null };

export async function releaseTranscript(trx: Trx, r: RecordingRecord): Promise<TranscriptRelease> {
  const transcript = await findTranscriptByRecordingId(trx, r.id);
  if (!transcript) return { kind: 'none' };
  if ((await findHeldRecordingIds(trx, r.orgId, [r.id])).has(r.id)) return { kind: 'held' };
  await deleteTranscriptRow(trx, r.id);
  return { kind: 'removed', blobKey: transcript.blobKey };
}

async function applyMutation(
  trx: Trx,
  deps: RecordingsDeps,
  actor: Actor,
  mutation: Mutation,
  r: RecordingRecord,
  as: RecordingRole,
  options: MutationOptions,
  outbox: WebhookOutbox,
): Promise<string[]> {
  const at = deps.clock.now().toISOString();
  let releasedKey: string | null = null;
  let transcriptKey: string | null = null;
  let after: RecordingRecord = r;
  const details: Record<string, unknown> = { ownerId: r.ownerId, as, statusBefore: r.status };
  switch (mutation) {
    case 'softDelete':
      await updateRecordingState(trx, r.id, {
        status: 'deleted',
        deletedAt: at,
        purgedAt: null,
        updatedAt: at,
      });
      after = { ...r, status: 'deleted', deletedAt: at, purgedAt: null, updatedAt: at };
      break;
    case 'restore':
      await updateRecordingState(trx, r.id, {
        status: 'available',
        deletedAt: null,
        purgedAt: null,
        updatedAt: at,
      });
      after = { ...r, status: 'available', deletedAt: null, purgedAt: null, updatedAt: at };
      break;
    case 'purge':
      await updateRecordingState(trx, r.id, {
        status: 'purged',
        deletedAt: r.deletedAt,
        purgedAt: at,
        updatedAt: at,
      });
      await addOrgUsage(trx, r.orgId, { bytes: 0, recordings: -1 }, at);
      // Under a legal hold the audio stays (releaseAudioIfUnused checks): the recording is gone
      // for users and administrators, a compliance officer still finds it.
      releasedKey = await releaseAudioIfUnused(trx, r.audioId, at);
      if (r.audioId !== null && releasedKey === null && (await isAudioHeld(trx, r.audioId))) {
        details.audioKeptForLegalHold = true;
      }
      {
        const t = await releaseTranscript(trx, r);
        if (t.kind === 'held') details.transcriptKeptForLegalHold = true;
        if (t.kind === 'removed') {
          transcriptKey = t.blobKey;
          details.transcriptRemoved = true;
        }
      }
      after = { ...r, status: 'purged', purgedAt: at, updatedAt: at };
      break;
    case 'reassign': {
      const to = options.newOwner;
      if (!to) throw new AppError('INTERNAL', 'reassign without a new owner');
      await updateRecordingOwner(trx, r.id, to, at);
      after = {
        ...r,
        ownerId: to.id,
        ownerEmail: to.email,
        ownerName: to.name,
        ownerType: to.type,
        updatedAt: at,
      };
      details.from = { id: r.ownerId, email: r.ownerEmail, type: r.ownerType };
      details.to = { id: to.id, email: to.email, type: to.type };
      break;
    }
    case 'delete': {
      // Held recordings never reach a permanent delete, so the transcript always goes.
      const t = await releaseTranscript(trx, r);
      if (t.kind === 'removed') {
        transcriptKey = t.blobKey;
        details.transcriptRemoved = true;
      }
      await deleteRecordingRow(trx, r.id);
      if (r.status !== 'purged') await addOrgUsage(trx, r.orgId, { bytes: 0, recordings: -1 }, at);
      releasedKey = await releaseAudioIfUnused(trx, r.audioId, at);
      // The row is gone; the audit event keeps what a custodian needs to know about it.
      Object.assign(details, {
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
        ...(options.comment !== undefined ? { comment: options.comment } : {}),
        sha256: r.sha256,
        ownerEmail: r.ownerEmail,
        timeRecorded: r.timeRecorded,
        sizeBytes: r.sizeBytes,
        topic: r.topic,
      });
      break;
    }
  }
  if (releasedKey !== null) details.audioRemoved = true;
  // A recording leaving its owner's hands (recycle bin, purge, delete, new owner) ends its shares.
  const shareReason = SHARE_DROP_REASON[mutation];
  if (shareReason !== null) {
    const dropped = await dropRecordingShares(trx, deps.clock, actor, r, shareReason);
    if (dropped > 0) details.sharesRevoked = dropped;
  }
  await audit(
    trx,
    deps.clock,
    actor,
    AUDIT_ACTION[mutation],
    { type: 'recording', id: r.id },
    details,
  );
  // Events (compliance and webhooks) as Webex sends them: the recycle bin, restore and purge are
  // `updated` with their sub-type, a reassign is a plain `updated`, and only the permanent delete,
  // which removes the recording itself, is `deleted`.
  await addRecordingEvent(trx, deps.clock, outbox, {
    ...RECORDING_EVENT_OF[mutation],
    actorId: actor.personId,
    recording: after,
  });
  return [...(releasedKey !== null ? audioObjectBlobKeys(releasedKey) : []), transcriptKey].filter(
    (k): k is string => k !== null,
  );
}

interface MutationOutcome {
  readonly changed: string[];
  readonly unchanged: string[];
  readonly failed: Failure[];
}

/**
 * Applies one lifecycle change to recordings in one transaction. `atomic`: any refusal changes
 * nothing and is thrown (the Webex batch calls); otherwise the permitted ones change and the
 * refusals are reported (Callvault's bulk call).
 */
async function mutateRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  mutation: Mutation,
  select: (trx: Trx) => Promise<{ records: RecordingRecord[]; missing: string[] }>,
  options: MutationOptions,
  atomic: boolean,
): Promise<MutationOutcome> {
  const released: string[] = [];
  let deliveries: readonly string[] = [];
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const { records, missing } = await select(trx);
    const failed: Failure[] = missing.map((id) => ({ id, error: notFound('Recording') }));
    const held =
      mutation === 'delete'
        ? await findHeldRecordingIds(
            trx,
            actor.orgId,
            records.map((r) => r.id),
          )
        : new Set<string>();
    const todo: Array<{ r: RecordingRecord; as: RecordingRole }> = [];
    const unchanged: string[] = [];
    for (const r of records) {
      const d = await decideRecordingOperation(trx, actor, mutation, r, deps.clock.now());
      if (!d.ok) {
        failed.push({ id: r.id, error: d.error });
        continue;
      }
      if (held.has(r.id)) {
        failed.push({
          id: r.id,
          error: new AppError(
            'CONFLICT',
            `${r.id}: the recording is under a legal hold and cannot be deleted until the hold is released`,
          ),
        });
        continue;
      }
      const t = transitionOf(mutation, r, options, actor.personId);
      if (t === 'same') unchanged.push(r.id);
      else if (t === 'change') todo.push({ r, as: d.as });
      else if ('invalid' in t) failed.push({ id: r.id, error: invalid(t.invalid) });
      else failed.push({ id: r.id, error: new AppError('CONFLICT', `${r.id}: ${t.conflict}`) });
    }
    if (atomic && failed.length > 0) {
      const first = failed[0]?.error ?? notFound('Recording');
      const descriptions = failed.map((f) => `${f.id}: ${f.error.message}`);
      throw new AppError(first.code, first.message, descriptions);
    }
    const outbox = createWebhookOutbox(trx, deps.clock, actor.orgId);
    for (const { r, as } of todo) {
      released.push(...(await applyMutation(trx, deps, actor, mutation, r, as, options, outbox)));
    }
    if (todo.length > 0 && (mutation === 'purge' || mutation === 'delete')) {
      await noteUsageChange(trx, deps.clock, actor.orgId, outbox);
    }
    deliveries = outbox.deliveryIds;
    return { changed: todo.map((t) => t.r.id), unchanged, failed };
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  // After the commit: a failed delete leaves an unreferenced object, never a dangling recording.
  for (const key of released) await deps.blobStore.delete(key).catch(() => undefined);
  return outcome;
}

function byIds(actor: Actor, ids: readonly string[]) {
  const unique = [...new Set(ids)];
  return async (trx: Trx) => {
    const records = await findRecordingsByIds(trx, actor.orgId, unique);
    const found = new Set(records.map((r) => r.id));
    return { records, missing: unique.filter((id) => !found.has(id)) };
  };
}

export interface BatchBody {
  readonly all?: boolean | undefined;
  readonly ownerEmail?: string | undefined;
  readonly recordingIds?: readonly string[] | undefined;
}

const BATCH_FLAG: Record<'softDelete' | 'restore' | 'purge', string> = {
  softDelete: 'trashAll',
  restore: 'restoreAll',
  purge: 'purgeAll',
};
const BATCH_SOURCE_STATUS: Record<'softDelete' | 'restore' | 'purge', RecordingStatus> = {
  softDelete: 'available',
  restore: 'deleted',
  purge: 'deleted',
};

/**
 * `POST /v1/convergedRecordings/softDelete|restore|purge` with Webex's rules: either the
 * "all" flag (an administrator names the owner by `ownerEmail`; a user acts on their own) or up to
 * 100 `recordingIds`.
 */
export async function changeRecordingsInBatch(
  deps: RecordingsDeps,
  actor: Actor,
  mutation: 'softDelete' | 'restore' | 'purge',
  body: BatchBody,
): Promise<void> {
  const flag = BATCH_FLAG[mutation];
  const ids = body.recordingIds ?? [];
  let select;
  if (body.all === true) {
    if (ids.length > 0) throw invalid(`recordingIds must be empty when ${flag} is true`);
    const status = BATCH_SOURCE_STATUS[mutation];
    if (body.ownerEmail !== undefined) {
      if (!can(actor, 'recording.manage', { orgId: actor.orgId })) {
        throw forbidden(`Only an administrator may use ${flag} with ownerEmail`);
      }
      const email = body.ownerEmail;
      select = async (trx: Trx) => ({
        records: await findRecordingsOfOwner(trx, actor.orgId, { email }, [status]),
        missing: [],
      });
    } else {
      select = async (trx: Trx) => ({
        records: await findRecordingsOfOwner(trx, actor.orgId, { id: actor.personId }, [status]),
        missing: [],
      });
    }
  } else {
    if (body.ownerEmail !== undefined) {
      throw invalid(`ownerEmail is used only when ${flag} is true`);
    }
    if (ids.length === 0) throw invalid(`recordingIds must not be empty unless ${flag} is true`);
    if (ids.length > MAX_RECORDING_IDS) {
      throw invalid(`recordingIds may have at most ${MAX_RECORDING_IDS} ids`);
    }
    select = byIds(actor, ids);
  }
  await mutateRecordings(deps, actor, mutation, select, {}, true);
}

/** `DELETE /v1/convergedRecordings/{id}`: a compliance officer's permanent delete. */
export async function deleteRecordingPermanently(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
  body: RecordingDeleteBody | undefined,
): Promise<void> {
  await mutateRecordings(deps, actor, 'delete', byIds(actor, [id]), body ?? {}, true);
}

async function requireOrgPersonByEmail(
  db: Db | Trx,
  actor: Actor,
  email: string,
  field: string,
): Promise<RecordingOwner> {
  const person = await findPersonOwnerByEmail(db, email);
  if (!person || person.orgId !== actor.orgId) {
    throw invalid(`${field}: no person with this email in the organization`);
  }
  return person;
}

/** `POST /v1/convergedRecordings/reassign` */
export async function reassignRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  body: ReassignBody,
): Promise<void> {
  // A compliance officer may reassign unattributed recordings only (decided per recording).
  const org = { orgId: actor.orgId };
  if (!can(actor, 'recording.reassign', org) && !can(actor, 'recording.attribute', org)) {
    throw forbidden('Only an administrator may reassign recordings');
  }
  const newOwner = await requireOrgPersonByEmail(
    deps.db,
    actor,
    body.reassignOwnerEmail,
    'reassignOwnerEmail',
  );
  const ids = body.recordingIds ?? [];
  if (ids.length === 0 && body.ownerEmail === undefined && body.ownerID === undefined) {
    throw invalid('Give recordingIds, ownerEmail or ownerID: which recordings to reassign');
  }
  const matchesOwner = (r: RecordingRecord): boolean =>
    (body.ownerEmail === undefined || r.ownerEmail === body.ownerEmail.toLowerCase()) &&
    (body.ownerID === undefined || r.ownerId === body.ownerID);
  const select = async (trx: Trx) => {
    if (ids.length > 0) {
      // Webex: with an owner as well, only the ids that belong to that owner are reassigned.
      const picked = await byIds(actor, ids)(trx);
      return { records: picked.records.filter(matchesOwner), missing: picked.missing };
    }
    const owner = {
      ...(body.ownerEmail !== undefined ? { email: body.ownerEmail } : {}),
      ...(body.ownerID !== undefined ? { id: body.ownerID } : {}),
    };
    return {
      records: await findRecordingsOfOwner(trx, actor.orgId, owner, ['available', 'deleted']),
      missing: [],
    };
  };
  await mutateRecordings(deps, actor, 'reassign', select, { newOwner }, true);
}

/** `POST /api/recordings/bulk`: one action on up to 200 ids; each refusal is reported. */
export async function bulkChangeRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  body: RecordingBulkBody,
): Promise<RecordingBulkResult> {
  if (!can(actor, 'recording.search', { orgId: actor.orgId })) {
    throw forbidden('Bulk actions need an administrator or compliance officer');
  }
  const options: MutationOptions = {};
  if (body.action === 'reassign') {
    if (body.reassignOwnerEmail === undefined) throw invalid('reassign needs reassignOwnerEmail');
    Object.assign(options, {
      newOwner: await requireOrgPersonByEmail(
        deps.db,
        actor,
        body.reassignOwnerEmail,
        'reassignOwnerEmail',
      ),
    });
  }
  if (body.action === 'delete') {
    if (body.reason === undefined) throw invalid('a permanent delete needs a reason');
    Object.assign(options, { reason: body.reason, comment: body.comment });
  }
  const outcome = await mutateRecordings(
    deps,
    actor,
    body.action,
    byIds(actor, body.ids),
    options,
    false,
  );
  return {
    changed: outcome.changed,
    unchanged: outcome.unchanged,
    failed: outcome.failed.map((f) => ({
      id: f.id,
      errorCode: f.error.code satisfies ErrorCode,
      description: f.error.message,
    })),
  };
}
