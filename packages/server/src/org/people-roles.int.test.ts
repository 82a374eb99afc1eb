// Role changes through the API and the CLI on the database under test: nobody changes their own
// roles (an administrator cannot make themself a compliance officer), another administrator or
// the operator's `callvault roles` can, and a person given or losing recording access is notified
// (an audit event about them and a `recordingAccess` webhook event) with the change.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenByEmail } from '../auth/auth.service.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { findPersonById } from './people.repository.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = path.join(ROOT, 'packages/server/src/cli/main.ts');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let t: TestApp;
let webhookId: string;

const put = (id: string, headers: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'PUT', url: `/v1/people/${id}`, headers, payload });

const admin = () => bearer(t.seed.admin.token);

function personOf(email: string) {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(`the demo seed has no ${email}`);
  return p;
}

async function rolesOf(id: string): Promise<string[]> {
  const person = await findPersonById(t.db.db, t.seed.orgId, id);
  return [...(person?.roles ?? [])].sort();
}

async function auditOf(action: string, targetId: string) {
  return t.db.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
}

async function deliveriesOf(personId: string) {
  const rows = await t.db.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .execute();
  return rows
    .map((r) => ({
      event: r.event,
      resource: r.resource,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }))
    .filter((d) => d.data.id === personId);
}

beforeAll(async () => {
  t = await createTestApp();
  const hook = await t.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: admin(),
    payload: {
      name: 'access changes',
      targetUrl: 'https://hooks.example.com/callvault',
      resource: 'recordingAccess',
      event: 'all',
    },
  });
  expect(hook.statusCode).toBe(200);
  webhookId = hook.json().id as string;
});
afterAll(async () => {
  await t?.close();
});

