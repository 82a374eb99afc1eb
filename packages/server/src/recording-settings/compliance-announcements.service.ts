// Compliance announcements of the org and of each location (SPEC §3), with Webex's shapes and
// validation quirks. Every change is audited with before/after.
import type { AudioAnnouncementFile, LocationComplianceAnnouncement } from '@callvault/shared';
import type { ComplianceAnnouncement } from '@callvault/shared';
import {
  ANNOUNCEMENT_DELAY_MAX,
  ANNOUNCEMENT_DELAY_MIN,
  checkComplianceAnnouncement,
  describeSettingsProblem,
} from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { findAnnouncementFileInfo } from '../announcements/announcements.repository.js';
import { AppError, invalid } from '../errors.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type { AnnouncementConfig } from './recording-settings.model.js';
import { findOrgSettings } from './recording-settings.repository.js';
import {
  changeLocationSettings,
  changeOrgSettings,
  requireLocationSettings,
} from './org-recording-settings.service.js';

// Compliance announcement ----------------------------------------------------------------------

export type AnnouncementLevel = 'ORGANIZATION' | 'LOCATION';

export async function presentFile(
  db: DbOrTrx,
  orgId: string,
  scopeId: string,
  prompt: string,
  level: AnnouncementLevel,
): Promise<AudioAnnouncementFile | undefined> {
  const file = await findAnnouncementFileInfo(db, orgId, scopeId, prompt);
  return file
    ? { id: file.id, fileName: file.fileName, mediaFileType: 'WAV', level, isTextToSpeech: false }
    : undefined;
}

function presentAnnouncement(
  a: AnnouncementConfig,
  file: AudioAnnouncementFile | undefined,
): ComplianceAnnouncement {
  return {
    inboundPSTNCallsEnabled: a.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: a.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled: a.outboundPSTNCallsDelayEnabled,
    delayInSeconds: a.delayInSeconds,
    useCustomAnnouncementEnabled: a.announcementType === 'CUSTOM',
    ...(file ? { audioAnnouncementFile: file } : {}),
    announcementType: a.announcementType,
    customAnnouncementFileName: a.customFileName,
  };
}

export interface AnnouncementUpdate {
  inboundPSTNCallsEnabled?: boolean | undefined;
  outboundPSTNCallsEnabled?: boolean | undefined;
  outboundPSTNCallsDelayEnabled?: boolean | undefined;
  delayInSeconds?: number | undefined;
  announcementType?: 'DEFAULT' | 'CUSTOM' | undefined;
  useCustomAnnouncementEnabled?: boolean | undefined;
  audioAnnouncementFileId?: string | null | undefined;
}

/**
 * Checks that a file id a Webex client names is the file it would get: the current upload of
 * `prompt` at `scopeId` (a new upload replaces the file and its id).
 */
export async function checkFileId(
  db: DbOrTrx,
  orgId: string,
  field: string,
  fileId: string | null | undefined,
  candidates: Array<{ scopeId: string; level: AnnouncementLevel }>,
  prompt: string,
): Promise<AnnouncementLevel | undefined> {
  if (fileId === undefined || fileId === null) return undefined;
  for (const c of candidates) {
    const file = await findAnnouncementFileInfo(db, orgId, c.scopeId, prompt);
    if (file?.id === fileId) return c.level;
  }
  throw invalid(
    `${field}: no such ${prompt} announcement file here (upload one with POST /api/announcements/custom?prompt=${prompt})`,
  );
}

function applyAnnouncement(
  base: AnnouncementConfig,
  input: AnnouncementUpdate,
): AnnouncementConfig {
  const customFlag =
    input.useCustomAnnouncementEnabled === undefined
      ? undefined
      : input.useCustomAnnouncementEnabled
        ? ('CUSTOM' as const)
        : ('DEFAULT' as const);
  // Both given (a client sending back all it read, one of them changed): Webex's name wins.
  const next: AnnouncementConfig = {
    ...base,
    inboundPSTNCallsEnabled: input.inboundPSTNCallsEnabled ?? base.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: input.outboundPSTNCallsEnabled ?? base.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled:
      input.outboundPSTNCallsDelayEnabled ?? base.outboundPSTNCallsDelayEnabled,
    delayInSeconds: input.delayInSeconds ?? base.delayInSeconds,
    announcementType: customFlag ?? input.announcementType ?? base.announcementType,
  };
  // The shared rules: the delay is checked only while the delay is on, the custom file only
  // while the announcement plays at all.
  const problems = checkComplianceAnnouncement({
    ...next,
    delayInSeconds: input.delayInSeconds ?? base.delayInSeconds,
    hasCustomFile: next.customFileName !== null,
  }).map(describeSettingsProblem);
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', problems[0] ?? 'invalid', problems);
  }
  // A delay given while it is not checked is kept only when valid: the stored one stays in range.
  const given = input.delayInSeconds;
  const delayInSeconds =
    given !== undefined && given >= ANNOUNCEMENT_DELAY_MIN && given <= ANNOUNCEMENT_DELAY_MAX
      ? given
      : base.delayInSeconds;
  return { ...next, delayInSeconds };
}

