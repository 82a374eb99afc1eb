// Webex conformance (SPEC §9.1) on the database under test: every /v1 endpoint of the call-recording
// area checked against Webex's own definitions, kept as data in
// packages/server/test-fixtures/webex-conformance/ (one file per area, a source per endpoint).
// For each endpoint this app routes: the response's names, types, enums and required fields
// (Callvault's own fields may stand beside them), the requests a Webex client sends (Webex query
// values; bodies with nulls and read-only fields) answered as Webex answers them, Callvault's body
// schema taking every Webex field, and for every settings object the read → change → write round
// trip. An endpoint of the fixtures that is not routed must be in NOT_IMPLEMENTED, with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidOfId } from '../ids.js';
import { createSessionRegistry } from '../siprec/session-registry.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { makeTestAudio } from '../recordings/test-audio.js';
import { bearer, createTestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { resolveShape, shapeErrors, withoutFields, type Shape } from './json-shape.js';
import {
  endpointKey,
  loadWebexFixtures,
  type FixtureEndpoint,
  type FixtureFile,
  type Method,
  type Role,
  type RoundTrip,
} from './webex-fixtures.js';

/**
 * Webex endpoints of the fixtures Callvault does not serve, and why (README "Webex compatibility").
 * An entry must go when its endpoint is routed: the check below fails on either mismatch.
 */
const NOT_IMPLEMENTED: Readonly<Record<string, string>> = {};

const fixtures: FixtureFile[] = loadWebexFixtures();
const sessions = createSessionRegistry();
const t = await createTestApp({ sessions });
const ogg = makeTestAudio('ogg', 1);

const alice = t.seed.people.find((p) => p.email === 'alice@example.com');
if (!alice) throw new Error('the demo seed has no alice');
const tokens: Record<Role, string> = {
  admin: t.seed.admin.token,
  co: t.seed.complianceOfficer.token,
  user: alice.token,
};
const params: Record<string, string> = {
  personId: alice.id,
  workspaceId: t.seed.workspaces[0]?.id ?? '',
  virtualLineId: t.seed.virtualLines[0]?.id ?? '',
  locationId: alice.locationId,
  lineOwnerId: t.seed.virtualLines[0]?.id ?? '',
};
const ON_DEMAND = 'On Demand with User Initiated Start';

/** The path with each `{name}` replaced: by `values`, or by a placeholder to ask the router. */
function concrete(path: string, values: Readonly<Record<string, string>> | null): string {
  return path.replace(/\{(\w+)\}/g, (_all, name: string) => {
    if (values === null) return 'x';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}

const isRouted = (e: { method: Method; path: string }): boolean =>
  t.app.allowedMethods(concrete(e.path, null)).includes(e.method);

async function send(
  method: Method,
  path: string,
  as: Role,
  body?: unknown,
  extra: Readonly<Record<string, string>> = {},
) {
  const url = concrete(path, { ...params, ...extra });
  const headers: Record<string, string> = { ...bearer(tokens[as]) };
  // A Webex client sends Content-Type: application/json on every call, with or without a body.
  headers['content-type'] = 'application/json';
  return t.app.inject({
    method,
    url,
    headers,
    ...(body === undefined || body === null ? {} : { payload: JSON.stringify(body) }),
  });
}

/** `$name` and `"$read.x"` in a fixture value, replaced (deeply). */
function substitute(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string' && value.startsWith('$')) {
    const name = value.slice(1);
    if (name.startsWith('read.')) {
      const read = vars.read as Record<string, unknown> | undefined;
      return read?.[name.slice('read.'.length)];
    }
    if (!(name in vars)) throw new Error(`no value for ${value}`);
    return vars[name];
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  }
  return value;
}

function substituteQuery(query: string, vars: Readonly<Record<string, string>>): string {
  return query.replace(/\$(\w+)/g, (_all, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`no value for $${name}`);
    return encodeURIComponent(value);
  });
}

function deepMerge(base: unknown, change: unknown): unknown {
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof change !== 'object' ||
    change === null ||
    Array.isArray(change)
  ) {
    return change;
  }
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(change)) merged[k] = deepMerge(merged[k], v);
  return merged;
}

const statuses = (e: FixtureEndpoint): readonly number[] =>
  typeof e.status === 'number' ? [e.status] : e.status;

