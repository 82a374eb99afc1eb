// The HTTP layer's defences on the database under test: authentication before any body is read or
// parsed, a bounded JSON nesting depth, the body limit, the session cookie's Secure flag and HSTS
// only when Callvault is served over HTTPS, and a password change ending the other sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { MAX_JSON_DEPTH } from './json-body.js';

let t: TestApp;
let overHttps: TestApp;

beforeAll(async () => {
  [t, overHttps] = await Promise.all([createTestApp(), createTestApp({ https: true })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), overHttps?.close()]);
});

/** `{"a":{"a":…{"a":1}…}}` nested `depth` objects deep. */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const signIn = async (app: TestApp, email: string, password: string) => {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  expect(res.statusCode).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  return {
    setCookie,
    cookie: setCookie.split(';')[0] ?? '',
    csrf: res.json().csrfToken as string,
  };
};

describe(`authentication comes before the body on ${testDialect}`, () => {
  // Each body below fails at once if it is read or parsed (413, 400 JSON_TOO_DEEP, 400 bad JSON);
  // an anonymous request answered 401 shows the server never got that far.
  const bodies: Array<[string, string]> = [
    ['a body nested 100 000 deep (~600 kB)', nested(100_000)],
    ['a body that is not JSON', '{"emails": ["x@example.com"'],
    ['a body above the 1 MiB body limit', `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`],
  ];
  it.each(bodies)('an anonymous POST with %s is 401 UNAUTHENTICATED', async (_what, payload) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().errors[0].code).toBe('UNAUTHENTICATED');
  });

  it('a POST to a path no route serves is 404 before its body is read', async () => {
    for (const payload of [nested(100_000), '{"a":']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/nothing-here',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().errors[0].code).toBe('NOT_FOUND');
    }
  });

  it('a bad Bearer token with such a body is 401 TOKEN_INVALID, and a session without CSRF 403', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer('cvt_nope'), 'content-type': 'application/json' },
      payload: nested(100_000),
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().errors[0].code).toBe('TOKEN_INVALID');
    const { cookie } = await signIn(t, 'admin@example.com', 'callvault-demo-admin');
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { cookie, 'content-type': 'application/json' },
      payload: nested(100_000),
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().errors[0].code).toBe('CSRF_TOKEN_INVALID');
  });

  it(`an authenticated body nested deeper than ${MAX_JSON_DEPTH} is 400 JSON_TOO_DEEP; up to it, the route takes it`, async () => {
    const tooDeep = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(t.seed.admin.token), 'content-type': 'application/json' },
      payload: `{"name":"Too deep","x":${nested(MAX_JSON_DEPTH)}}`,
    });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().errors[0].code).toBe('JSON_TOO_DEEP');

    const deepEnough = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(t.seed.admin.token), 'content-type': 'application/json' },
      payload: `{"name":"Deep","x":${nested(MAX_JSON_DEPTH - 1)}}`,
    });
    expect(deepEnough.statusCode).toBe(200);
    expect(deepEnough.json().name).toBe('Deep');

    // Brackets inside strings are text, not nesting.
    const brackets = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(t.seed.admin.token), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: `[{${'['.repeat(40)} "\\"{` }),
    });
    expect(brackets.statusCode, brackets.body).toBe(200);
  });

  it('an authenticated body above the body limit is 413; malformed JSON 400', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(t.seed.admin.token), 'content-type': 'application/json' },
      payload: `{"name":"${'a'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(big.statusCode).toBe(413);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(t.seed.admin.token), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(bad.statusCode).toBe(400);
    // Prototype poisoning is still refused by Fastify's parser behind the depth check.
    const proto = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { ...bearer(t.seed.admin.token), 'content-type': 'application/json' },
      payload: '{"name":"P","__proto__":{"admin":true}}',
    });
    expect(proto.statusCode).toBe(400);
  });

  it('public routes still parse their bodies (sign-in)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"admin@example.com","password":${nested(MAX_JSON_DEPTH + 1)}}`,
    });
    expect(res.json().errors[0].code).toBe('JSON_TOO_DEEP');
  });
});

describe(`Secure cookie and HSTS on ${testDialect}`, () => {
  it('over plain HTTP: no Secure flag and no Strict-Transport-Security', async () => {
    const { setCookie } = await signIn(t, 'admin@example.com', 'callvault-demo-admin');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).not.toMatch(/;\s*Secure/i);
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.headers['strict-transport-security']).toBeUndefined();
    // The other helmet headers stay.
    expect(health.headers['x-content-type-options']).toBe('nosniff');
  });

  it('served over HTTPS: the session cookie is Secure and every answer carries HSTS', async () => {
    const { setCookie } = await signIn(overHttps, 'admin@example.com', 'callvault-demo-admin');
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/HttpOnly/);
    for (const url of ['/api/health', '/v1/people']) {
      const res = await overHttps.app.inject({ method: 'GET', url });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    }
  });
});

describe(`changing a password on ${testDialect}`, () => {
  it('ends the person’s other console sessions; the session that changed it stays', async () => {
    const email = 'alice@example.com';
    const alice = t.seed.people.find((p) => p.email === email);
    if (!alice) throw new Error('no alice in the demo seed');
    const password = 'callvault-demo-user';
    const here = await signIn(t, email, password);
    const elsewhere = await signIn(t, email, password);
    const session = (cookie: string) =>
      t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect((await session(elsewhere.cookie)).statusCode).toBe(200);

    const change = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: here.cookie, 'x-csrf-token': here.csrf },
      payload: { currentPassword: password, newPassword: 'a-brand-new-password-1' },
    });
    expect(change.statusCode).toBe(204);
    expect((await session(here.cookie)).statusCode).toBe(200);
    expect((await session(elsewhere.cookie)).statusCode).toBe(401);
    // API tokens are not console sessions: they keep working.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/people/me', headers: bearer(alice.token) }))
        .statusCode,
    ).toBe(200);
    const audited = await t.db.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'person.passwordChanged')
      .where('target_id', '=', alice.id)
      .execute();
    expect(audited.map((a) => JSON.parse(a.details))).toEqual([{ endedSessions: 1 }]);
  });

  it('through an API token, every console session of the person ends', async () => {
    const email = 'bob@example.com';
    const bob = t.seed.people.find((p) => p.email === email);
    if (!bob) throw new Error('no bob in the demo seed');
    const console1 = await signIn(t, email, 'callvault-demo-user');
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(bob.token),
      payload: { currentPassword: 'callvault-demo-user', newPassword: 'another-new-password-2' },
    });
    expect(change.statusCode).toBe(204);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: console1.cookie },
    });
    expect(res.statusCode).toBe(401);
  });
});
