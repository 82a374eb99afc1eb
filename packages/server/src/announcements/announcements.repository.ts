import type { DbOrTrx } from '../db/database.js';

export interface AnnouncementFile {
  readonly id: string;
  readonly orgId: string;
  readonly scopeId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly durationMs: number;
  readonly sizeBytes: number;
  readonly created: string;
}

/** Replaces the custom announcement of a scope (the org id, or a location id). */
export async function replaceAnnouncementFile(
  db: DbOrTrx,
  file: AnnouncementFile,
  data: Uint8Array,
): Promise<void> {
  await db
    .deleteFrom('announcement_files')
    .where('org_id', '=', file.orgId)
    .where('scope_id', '=', file.scopeId)
    .execute();
  await db
    .insertInto('announcement_files')
    .values({
      id: file.id,
      org_id: file.orgId,
      scope_id: file.scopeId,
      file_name: file.fileName,
      content_type: file.contentType,
      duration_ms: file.durationMs,
      size_bytes: file.sizeBytes,
      data: Buffer.from(data),
      created_at: file.created,
    })
    .execute();
}

export async function findAnnouncementFileId(
  db: DbOrTrx,
  orgId: string,
  scopeId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('announcement_files')
    .select('id')
    .where('org_id', '=', orgId)
    .where('scope_id', '=', scopeId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findAnnouncementFileData(
  db: DbOrTrx,
  id: string,
): Promise<{ contentType: string; data: Uint8Array } | null> {
  const row = await db
    .selectFrom('announcement_files')
    .select(['content_type', 'data'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { contentType: row.content_type, data: row.data } : null;
}
