// The foundation end to end: against a running `bin/callvault serve` (SQLite, or PostgreSQL with
// CALLVAULT_TEST_DB=postgres): demo seed, token auth, Webex-shaped errors, per-role scoping,
// and `audit verify` catching an altered audit row.
import Database from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;

async function api(
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('demo seed and the running server', () => {
  it('prints the demo organisation with the people of the issue', () => {
    const { seed } = server;
    expect(seed.locations.map((l) => l.name)).toEqual(['Stockholm', 'Göteborg']);
    expect(seed.people.map((p) => [p.email, p.extension])).toEqual([
      ['alice@example.com', '1001'],
      ['bob@example.com', '1002'],
      ['carol@example.com', '2001'],
      ['dave@example.com', '2002'],
      ['erin@example.com', '1003'],
    ]);
    expect(seed.workspaces).toEqual([
      { id: expect.any(String), name: 'Reception', extension: '1900' },
    ]);
    expect(seed.virtualLines).toEqual([{ id: expect.any(String), extension: '1950' }]);
  });

  it('a second demo-seed changes nothing, prints the same ids and fresh tokens; old tokens stop working', async () => {
    const again = await server.cli(['demo-seed', '--json']);
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout) as typeof server.seed;
    expect(second.orgId).toBe(server.seed.orgId);
    expect(second.people.map((p) => p.id)).toEqual(server.seed.people.map((p) => p.id));
    expect(second.admin.token).not.toBe(server.seed.admin.token);
    expect((await api('GET', '/v1/people/me', server.seed.admin.token)).status).toBe(401);
    expect((await api('GET', '/v1/people/me', second.admin.token)).status).toBe(200);
    server.seed = second;
  });

  it('token auth: /v1/people/me answers for the token’s person; no token or a bad one is 401 in the Webex shape', async () => {
    const alice = server.seed.people[0]!;
    const me = await api('GET', '/v1/people/me', alice.token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      id: alice.id,
      emails: ['alice@example.com'],
      extension: '1001',
      callingLicense: 'professional',
      announcementLanguage: 'en_us',
      sipAddresses: ['alice@example.com'],
    });
    const none = await api('GET', '/v1/people/me', null);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({
      message: expect.any(String),
      errors: [{ description: expect.any(String), errorCode: 401001, code: 'UNAUTHENTICATED' }],
      trackingId: expect.stringMatching(/^CALLVAULT_/),
    });
    expect(
      (await api('GET', '/v1/people/me', 'cvt_not-a-real-token')).json.errors[0],
    ).toMatchObject({ errorCode: 401003, code: 'TOKEN_INVALID' });
  });

  it('Webex-shaped errors: bad input is 400, an unknown id 404', async () => {
    const bad = await api('POST', '/v1/people', server.seed.admin.token, {
      emails: ['not-an-email'],
      extension: 'abc',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.length).toBeGreaterThanOrEqual(2);
    expect(bad.json.errors[0].code).toBe('VALIDATION_FAILED');
    const missing = await api(
      'GET',
      '/v1/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS8wMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA',
      server.seed.admin.token,
    );
    expect(missing.status).toBe(404);
    expect(missing.json.errors[0].code).toBe('NOT_FOUND');
  });

  it('Webex routing over HTTP: 405 with Allow (the console serves GET /* too), an empty JSON body on DELETE', async () => {
    const admin = server.seed.admin.token;
    // GET of a POST-only path reaches the console's catch-all first; it still answers 405.
    const wrong = await api('GET', '/v1/telephony/calls/pauseRecording', admin);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(wrong.json.errors[0]).toMatchObject({ errorCode: 405001, code: 'METHOD_NOT_ALLOWED' });
    const put = await api('PUT', '/v1/people', admin, {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await api('GET', '/v1/no-such-thing', admin)).status).toBe(404);

    const created = await api('POST', '/v1/workspaces', admin, {
      displayName: 'E2E empty body',
      locationId: server.seed.locations[0]!.id,
    });
    expect(created.status).toBe(200);
    const res = await fetch(`${server.url}/v1/workspaces/${created.json.id as string}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '',
    });
    expect(res.status, await res.text()).toBe(204);
  });

  it('per-role scoping: the admin lists and changes people, a user may not, another org’s id is 404', async () => {
    const { admin, people } = server.seed;
    const list = await api('GET', '/v1/people?displayName=Alice', admin.token);
    expect(list.status).toBe(200);
    expect(list.json.items.map((p: { emails: string[] }) => p.emails[0])).toEqual([
      'alice@example.com',
    ]);
    const alice = people[0]!;
    expect((await api('GET', '/v1/people', alice.token)).status).toBe(403);
    expect(
      (await api('PUT', `/v1/people/${people[1]!.id}`, alice.token, { displayName: 'Mallory' }))
        .status,
    ).toBe(403);
    expect((await api('GET', `/v1/people/${people[1]!.id}`, alice.token)).status).toBe(403);

    // A second organisation's admin sees none of the demo org: its ids are 404, not 403.
    const org = await server.cli([
      'org',
      'create',
      '--name',
      'Other Org',
      '--admin-email',
      'root@other.example',
    ]);
    expect(org.code).toBe(0);
    const token = await server.cli(['token', 'create', '--email', 'root@other.example']);
    expect(token.code).toBe(0);
    const otherToken = token.stdout.trim();
    expect((await api('GET', `/v1/people/${alice.id}`, otherToken)).status).toBe(404);
    expect(
      (await api('PUT', `/v1/people/${alice.id}`, otherToken, { displayName: 'x' })).status,
    ).toBe(404);
    expect(
      (await api('GET', `/v1/locations/${server.seed.locations[0]!.id}`, otherToken)).status,
    ).toBe(404);
    expect((await api('GET', '/v1/people', otherToken)).json.items).toHaveLength(1);
  });

  it('paging: max and the Link header walk the whole list', async () => {
    const seen: string[] = [];
    let url: string | null = '/v1/people?max=2';
    while (url) {
      const page = await api('GET', url, server.seed.admin.token);
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((p: { id: string }) => p.id));
      const link = page.headers.get('link');
      url = link
        ? new URL(/<([^>]+)>/.exec(link)![1]!).pathname +
          new URL(/<([^>]+)>/.exec(link)![1]!).search
        : null;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('an admin change is audited and readable at /api/audit; users may not read the audit log', async () => {
    const { admin, people } = server.seed;
    const dave = people[3]!;
    expect(
      (await api('PUT', `/v1/people/${dave.id}`, admin.token, { displayName: 'David Dahl' }))
        .status,
    ).toBe(200);
    const events = await api(
      'GET',
      `/api/audit?action=person.updated&targetId=${dave.id}`,
      admin.token,
    );
    expect(events.status).toBe(200);
    expect(events.json.items[0]).toMatchObject({
      action: 'person.updated',
      actorId: admin.id,
      targetId: dave.id,
      details: { before: { displayName: 'Dave Dahl' }, after: { displayName: 'David Dahl' } },
    });
    expect((await api('GET', '/api/audit', dave.token)).status).toBe(403);
    expect((await api('GET', '/api/audit', server.seed.complianceOfficer.token)).status).toBe(200);
  });

  it('`audit verify` passes on an intact chain and names the event when a row is altered', async () => {
    const ok = await server.cli(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact/);
    const tamper = `update audit_events set details = '{"after":{"displayName":"forged"}}' where seq = 3`;
    if (server.databaseUrl) {
      const c = new pg.Client({ connectionString: server.databaseUrl });
      await c.connect();
      await c.query(tamper);
      await c.end();
    } else {
      const db = new Database(path.join(server.dataDir, 'callvault.db'));
      db.exec(tamper);
      db.close();
    }
    const broken = await server.cli(['audit', 'verify']);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/BROKEN at event 3/);
  });

  it('health, metrics and the OpenAPI document are served', async () => {
    expect((await api('GET', '/api/health', null)).json.status).toBe('ok');
    const metrics = await fetch(`${server.url}/metrics`);
    expect(await metrics.text()).toMatch(/callvault_http_request_duration_seconds/);
    const openapi = await api('GET', '/api/openapi.json', null);
    expect(openapi.json.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json.paths)).toContain('/v1/people/{id}');
  });
});
