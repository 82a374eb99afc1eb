import type { DbOrTrx } from '../db/database.js';

export interface AnnouncementFile {
  readonly id: string;
  readonly orgId: string;
  readonly scopeId: string;
  /** `compliance`, or a recording prompt (start, stop, pause, resume, failure…). */
  readonly prompt: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly durationMs: number;
  readonly sizeBytes: number;
  readonly created: string;
}

/** Replaces a scope's (the org id's, or a location id's) custom file for one prompt. */
export async function replaceAnnouncementFile(
  db: DbOrTrx,
  file: AnnouncementFile,
  data: Uint8Array,
): Promise<void> {
  await db
    .deleteFrom('announcement_files')
    .where('org_id', '=', file.orgId)
    .where('scope_id', '=', file.scopeId)
    .where('prompt', '=', file.prompt)
    .execute();
  await db
    .insertInto('announcement_files')
    .values({
      id: file.id,
      org_id: file.orgId,
      scope_id: file.scopeId,
      prompt: file.prompt,
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
  prompt = 'compliance',
): Promise<string | null> {
  return (await findAnnouncementFileInfo(db, orgId, scopeId, prompt))?.id ?? null;
}

export interface AnnouncementFileInfo {
  readonly id: string;
  readonly scopeId: string;
  readonly prompt: string;
  readonly fileName: string;
}

/** A scope's current file for one prompt (no audio bytes). */
export async function findAnnouncementFileInfo(
  db: DbOrTrx,
  orgId: string,
  scopeId: string,
  prompt: string,
): Promise<AnnouncementFileInfo | null> {
  const row = await db
    .selectFrom('announcement_files')
    .select(['id', 'scope_id', 'prompt', 'file_name'])
    .where('org_id', '=', orgId)
    .where('scope_id', '=', scopeId)
    .where('prompt', '=', prompt)
    .executeTakeFirst();
  return row
    ? { id: row.id, scopeId: row.scope_id, prompt: row.prompt, fileName: row.file_name }
    : null;
}

/** One of the org's files by id (no audio bytes). */
export async function findAnnouncementFileById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<AnnouncementFileInfo | null> {
  const row = await db
    .selectFrom('announcement_files')
    .select(['id', 'scope_id', 'prompt', 'file_name'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? { id: row.id, scopeId: row.scope_id, prompt: row.prompt, fileName: row.file_name }
    : null;
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