/** The documented differences of an endpoint: of its response, or (`request.x`) of its body. */
const responseDiffers = (e: FixtureEndpoint): string[] =>
  Object.keys(e.differs ?? {}).filter((k) => !/^(request|behaviour)\./.test(k));
const requestDiffers = (e: FixtureEndpoint): string[] =>
  Object.keys(e.differs ?? {})
    .filter((k) => k.startsWith('request.'))
    .map((k) => k.slice('request.'.length));

/** `$.items[3].format: …` → `items[].format`: an error's field, as `differs` names fields. */
const fieldOfError = (error: string): string =>
  (error.split(':')[0] ?? '').replace(/^\$\.?/, '').replace(/\[\d+\]/g, '[]');

/**
 * Each documented response difference still holds (else its `differs` entry is stale and must
 * go, so the check covers the field again): the value fails Webex's shape at that field.
 */
function expectDiffersHold(value: unknown, shape: Shape, file: FixtureFile, differs: string[]) {
  const errors = shapeErrors(value, resolveShape(shape, file.$defs)).map(fieldOfError);
  for (const field of differs) {
    expect(
      errors.some((e) => e === field || e.startsWith(`${field}.`)),
      `differs names ${field}, but it matches Webex now: remove the entry`,
    ).toBe(true);
  }
}

function expectShape(
  value: unknown,
  shape: Shape,
  file: FixtureFile,
  differs: readonly string[] = [],
): void {
  const resolved = withoutFields(resolveShape(shape, file.$defs), differs);
  expect(shapeErrors(value, resolved)).toEqual([]);
}

/** A recording of `email`'s, recorded yesterday and stored a minute after the call. */
async function storeRecordingOf(ownerId: string, email: string): Promise<string> {
  const person = await t.db.db
    .selectFrom('people')
    .select(['display_name', 'location_id'])
    .where('id', '=', ownerId)
    .executeTakeFirstOrThrow();
  const timeRecorded = new Date(t.clock.now().getTime() - 86_400_000).toISOString();
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: ogg,
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [
        {
          type: 'user',
          id: ownerId,
          email,
          name: person.display_name,
          locationId: person.location_id,
        },
      ],
      timeRecorded,
      callSessionId: `conformance-${Math.random().toString(36).slice(2)}`,
      callId: `conformance-call@src.example`,
      direction: 'inbound',
      localNumber: '+46701111111',
      remoteNumber: '+46702222222',
      metadata: {
        recordingActions: [{ action: 'start', at: timeRecorded, offsetMs: 0, source: 'mode' }],
      },
      source: 'recorder',
    },
  );
  const id = stored.recordings[0]?.id;
  if (id === undefined) throw new Error('no recording stored');
  return id;
}

const recordingOf: Record<Role, () => Promise<string>> = {
  user: () => storeRecordingOf(alice.id, alice.email),
  co: () => storeRecordingOf(t.seed.complianceOfficer.id, t.seed.complianceOfficer.email),
  admin: () => storeRecordingOf(t.seed.admin.id, t.seed.admin.email),
};

beforeAll(async () => {
  const vendors = await send('GET', '/v1/telephony/config/callRecording/vendors', 'admin');
  params.vendorId = String(vendors.json().vendorId);
  const job = await send('PUT', '/v1/telephony/config/callRecording/vendor', 'admin', {
    vendorId: params.vendorId,
  });
  params.jobId = String(job.json().jobId);
  const webhook = await send('POST', '/v1/webhooks', 'admin', {
    name: 'Conformance',
    targetUrl: 'https://hooks.example.com/conformance',
    resource: 'convergedRecordings',
    event: 'all',
  });
  params.webhookId = String(webhook.json().id);
  const secondary = await send(
    'PUT',
    `/api/virtual-lines/{lineOwnerId}/secondaryLineUsers`,
    'admin',
    { personIds: [alice.id] },
  );
  expect(secondary.statusCode).toBe(204);
  params.recordingId = await recordingOf.user();
  // A live call of alice's in On Demand: start, pause, resume and stop are all allowed, in order.
  const onDemand = await send('PUT', '/v1/people/{personId}/features/callRecording', 'admin', {
    enabled: true,
    record: ON_DEMAND,
  });
  expect(onDemand.statusCode).toBe(204);
  params.callId = 'conformance-live@src.example';
  sessions.calls.open({
    sessionId: 'conformance-live',
    callId: params.callId,
    orgId: t.seed.orgId,
    startedAt: t.clock.now().getTime(),
    parties: [
      { id: 'p-owner', aor: 'sip:alice@example.com' },
      { id: 'p-remote', aor: 'tel:+15550100', name: 'Caller' },
    ],
    owners: [
      {
        id: alice.id,
        kind: 'person',
        displayName: 'Alice',
        participantId: 'p-owner',
        mode: ON_DEMAND,
        failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
      },
    ],
  });
});
afterAll(async () => {
  await t.close();
});

