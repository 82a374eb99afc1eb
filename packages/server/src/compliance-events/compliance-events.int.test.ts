// Webex's Compliance Events API on the database under test (SQLite or PostgreSQL): every change to
// a recording (new, recycle bin, restore, purge, permanent delete) is listed for a compliance
// officer with Webex's shape, newest first; the query parameters filter; pages follow the Link
// header to the end; other roles get 403; each read is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidOfId } from '../ids.js';
import { recordingCreatedWebhooks } from '../recordings/recording-events.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { drainTestOutbox } from '../testing/outbox.js';
import { testDialect } from '../testing/test-database.js';

interface Event {
  id: string;
  resource: string;
  type: string;
  eventSubType?: string;
  appId: string;
  actorId: string;
  orgId: string;
  created: string;
  data: { id: string; ownerId: string; ownerEmail: string; status: string; orgId: string };
}

let t: TestApp;
const person = (email: string) => {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return p;
};
const get = (url: string, token: string) =>
  t.app.inject({ method: 'GET', url, headers: bearer(token) });
const post = (url: string, token: string, body: object) =>
  t.app.inject({ method: 'POST', url, headers: bearer(token), payload: body });
const LIST = '/v1/events?resource=convergedRecordings&serviceType=calling';

/** What the setup did, newest last: [type, sub-type, recording, actor]. */
const history: Array<[string, string | null, string, string]> = [];
const ids = { a1: '', a2: '', b1: '' };
let startedAt = '';
let midpoint = '';

async function store(email: string): Promise<string> {
  t.clock.advance(1000);
  const owner: RecordingOwner = {
    type: 'user',
    id: person(email).id,
    email,
    name: email,
    locationId: person(email).locationId,
  };
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: Buffer.alloc(800, history.length + 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner],
      timeRecorded: '2026-03-01T09:00:00.000Z',
      source: 'recorder',
    },
  );
  // The "created" event follows the stored recording, as a worker would write it.
  await drainTestOutbox({ db: t.db.db, clock: t.clock, blobStore: t.blobStore }, [
    recordingCreatedWebhooks,
  ]);
  const id = stored.recordings[0]?.id ?? '';
  history.push(['created', null, id, person(email).id]);
  return id;
}

async function change(
  step: 'softDelete' | 'restore' | 'purge',
  subType: string,
  email: string,
  id: string,
): Promise<void> {
  t.clock.advance(1000);
  const res = await post(`/v1/convergedRecordings/${step}`, person(email).token, {
    recordingIds: [id],
  });
  expect(res.statusCode).toBe(204);
  history.push(['updated', subType, id, person(email).id]);
}

beforeAll(async () => {
  t = await createTestApp();
  startedAt = t.clock.now().toISOString();
  ids.a1 = await store('alice@example.com');
  ids.a2 = await store('alice@example.com');
  await change('softDelete', 'TRASH', 'alice@example.com', ids.a1);
  midpoint = new Date(t.clock.now().getTime() + 500).toISOString();
  ids.b1 = await store('bob@example.com');
  await change('restore', 'RESTORE', 'alice@example.com', ids.a1);
  await change('softDelete', 'TRASH', 'alice@example.com', ids.a1);
  await change('purge', 'PURGE', 'alice@example.com', ids.a1);
  // A compliance officer's permanent delete removes the recording: Webex's `deleted`.
  t.clock.advance(1000);
  const del = await t.app.inject({
    method: 'DELETE',
    url: `/v1/convergedRecordings/${ids.b1}`,
    headers: bearer(t.seed.complianceOfficer.token),
    payload: { reason: 'legal', comment: 'requested by counsel' },
  });
  expect(del.statusCode).toBe(204);
  history.push(['deleted', null, ids.b1, t.seed.complianceOfficer.id]);
  t.clock.advance(1000);
});
afterAll(async () => {
  await t.close();
});

