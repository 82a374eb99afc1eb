// Extensions and phone numbers of every entity, unique per org. They detect conflicts when an
// entity is created or changed, and later let the recorder match SIPREC participants to entities.
import type { DbOrTrx } from '../db/database.js';
import { AppError } from '../errors.js';

export type EntityType = 'person' | 'workspace' | 'virtualLine' | 'callFeature';

/** E.164-ish normal form: digits only, with the leading + kept when given. */
export function normalizeNumber(value: string): string {
  const digits = value.replace(/[^0-9]/g, '');
  return value.trim().startsWith('+') ? `+${digits}` : digits;
}

export interface DirectoryValues {
  readonly extension: string | null;
  readonly numbers: readonly string[];
}

/** Replaces the entity's extension and numbers, refusing values another entity of the org holds. */
export async function replaceDirectoryEntries(
  trx: DbOrTrx,
  orgId: string,
  entityType: EntityType,
  entityId: string,
  values: DirectoryValues,
): Promise<void> {
  const wanted = [
    ...(values.extension ? [{ kind: 'extension', value: values.extension }] : []),
    ...values.numbers.map((n) => ({ kind: 'number', value: normalizeNumber(n) })),
  ];
  for (const entry of wanted) {
    const holder = await trx
      .selectFrom('directory_entries')
      .select(['entity_id', 'entity_type'])
      .where('org_id', '=', orgId)
      .where('kind', '=', entry.kind)
      .where('value', '=', entry.value)
      .executeTakeFirst();
    if (holder && holder.entity_id !== entityId) {
      throw new AppError(
        entry.kind === 'extension' ? 'EXTENSION_IN_USE' : 'NUMBER_IN_USE',
        `${entry.kind === 'extension' ? 'Extension' : 'Number'} ${entry.value} is already assigned to another ${holder.entity_type} in this organization`,
      );
    }
  }
  await trx.deleteFrom('directory_entries').where('entity_id', '=', entityId).execute();
  const unique = new Map(wanted.map((e) => [`${e.kind}:${e.value}`, e]));
  if (unique.size > 0) {
    await trx
      .insertInto('directory_entries')
      .values(
        [...unique.values()].map((e) => ({
          org_id: orgId,
          kind: e.kind,
          value: e.value,
          entity_type: entityType,
          entity_id: entityId,
        })),
      )
      .execute();
  }
}

export async function deleteDirectoryEntries(trx: DbOrTrx, entityId: string): Promise<void> {
  await trx.deleteFrom('directory_entries').where('entity_id', '=', entityId).execute();
}
