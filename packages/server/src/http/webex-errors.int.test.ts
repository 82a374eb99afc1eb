// Webex's error body and routing on the database under test: an integer errorCode (the number
// docs/errors.md gives for the string code), 405 with Allow for a method a path does not take, and
// an empty body under `Content-Type: application/json` where the body is optional.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;
const admin = (): { authorization: string } => bearer(t.seed.admin.token);
const JSON_TYPE = { 'content-type': 'application/json' };

/** The errorCode docs/errors.md documents for each string code. */
const DOCUMENTED = new Map(
  [
    ...fs
      .readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8')
      .matchAll(/^\| (\d{6}) \| ([A-Z_]+) \| (\d{3}) \|/gm),
  ].map((m) => [m[2] ?? '', Number(m[1])]),
);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Asserts the Webex error body with the documented integer for `code`, and returns it. */
function expectWebexError(
  res: { statusCode: number; headers: Record<string, unknown>; json(): any },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  const errorCode = DOCUMENTED.get(code);
  expect(errorCode, `${code} is in docs/errors.md`).toBeDefined();
  expect(Math.floor(errorCode! / 1000)).toBe(status);
  expect(body).toEqual({
    message: expect.any(String),
    errors: expect.arrayContaining([{ description: expect.any(String), errorCode, code }]),
    trackingId: res.headers['trackingid'],
  });
  expect(body.trackingId).toMatch(/^CALLVAULT_/);
  for (const e of body.errors) expect(Number.isInteger(e.errorCode)).toBe(true);
  return body;
}

describe(`Webex error bodies on ${testDialect}`, () => {
  it('an unknown person: 404 with errorCode 404001 and code NOT_FOUND, as wxc_sdk parses it', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS8wMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA',
      headers: admin(),
    });
    const body = expectWebexError(res, 404, 'NOT_FOUND');
    expect(body.errors).toEqual([
      { description: 'Person not found', errorCode: 404001, code: 'NOT_FOUND' },
    ]);
  });

  it('no token, a bad token and a user on an admin endpoint: 401 and 403 with their numbers', async () => {
    expectWebexError(
      await t.app.inject({ method: 'GET', url: '/v1/people' }),
      401,
      'UNAUTHENTICATED',
    );
    expectWebexError(
      await t.app.inject({ method: 'GET', url: '/v1/people', headers: bearer('cvt_nope') }),
      401,
      'TOKEN_INVALID',
    );
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com')!;
    expectWebexError(
      await t.app.inject({
        method: 'GET',
        url: '/v1/telephony/config/callRecording',
        headers: bearer(alice.token),
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('a validation failure: every problem is an entry with errorCode 400001', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: { emails: ['not-an-email'], extension: 'abc' },
    });
    const body = expectWebexError(res, 400, 'VALIDATION_FAILED');
    expect(body.errors.length).toBeGreaterThanOrEqual(2);
    for (const e of body.errors) expect(e).toMatchObject({ errorCode: 400001 });
  });

  it("the HTTP layer's own refusals carry Callvault codes too: bad JSON, wrong content type, too large", async () => {
    expectWebexError(
      await t.app.inject({
        method: 'POST',
        url: '/v1/locations',
        headers: { ...admin(), ...JSON_TYPE },
        payload: '{"name":',
      }),
      400,
      'BAD_REQUEST',
    );
    expectWebexError(
      await t.app.inject({
        method: 'POST',
        url: '/v1/locations',
        headers: { ...admin(), 'content-type': 'application/xml' },
        payload: '<location/>',
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectWebexError(
      await t.app.inject({
        method: 'POST',
        url: '/v1/locations',
        headers: { ...admin(), ...JSON_TYPE },
        payload: `{"name":"${'a'.repeat(2 * 1024 * 1024)}"}`,
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
});

describe(`405 Method Not Allowed on ${testDialect}`, () => {
  it.each([
    ['DELETE', '/v1/telephony/config/callRecording', 'GET, HEAD, PUT'],
    ['POST', '/v1/telephony/config/people/me/settings/callRecording', 'GET, HEAD'],
    ['GET', '/v1/telephony/calls/pauseRecording', 'POST'],
    ['PATCH', '/v1/webhooks/some-id', 'GET, HEAD, PUT, DELETE'],
    // softDelete is also a recording id to GET /v1/convergedRecordings/{id}: both count.
    ['PUT', '/v1/convergedRecordings/softDelete', 'GET, HEAD, POST, DELETE'],
  ])('%s %s is 405 with Allow: %s', async (method, url, allow) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url: `${url}?orgId=ignored`,
      headers: { ...admin(), ...JSON_TYPE },
      payload: method === 'GET' ? undefined : '{"a":',
    });
    const body = expectWebexError(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe(allow);
    expect(body.message).toContain(allow);
  });

  it('a path that no route serves with any method is still 404', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await t.app.inject({ method, url: '/v1/nothing-here', headers: admin() });
      expectWebexError(res, 404, 'NOT_FOUND');
      expect(res.headers.allow).toBeUndefined();
    }
  });
});

describe(`an empty JSON body where the body is optional on ${testDialect}`, () => {
  it('DELETE with Content-Type: application/json and no body deletes (204)', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/workspaces',
      headers: admin(),
      payload: { displayName: 'Empty-body room', locationId: t.seed.locations[0]!.id },
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().id as string;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/workspaces/${id}`,
      headers: { ...admin(), ...JSON_TYPE, 'content-length': '0' },
      payload: '',
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/workspaces/${id}`, headers: admin() }))
        .statusCode,
    ).toBe(404);
  });

  it('a POST without parameters takes an empty JSON body', async () => {
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...admin(), ...JSON_TYPE },
      payload: '',
    });
    expect(logout.statusCode, logout.body).toBe(204);
  });

  it('a route whose body is required refuses the empty body with VALIDATION_FAILED', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...admin(), ...JSON_TYPE },
      payload: '',
    });
    expectWebexError(res, 400, 'VALIDATION_FAILED');
  });
});