export async function getOrgAnnouncement(
  deps: OrgDeps,
  actor: Actor,
): Promise<ComplianceAnnouncement> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const settings = await findOrgSettings(deps.db, actor.orgId);
  return presentAnnouncement(
    settings.complianceAnnouncement,
    await presentFile(deps.db, actor.orgId, actor.orgId, 'compliance', 'ORGANIZATION'),
  );
}

export async function setOrgAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  input: AnnouncementUpdate,
): Promise<void> {
  await changeOrgSettings(deps, actor, 'complianceAnnouncement.updated', async (before, trx) => {
    await checkFileId(
      trx,
      actor.orgId,
      'audioAnnouncementFileId',
      input.audioAnnouncementFileId,
      [{ scopeId: actor.orgId, level: 'ORGANIZATION' }],
      'compliance',
    );
    return {
      ...before,
      complianceAnnouncement: applyAnnouncement(before.complianceAnnouncement, input),
    };
  });
}

export async function getLocationAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<LocationComplianceAnnouncement> {
  const { org, location } = await requireLocationSettings(deps, actor, locationId);
  const own = location.complianceAnnouncement;
  const orgLevel = own === null || own.useOrgLevelAnnouncement === true;
  const orgFile = await presentFile(
    deps.db,
    actor.orgId,
    actor.orgId,
    'compliance',
    'ORGANIZATION',
  );
  const locationFile = await presentFile(
    deps.db,
    actor.orgId,
    locationId,
    'compliance',
    'LOCATION',
  );
  // What is played: the flags of the location (or the org), the announcement of the level chosen.
  const flags = own ?? org.complianceAnnouncement;
  const played: AnnouncementConfig = orgLevel
    ? {
        ...flags,
        announcementType: org.complianceAnnouncement.announcementType,
        customFileName: org.complianceAnnouncement.customFileName,
      }
    : flags;
  const ownType = own?.announcementType ?? 'DEFAULT';
  return {
    useOrgSettingsEnabled: own === null,
    useOrgLevelAnnouncementEnabled: orgLevel,
    customComplianceAnnouncement: {
      type: ownType,
      ...(locationFile ? { audioAnnouncementFile: locationFile } : {}),
    },
    ...presentAnnouncement(played, orgLevel ? orgFile : locationFile),
  };
}

export async function setLocationAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: AnnouncementUpdate & {
    useOrgSettingsEnabled?: boolean | undefined;
    useOrgLevelAnnouncementEnabled?: boolean | undefined;
    customComplianceAnnouncement?:
      | {
          type?: 'DEFAULT' | 'CUSTOM' | undefined;
          audioAnnouncementFileId?: string | null | undefined;
        }
      | undefined;
  },
): Promise<void> {
  await changeLocationSettings(
    deps,
    actor,
    locationId,
    'complianceAnnouncement.locationUpdated',
    async (before, org, trx) => {
      if (input.useOrgSettingsEnabled === true) return { ...before, complianceAnnouncement: null };
      const custom = input.customComplianceAnnouncement;
      await checkFileId(
        trx,
        actor.orgId,
        'customComplianceAnnouncement.audioAnnouncementFileId',
        custom?.audioAnnouncementFileId,
        [{ scopeId: locationId, level: 'LOCATION' }],
        'compliance',
      );
      // The top-level useCustomAnnouncementEnabled/audioAnnouncementFile(Id) describe what is
      // played; a Webex client sends them back as it read them, so they are not a change here.
      const {
        useCustomAnnouncementEnabled: _played,
        audioAnnouncementFileId: _file,
        ...flags
      } = input;
      const update: AnnouncementUpdate = {
        ...flags,
        ...(custom?.type !== undefined ? { announcementType: custom.type } : {}),
      };
      // Leaving the org values starts from them, so a partial update keeps what was shown.
      const base: AnnouncementConfig = before.complianceAnnouncement ?? {
        ...org.complianceAnnouncement,
        announcementType: 'DEFAULT',
        customFileName: null,
        useOrgLevelAnnouncement: true,
      };
      const touched = Object.keys(input).some(
        (k) =>
          k !== 'useOrgSettingsEnabled' &&
          input[k as keyof typeof input] !== undefined &&
          !['useCustomAnnouncementEnabled', 'audioAnnouncementFileId'].includes(k),
      );
      if (
        before.complianceAnnouncement === null &&
        input.useOrgSettingsEnabled !== false &&
        touched
      ) {
        throw invalid(
          'useOrgSettingsEnabled: set it to false to give this location its own announcement settings',
        );
      }
      if (input.useOrgSettingsEnabled !== false && before.complianceAnnouncement === null)
        return before;
      const locationFile = await findAnnouncementFileInfo(
        trx,
        actor.orgId,
        locationId,
        'compliance',
      );
      const next = applyAnnouncement(
        { ...base, customFileName: locationFile?.fileName ?? base.customFileName },
        update,
      );
      return {
        ...before,
        complianceAnnouncement: {
          ...next,
          useOrgLevelAnnouncement:
            input.useOrgLevelAnnouncementEnabled ??
            (update.announcementType !== undefined ||
            update.useCustomAnnouncementEnabled !== undefined
              ? false
              : (base.useOrgLevelAnnouncement ?? false)),
        },
      };
    },
  );
}
