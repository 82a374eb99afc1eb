// The console language a person chooses is remembered on their profile: the session answers it as
// `language`, null until chosen; a change is audited; only the two console languages are taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function signIn(email: string, password: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  expect(res.statusCode).toBe(200);
  return { cookie: cookieOf(res), csrf: res.json().csrfToken as string, user: res.json().user };
}

describe(`console language on ${testDialect}`, () => {
  it('is null until chosen, then the session and every later sign-in answer it', async () => {
    const bob = t.seed.people.find((p) => p.email === 'bob@example.com')!;
    const first = await signIn(bob.email, bob.password);
    expect(first.user.language).toBeNull();

    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/language',
      headers: { cookie: first.cookie, 'x-csrf-token': first.csrf },
      payload: { language: 'sv' },
    });
    expect(put.statusCode).toBe(204);

    const session = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: first.cookie },
    });
    expect(session.json().user.language).toBe('sv');
    const again = await signIn(bob.email, bob.password);
    expect(again.user.language).toBe('sv');

    const audit = await t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'person.consoleLanguageChanged')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.target_id).toBe(bob.id);

    const forget = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/language',
      headers: bearer(bob.token),
      payload: { language: null },
    });
    expect(forget.statusCode).toBe(204);
    expect((await signIn(bob.email, bob.password)).user.language).toBeNull();
  });

  it('choosing the language already remembered changes and audits nothing', async () => {
    const carol = t.seed.people.find((p) => p.email === 'carol@example.com')!;
    const count = async () =>
      (
        await t.db.db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'person.consoleLanguageChanged')
          .where('target_id', '=', carol.id)
          .execute()
      ).length;
    for (const _ of [1, 2]) {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/auth/language',
        headers: bearer(carol.token),
        payload: { language: 'en' },
      });
      expect(res.statusCode).toBe(204);
    }
    expect(await count()).toBe(1);
  });

  it('refuses a language the console is not written in, and a request without credentials', async () => {
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com')!;
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/language',
      headers: bearer(alice.token),
      payload: { language: 'de' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].code).toBe('VALIDATION_FAILED');
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/language',
      payload: { language: 'sv' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