const queryVars = (): Record<string, string> => ({
  ownerUuid: uuidOfId(alice.id),
  daysAgo7: new Date(t.clock.now().getTime() - 7 * 86_400_000).toISOString(),
});

describe(`the Webex conformance fixtures on ${testDialect}`, () => {
  it('name every endpoint once, each with a source, and every endpoint is routed or listed as not implemented (with why)', () => {
    const keys = fixtures.flatMap((f) => (f.endpoints ?? []).map(endpointKey));
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of fixtures) {
      expect(Object.keys(f.sources).length).toBeGreaterThan(0);
      for (const e of [...(f.endpoints ?? []), ...(f.cases ?? [])]) {
        expect(e.source, `${endpointKey(e)} in ${f.file}`).toMatch(/\S/);
      }
    }
    const wrong = fixtures
      .flatMap((f) => f.endpoints ?? [])
      .filter((e) => isRouted(e) === endpointKey(e) in NOT_IMPLEMENTED)
      .map(
        (e) =>
          `${endpointKey(e)}: ${isRouted(e) ? 'routed but listed' : 'neither routed nor listed'}`,
      );
    expect(wrong).toEqual([]);
    for (const key of Object.keys(NOT_IMPLEMENTED)) expect(keys).toContain(key);
  });
});

/** The request body schema Callvault publishes for an endpoint (its OpenAPI document). */
function callvaultBodySchema(e: FixtureEndpoint): Shape | undefined {
  const document = t.app.swagger() as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: Shape }> } }>
    >;
  };
  const wanted = e.path.replace(/\{\w+\}/g, '{}');
  const [, item] =
    Object.entries(document.paths).find(([p]) => p.replace(/\{\w+\}/g, '{}') === wanted) ?? [];
  return item?.[e.method.toLowerCase()]?.requestBody?.content['application/json']?.schema;
}

async function checkGet(file: FixtureFile, e: FixtureEndpoint): Promise<void> {
  for (const query of e.webexQueries ?? []) {
    const url = `${e.path}?${substituteQuery(query, queryVars())}`;
    const res = await send('GET', url, e.as);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  }
  const url = e.query !== undefined ? `${e.path}?${e.query}` : e.path;
  const res = await send('GET', url, e.as);
  expect(statuses(e), res.body).toContain(res.statusCode);
  if (e.response) {
    expectShape(res.json(), e.response, file, responseDiffers(e));
    expectDiffersHold(res.json(), e.response, file, responseDiffers(e));
  }
}

async function checkBodies(file: FixtureFile, e: FixtureEndpoint): Promise<void> {
  const bodies = e.webexBodies ?? [null];
  for (const body of bodies) {
    const needsRecording =
      e.freshRecordingPerBody === true || JSON.stringify(body).includes('$recordingId');
    const recordingId = needsRecording ? await recordingOf[e.as]() : params.recordingId;
    if (e.before === 'softDelete') {
      const trashed = await send('POST', '/v1/convergedRecordings/softDelete', e.as, {
        recordingIds: [recordingId],
      });
      expect(trashed.statusCode).toBe(204);
    }
    const payload = substitute(body, { ...params, recordingId });
    if (e.request && payload !== null) expectShape(payload, e.request, file);
    const res = await send(e.method, e.path, e.as, payload, recordingId ? { recordingId } : {});
    expect(statuses(e), `${JSON.stringify(payload)} → ${res.body}`).toContain(res.statusCode);
    if (e.response && res.statusCode === 200)
      expectShape(res.json(), e.response, file, responseDiffers(e));
  }
}

