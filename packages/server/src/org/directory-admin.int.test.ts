// Directory administration through the API on the database under test: an administrator sets
// another person's console password (given, or a generated one-time one), deletes an empty
// location, and a read-only administrator sees the directory but changes nothing. Each change is
// audited with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenByEmail } from '../auth/auth.service.js';
import { SESSION_COOKIE } from '../http/auth-hook.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;
let readOnly: { authorization: string };

const admin = () => bearer(t.seed.admin.token);

async function auditOf(action: string, targetId: string) {
  return t.db.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
}

async function login(email: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
}

function personOf(email: string) {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(`the demo seed has no ${email}`);
  return p;
}

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/people',
    headers: admin(),
    payload: { emails: ['viewer@example.com'], displayName: 'Viewer', roles: ['readOnlyAdmin'] },
  });
  expect(created.statusCode).toBe(200);
  const token = await createTokenByEmail({ db: t.db.db, clock: t.clock }, 'viewer@example.com', {
    name: 'read-only',
    expiresInMs: 3_600_000,
  });
  readOnly = bearer(token.token);
});
afterAll(async () => {
  await t?.close();
});

describe(`an administrator sets a console password on ${testDialect}`, () => {
  it('generates a one-time password that signs in once and must be changed; the old sessions end; audited', async () => {
    const bob = personOf('bob@example.com');
    const before = await login(bob.email, bob.password);
    expect(before.statusCode).toBe(200);
    const cookie = before.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/people/${bob.id}/password`,
      headers: admin(),
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ oneTimePassword: string; mustChangePassword: boolean }>();
    expect(body.oneTimePassword).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(body.mustChangePassword).toBe(true);

    // The session opened with the old password has ended, and the old password no longer works.
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { [SESSION_COOKIE]: cookie?.value ?? '' },
    });
    expect(session.statusCode).toBe(401);
    expect((await login(bob.email, bob.password)).statusCode).toBe(401);
    const signedIn = await login(bob.email, body.oneTimePassword);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.mustChangePassword).toBe(true);

    const events = await auditOf('person.passwordSet', bob.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.actor_id).toBe(t.seed.admin.id);
    expect(JSON.parse(events[0]?.details ?? '{}')).toMatchObject({
      oneTime: true,
      mustChange: true,
      endedSessions: 1,
    });
  });

  it('sets a given password, kept when mustChange is false', async () => {
    const carol = personOf('carol@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/people/${carol.id}/password`,
      headers: admin(),
      payload: { password: 'a long chosen password', mustChange: false },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ oneTimePassword: null, mustChangePassword: false });
    const signedIn = await login(carol.email, 'a long chosen password');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.mustChangePassword).toBe(false);
  });

  it('refuses a short password with the schema rule, its own password, and read-only administrators', async () => {
    const carol = personOf('carol@example.com');
    const short = await t.app.inject({
      method: 'POST',
      url: `/api/people/${carol.id}/password`,
      headers: admin(),
      payload: { password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].code).toBe('VALIDATION_FAILED');

    const own = await t.app.inject({
      method: 'POST',
      url: `/api/people/${t.seed.admin.id}/password`,
      headers: admin(),
      payload: {},
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().errors[0].code).toBe('FORBIDDEN');

    const viewer = await t.app.inject({
      method: 'POST',
      url: `/api/people/${carol.id}/password`,
      headers: readOnly,
      payload: {},
    });
    expect(viewer.statusCode).toBe(403);
    expect(await auditOf('person.passwordSet', t.seed.admin.id)).toHaveLength(0);
  });

  it('answers 404 for a person of another org or none', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/people/nobody/password',
      headers: admin(),
      payload: {},
    });
    expect(res.statusCode).toBe(404);
  });
});

describe(`deleting a location on ${testDialect}`, () => {
  it('refuses a location that still has people with LOCATION_IN_USE', async () => {
    const location = t.seed.locations[0];
    if (!location) throw new Error('the demo seed has no location');
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/locations/${location.id}`,
      headers: admin(),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0].code).toBe('LOCATION_IN_USE');
    const still = await t.app.inject({
      method: 'GET',
      url: `/v1/locations/${location.id}`,
      headers: admin(),
    });
    expect(still.statusCode).toBe(200);
  });

  it('deletes an empty location with its recording settings; audited; read-only administrators cannot', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: admin(),
      payload: { name: 'Short-lived', timeZone: 'Europe/Stockholm' },
    });
    expect(created.statusCode).toBe(200);
    const id = created.json<{ id: string }>().id;
    // Give it its own recording settings, which go with it.
    const vendor = await t.app.inject({
      method: 'GET',
      url: `/v1/telephony/config/locations/${id}/callRecording/vendors`,
      headers: admin(),
    });
    expect(vendor.statusCode).toBe(200);

    const denied = await t.app.inject({
      method: 'DELETE',
      url: `/v1/locations/${id}`,
      headers: readOnly,
    });
    expect(denied.statusCode).toBe(403);

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/locations/${id}`,
      headers: admin(),
    });
    expect(res.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: 'GET',
      url: `/v1/locations/${id}`,
      headers: admin(),
    });
    expect(gone.statusCode).toBe(404);
    const events = await auditOf('location.deleted', id);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.details ?? '{}')).toMatchObject({
      before: { name: 'Short-lived' },
    });
  });
});

describe(`a read-only administrator on ${testDialect}`, () => {
  it('lists people, locations, workspaces and virtual lines but creates, changes and deletes none', async () => {
    for (const url of [
      '/v1/people',
      '/v1/locations',
      '/v1/workspaces',
      '/v1/telephony/config/virtualLines',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: readOnly });
      expect(res.statusCode, url).toBe(200);
    }
    const location = t.seed.locations[0];
    if (!location) throw new Error('the demo seed has no location');
    const attempts = [
      { method: 'POST' as const, url: '/v1/people', payload: { emails: ['x@example.com'] } },
      {
        method: 'PUT' as const,
        url: `/v1/people/${personOf('dave@example.com').id}`,
        payload: { roles: ['user', 'complianceOfficer'] },
      },
      { method: 'DELETE' as const, url: `/v1/people/${personOf('dave@example.com').id}` },
      { method: 'POST' as const, url: '/v1/locations', payload: { name: 'Nope' } },
      {
        method: 'POST' as const,
        url: '/v1/workspaces',
        payload: { displayName: 'Nope', locationId: location.id },
      },
      {
        method: 'POST' as const,
        url: `/v1/telephony/config/locations/${location.id}/huntGroups`,
        payload: { name: 'Nope' },
      },
    ];
    for (const attempt of attempts) {
      const res = await t.app.inject({ ...attempt, headers: readOnly });
      expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
    }
  });
});
