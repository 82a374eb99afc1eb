// Reading the catalogue (SPEC §6, §7): the Webex-compatible lists and details, Callvault's search
// (with search inside transcripts) and the signed download links. Every read checks
// policy/recording-access.ts (recording-read-access.ts) and is audited in its transaction.
import type {
  ConvergedRecording,
  ConvergedRecordingDetails,
  ConvergedRecordingMetadata,
  ConvergedRecordingsQuery,
  RecordingOwnerType,
  RecordingSearchQuery,
  RecordingStatus,
  RecordingSummary,
} from '@callvault/shared';
import { RECORDING_OWNER_TYPES } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Page } from '../db/paging.js';
import { forbidden, invalid } from '../errors.js';
import { idFormsOf, type IdType } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { can } from '../policy/policy.js';
import { canListOwnRecordings } from '../policy/recording-access.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import {
  findEntitySettings,
  findOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import type { RecordingsDeps } from './recording-deps.js';
import type { LinkKind } from './link-signer.js';
import {
  presentConvergedRecording,
  presentMetadata,
  presentRecordingSummary,
} from './recording-presenter.js';
import { presentProvenance } from './recording-provenance.js';
import { decideRecordingOperation, requireRecording } from './recording-read-access.js';
import {
  findFirstSegmentMatches,
  findTranscriptState,
} from './recording-transcripts.repository.js';
import type { RecordingRecord } from './recordings.model.js';
import { searchRecordings, type RecordingFilter } from './recordings.repository.js';
import { parseTranscriptQuery, snippetOf } from './transcript-search.js';

export type { RecordingsDeps } from './recording-deps.js';

const DAY_MS = 86_400_000;
/** Webex: temporary links expire 3 hours after the request. */
export const LINK_LIFETIME_MS = 3 * 3_600_000;
const DEFAULT_WINDOW_DAYS = 7;
/** Webex: the interval between from and to must be within 30 days. */
export const WEBEX_MAX_WINDOW_DAYS = 30;

function parseTime(name: string, value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(`${name}: not an ISO 8601 date or date-time`);
  return d;
}

/**
 * `from` (inclusive) and `to` (exclusive): from defaults to `to` − 7 days; to defaults to now, or
 * with `toAfterFrom` (Webex's lists) to `from` + 7 days when only `from` is given.
 */
export function resolveWindow(
  now: Date,
  query: { from?: string | undefined; to?: string | undefined },
  maxDays: number,
  toAfterFrom = false,
): { from: string; to: string } {
  const to =
    query.to !== undefined
      ? parseTime('to', query.to)
      : toAfterFrom && query.from !== undefined
        ? new Date(parseTime('from', query.from).getTime() + DEFAULT_WINDOW_DAYS * DAY_MS)
        : now;
  const from =
    query.from !== undefined
      ? parseTime('from', query.from)
      : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (from.getTime() > to.getTime()) throw invalid('from cannot be after to');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw invalid(`The interval between from and to must be within ${maxDays} days`);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

type ListKind = 'own' | 'admin';

function statusesFor(actor: Actor, kind: ListKind, status: RecordingStatus | undefined) {
  const wanted = status ?? 'available';
  if (wanted === 'purged') {
    if (kind === 'own' || !can(actor, 'recording.searchPurged', { orgId: actor.orgId })) {
      throw forbidden('Only a compliance officer may list purged recordings');
    }
  }
  return [wanted];
}

async function listAudited(
  deps: RecordingsDeps,
  actor: Actor,
  endpoint: string,
  filter: RecordingFilter,
  filters: Record<string, unknown>,
): Promise<Page<RecordingRecord>> {
  return deps.db.transaction().execute(async (trx) => {
    const page = await searchRecordings(trx, filter);
    await audit(trx, deps.clock, actor, 'recording.listed', null, {
      endpoint,
      filters,
      count: page.items.length,
      recordingIds: page.items.map((r) => r.id),
    });
    return page;
  });
}

const OWNER_ID_TYPES: Record<RecordingOwnerType, IdType> = {
  user: 'PEOPLE',
  place: 'WORKSPACE',
  virtualLine: 'VIRTUAL_LINE',
  // An unattributed recording is held by the trunk that brought it (its id is the owner id).
  unattributed: 'RECORDING_TRUNK',
};

/** An owner id filter in either form: Callvault's Webex id or the plain UUID Webex shows. */
function ownerIdForms(
  ownerId: string | undefined,
  ownerType: RecordingOwnerType | undefined,
): string[] | undefined {
  if (ownerId === undefined) return undefined;
  const types = ownerType !== undefined ? [ownerType] : RECORDING_OWNER_TYPES;
  return idFormsOf(
    ownerId,
    types.map((t) => OWNER_ID_TYPES[t]),
  );
}

const locationIdForms = (locationId: string | undefined): string[] | undefined =>
  locationId === undefined ? undefined : idFormsOf(locationId, ['LOCATION']);

/**
 * Webex filter values Callvault has no recordings for (call-queue owners, Customer Assist): the
 * list is valid and empty, as in a Webex org without them.
 */
function matchesNothing(q: ConvergedRecordingsQuery): boolean {
  return q.ownerType === 'callQueue' || q.serviceType === 'customerAssist';
}

function webexFilter(
  actor: Actor,
  q: ConvergedRecordingsQuery,
  window: { from: string; to: string },
  statuses: RecordingStatus[],
): RecordingFilter {
  const ownerType = q.ownerType === 'callQueue' ? undefined : q.ownerType;
  return {
    orgId: actor.orgId,
    ...window,
    statuses,
    ownerId: ownerIdForms(q.ownerId, ownerType),
    ownerEmail: q.ownerEmail,
    ownerType,
    locationId: locationIdForms(q.locationId),
    topic: q.topic,
    format: q.format,
    storageRegion: q.storageRegion,
    cursor: q.cursor,
    limit: q.max ?? 10,
    // Webex lists recordings newest first by createTime.
    sortBy: 'createTime',
    matchNothing: matchesNothing(q),
  };
}

/** `GET /v1/convergedRecordings`: the caller's own recordings. */
export async function listOwnRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  q: ConvergedRecordingsQuery,
): Promise<Page<ConvergedRecording>> {
  if (actor.orgId !== actor.homeOrgId) {
    throw forbidden('Users list their own recordings in their own organization');
  }
  const access = (await findEntitySettings(deps.db, actor.personId)).access ?? ALL_ACCESS;
  if (!canListOwnRecordings(access)) {
    throw forbidden('Your access settings do not allow viewing recordings');
  }
  const window = resolveWindow(deps.clock.now(), q, WEBEX_MAX_WINDOW_DAYS, true);
  const filter = {
    ...webexFilter(actor, q, window, statusesFor(actor, 'own', q.status)),
    ownerId: actor.personId,
  };
  const page = await listAudited(deps, actor, 'GET /v1/convergedRecordings', filter, {
    ...q,
    ...window,
  });
  return { items: page.items.map(presentConvergedRecording), nextCursor: page.nextCursor };
}

