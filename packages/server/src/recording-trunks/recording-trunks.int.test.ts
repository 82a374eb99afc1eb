// Trunk changes through the API reach this process's recorder at once: onTrunksChanged runs
// after each committed create, update and delete, and not for a refused request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;
let changes = 0;

beforeAll(async () => {
  t = await createTestApp({ onTrunksChanged: () => changes++ });
});
afterAll(async () => {
  await t.close();
});

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: bearer(t.seed.admin.token),
    ...(payload ? { payload } : {}),
  });
  return {
    status: res.statusCode,
    body: res.body ? res.json<{ id: string; mediaLatching?: string }>() : null,
  };
}

describe(`recording trunk changes tell the recorder on ${testDialect}`, () => {
  it('runs onTrunksChanged after a committed create, update and delete only', async () => {
    expect(
      (await call('POST', '/api/recording-trunks', { name: 'x', allowedSources: ['nope'] })).status,
    ).toBe(400);
    expect(changes).toBe(0);
    const created = await call('POST', '/api/recording-trunks', {
      name: 'SBC pool',
      allowedSources: ['198.51.100.0/24'],
    });
    expect(created.status).toBe(200);
    expect(changes).toBe(1);
    await call('PUT', `/api/recording-trunks/${created.body!.id}`, { enabled: false });
    expect(changes).toBe(2);
    expect((await call('DELETE', `/api/recording-trunks/${created.body!.id}`)).status).toBe(204);
    expect(changes).toBe(3);
  });

  it('media latching: first-source by default, signalled on request, audited, nothing else accepted', async () => {
    const created = await call('POST', '/api/recording-trunks', {
      name: 'NAT SBC',
      allowedSources: ['203.0.113.0/24'],
    });
    expect(created.body!.mediaLatching).toBe('first-source');
    const id = created.body!.id;
    const changed = await call('PUT', `/api/recording-trunks/${id}`, {
      mediaLatching: 'signalled',
    });
    expect(changed.body!.mediaLatching).toBe('signalled');
    expect((await call('GET', `/api/recording-trunks/${id}`)).body!.mediaLatching).toBe(
      'signalled',
    );
    const refused = await call('PUT', `/api/recording-trunks/${id}`, { mediaLatching: 'any' });
    expect(refused.status).toBe(400);
    const audit = await t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'recordingTrunk.updated')
      .where('target_id', '=', id)
      .execute();
    expect(audit.map((a) => a.details).join()).toContain('signalled');
    await call('DELETE', `/api/recording-trunks/${id}`);
  });
});