describe(`GET /v1/events on ${testDialect}`, () => {
  const co = () => t.seed.complianceOfficer.token;

  it('lists every change to the org’s recordings newest first, in Webex’s shape', async () => {
    const res = await get(LIST, co());
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Event[] }>().items;
    expect(items.map((e) => [e.type, e.eventSubType ?? null, e.data.id, e.actorId])).toEqual(
      [...history].reverse(),
    );
    for (const e of items) {
      expect(Object.keys(e).sort()).toEqual(
        [
          'actorId',
          'appId',
          'created',
          'data',
          'id',
          'orgId',
          'resource',
          'type',
          ...(e.eventSubType !== undefined ? ['eventSubType'] : []),
        ].sort(),
      );
      expect(e.resource).toBe('convergedRecordings');
      expect(e.orgId).toBe(t.seed.orgId);
      expect(Buffer.from(e.id, 'base64url').toString()).toMatch(/^ciscospark:\/\/us\/EVENT\//);
      expect(new Date(e.created).toISOString()).toBe(e.created);
      // The recording as the change left it, with the plain UUID owner Webex shows.
      expect(e.data.orgId).toBe(t.seed.orgId);
      expect(e.data.ownerId).toBe(
        uuidOfId(
          e.data.id === ids.b1 ? person('bob@example.com').id : person('alice@example.com').id,
        ),
      );
    }
    const statuses = items.filter((e) => e.data.id === ids.a1).map((e) => e.data.status);
    expect(statuses).toEqual(['purged', 'deleted', 'available', 'deleted', 'available']);
    // The permanent delete is there although the recording is gone.
    expect(items[0]).toMatchObject({ type: 'deleted', data: { id: ids.b1, status: 'available' } });
  });

  it('filters by type, actorId (either id form), from and to', async () => {
    const list = async (query: string) => {
      const res = await get(`${LIST}&${query}`, co());
      expect(res.statusCode).toBe(200);
      return res.json<{ items: Event[] }>().items;
    };
    expect((await list('type=created')).map((e) => e.data.id)).toEqual([ids.b1, ids.a2, ids.a1]);
    expect(await list('type=ended')).toEqual([]);
    const alice = person('alice@example.com').id;
    const byAlice = history.filter((h) => h[3] === alice).length;
    expect(await list(`actorId=${encodeURIComponent(alice)}`)).toHaveLength(byAlice);
    expect(await list(`actorId=${uuidOfId(alice)}`)).toHaveLength(byAlice);
    expect(
      (await list(`actorId=${encodeURIComponent(t.seed.complianceOfficer.id)}`)).map((e) => e.type),
    ).toEqual(['deleted']);
    // `from` is inclusive, `to` exclusive: the halves split the history without overlap.
    const before = await list(`from=${startedAt}&to=${midpoint}`);
    const after = await list(`from=${midpoint}`);
    expect(before.map((e) => e.type)).toEqual(['updated', 'created', 'created']);
    expect(before.length + after.length).toBe(history.length);
  });

  it('pages with max and the Link header to the end', async () => {
    const all = (await get(LIST, co())).json<{ items: Event[] }>().items;
    const seen: string[] = [];
    let url: string | null = `${LIST}&max=3`;
    let pages = 0;
    while (url !== null) {
      const res = await get(url, co());
      expect(res.statusCode).toBe(200);
      const items = res.json<{ items: Event[] }>().items;
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items.map((e) => e.id));
      pages++;
      const link = res.headers.link;
      const next = typeof link === 'string' ? /<([^>]+)>; rel="next"/.exec(link)?.[1] : undefined;
      if (next !== undefined) {
        const u = new URL(next);
        expect(u.searchParams.get('serviceType')).toBe('calling');
        url = u.pathname + u.search;
      } else {
        url = null;
      }
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect(pages).toBe(Math.ceil(history.length / 3));
  });

  it('shows one event by id', async () => {
    const [first] = (await get(`${LIST}&max=1`, co())).json<{ items: Event[] }>().items;
    if (!first) throw new Error('no event');
    const one = await get(`/v1/events/${first.id}`, co());
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(first);
    expect((await get('/v1/events/nope', co())).statusCode).toBe(404);
  });

  it('has nothing for other resources or service types, and checks its parameters', async () => {
    for (const query of ['resource=meetings', 'resource=messages&type=created']) {
      const res = await get(`/v1/events?${query}`, co());
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ items: [] });
    }
    const assist = await get(
      '/v1/events?resource=convergedRecordings&serviceType=customerAssist',
      co(),
    );
    expect(assist.json()).toEqual({ items: [] });
    expect(
      (await get('/v1/events?resource=convergedRecordings&serviceType=all', co())).json<{
        items: Event[];
      }>().items,
    ).toHaveLength(history.length);
    for (const bad of [
      'resource=convergedRecordings',
      'resource=convergedRecordings&serviceType=calling&to=2099-01-01T00:00:00.000Z',
      `resource=convergedRecordings&serviceType=calling&from=${midpoint}&to=${startedAt}`,
      'resource=convergedRecordings&serviceType=calling&from=yesterday',
      'resource=convergedRecordings&serviceType=calling&max=1001',
      'resource=recordings&serviceType=calling',
      'resource=convergedRecordings&serviceType=calling&cursor=xyz',
    ]) {
      const res = await get(`/v1/events?${bad}`, co());
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it('is for compliance officers only; each read is audited', async () => {
    for (const token of [t.seed.admin.token, person('alice@example.com').token]) {
      expect((await get(LIST, token)).statusCode).toBe(403);
    }
    const [first] = (await get(`${LIST}&max=1`, co())).json<{ items: Event[] }>().items;
    expect((await get(`/v1/events/${first?.id ?? ''}`, t.seed.admin.token)).statusCode).toBe(403);
    const audited = await t.db.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('action', 'in', ['complianceEvent.listed', 'complianceEvent.viewed'])
      .execute();
    expect(audited.length).toBeGreaterThan(0);
    expect(audited.every((a) => a.actor_id === t.seed.complianceOfficer.id)).toBe(true);
  });
});
