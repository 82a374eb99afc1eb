// Calls forwarded to an external recorder (docs/adr/0010): catalogued without audio, listed at
// /api/forwarded-calls (Callvault's own list; never in Webex's /v1/convergedRecordings, whose
// items are recordings a script may download).
import { Type, type Static } from '@sinclair/typebox';
import { OrgQuery } from './common.js';
import { literalUnion } from './literal-union.js';

export const FORWARD_OUTCOMES = ['completed', 'failed'] as const;

export const ForwardedCall = Type.Object({
  id: Type.String(),
  kind: Type.Literal('forwarded', {
    description: 'a catalogue entry without audio: the call was recorded by an external recorder',
  }),
  callId: Type.String({ description: 'the SIP Call-ID of the recording session' }),
  vendor: Type.Object({
    id: Type.String(),
    name: Type.String({ description: 'as it was named when the call was forwarded' }),
    sipUri: Type.String(),
  }),
  startTime: Type.String({ format: 'date-time', description: 'the INVITE to the vendor' }),
  establishedTime: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'the vendor’s 2xx; null when it never answered',
  }),
  endTime: Type.String({ format: 'date-time' }),
  durationSeconds: Type.Integer({ minimum: 0, description: 'from the vendor’s answer to the end' }),
  outcome: literalUnion(FORWARD_OUTCOMES),
  failure: Type.Union([
    Type.Object({
      code: Type.String({
        description:
          'vendor-timeout, vendor-rejected, vendor-answer-invalid, vendor-stopped-answering, vendor-ended, …',
      }),
      status: Type.Union([Type.Integer(), Type.Null()], { description: 'the vendor’s SIP status' }),
      reason: Type.String(),
    }),
    Type.Null(),
  ]),
  recordedHere: Type.Boolean({
    description:
      'Callvault recorded the call as well (dual recording, or "record here when the vendor fails"): the recording is in the ordinary list',
  }),
  endReason: Type.String({ description: 'why the recording session ended (bye, cancel, …)' }),
  parties: Type.Array(
    Type.Object({
      id: Type.String(),
      aor: Type.Union([Type.String(), Type.Null()]),
      name: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  owners: Type.Array(
    Type.Object({
      type: Type.String({ description: 'person, workspace or virtualLine' }),
      id: Type.String(),
      displayName: Type.String(),
    }),
  ),
});
export type ForwardedCall = Static<typeof ForwardedCall>;

export const ForwardedCallsQuery = Type.Object({
  ...OrgQuery,
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  vendorId: Type.Optional(Type.String({ minLength: 1 })),
  outcome: Type.Optional(literalUnion(FORWARD_OUTCOMES)),
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 400 })),
});
export type ForwardedCallsQuery = Static<typeof ForwardedCallsQuery>;

export const ForwardedCallList = Type.Object({
  items: Type.Array(ForwardedCall),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type ForwardedCallList = Static<typeof ForwardedCallList>;
