import {
  AuditEventSchema,
  AuditExportQuerySchema,
  AuditQuerySchema,
  AuditVerificationSchema,
  ErrorBody,
  OrgQuery,
  PagingQuery,
} from '@callvault/shared';
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { exportAuditCsv, searchAudit, verifyAudit } from './audit.service.js';

export function registerAuditRoutes(app: AppInstance, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The org’s audit log, newest first (admins and compliance officers)',
        querystring: Type.Object({ ...OrgQuery, ...PagingQuery, ...AuditQuerySchema.properties }),
        response: { 200: Type.Object({ items: Type.Array(AuditEventSchema) }), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { max, cursor, action, actorId, targetId, from, to } = request.query;
      const page = await searchAudit(deps.db, actorOf(request), {
        action,
        actorId,
        targetId,
        from,
        to,
        cursor,
        max: max ?? 100,
      });
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items };
    },
  );
  app.get(
    '/api/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The filtered audit events as CSV, newest first, streamed (admins and compliance officers; audited)',
        querystring: Type.Object({ ...OrgQuery, ...AuditExportQuerySchema.properties }),
        produces: ['text/csv'],
        response: {
          200: Type.Unsafe<Readable>({
            type: 'string',
            description: 'text/csv; a header row, then one row per event',
          }),
          '4xx': ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { action, actorId, targetId, from, to } = request.query;
      const stream = await exportAuditCsv(deps.db, deps.clock, actorOf(request), {
        action,
        actorId,
        targetId,
        from,
        to,
      });
      const stamp = deps.clock.now().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
        .send(stream);
    },
  );
  app.post(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Check the hash chain of the whole audit log, as `callvault audit verify` does (audited)',
        querystring: Type.Object(OrgQuery),
        response: { 200: AuditVerificationSchema, '4xx': ErrorBody },
      },
    },
    (request) => verifyAudit(deps.db, deps.clock, actorOf(request)),
  );
}