/** `GET /v1/admin/convergedRecordings`: administrators and compliance officers. */
export async function listAdminRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  q: ConvergedRecordingsQuery,
): Promise<Page<ConvergedRecording>> {
  if (!can(actor, 'recording.search', { orgId: actor.orgId })) {
    throw forbidden(
      'Listing the organization’s recordings needs an administrator or compliance officer',
    );
  }
  const window = resolveWindow(deps.clock.now(), q, WEBEX_MAX_WINDOW_DAYS, true);
  const filter = webexFilter(actor, q, window, statusesFor(actor, 'admin', q.status));
  const page = await listAudited(deps, actor, 'GET /v1/admin/convergedRecordings', filter, {
    ...q,
    ...window,
  });
  return { items: page.items.map(presentConvergedRecording), nextCursor: page.nextCursor };
}

/** `GET /api/recordings`: Callvault's search for administrators and compliance officers. */
export async function searchOrgRecordings(
  deps: RecordingsDeps,
  actor: Actor,
  q: RecordingSearchQuery,
): Promise<Page<RecordingSummary>> {
  if (!can(actor, 'recording.search', { orgId: actor.orgId })) {
    throw forbidden('Searching recordings needs an administrator or compliance officer');
  }
  const settings = await findOrgSettings(deps.db, actor.orgId);
  const window = resolveWindow(deps.clock.now(), q, settings.retentionDays);
  if (
    q.minDurationSeconds !== undefined &&
    q.maxDurationSeconds !== undefined &&
    q.minDurationSeconds > q.maxDurationSeconds
  ) {
    throw invalid('minDurationSeconds cannot be more than maxDurationSeconds');
  }
  // Words of a transcript are what was said: like the audio, administrators never read them, so
  // only those who may play recordings (compliance officers) search inside transcripts.
  let transcriptTerms: string[] | undefined;
  if (q.transcript !== undefined) {
    if (!can(actor, 'recording.play', { orgId: actor.orgId })) {
      throw forbidden('Searching inside transcripts needs a compliance officer');
    }
    transcriptTerms = parseTranscriptQuery(q.transcript);
  }
  const filter: RecordingFilter = {
    orgId: actor.orgId,
    ...window,
    statuses: statusesFor(actor, 'admin', q.status),
    ownerId: ownerIdForms(q.ownerId, q.ownerType),
    ownerEmail: q.ownerEmail,
    ownerType: q.ownerType,
    locationId: locationIdForms(q.locationId),
    topic: q.topic,
    format: q.format,
    ownerPrefix: q.q,
    partyNumber: q.partyNumber,
    direction: q.direction,
    minDurationSeconds: q.minDurationSeconds,
    maxDurationSeconds: q.maxDurationSeconds,
    hasTranscript: q.hasTranscript,
    recovered: q.recovered,
    failed: q.failed,
    transcriptTerms,
    cursor: q.cursor,
    limit: q.max ?? 100,
  };
  const page = await listAudited(deps, actor, 'GET /api/recordings', filter, { ...q, ...window });
  const items = page.items.map(presentRecordingSummary);
  if (transcriptTerms !== undefined) {
    const terms = transcriptTerms;
    const matches = await findFirstSegmentMatches(
      deps.db,
      actor.orgId,
      items.map((r) => r.id),
      terms,
    );
    for (const item of items) {
      const m = matches.get(item.id);
      if (m) {
        item.transcriptMatch = {
          snippet: snippetOf(m.text, terms),
          start: m.start,
          end: m.end,
          speaker: m.speaker,
        };
      }
    }
  }
  return { items, nextCursor: page.nextCursor };
}

