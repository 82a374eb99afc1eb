// The foundation API in-process (fastify.inject) on the database under test: sessions and CSRF,
// tokens, roles, partner administrators, the organisation resources and their validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganizationWithAdmin } from '../org/organizations.service.js';
import { setPasswordHash, findPersonByEmail, updatePerson } from '../org/people.repository.js';
import { hashPassword } from '../auth/passwords.js';
import { createTokenByEmail } from '../auth/auth.service.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const first = Array.isArray(raw) ? String(raw[0]) : String(raw);
  return first.split(';')[0] ?? '';
}

describe(`console sessions on ${testDialect}`, () => {
  it('login sets an HttpOnly SameSite=Strict cookie; the session answers who is signed in', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@example.com', password: 'callvault-demo-admin' },
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/cv_session=cvs_/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const body = res.json();
    expect(body.user).toMatchObject({
      email: 'admin@example.com',
      roles: ['fullAdmin', 'user'],
      orgName: 'Example Org',
      mustChangePassword: false,
    });
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: cookieOf(res) },
    });
    expect(session.json().user.id).toBe(t.seed.admin.id);
  });

  it('a wrong password is 401 with no cookie, and does not reveal whether the email exists', async () => {
    for (const email of ['admin@example.com', 'nobody@example.com']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: 'wrong' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.json()).toMatchObject({
        message: 'Invalid email or password',
        errors: [{ code: 'AUTH_INVALID_CREDENTIALS' }],
      });
    }
  });

  it('changes through a cookie session need the CSRF token; logout ends the session', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@example.com', password: 'callvault-demo-admin' },
    });
    const cookie = cookieOf(login);
    const csrf = login.json().csrfToken as string;
    const payload = { name: 'Malmö' };
    const without = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().errors[0].code).toBe('CSRF_TOKEN_INVALID');
    const withToken = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: { cookie, 'x-csrf-token': csrf },
      payload,
    });
    expect(withToken.statusCode).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('a one-time password allows nothing but choosing a new password', async () => {
    const org = await createOrganizationWithAdmin(
      { db: t.db.db, clock: t.clock },
      { name: 'OTP Org', adminEmail: 'otp@otp.example' },
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'otp@otp.example', password: org.oneTimePassword },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.mustChangePassword).toBe(true);
    const cookie = cookieOf(login);
    const csrf = login.json().csrfToken as string;
    const blocked = await t.app.inject({ method: 'GET', url: '/v1/people', headers: { cookie } });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().errors[0].code).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { currentPassword: org.oneTimePassword, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { currentPassword: org.oneTimePassword, newPassword: 'a much better password' },
    });
    expect(changed.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/people', headers: { cookie } })).statusCode,
    ).toBe(200);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'otp@otp.example', password: org.oneTimePassword },
    });
    expect(again.statusCode).toBe(401);
  });

  it('login attempts are rate limited per address and email', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.9.9.9',
        payload: { email: 'carol@example.com', password: 'guess' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another person signing in from the same address is not locked out.
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.9.9.9',
      payload: { email: 'admin@example.com', password: 'callvault-demo-admin' },
    });
    expect(other.statusCode).toBe(200);
  });
});

describe(`API tokens on ${testDialect}`, () => {
  it('are created once, listed without the secret, and stop working when revoked', async () => {
    const alice = t.seed.people[0]!;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: bearer(alice.token),
      payload: { name: 'script', expiresInDays: 7 },
    });
    expect(created.statusCode).toBe(200);
    const { id, token } = created.json();
    expect(token).toMatch(/^cvt_/);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/tokens',
      headers: bearer(alice.token),
    });
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect(list.json().items.map((i: { name: string }) => i.name)).toContain('script');
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/people/me', headers: bearer(token) }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/tokens/${id}`,
          headers: bearer(alice.token),
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/people/me', headers: bearer(token) }))
        .statusCode,
    ).toBe(401);
  });

  it('expire', async () => {
    const { token } = await createTokenByEmail({ db: t.db.db, clock: t.clock }, 'bob@example.com', {
      name: 'short',
      expiresInMs: 60_000,
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/people/me', headers: bearer(token) }))
        .statusCode,
    ).toBe(200);
    t.clock.advance(61_000);
    const res = await t.app.inject({ method: 'GET', url: '/v1/people/me', headers: bearer(token) });
    expect(res.statusCode).toBe(401);
    expect(res.json().errors[0].code).toBe('TOKEN_INVALID');
  });
});

