// POST /api/recording-decisions: a call system asks whether and how to record one call leg.
import type { RecordingDecision, RecordingDecisionRequest } from '@callvault/shared';
import {
  findAnnouncementLanguage,
  findEntityByParty,
  findEntityCountry,
  listLocationCountries,
  type DirectoryHit,
} from '../org/directory-lookup.repository.js';
import { normalizeNumber } from '../org/directory-entries.repository.js';
import { nationalReadings } from '../siprec/party-lookups.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  effectiveSettingsOf,
  findRecordableEntity,
} from '../recording-settings/effective-settings.service.js';
import { findAnnouncementFileId } from '../announcements/announcements.repository.js';
import { markCompliancePlayed, wasCompliancePlayed } from './announcement-plays.repository.js';
import { decideRecording } from './decide-recording.js';

export interface DecisionDeps extends OrgDeps {
  readonly builtinSiprecUri: string;
}

function describeRef(ref: RecordingDecisionRequest['recordedParty']): string {
  if (ref.id) return `id ${ref.id}`;
  if (ref.email) return `address ${ref.email}`;
  if (ref.extension) return `extension ${ref.extension}`;
  if (ref.number) return `number ${ref.number}`;
  return 'no identifier';
}

/**
 * The entity a party of the request names. A number in national form (`7602922410`) that names
 * nobody as given is read with the countries of the org's locations, and names an entity only
 * in a location of the country it was read with (the same rule as SIPREC owner matching).
 */
async function findParty(
  deps: DecisionDeps,
  orgId: string,
  ref: RecordingDecisionRequest['recordedParty'],
): Promise<DirectoryHit | null> {
  const hit = await findEntityByParty(deps.db, orgId, ref);
  if (hit || ref.id || ref.email || ref.extension || !ref.number) return hit;
  const digits = normalizeNumber(ref.number);
  if (digits.startsWith('+')) return null;
  for (const reading of nationalReadings(digits, await listLocationCountries(deps.db, orgId))) {
    const found = await findEntityByParty(deps.db, orgId, { number: reading.e164 });
    if (found && (await findEntityCountry(deps.db, found)) === reading.country) return found;
  }
  return null;
}

export async function requestRecordingDecision(
  deps: DecisionDeps,
  actor: Actor,
  req: RecordingDecisionRequest,
  baseUrl: string,
): Promise<RecordingDecision> {
  assertCan(actor, 'decision.request', { orgId: actor.orgId });
  const orgId = actor.orgId;
  const hit = await findParty(deps, orgId, req.recordedParty);
  const entity =
    hit && hit.type !== 'callFeature'
      ? await findRecordableEntity(deps.db, orgId, hit.type, hit.id)
      : null;
  const effective = entity ? await effectiveSettingsOf(deps.db, entity) : null;
  const answering = req.answeringEntity ? await findParty(deps, orgId, req.answeringEntity) : null;
  const language =
    (answering ? await findAnnouncementLanguage(deps.db, answering) : null) ??
    entity?.language ??
    'en_us';
  const played = await wasCompliancePlayed(deps.db, orgId, req.callSessionId);

  const customId =
    effective?.complianceAnnouncement.announcementType === 'CUSTOM' && entity
      ? await findAnnouncementFileId(
          deps.db,
          orgId,
          effective.complianceAnnouncementSource === 'location' && entity.locationId
            ? entity.locationId
            : orgId,
        )
      : null;

  const start = effective?.recordingAnnouncements.start;
  const customStartId =
    start?.type === 'CUSTOM' && entity
      ? await findAnnouncementFileId(
          deps.db,
          orgId,
          start.level === 'LOCATION' && entity.locationId ? entity.locationId : orgId,
          'start',
        )
      : null;

  const decision = decideRecording({
    request: req,
    effective,
    unmatchedReason:
      hit?.type === 'callFeature'
        ? 'call features are not recorded themselves; name the person, workspace or virtual line'
        : `no person, workspace or virtual line of this organization matches ${describeRef(req.recordedParty)}`,
    announcementLanguage: language,
    compliancePlayedBefore: played,
    baseUrl,
    builtinSiprecUri: deps.builtinSiprecUri,
    customAnnouncementUrl: customId ? `${baseUrl}/api/announcements/custom/${customId}.wav` : null,
    customStartUrl: customStartId
      ? `${baseUrl}/api/announcements/custom/${customStartId}.wav`
      : null,
  });
  // Two legs of one call asking at once: only the first plays the announcement.
  if (
    decision.complianceAnnouncement.play &&
    !(await markCompliancePlayed(deps.db, orgId, req, deps.clock.now()))
  ) {
    return decideRecording({
      request: req,
      effective,
      announcementLanguage: language,
      compliancePlayedBefore: true,
      baseUrl,
      builtinSiprecUri: deps.builtinSiprecUri,
      customAnnouncementUrl: null,
      customStartUrl: customStartId
        ? `${baseUrl}/api/announcements/custom/${customStartId}.wav`
        : null,
    });
  }
  return decision;
}
