import {
  AuditEventSchema,
  AuditQuerySchema,
  ErrorBody,
  OrgQuery,
  PagingQuery,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { searchAudit } from './audit.service.js';

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
}
