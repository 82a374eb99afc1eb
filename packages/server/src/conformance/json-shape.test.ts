import { describe, expect, it } from 'vitest';
import { resolveShape, shapeErrors, withoutFields, type Shape } from './json-shape.js';

const defs = {
  Party: {
    type: 'object',
    required: ['callType'],
    properties: { callType: { type: 'string', enum: ['location', 'external'] } },
  },
} satisfies Record<string, Shape>;

const call: Shape = resolveShape(
  {
    type: 'object',
    required: ['id', 'remoteParty', 'created'],
    properties: {
      id: { type: 'string' },
      remoteParty: { $ref: '#/$defs/Party' },
      created: { type: 'string', format: 'date-time' },
      interval: { type: 'integer', minimum: 10, maximum: 1800 },
      items: { type: 'array', minItems: 1, items: { $ref: '#/$defs/Party' } },
    },
  },
  defs,
);

describe('the Webex fixture shape check', () => {
  it('passes a conforming value and allows fields Webex does not name', () => {
    const value = {
      id: 'a',
      remoteParty: { callType: 'external', extra: 1 },
      created: '2026-03-02T10:00:00.000Z',
      callvaultOnly: true,
    };
    expect(shapeErrors(value, call)).toEqual([]);
  });

  it('names each missing field, wrong type, enum miss, range miss and bad date with its path', () => {
    const value = {
      id: 7,
      remoteParty: { callType: 'mobile' },
      created: 'yesterday',
      interval: 5,
      items: [{}],
    };
    expect(shapeErrors(value, call)).toEqual([
      '$.id: is integer, Webex has string',
      '$.remoteParty.callType: "mobile" is not one of ["location","external"]',
      '$.created: "yesterday" is not an ISO 8601 date-time',
      '$.interval: 5 < 10',
      '$.items[0].callType: missing (Webex requires it)',
    ]);
    expect(shapeErrors({}, call)).toEqual([
      '$.id: missing (Webex requires it)',
      '$.remoteParty: missing (Webex requires it)',
      '$.created: missing (Webex requires it)',
    ]);
    expect(shapeErrors({ id: 'a', remoteParty: {}, created: 'x', items: [] }, call)).toContain(
      '$.items: 0 items, the check needs at least 1',
    );
  });

  it('leaves out the documented differences, also inside arrays, and refuses a path the fixture lacks', () => {
    const trimmed = withoutFields(call, ['remoteParty.callType', 'items[].callType', 'created']);
    expect(shapeErrors({ id: 'a', remoteParty: { callType: 1 }, items: [{}] }, trimmed)).toEqual(
      [],
    );
    expect(() => withoutFields(call, ['nowhere'])).toThrow(/nowhere/);
  });

  it('merges allOf parts', () => {
    const merged = resolveShape(
      { allOf: [{ $ref: '#/$defs/Party' }, { type: 'object', required: ['id'] }] },
      defs,
    );
    expect(shapeErrors({ callType: 'location' }, merged)).toEqual([
      '$.id: missing (Webex requires it)',
    ]);
  });
});