describe(`changing roles on ${testDialect}`, () => {
  it('an administrator cannot make themself a compliance officer: 403 OWN_ROLES_UNCHANGEABLE, nothing changed or notified', async () => {
    const res = await put(t.seed.admin.id, admin(), {
      roles: ['fullAdmin', 'complianceOfficer'],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].code).toBe('OWN_ROLES_UNCHANGEABLE');
    expect(res.json().message).toMatch(/cannot change your own roles/);
    expect(await rolesOf(t.seed.admin.id)).toEqual(['fullAdmin', 'user']);
    expect(await auditOf('person.updated', t.seed.admin.id)).toHaveLength(0);
    expect(await auditOf('person.recordingAccessGranted', t.seed.admin.id)).toHaveLength(0);
    expect(await deliveriesOf(t.seed.admin.id)).toEqual([]);
  });

  it('nor add, swap or drop any other role of their own', async () => {
    for (const roles of [
      ['fullAdmin', 'readOnlyAdmin'],
      ['readOnlyAdmin'],
      ['user'],
      ['fullAdmin', 'partnerAdmin'],
    ]) {
      const res = await put(t.seed.admin.id, admin(), { roles });
      expect(res.statusCode, roles.join(',')).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(await rolesOf(t.seed.admin.id)).toEqual(['fullAdmin', 'user']);
    }
    const own = await put(t.seed.admin.id, admin(), { roles: ['readOnlyAdmin'] });
    expect(own.json().errors[0].code).toBe('OWN_ROLES_UNCHANGEABLE');
  });

  it('sending their own unchanged roles back with other changes is allowed', async () => {
    const res = await put(t.seed.admin.id, admin(), {
      roles: ['user', 'fullAdmin'],
      displayName: 'Ada Admin',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().displayName).toBe('Ada Admin');
    expect(await rolesOf(t.seed.admin.id)).toEqual(['fullAdmin', 'user']);
  });

  it('the refusal reaches a console session as the same code (what the console shows)', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@example.com', password: 'callvault-demo-admin' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const res = await put(
      t.seed.admin.id,
      { cookie, 'x-csrf-token': login.json().csrfToken as string },
      { roles: ['fullAdmin', 'complianceOfficer'] },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].code).toBe('OWN_ROLES_UNCHANGEABLE');
  });

  it('an administrator makes someone else a compliance officer: audited with the change and notified', async () => {
    const bob = personOf('bob@example.com');
    const res = await put(bob.id, admin(), { roles: ['user', 'complianceOfficer'] });
    expect(res.statusCode).toBe(200);
    expect(await rolesOf(bob.id)).toEqual(['complianceOfficer', 'user']);

    const updated = await auditOf('person.updated', bob.id);
    expect(updated).toHaveLength(1);
    const granted = await auditOf('person.recordingAccessGranted', bob.id);
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({ actor_id: t.seed.admin.id, target_type: 'person' });
    expect(JSON.parse(granted[0]!.details)).toMatchObject({
      role: 'complianceOfficer',
      personId: bob.id,
      email: 'bob@example.com',
      by: t.seed.admin.id,
    });
    // Written together: the grant follows the update in the audit chain.
    expect(Number(granted[0]!.seq)).toBe(Number(updated[0]!.seq) + 1);
    expect(await deliveriesOf(bob.id)).toEqual([
      {
        event: 'created',
        resource: 'recordingAccess',
        data: expect.objectContaining({ role: 'complianceOfficer', by: t.seed.admin.id }),
      },
    ]);

    // Bob, now a compliance officer, changes nobody's roles, his own included.
    expect((await put(bob.id, bearer(bob.token), { roles: ['user'] })).statusCode).toBe(403);
  });

  it('removing the role is notified as well', async () => {
    const bob = personOf('bob@example.com');
    expect((await put(bob.id, admin(), { roles: ['user'] })).statusCode).toBe(200);
    expect(await auditOf('person.recordingAccessRevoked', bob.id)).toHaveLength(1);
    // The test clock stands still, so both deliveries carry the same time: compare as a set.
    expect((await deliveriesOf(bob.id)).map((d) => d.event).sort()).toEqual(['created', 'deleted']);
  });

  it('creating a person who is a compliance officer notifies too', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: {
        emails: ['cora@example.com'],
        displayName: 'Cora Compliance',
        roles: ['complianceOfficer'],
      },
    });
    expect(res.statusCode).toBe(200);
    const id = res.json().id as string;
    expect(await auditOf('person.recordingAccessGranted', id)).toHaveLength(1);
    expect((await deliveriesOf(id)).map((d) => d.event)).toEqual(['created']);
  });

  it('a second administrator may give the first one the compliance officer role', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: admin(),
      payload: { emails: ['frida@example.com'], displayName: 'Frida', roles: ['fullAdmin'] },
    });
    expect(created.statusCode).toBe(200);
    const { token } = await createTokenByEmail(
      { db: t.db.db, clock: t.clock },
      'frida@example.com',
      {
        name: 'test',
        expiresInMs: 86_400_000,
      },
    );
    const res = await put(t.seed.admin.id, bearer(token), {
      roles: ['fullAdmin', 'complianceOfficer'],
    });
    expect(res.statusCode).toBe(200);
    expect(await rolesOf(t.seed.admin.id)).toEqual(['complianceOfficer', 'fullAdmin', 'user']);
    const granted = await auditOf('person.recordingAccessGranted', t.seed.admin.id);
    expect(granted.map((g) => g.actor_id)).toEqual([created.json().id]);
  });

  it('the operator’s `callvault roles` sets anyone’s roles, audited as the system and notified', async () => {
    const carol = personOf('carol@example.com');
    const env = {
      ...process.env,
      CALLVAULT_DATA_DIR: t.db.dataDir,
      CALLVAULT_DATABASE_URL:
        t.db.config.kind === 'sqlite' ? `sqlite:${t.db.config.file}` : t.db.config.url,
    };
    const { stdout } = await run(
      TSX,
      [CLI, 'roles', '--email', 'carol@example.com', '--set', 'complianceOfficer'],
      { cwd: ROOT, env, timeout: 120_000 },
    );
    expect(stdout).toMatch(/carol@example\.com: complianceOfficer, user/);
    expect(await rolesOf(carol.id)).toEqual(['complianceOfficer', 'user']);
    const granted = await auditOf('person.recordingAccessGranted', carol.id);
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({ actor_type: 'system', actor_id: null });
    expect((await deliveriesOf(carol.id)).map((d) => d.event)).toEqual(['created']);

    const bad = run(TSX, [CLI, 'roles', '--email', 'carol@example.com', '--set', 'boss'], {
      cwd: ROOT,
      env,
      timeout: 120_000,
    });
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringMatching(/unknown role/) });
  }, 120_000);
});
