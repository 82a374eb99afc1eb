// The recordable entities (people, workspaces, virtual lines) and their effective settings,
// loaded from the database and resolved org → location → entity.
import type { CallingLicense } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { findPersonById } from '../org/people.repository.js';
import { findVirtualLineById } from '../org/virtual-lines.repository.js';
import { findWorkspaceById } from '../org/workspaces.repository.js';
import { resolveEffectiveSettings, type EffectiveRecording } from './effective-settings.js';
import type { RecordableKind } from './recording-settings.model.js';
import {
  findEntitySettings,
  findLocationSettings,
  findOrgSettings,
} from './recording-settings.repository.js';
import { loadVendors } from './vendor-registry.js';

// Entities -------------------------------------------------------------------------------------

export interface RecordableEntity {
  readonly kind: RecordableKind;
  readonly id: string;
  readonly orgId: string;
  readonly locationId: string | null;
  readonly license: CallingLicense | null;
  readonly externalIdentifier: string;
  readonly language: string;
}

export async function findRecordableEntity(
  db: DbOrTrx,
  orgId: string,
  kind: RecordableKind,
  id: string,
): Promise<RecordableEntity | null> {
  switch (kind) {
    case 'person': {
      const p = await findPersonById(db, orgId, id);
      return p
        ? {
            kind,
            id,
            orgId,
            locationId: p.locationId,
            license: p.callingLicense,
            externalIdentifier: p.emails[0] ?? id,
            language: p.announcementLanguage,
          }
        : null;
    }
    case 'workspace': {
      const w = await findWorkspaceById(db, orgId, id);
      return w
        ? {
            kind,
            id,
            orgId,
            locationId: w.locationId,
            license: w.callingLicense,
            externalIdentifier: id,
            language: w.announcementLanguage,
          }
        : null;
    }
    case 'virtualLine': {
      const v = await findVirtualLineById(db, orgId, id);
      return v
        ? {
            kind,
            id,
            orgId,
            locationId: v.locationId,
            license: null,
            externalIdentifier: id,
            language: v.announcementLanguage,
          }
        : null;
    }
  }
}

export const KIND_NAME: Record<RecordableKind, string> = {
  person: 'Person',
  workspace: 'Workspace',
  virtualLine: 'Virtual line',
};

/** The effective settings of one entity (org → location → entity). */
export async function effectiveSettingsOf(
  db: DbOrTrx,
  entity: RecordableEntity,
): Promise<EffectiveRecording> {
  return resolveEffectiveSettings({
    org: await findOrgSettings(db, entity.orgId),
    location: entity.locationId ? await findLocationSettings(db, entity.locationId) : null,
    entity: await findEntitySettings(db, entity.id),
    kind: entity.kind,
    license: entity.license,
    vendors: await loadVendors(db, entity.orgId),
  });
}