async function checkRoundTrip(file: FixtureFile, e: FixtureEndpoint, rt: RoundTrip) {
  const read = async (): Promise<Record<string, unknown>> => {
    const res = await send('GET', rt.read, e.as);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const write = async (body: unknown, isWebexRequest = true) => {
    if (e.request && isWebexRequest) expectShape(body, e.request, file);
    const res = await send(e.method, e.path, e.as, body);
    expect(statuses(e), `${JSON.stringify(body)} → ${res.body}`).toContain(res.statusCode);
    if (e.response && res.statusCode === 200)
      expectShape(res.json(), e.response, file, responseDiffers(e));
  };
  const client = file.$defs.WebexClientPut;
  const bodies = rt.webexClient === true ? [client?.body] : (rt.webexBodies ?? []);
  for (const body of bodies) {
    const before = await read();
    await write(substitute(body, { ...params, read: before }));
  }
  if (bodies.length > 0) {
    const expected =
      rt.webexClient === true
        ? client?.expect
        : (rt.expect ?? substitute(bodies[bodies.length - 1], { ...params, read: await read() }));
    expect(await read()).toMatchObject(expected as Record<string, unknown>);
  }
  if (rt.change !== undefined) {
    // The whole object as read (read-only fields and Callvault's own fields too) with one change,
    // or only the fields of Webex's request when the fixture says the whole object differs.
    const changed = deepMerge(await read(), rt.change) as Record<string, unknown>;
    const fields = Object.keys(resolveShape(e.request ?? {}, file.$defs).properties ?? {});
    await write(
      rt.writeBack === 'webexRequestFields'
        ? Object.fromEntries(Object.entries(changed).filter(([k]) => fields.includes(k)))
        : changed,
      rt.writeBack === 'webexRequestFields',
    );
    expect(await read()).toMatchObject(rt.change);
  }
  if (rt.restore !== undefined) await write(rt.restore);
}

for (const file of fixtures) {
  describe(`Webex conformance: ${file.area} (${file.file}) on ${testDialect}`, () => {
    for (const e of (file.endpoints ?? []).filter(isRouted)) {
      const label = endpointKey(e);
      if (e.method === 'GET') {
        it(`${label}: takes Webex's query values and answers Webex's names, types, enums and required fields`, () =>
          checkGet(file, e));
      } else if (e.roundTrip !== undefined) {
        const rt = e.roundTrip;
        it(`${label}: the JSON a Webex client sends is taken, and read → change → write round-trips`, () =>
          checkRoundTrip(file, e, rt));
      } else {
        it(`${label}: the requests a Webex client sends are answered as Webex answers them`, () =>
          checkBodies(file, e));
      }
      const request = e.request;
      if (request !== undefined) {
        it(`${label}: Callvault's body schema has every Webex field and requires none Webex does not`, () => {
          const webex = resolveShape(request, file.$defs);
          const callvault = callvaultBodySchema(e);
          expect(callvault, 'Callvault publishes a body schema').toBeDefined();
          const known = Object.keys((callvault as { properties?: object }).properties ?? {});
          const unsupported = requestDiffers(e);
          const webexFields = Object.keys(webex.properties ?? {}).filter(
            (k) => !unsupported.includes(k),
          );
          expect(known).toEqual(expect.arrayContaining(webexFields));
          const required = ((callvault as { required?: string[] }).required ?? []).filter(
            (k) => !unsupported.includes(k),
          );
          expect(webex.required ?? []).toEqual(expect.arrayContaining(required));
          // A documented request difference must still hold: Callvault lacks or requires it.
          const callvaultRequired = (callvault as { required?: string[] }).required ?? [];
          for (const field of unsupported) {
            expect(
              !known.includes(field) || callvaultRequired.includes(field),
              `differs names request.${field}, but Callvault takes it as Webex does now: remove the entry`,
            ).toBe(true);
          }
        });
      }
    }
    for (const c of file.cases ?? []) {
      it(c.name, async () => {
        const res = await send(c.method, c.path, c.as, c.body);
        expect(res.statusCode, res.body).toBe(c.status);
        for (const [name, value] of Object.entries(c.headers ?? {})) {
          expect(res.headers[name]).toBe(value);
        }
        expectShape(res.json(), c.response, file);
      });
    }
  });
}