/** Where signed links point: the server's own URL as the client reached it. */
export interface LinkBase {
  readonly origin: string;
}

export function audioLinkOf(
  deps: RecordingsDeps,
  base: LinkBase,
  recordingId: string,
  actorId: string,
  expiresAt: Date,
  kind: LinkKind = 'audio',
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const sig = deps.links.sign({ recordingId, kind, actorId, expires });
  const url = new URL(`/api/recordings/${encodeURIComponent(recordingId)}/${kind}`, base.origin);
  url.searchParams.set('exp', String(expires));
  url.searchParams.set('actor', actorId);
  url.searchParams.set('sig', sig);
  return url.toString();
}

/** The audio link with `format=mp3`: the same signature, served as MP3. */
function mp3LinkOf(
  deps: RecordingsDeps,
  base: LinkBase,
  recordingId: string,
  actorId: string,
  expiresAt: Date,
): string {
  const url = new URL(audioLinkOf(deps, base, recordingId, actorId, expiresAt));
  url.searchParams.set('format', 'mp3');
  return url.toString();
}

/** `GET /v1/convergedRecordings/{id}`, with download links for those who may download. */
export async function getRecordingDetails(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
  base: LinkBase,
): Promise<ConvergedRecordingDetails> {
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const { recording, as, shareId } = await requireRecording(trx, actor, 'view', id, now);
    const download = await decideRecordingOperation(trx, actor, 'download', recording, now);
    // Someone who may listen but not download (a share without download) gets playback links.
    const play = download.ok
      ? download
      : await decideRecordingOperation(trx, actor, 'play', recording, now);
    const details: ConvergedRecordingDetails = {
      ...presentConvergedRecording(recording),
      ...presentProvenance(recording.provenance),
    };
    const transcript = await findTranscriptState(trx, recording.id);
    const hasTranscriptFile = transcript?.status === 'completed' && transcript.blobKey !== null;
    details.transcriptStatus = transcript?.status ?? 'pending';
    if (transcript?.reason) details.transcriptReason = transcript.reason;
    let expiration: string | null = null;
    const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS);
    // Links carry whole seconds; the expiration shown is the one the link enforces.
    expiresAt.setUTCMilliseconds(0);
    if (download.ok) {
      expiration = expiresAt.toISOString();
      details.temporaryDirectDownloadLinks = {
        audioDownloadLink: audioLinkOf(deps, base, recording.id, actor.personId, expiresAt),
        ...(recording.format !== 'MP3'
          ? { mp3DownloadLink: mp3LinkOf(deps, base, recording.id, actor.personId, expiresAt) }
          : {}),
        transcriptDownloadLink: hasTranscriptFile
          ? audioLinkOf(deps, base, recording.id, actor.personId, expiresAt, 'transcript')
          : null,
        expiration,
      };
    } else if (play.ok) {
      expiration = expiresAt.toISOString();
      details.temporaryPlaybackLinks = {
        audioPlaybackLink: audioLinkOf(
          deps,
          base,
          recording.id,
          actor.personId,
          expiresAt,
          'playback',
        ),
        transcriptLink: hasTranscriptFile
          ? audioLinkOf(deps, base, recording.id, actor.personId, expiresAt, 'transcript')
          : null,
        expiration,
      };
    }
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.viewed',
      { type: 'recording', id },
      {
        ownerId: recording.ownerId,
        downloadLinksIssued: download.ok,
        ...(expiration ? { linksExpire: expiration } : {}),
        ...(!download.ok && play.ok ? { playbackLinksIssued: true } : {}),
        ...(as === 'share' ? { as, shareId } : {}),
      },
    );
    return details;
  });
}

/** `GET /v1/convergedRecordings/{id}/metadata` */
export async function getRecordingMetadata(
  deps: RecordingsDeps,
  actor: Actor,
  id: string,
): Promise<ConvergedRecordingMetadata> {
  return deps.db.transaction().execute(async (trx) => {
    const { recording, as, shareId } = await requireRecording(
      trx,
      actor,
      'view',
      id,
      deps.clock.now(),
    );
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.metadataViewed',
      { type: 'recording', id },
      {
        ownerId: recording.ownerId,
        ...(as === 'share' ? { as, shareId } : {}),
      },
    );
    return presentMetadata(recording);
  });
}
