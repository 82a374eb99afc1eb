// Webex's Compliance Events API (`GET /v1/events`, `GET /v1/events/{eventId}`) as far as Callvault
// has events to show: changes to converged recordings. Shapes and query parameters as in Webex's
// published definition (webex-openapi-specs `webex-admin.json`, "Events").
import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union.js';
import { RECORDING_EVENT_SUB_TYPES } from './lifecycle.js';
import { ConvergedRecording, WEBEX_LIST_SERVICE_TYPES } from './recordings.js';

/**
 * Every `resource` Webex's Events API names. Callvault keeps events for `convergedRecordings`
 * only; asking for another gives an empty list, as a Webex org without that activity would.
 */
export const COMPLIANCE_EVENT_RESOURCES = [
  'attachmentActions',
  'businessTexts',
  'call_records',
  'convergedRecordings',
  'file_transcodings',
  'files',
  'meetingMessages',
  'meetings',
  'meetingTranscripts',
  'memberships',
  'messages',
  'rooms',
  'tabs',
] as const;
export type ComplianceEventResource = (typeof COMPLIANCE_EVENT_RESOURCES)[number];
export const COMPLIANCE_EVENT_TYPES = ['created', 'updated', 'deleted', 'ended'] as const;
export type ComplianceEventType = (typeof COMPLIANCE_EVENT_TYPES)[number];

const isoDateTime = (description: string) =>
  Type.String({ minLength: 4, maxLength: 40, description: `ISO 8601; ${description}` });
const personId = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: `${description}: the Webex id or the plain UUID`,
  });

export const ComplianceEventsQuery = Type.Object({
  resource: Type.Optional(literalUnion(COMPLIANCE_EVENT_RESOURCES)),
  type: Type.Optional(literalUnion(COMPLIANCE_EVENT_TYPES)),
  actorId: Type.Optional(personId('events made by this person')),
  from: Type.Optional(isoDateTime('events at or after this instant')),
  to: Type.Optional(isoDateTime('events before this instant; default now; not in the future')),
  max: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, description: 'page size, default 100' }),
  ),
  serviceType: Type.Optional(
    literalUnion(WEBEX_LIST_SERVICE_TYPES, {
      description: 'required with resource=convergedRecordings',
    }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'from the Link header' })),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type ComplianceEventsQuery = Static<typeof ComplianceEventsQuery>;

export const ComplianceEvent = Type.Object({
  id: Type.String(),
  resource: literalUnion(COMPLIANCE_EVENT_RESOURCES),
  type: literalUnion(COMPLIANCE_EVENT_TYPES),
  eventSubType: Type.Optional(
    literalUnion(RECORDING_EVENT_SUB_TYPES, {
      description: 'of an updated recording: TRASH, RESTORE or PURGE',
    }),
  ),
  appId: Type.String(),
  actorId: Type.String({
    description: 'who made the change; the owner for a new recording; empty for Callvault itself',
  }),
  orgId: Type.String(),
  created: Type.String(),
  data: Type.Composite([ConvergedRecording, Type.Object({ orgId: Type.String() })], {
    description: 'the recording once the change was made',
  }),
});
export type ComplianceEvent = Static<typeof ComplianceEvent>;

export const ComplianceEventList = Type.Object({ items: Type.Array(ComplianceEvent) });
export type ComplianceEventList = Static<typeof ComplianceEventList>;
