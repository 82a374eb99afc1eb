import { Type, type Static } from '@sinclair/typebox';

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  orgId: Type.Union([Type.String(), Type.Null()]),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'e.g. person.updated, recording.played' }),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  clientIp: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  created: Type.String(),
  hash: Type.String(),
});
export type AuditEventDto = Static<typeof AuditEventSchema>;

export const AuditQuerySchema = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 100 })),
  actorId: Type.Optional(Type.String({ maxLength: 200 })),
  targetId: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});

/** The filter of a CSV export: the same as the list's, without paging. */
export const AuditExportQuerySchema = AuditQuerySchema;

/**
 * The result of walking the whole hash chain, the check `callvault audit verify` runs: `intact`, or
 * the first event that does not hold (`seq`, its `id` when the row exists, and why).
 */
export const AuditVerificationSchema = Type.Object({
  intact: Type.Boolean(),
  events: Type.Integer({ description: 'events checked and found intact' }),
  checked: Type.String({ description: 'when the check ran' }),
  firstBroken: Type.Union([
    Type.Object({
      seq: Type.Integer(),
      id: Type.Union([Type.String(), Type.Null()]),
      reason: Type.String(),
    }),
    Type.Null(),
  ]),
});
export type AuditVerificationDto = Static<typeof AuditVerificationSchema>;
