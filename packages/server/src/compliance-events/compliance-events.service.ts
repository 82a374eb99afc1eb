// Webex's Compliance Events API (`GET /v1/events`, `GET /v1/events/{eventId}`): what happened to
// the org's recordings, for compliance officers only, as Webex shows it (`resource`, `type`,
// `actorId`, `created`, `data`) with its query parameters and Link paging. The rows are written by
// every change to a recording in its own transaction (recordings/recording-webhook-events.ts);
// reading them shows recording details, so each read is audited like a recording list.
import type {
  ComplianceEvent,
  ComplianceEventResource,
  ComplianceEventType,
  ComplianceEventsQuery,
  RecordingEventSubType,
} from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Page } from '../db/paging.js';
import { invalid, notFound } from '../errors.js';
import { idFormsOf } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { CALLVAULT_APP_ID } from '../webhooks/webhooks.service.js';
import {
  findComplianceEventById,
  listComplianceEvents,
  type ComplianceEventRecord,
} from './compliance-events.repository.js';

export interface ComplianceEventDeps {
  readonly db: Db;
  readonly clock: Clock;
}

/** Webex's page size when `max` is not given. */
export const DEFAULT_EVENTS_MAX = 100;

function presentEvent(e: ComplianceEventRecord): ComplianceEvent {
  return {
    id: e.id,
    resource: e.resource as ComplianceEventResource,
    type: e.type as ComplianceEventType,
    ...(e.subType !== null ? { eventSubType: e.subType as RecordingEventSubType } : {}),
    appId: CALLVAULT_APP_ID,
    actorId: e.actorId ?? '',
    orgId: e.orgId,
    created: e.createdAt,
    data: JSON.parse(e.data) as ComplianceEvent['data'],
  };
}

function instant(name: string, value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw invalid(`${name} is not an ISO 8601 date and time`);
  return at;
}

/**
 * The query as the repository takes it, or null when it can match nothing Callvault keeps: a
 * resource other than convergedRecordings, or a service type other than calling.
 */
function filterOf(actor: Actor, query: ComplianceEventsQuery, now: Date) {
  if (query.resource === 'convergedRecordings' && query.serviceType === undefined) {
    throw invalid('serviceType is required when resource is convergedRecordings');
  }
  // Without `to`, everything up to the present (an event of this very millisecond included).
  const to = query.to !== undefined ? instant('to', query.to) : undefined;
  if (to !== undefined && to.getTime() > now.getTime()) {
    throw invalid('to cannot be in the future');
  }
  const from = query.from !== undefined ? instant('from', query.from) : undefined;
  if (from !== undefined && from.getTime() >= (to ?? now).getTime()) {
    throw invalid('from must be before to');
  }
  const empty =
    (query.resource !== undefined && query.resource !== 'convergedRecordings') ||
    query.serviceType === 'customerAssist';
  return {
    empty,
    filter: {
      orgId: actor.orgId,
      resource: query.resource,
      type: query.type,
      // `all` and an absent serviceType name every service type.
      serviceType: query.serviceType === 'calling' ? 'calling' : undefined,
      actorIds: query.actorId !== undefined ? idFormsOf(query.actorId, ['PEOPLE']) : undefined,
      from: from?.toISOString(),
      to: to?.toISOString(),
      cursor: query.cursor,
      limit: query.max ?? DEFAULT_EVENTS_MAX,
    },
  };
}

export async function listEvents(
  deps: ComplianceEventDeps,
  actor: Actor,
  query: ComplianceEventsQuery,
): Promise<Page<ComplianceEvent>> {
  assertCan(actor, 'complianceEvent.read', { orgId: actor.orgId });
  const { empty, filter } = filterOf(actor, query, deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const page = empty ? { items: [], nextCursor: null } : await listComplianceEvents(trx, filter);
    await audit(trx, deps.clock, actor, 'complianceEvent.listed', null, {
      filters: {
        ...(query.resource !== undefined ? { resource: query.resource } : {}),
        ...(query.type !== undefined ? { type: query.type } : {}),
        ...(query.actorId !== undefined ? { actorId: query.actorId } : {}),
        ...(query.serviceType !== undefined ? { serviceType: query.serviceType } : {}),
        from: filter.from ?? null,
        to: filter.to ?? null,
      },
      count: page.items.length,
      recordingIds: [...new Set(page.items.map((e) => e.subjectId))],
    });
    return { items: page.items.map(presentEvent), nextCursor: page.nextCursor };
  });
}

export async function getEvent(
  deps: ComplianceEventDeps,
  actor: Actor,
  id: string,
): Promise<ComplianceEvent> {
  assertCan(actor, 'complianceEvent.read', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    const event = await findComplianceEventById(trx, actor.orgId, id);
    if (!event) throw notFound('Event');
    await audit(
      trx,
      deps.clock,
      actor,
      'complianceEvent.viewed',
      { type: 'event', id },
      {
        recordingId: event.subjectId,
      },
    );
    return presentEvent(event);
  });
}
