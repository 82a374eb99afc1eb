// Searches by name, topic, owner and audit action on the database under test: `%`, `_` and `\` in
// what a person types match those characters, never "anything" or "any one character".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeRecording } from './recording-store.service.js';
import { makeTestAudio } from './test-audio.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { escapeLike } from '../db/paging.js';

let t: TestApp;
let locationId: string;

// "Lk " keeps the demo seed's names (Alice, Ada …) out of the results.
const NAMES = ['Lk 50% Off', 'Lk 500 Club', 'Lk a_b', 'Lk axb', 'Lk a\\b', 'Lk a\\\\b'];

const get = (url: string, token = t.seed.admin.token) =>
  t.app.inject({ method: 'GET', url, headers: bearer(token) });
const post = async (url: string, payload: object) => {
  const res = await t.app.inject({
    method: 'POST',
    url,
    headers: bearer(t.seed.admin.token),
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ id: string }>();
};

const q = (value: string): string => encodeURIComponent(value);

beforeAll(async () => {
  t = await createTestApp();
  locationId = (await post('/v1/locations', { name: 'Like HQ' })).id;
  for (const [i, name] of NAMES.entries()) {
    await post('/v1/locations', { name });
    await post('/v1/workspaces', { displayName: name, locationId });
    await post('/v1/telephony/config/virtualLines', {
      firstName: 'V',
      lastName: String(i),
      displayName: name,
      locationId,
    });
    await post('/v1/people', { emails: [`like${i}@example.com`], displayName: name });
  }
  const audio = makeTestAudio('ogg', 1);
  for (const [i, name] of NAMES.entries()) {
    await storeRecording(
      { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
      {
        orgId: t.seed.orgId,
        audio,
        format: 'OGG',
        durationMs: 1000,
        channels: 2,
        sampleRate: 48000,
        owners: [
          { type: 'user', id: `owner-${i}`, email: `o${i}@example.com`, name, locationId: null },
        ],
        timeRecorded: `2026-03-01T0${i}:00:00.000Z`,
        topic: `Call about ${name} today`,
        source: 'import',
      },
    );
  }
});
afterAll(async () => {
  await t?.close();
});

describe(`LIKE searches match % _ and \\ literally on ${testDialect}`, () => {
  it('escapeLike escapes the wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });

  const cases: Array<[string, string[]]> = [
    ['Lk 50%', ['Lk 50% Off']],
    ['Lk a_b', ['Lk a_b']],
    ['Lk a\\b', ['Lk a\\b']],
    ['Lk a\\\\', ['Lk a\\\\b']],
    ['Lk 50', ['Lk 50% Off', 'Lk 500 Club']],
    ['Lk a', ['Lk a_b', 'Lk a\\b', 'Lk a\\\\b', 'Lk axb']],
  ];

  it.each(cases)('people ?displayName=%s', async (typed, want) => {
    const res = await get(`/v1/people?displayName=${q(typed)}`);
    expect(
      res
        .json()
        .items.map((p: { displayName: string }) => p.displayName)
        .sort(),
    ).toEqual([...want].sort());
  });

  it.each(cases)('locations ?name=%s', async (typed, want) => {
    const res = await get(`/v1/locations?name=${q(typed)}`);
    expect(
      res
        .json()
        .items.map((l: { name: string }) => l.name)
        .sort(),
    ).toEqual([...want].sort());
  });

  it.each(cases)('workspaces ?displayName=%s', async (typed, want) => {
    const res = await get(`/v1/workspaces?displayName=${q(typed)}`);
    expect(
      res
        .json()
        .items.map((w: { displayName: string }) => w.displayName)
        .sort(),
    ).toEqual([...want].sort());
  });

  it.each(cases)('virtual lines ?name=%s', async (typed, want) => {
    const res = await get(`/v1/telephony/config/virtualLines?name=${q(typed)}`);
    const lines = res.json().virtualLines as Array<{ displayName: string }>;
    expect(lines.map((v) => v.displayName).sort()).toEqual([...want].sort());
  });

  it.each(cases)(
    'recordings: topic containing %s, and owners whose name starts with it',
    async (typed, want) => {
      const window = 'from=2026-02-28T00:00:00Z&to=2026-03-02T00:00:00Z';
      const byTopic = await get(`/api/recordings?${window}&topic=${q(`about ${typed}`)}`);
      expect(byTopic.statusCode, byTopic.body).toBe(200);
      expect(
        byTopic
          .json()
          .items.map((r: { topic: string }) => r.topic.slice(11, -6))
          .sort(),
      ).toEqual([...want].sort());
      const byOwner = await get(`/api/recordings?${window}&q=${q(typed)}`);
      expect(
        byOwner
          .json()
          .items.map((r: { ownerName: string }) => r.ownerName)
          .sort(),
      ).toEqual([...want].sort());
    },
  );

  it('audit: an action prefix with _ matches only that character', async () => {
    const exact = await get('/api/audit?action=person.*');
    expect(exact.json().items.length).toBeGreaterThan(0);
    const wildcard = await get('/api/audit?action=pers_n.*');
    expect(wildcard.statusCode).toBe(200);
    expect(wildcard.json().items).toEqual([]);
  });
});
