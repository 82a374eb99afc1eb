// Recording announcements: the start, stop, pause, resume and failure prompts of the org and of
// each location. Every change is audited with before/after.
import {
  RECORDING_PROMPTS,
  type RecordingAnnouncements,
  type RecordingAnnouncementsUpdate,
  type RecordingPrompt,
} from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { findAnnouncementFileInfo } from '../announcements/announcements.repository.js';
import { invalid } from '../errors.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type { PromptSelection, PromptSelections } from './recording-settings.model.js';
import { findOrgSettings } from './recording-settings.repository.js';
import {
  changeLocationSettings,
  changeOrgSettings,
  requireLocationSettings,
} from './org-recording-settings.service.js';
import {
  checkFileId,
  presentFile,
  type AnnouncementLevel,
} from './compliance-announcements.service.js';

// Recording announcements (start, stop, pause, resume, failure prompts) ------------------------

async function presentPrompts(
  db: DbOrTrx,
  orgId: string,
  selections: PromptSelections,
  locationId: string | null,
): Promise<RecordingAnnouncements> {
  const out: Partial<Record<RecordingPrompt, RecordingAnnouncements[RecordingPrompt]>> = {};
  for (const prompt of RECORDING_PROMPTS) {
    const sel = selections[prompt];
    const file =
      sel.type === 'CUSTOM'
        ? await presentFile(
            db,
            orgId,
            sel.level === 'LOCATION' && locationId !== null ? locationId : orgId,
            prompt,
            sel.level,
          )
        : undefined;
    out[prompt] = { type: sel.type, ...(file ? { audioAnnouncementFile: file } : {}) };
  }
  return out as RecordingAnnouncements;
}

async function applyPrompts(
  db: DbOrTrx,
  orgId: string,
  before: PromptSelections,
  input: RecordingAnnouncementsUpdate,
  locationId: string | null,
): Promise<PromptSelections> {
  const next: Record<RecordingPrompt, PromptSelection> = { ...before };
  for (const prompt of RECORDING_PROMPTS) {
    const given = input[prompt];
    if (!given) continue;
    const candidates: Array<{ scopeId: string; level: AnnouncementLevel }> = [
      ...(locationId !== null ? [{ scopeId: locationId, level: 'LOCATION' as const }] : []),
      { scopeId: orgId, level: 'ORGANIZATION' },
    ];
    const level = await checkFileId(
      db,
      orgId,
      `${prompt}.audioAnnouncementFileId`,
      given.audioAnnouncementFileId,
      candidates,
      prompt,
    );
    const type = given.type ?? before[prompt].type;
    let chosen = level ?? before[prompt].level;
    if (type === 'CUSTOM' && level === undefined) {
      // No file named: the one kept before, else this level's own upload, else the org's.
      const found = [...candidates.filter((c) => c.level === before[prompt].level), ...candidates];
      let hit: AnnouncementLevel | undefined;
      for (const c of found) {
        if (await findAnnouncementFileInfo(db, orgId, c.scopeId, prompt)) {
          hit = c.level;
          break;
        }
      }
      if (!hit)
        throw invalid(
          `${prompt}: CUSTOM needs an uploaded ${prompt} announcement (POST /api/announcements/custom?prompt=${prompt})`,
        );
      chosen = hit;
    }
    next[prompt] = { type, level: chosen };
  }
  return next;
}

export async function getOrgRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
): Promise<RecordingAnnouncements> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const org = await findOrgSettings(deps.db, actor.orgId);
  return presentPrompts(deps.db, actor.orgId, org.recordingAnnouncements, null);
}

export async function setOrgRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
  input: RecordingAnnouncementsUpdate,
): Promise<void> {
  await changeOrgSettings(deps, actor, 'recordingAnnouncements.updated', async (before, trx) => ({
    ...before,
    recordingAnnouncements: await applyPrompts(
      trx,
      actor.orgId,
      before.recordingAnnouncements,
      input,
      null,
    ),
  }));
}

export async function getLocationRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<RecordingAnnouncements & { useOrgLevelAnnouncementEnabled: boolean }> {
  const { org, location } = await requireLocationSettings(deps, actor, locationId);
  return {
    useOrgLevelAnnouncementEnabled: location.recordingAnnouncements === null,
    ...(await presentPrompts(
      deps.db,
      actor.orgId,
      location.recordingAnnouncements ?? org.recordingAnnouncements,
      locationId,
    )),
  };
}

export async function setLocationRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: RecordingAnnouncementsUpdate & { useOrgLevelAnnouncementEnabled?: boolean | undefined },
): Promise<void> {
  await changeLocationSettings(
    deps,
    actor,
    locationId,
    'recordingAnnouncements.locationUpdated',
    async (before, org, trx) => {
      if (input.useOrgLevelAnnouncementEnabled === true)
        return { ...before, recordingAnnouncements: null };
      const touched = RECORDING_PROMPTS.some((p) => input[p] !== undefined);
      if (
        before.recordingAnnouncements === null &&
        input.useOrgLevelAnnouncementEnabled !== false
      ) {
        if (touched)
          throw invalid(
            'useOrgLevelAnnouncementEnabled: set it to false to give this location its own announcements',
          );
        return before;
      }
      return {
        ...before,
        recordingAnnouncements: await applyPrompts(
          trx,
          actor.orgId,
          before.recordingAnnouncements ?? org.recordingAnnouncements,
          input,
          locationId,
        ),
      };
    },
  );
}
