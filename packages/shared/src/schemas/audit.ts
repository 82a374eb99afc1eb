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