describe(`organisation resources on ${testDialect}`, () => {
  const admin = (): { authorization: string } => bearer(t.seed.admin.token);

  it('a location country is its dial plan: upper-cased, and refused when no dial plan knows it', async () => {
    const ok = await t.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: admin(),
      payload: { name: 'Oslo', address: { city: 'Oslo', country: 'no' } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().address).toEqual({ city: 'Oslo', country: 'NO' });
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/v1/locations/${ok.json().id as string}`,
      headers: admin(),
      payload: { address: { country: 'XX' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/address\.country: "XX" is not an ISO 3166-1 alpha-2/);
  });

  it('people: create with defaults, duplicate extension 409, update, delete, all audited', async () => {
    const stockholm = t.seed.locations[0]!.id;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: {
        emails: ['Frank@Example.com'],
        firstName: 'Frank',
        lastName: 'Fors',
        extension: '1010',
        locationId: stockholm,
      },
    });
    expect(res.statusCode).toBe(200);
    const frank = res.json();
    expect(frank).toMatchObject({
      emails: ['frank@example.com'],
      displayName: 'Frank Fors',
      callingLicense: 'none',
      // The location's announcement language: the demo's Stockholm announces in Swedish.
      announcementLanguage: 'sv_se',
      roles: ['user'],
      extension: '1010',
    });
    const clash = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: { emails: ['gina@example.com'], extension: '1001' },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().errors[0].code).toBe('EXTENSION_IN_USE');
    const dupEmail = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: { emails: ['alice@example.com'] },
    });
    expect(dupEmail.json().errors[0].code).toBe('EMAIL_IN_USE');
    const badLocation = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: { emails: ['h@example.com'], locationId: 'nope' },
    });
    expect(badLocation.statusCode).toBe(400);
    const upd = await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${frank.id}`,
      headers: admin(),
      payload: { callingLicense: 'basic', announcementLanguage: 'sv_se' },
    });
    expect(upd.json()).toMatchObject({ callingLicense: 'basic', announcementLanguage: 'sv_se' });
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/people/${frank.id}`, headers: admin() }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/people/${frank.id}`, headers: admin() }))
        .statusCode,
    ).toBe(404);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/audit?targetId=${frank.id}`,
      headers: admin(),
    });
    expect(audit.json().items.map((e: { action: string }) => e.action)).toEqual([
      'person.deleted',
      'person.updated',
      'person.created',
    ]);
  });

  it('people list filters by email, displayName prefix and location', async () => {
    const göteborg = t.seed.locations[1]!.id;
    const byLocation = await t.app.inject({
      method: 'GET',
      url: `/v1/people?locationId=${encodeURIComponent(göteborg)}`,
      headers: admin(),
    });
    expect(
      byLocation
        .json()
        .items.map((p: { emails: string[] }) => p.emails[0])
        .sort(),
    ).toEqual(['carol@example.com', 'dave@example.com']);
    const byEmail = await t.app.inject({
      method: 'GET',
      url: '/v1/people?email=BOB@example.com',
      headers: admin(),
    });
    expect(byEmail.json().items).toHaveLength(1);
    const bad = await t.app.inject({ method: 'GET', url: '/v1/people?max=0', headers: admin() });
    expect(bad.statusCode).toBe(400);
  });

  it('workspaces, virtual lines and call features: CRUD with validation', async () => {
    const stockholm = t.seed.locations[0]!.id;
    const ws = await t.app.inject({
      method: 'POST',
      url: '/v1/workspaces',
      headers: admin(),
      payload: {
        displayName: 'Lobby',
        locationId: stockholm,
        extension: '1901',
        callingLicense: 'professional',
      },
    });
    expect(ws.statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/v1/workspaces?displayName=Lob',
          headers: admin(),
        })
      ).json().items,
    ).toHaveLength(1);
    const vl = await t.app.inject({
      method: 'POST',
      url: '/v1/telephony/config/virtualLines',
      headers: admin(),
      payload: {
        firstName: 'Sales',
        lastName: 'Line',
        locationId: stockholm,
        extension: '1951',
        phoneNumber: '+4685550199',
      },
    });
    expect(vl.json()).toMatchObject({
      displayName: 'Sales Line',
      number: { extension: '1951', external: '+4685550199' },
      location: { name: 'Stockholm' },
    });
    const vls = await t.app.inject({
      method: 'GET',
      url: '/v1/telephony/config/virtualLines',
      headers: admin(),
    });
    expect(
      vls
        .json()
        .virtualLines.map((v: { number: { extension: string } }) => v.number.extension)
        .sort(),
    ).toEqual(['1950', '1951']);
    const numberClash = await t.app.inject({
      method: 'POST',
      url: '/v1/telephony/config/virtualLines',
      headers: admin(),
      payload: {
        firstName: 'X',
        lastName: 'Y',
        locationId: stockholm,
        phoneNumber: '+4685550199',
      },
    });
    expect(numberClash.json().errors[0].code).toBe('NUMBER_IN_USE');
    for (const kind of ['autoAttendants', 'queues', 'huntGroups']) {
      const base = `/v1/telephony/config/locations/${stockholm}/${kind}`;
      const created = await t.app.inject({
        method: 'POST',
        url: base,
        headers: admin(),
        payload: { name: `Main ${kind}`, announcementLanguage: 'sv_se' },
      });
      expect(created.statusCode).toBe(200);
      const list = await t.app.inject({ method: 'GET', url: base, headers: admin() });
      expect(list.json()[kind]).toEqual([
        expect.objectContaining({ name: `Main ${kind}`, announcementLanguage: 'sv_se' }),
      ]);
      const changed = await t.app.inject({
        method: 'PUT',
        url: `${base}/${created.json().id}`,
        headers: admin(),
        payload: { announcementLanguage: 'en_us' },
      });
      expect(changed.json().announcementLanguage).toBe('en_us');
    }
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/v1/telephony/config/locations/unknown/queues',
          headers: admin(),
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/workspaces',
          headers: admin(),
          payload: { displayName: 'X', locationId: stockholm, announcementLanguage: 'english' },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('roles: a read-only admin reads but does not change; a compliance officer reads the directory; a user reads only themself', async () => {
    const ro = await findPersonByEmail(t.db.db, 'dave@example.com');
    await updatePerson(t.db.db, { ...ro!, roles: ['readOnlyAdmin', 'user'] });
    const dave = bearer(t.seed.people[3]!.token);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/people', headers: dave })).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/locations',
          headers: dave,
          payload: { name: 'Nope' },
        })
      ).statusCode,
    ).toBe(403);
    const co = bearer(t.seed.complianceOfficer.token);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/workspaces', headers: co })).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/v1/people/${t.seed.people[0]!.id}`,
          headers: co,
          payload: { displayName: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    const erin = bearer(t.seed.people[4]!.token);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/people/${t.seed.people[4]!.id}`,
          headers: erin,
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/locations', headers: erin })).statusCode,
    ).toBe(403);
  });

  it('a partner administrator acts on its customer orgs with ?orgId= and on no others', async () => {
    const deps = { db: t.db.db, clock: t.clock };
    const customer = await createOrganizationWithAdmin(deps, {
      name: 'Customer AB',
      adminEmail: 'admin@customer.example',
      partnerName: 'Partner One',
    });
    const partnerHome = await createOrganizationWithAdmin(deps, {
      name: 'Partner One Home',
      adminEmail: 'pa@partner.example',
    });
    const pa = await findPersonByEmail(t.db.db, 'pa@partner.example');
    await updatePerson(t.db.db, {
      ...pa!,
      roles: ['partnerAdmin', 'user'],
      partnerId: customer.partnerId,
    });
    await setPasswordHash(
      t.db.db,
      pa!.id,
      await hashPassword('partner-password-1'),
      false,
      t.clock.now(),
    );
    const { token } = await createTokenByEmail(deps, 'pa@partner.example', {
      name: 'p',
      expiresInMs: null,
    });
    const orgs = await t.app.inject({
      method: 'GET',
      url: '/v1/organizations',
      headers: bearer(token),
    });
    expect(
      orgs
        .json()
        .items.map((o: { id: string }) => o.id)
        .sort(),
    ).toEqual([customer.orgId, partnerHome.orgId].sort());
    const people = await t.app.inject({
      method: 'GET',
      url: `/v1/people?orgId=${customer.orgId}`,
      headers: bearer(token),
    });
    expect(people.json().items.map((p: { emails: string[] }) => p.emails[0])).toEqual([
      'admin@customer.example',
    ]);
    const created = await t.app.inject({
      method: 'POST',
      url: `/v1/locations?orgId=${customer.orgId}`,
      headers: bearer(token),
      payload: { name: 'Branch' },
    });
    expect(created.json().orgId).toBe(customer.orgId);
    const notManaged = await t.app.inject({
      method: 'GET',
      url: `/v1/people?orgId=${t.seed.orgId}`,
      headers: bearer(token),
    });
    expect(notManaged.statusCode).toBe(403);
    expect(notManaged.json().errors[0].code).toBe('ORG_NOT_MANAGED');
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/audit?orgId=${customer.orgId}&action=location.created`,
      headers: bearer(token),
    });
    expect(audit.json().items[0].details.viaPartnerOrg).toBe(partnerHome.orgId);
    const asUser = await t.app.inject({
      method: 'GET',
      url: `/v1/people?orgId=${customer.orgId}`,
      headers: bearer(t.seed.admin.token),
    });
    expect(asUser.statusCode).toBe(403);
  });

  it('a partner administrator can never be made a compliance officer', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${t.seed.people[2]!.id}`,
      headers: admin(),
      payload: { roles: ['partnerAdmin', 'complianceOfficer'] },
    });
    expect(res.statusCode).toBe(400);
  });
});
