// Legal holds (SPEC §6): administrators and compliance officers place a hold on one
// recording, on an owner (person, workspace or virtual line: every recording they own) or on the
// whole org, with a reason. While a hold is active its recordings are never purged by retention,
// their audio is kept when someone purges them by hand (the compliance officer can still list
// them), and a permanent delete is refused. Released holds stay, with who released them and when.
// Every hold and release is audited in its transaction.
import crypto from 'node:crypto';
import type { LegalHold, LegalHoldCreate, LegalHoldRelease } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { AppError, invalid, notFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { findOwnerById, findRecordingById } from '../recordings/recordings.repository.js';
import {
  findLegalHoldById,
  insertLegalHold,
  listLegalHoldsOfOrg,
  releaseLegalHoldRow,
  type LegalHoldRecord,
} from './legal-holds.repository.js';

export interface LegalHoldDeps {
  readonly db: Db;
  readonly clock: Clock;
}

/** A hold as the API shows it; `ownerName` is the held owner's display name as it is now. */
export function presentLegalHold(h: LegalHoldRecord, ownerName: string | null = null): LegalHold {
  return {
    id: h.id,
    orgId: h.orgId,
    scope: h.scope,
    recordingId: h.recordingId,
    ownerId: h.ownerId,
    ownerType: h.ownerType,
    ownerName,
    reason: h.reason,
    status: h.releasedAt === null ? 'active' : 'released',
    createdBy: h.createdBy,
    created: h.createdAt,
    releasedBy: h.releasedBy,
    released: h.releasedAt,
    releaseReason: h.releaseReason,
  };
}

const org = (actor: Actor) => ({ orgId: actor.orgId });

export async function createLegalHold(
  deps: LegalHoldDeps,
  actor: Actor,
  body: LegalHoldCreate,
): Promise<LegalHold> {
  assertCan(actor, 'legalHold.manage', org(actor));
  const reason = body.reason.trim();
  if (reason === '') throw invalid('reason: say why the recordings are held');
  const hold = await deps.db.transaction().execute(async (trx) => {
    let recordingId: string | null = null;
    let ownerId: string | null = null;
    let ownerType: string | null = null;
    switch (body.scope) {
      case 'recording': {
        if (body.recordingId === undefined || body.ownerId !== undefined) {
          throw invalid('a recording hold names recordingId (and no ownerId)');
        }
        const recording = await findRecordingById(trx, actor.orgId, body.recordingId);
        if (!recording) throw notFound('Recording');
        recordingId = recording.id;
        break;
      }
      case 'owner': {
        if (body.ownerId === undefined || body.recordingId !== undefined) {
          throw invalid('an owner hold names ownerId (and no recordingId)');
        }
        const owner = await findOwnerById(trx, body.ownerId);
        if (!owner || owner.orgId !== actor.orgId) {
          throw invalid('ownerId: no person, workspace or virtual line with this id here');
        }
        ownerId = owner.id;
        ownerType = owner.type;
        break;
      }
      case 'org':
        if (body.ownerId !== undefined || body.recordingId !== undefined) {
          throw invalid('an org hold names neither recordingId nor ownerId');
        }
        break;
    }
    const record: LegalHoldRecord = {
      id: Buffer.from(`ciscospark://us/LEGAL_HOLD/${crypto.randomUUID()}`).toString('base64url'),
      orgId: actor.orgId,
      scope: body.scope,
      recordingId,
      ownerId,
      ownerType,
      reason,
      createdBy: actor.personId,
      createdAt: deps.clock.now().toISOString(),
      releasedBy: null,
      releasedAt: null,
      releaseReason: null,
    };
    await insertLegalHold(trx, record);
    await audit(
      trx,
      deps.clock,
      actor,
      'legalHold.created',
      { type: 'legalHold', id: record.id },
      {
        scope: record.scope,
        recordingId,
        ownerId,
        ownerType,
        reason,
      },
    );
    return record;
  });
  return presentWithOwnerName(deps.db, hold);
}

export async function listLegalHolds(
  deps: LegalHoldDeps,
  actor: Actor,
  status: 'active' | 'released' | 'all',
): Promise<LegalHold[]> {
  assertCan(actor, 'legalHold.read', org(actor));
  const holds = await listLegalHoldsOfOrg(deps.db, actor.orgId, status);
  const names = new Map<string, string | null>();
  for (const h of holds) {
    if (h.ownerId !== null && !names.has(h.ownerId)) {
      names.set(h.ownerId, await ownerNameOf(deps.db, actor.orgId, h.ownerId));
    }
  }
  return holds.map((h) =>
    presentLegalHold(h, h.ownerId === null ? null : (names.get(h.ownerId) ?? null)),
  );
}

async function presentWithOwnerName(db: Db, hold: LegalHoldRecord): Promise<LegalHold> {
  const name = hold.ownerId === null ? null : await ownerNameOf(db, hold.orgId, hold.ownerId);
  return presentLegalHold(hold, name);
}

/** The display name of a held owner of the org; null once it was deleted (the id still holds). */
async function ownerNameOf(db: Db, orgId: string, ownerId: string): Promise<string | null> {
  const owner = await findOwnerById(db, ownerId);
  return owner !== null && owner.orgId === orgId ? owner.name : null;
}

export async function getLegalHold(
  deps: LegalHoldDeps,
  actor: Actor,
  id: string,
): Promise<LegalHold> {
  assertCan(actor, 'legalHold.read', org(actor));
  const hold = await findLegalHoldById(deps.db, actor.orgId, id);
  if (!hold) throw notFound('Legal hold');
  return presentWithOwnerName(deps.db, hold);
}

/**
 * Releases a hold. Recordings it covered become purgeable again; those purged while held lose
 * their audio at the next retention run.
 */
export async function releaseLegalHold(
  deps: LegalHoldDeps,
  actor: Actor,
  id: string,
  body: LegalHoldRelease,
): Promise<LegalHold> {
  assertCan(actor, 'legalHold.manage', org(actor));
  const released = await deps.db.transaction().execute(async (trx) => {
    const hold = await findLegalHoldById(trx, actor.orgId, id);
    if (!hold) throw notFound('Legal hold');
    const at = deps.clock.now().toISOString();
    const reason = body.reason?.trim() ? body.reason.trim() : null;
    if (!(await releaseLegalHoldRow(trx, id, { by: actor.personId, at, reason }))) {
      throw new AppError('CONFLICT', 'This legal hold was already released');
    }
    await audit(
      trx,
      deps.clock,
      actor,
      'legalHold.released',
      { type: 'legalHold', id },
      {
        scope: hold.scope,
        recordingId: hold.recordingId,
        ownerId: hold.ownerId,
        heldSince: hold.createdAt,
        ...(reason !== null ? { reason } : {}),
      },
    );
    return { ...hold, releasedBy: actor.personId, releasedAt: at, releaseReason: reason };
  });
  return presentWithOwnerName(deps.db, released);
}
