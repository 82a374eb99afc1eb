// Callvault's lifecycle API: legal holds (`/api/legal-holds`), usage and quota (`/api/usage`),
// and the retention and quota policy (`/api/recording-policy`). Thin: parse, call, present.
import {
  ErrorBody,
  IdParam,
  LegalHold,
  LegalHoldCreate,
  LegalHoldList,
  LegalHoldQuery,
  LegalHoldRelease,
  OrgQuery,
  RecordingPolicy,
  RecordingPolicyUpdate,
  QuotaThresholds,
  RetentionPreview,
  RetentionPreviewQuery,
  Usage,
  UsageBreakdown,
  UsageHistory,
  UsageHistoryQuery,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import {
  createLegalHold,
  getLegalHold,
  listLegalHolds,
  releaseLegalHold,
} from './legal-holds.service.js';
import {
  getRecordingPolicy,
  getUsage,
  updateRecordingPolicy,
  type UsageDeps,
} from './usage.service.js';
import {
  getQuotaThresholds,
  getUsageBreakdown,
  getUsageHistory,
  previewRetention,
} from './usage-report.service.js';

const errors = { '4xx': ErrorBody };
const Query = Type.Object(OrgQuery);

export function registerLifecycleRoutes(app: AppInstance, deps: UsageDeps): void {
  const holds = ['legal holds'];
  app.get(
    '/api/legal-holds',
    {
      schema: {
        tags: holds,
        summary: 'Legal holds of the organization (default: active ones)',
        querystring: LegalHoldQuery,
        response: { 200: LegalHoldList, ...errors },
      },
    },
    async (request) => ({
      items: await listLegalHolds(deps, actorOf(request), request.query.status ?? 'active'),
    }),
  );
  app.post(
    '/api/legal-holds',
    {
      schema: {
        tags: holds,
        summary:
          'Hold a recording, an owner’s recordings or the whole organization: never purged or deleted until released',
        querystring: Query,
        body: LegalHoldCreate,
        response: { 201: LegalHold, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createLegalHold(deps, actorOf(request), request.body)),
  );
  app.get(
    '/api/legal-holds/:id',
    {
      schema: {
        tags: holds,
        params: IdParam,
        querystring: Query,
        response: { 200: LegalHold, ...errors },
      },
    },
    (request) => getLegalHold(deps, actorOf(request), request.params.id),
  );
  app.post(
    '/api/legal-holds/:id/release',
    {
      schema: {
        tags: holds,
        summary: 'Release a hold (kept, with who released it and when)',
        params: IdParam,
        querystring: Query,
        body: Type.Optional(LegalHoldRelease),
        response: { 200: LegalHold, ...errors },
      },
    },
    (request) => releaseLegalHold(deps, actorOf(request), request.params.id, request.body ?? {}),
  );

  const storage = ['storage'];
  app.get(
    '/api/usage',
    {
      schema: {
        tags: storage,
        summary: 'Bytes stored (exact), quota, recordings and the notification level (80/90/100)',
        querystring: Query,
        response: { 200: Usage, ...errors },
      },
    },
    (request) => getUsage(deps, actorOf(request)),
  );
  app.get(
    '/api/usage/breakdown',
    {
      schema: {
        tags: storage,
        summary: 'Bytes and recordings by location and by owner type',
        querystring: Query,
        response: { 200: UsageBreakdown, ...errors },
      },
    },
    (request) => getUsageBreakdown(deps, actorOf(request)),
  );
  app.get(
    '/api/usage/history',
    {
      schema: {
        tags: storage,
        summary: 'Bytes and recordings stored at the end of each UTC day (default the last 90)',
        querystring: UsageHistoryQuery,
        response: { 200: UsageHistory, ...errors },
      },
    },
    (request) => getUsageHistory(deps, actorOf(request), request.query.days),
  );
  app.get(
    '/api/usage/thresholds',
    {
      schema: {
        tags: storage,
        summary:
          'The 80/90/100 % thresholds: reached or not, last crossed, and the storageQuota webhooks told',
        querystring: Query,
        response: { 200: QuotaThresholds, ...errors },
      },
    },
    (request) => getQuotaThresholds(deps, actorOf(request)),
  );
  app.get(
    '/api/recording-policy/retention-preview',
    {
      schema: {
        tags: storage,
        summary:
          'How many recordings the next retention purge would remove (with the current or a proposed retention)',
        querystring: RetentionPreviewQuery,
        response: { 200: RetentionPreview, ...errors },
      },
    },
    (request) => previewRetention(deps, actorOf(request), request.query.retentionDays),
  );
  app.get(
    '/api/recording-policy',
    {
      schema: {
        tags: storage,
        summary: 'Retention (days) and storage quota (bytes)',
        querystring: Query,
        response: { 200: RecordingPolicy, ...errors },
      },
    },
    (request) => getRecordingPolicy(deps, actorOf(request)),
  );
  app.put(
    '/api/recording-policy',
    {
      schema: {
        tags: storage,
        summary: 'Change retention (1–3650 days) and quota (full administrators; audited)',
        querystring: Query,
        body: RecordingPolicyUpdate,
        response: { 200: RecordingPolicy, ...errors },
      },
    },
    (request) => updateRecordingPolicy(deps, actorOf(request), request.body),
  );
}
