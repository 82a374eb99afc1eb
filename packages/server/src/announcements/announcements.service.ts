// Announcement audio (SPEC §4, §9.2): the shipped default prompts and an org's (or location's)
// uploaded compliance announcement.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { audit } from '../audit/audit.service.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { findLocationById } from '../org/locations.repository.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  findLocationSettings,
  findOrgSettings,
  saveLocationSettings,
  saveOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import { findAnnouncementFileData, replaceAnnouncementFile } from './announcements.repository.js';
import { checkAnnouncementWav } from './wav-format.js';

export const PROMPTS = [
  'compliance',
  'recording-started',
  'recording-stopped',
  'recording-paused',
  'recording-resumed',
  'tone',
] as const;
export type Prompt = (typeof PROMPTS)[number];

const ASSETS = fileURLToPath(new URL('../../assets/announcements/', import.meta.url));

/** A shipped prompt's bytes, or null for an unknown language or prompt. */
export function readDefaultPrompt(language: string, prompt: string): Buffer | null {
  if (!/^[a-z]{2}_[a-z]{2}$/.test(language) || !(PROMPTS as readonly string[]).includes(prompt))
    return null;
  const file = `${ASSETS}${language}/${prompt}.wav`;
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}

export async function readCustomAnnouncement(
  deps: OrgDeps,
  id: string,
): Promise<{ contentType: string; data: Uint8Array }> {
  const file = await findAnnouncementFileData(deps.db, id);
  if (!file) throw notFound('Announcement');
  return file;
}

export async function uploadCustomAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  input: {
    fileName: string;
    data: Uint8Array;
    locationId?: string | undefined;
    /** `compliance` (the default) or a recording prompt: start, stop, pause, resume, failure…. */
    prompt?: string | undefined;
  },
): Promise<{ id: string; fileName: string; durationMs: number }> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  const check = checkAnnouncementWav(input.data);
  if (!check.ok)
    throw new AppError('VALIDATION_FAILED', `The announcement file was refused: ${check.problem}`);
  const fileName = input.fileName.replace(/[^\w. -]/g, '_').slice(0, 100) || 'announcement.wav';
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const id = newId('ANNOUNCEMENT_FILE');
    const scopeId = input.locationId ?? actor.orgId;
    const prompt = input.prompt ?? 'compliance';
    if (prompt !== 'compliance') {
      // A recording prompt's file: chosen later in …/callRecording/announcements.
      if (input.locationId && !(await findLocationById(trx, actor.orgId, input.locationId)))
        throw notFound('Location');
    } else if (input.locationId) {
      if (!(await findLocationById(trx, actor.orgId, input.locationId))) throw notFound('Location');
      const loc = await findLocationSettings(trx, input.locationId);
      if (loc.complianceAnnouncement === null) {
        throw new AppError(
          'VALIDATION_FAILED',
          'This location uses the organization’s announcement settings; set useOrgSettingsEnabled to false first',
        );
      }
      await saveLocationSettings(
        trx,
        actor.orgId,
        input.locationId,
        {
          ...loc,
          complianceAnnouncement: { ...loc.complianceAnnouncement, customFileName: fileName },
        },
        now,
      );
    } else {
      const org = await findOrgSettings(trx, actor.orgId);
      await saveOrgSettings(
        trx,
        actor.orgId,
        {
          ...org,
          complianceAnnouncement: { ...org.complianceAnnouncement, customFileName: fileName },
        },
        now,
      );
    }
    await replaceAnnouncementFile(
      trx,
      {
        id,
        orgId: actor.orgId,
        scopeId,
        prompt,
        fileName,
        contentType: 'audio/wav',
        durationMs: check.info.durationMs,
        sizeBytes: input.data.length,
        created: now.toISOString(),
      },
      input.data,
    );
    await audit(
      trx,
      deps.clock,
      actor,
      prompt === 'compliance'
        ? 'complianceAnnouncement.fileUploaded'
        : 'recordingAnnouncements.fileUploaded',
      { type: input.locationId ? 'location' : 'organization', id: scopeId },
      {
        id,
        prompt,
        fileName,
        durationMs: check.info.durationMs,
        sizeBytes: input.data.length,
        encoding: check.info.encoding,
        sampleRate: check.info.sampleRate,
      },
    );
    return { id, fileName, durationMs: check.info.durationMs };
  });
}
