// The converged-recordings API role by role (fastify.inject on the database under test): who
// lists what, who gets download links, signed links with Range and WAV, integrity on full reads,
// the recycle bin, permanent delete, reassign, Callvault's search and bulk call.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenByEmail } from '../auth/auth.service.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import type { RecordingOwner } from './recordings.model.js';
import { storeRecording } from './recording-store.service.js';
import { makeTestAudio } from './test-audio.js';
import { probeAudioFile } from './audio-tools.js';

let t: TestApp;
let ogg: Buffer;
let readOnlyToken: string;
const tokens = {
  admin: '',
  co: '',
  alice: '',
  bob: '',
  carol: '',
  dave: '',
};
const ids: Record<string, string> = {};

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return {
    type: 'user',
    id: p.id,
    email,
    name: email.split('@')[0] ?? '',
    locationId: p.locationId,
  };
}

/** Stores a recording as finalize would a minute after the call (its createTime), or at `createdAt`. */
async function store(
  name: string,
  email: string,
  timeRecorded: string,
  audio = ogg,
  createdAt = new Date(Date.parse(timeRecorded) + 60_000),
) {
  const now = t.clock.now();
  t.clock.set(createdAt);
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio,
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner(email)],
      timeRecorded,
      callSessionId: `session-${name}`,
      direction: 'inbound',
      remoteNumber: '+46701234567',
      metadata: { recordingActions: [{ action: 'pause', at: 'x' }] },
      source: 'recorder',
    },
  ).finally(() => t.clock.set(now));
  ids[name] = stored.recordings[0]?.id ?? '';
  return stored;
}

const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { ...(token ? bearer(token) : {}), ...headers } });
const post = (url: string, token: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });

async function auditCount(action: string, targetId: string): Promise<number> {
  const rows = await t.db.db
    .selectFrom('audit_events')
    .select('id')
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .execute();
  return rows.length;
}

beforeAll(async () => {
  t = await createTestApp();
  ogg = makeTestAudio('ogg', 1);
  tokens.admin = t.seed.admin.token;
  tokens.co = t.seed.complianceOfficer.token;
  for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
    tokens[name] = t.seed.people.find((p) => p.email === `${name}@example.com`)?.token ?? '';
  }
  const created = await post('/v1/people', tokens.admin, {
    emails: ['reader@example.com'],
    displayName: 'Rita Reader',
    firstName: 'Rita',
    lastName: 'Reader',
    roles: ['readOnlyAdmin'],
  });
  expect(created.statusCode).toBe(200);
  readOnlyToken = (
    await createTokenByEmail({ db: t.db.db, clock: t.clock }, 'reader@example.com', {
      name: 'test',
      expiresInMs: 86_400_000,
    })
  ).token;
  // The test clock stands at 2026-03-02T10:00Z.
  await store('alice1', 'alice@example.com', '2026-03-01T08:00:00.000Z');
  await store('alice2', 'alice@example.com', '2026-03-01T09:00:00.000Z');
  await store('bob1', 'bob@example.com', '2026-02-28T09:00:00.000Z', makeTestAudio('ogg', 1, 660));
  await store('aliceOld', 'alice@example.com', '2026-01-01T09:00:00.000Z');
});
afterAll(async () => {
  await t?.close();
});

describe(`GET /v1/convergedRecordings (a user's own) on ${testDialect}`, () => {
  it('lists only the caller’s recordings of the last 7 days, newest first, with a Link to the next page', async () => {
    const first = await get('/v1/convergedRecordings?max=1', tokens.alice);
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((r: { id: string }) => r.id)).toEqual([ids.alice2]);
    expect(first.json().items[0]).toMatchObject({
      format: 'OGG',
      serviceType: 'calling',
      status: 'available',
      ownerEmail: 'alice@example.com',
      ownerType: 'user',
      durationSeconds: 1,
      sizeBytes: ogg.length,
      serviceData: { callSessionId: 'session-alice2' },
    });
    const link = String(first.headers.link);
    expect(link).toMatch(/rel="next"/);
    const next = /<([^>]+)>/.exec(link)?.[1] ?? '';
    const second = await get(new URL(next).pathname + new URL(next).search, tokens.alice);
    expect(second.json().items.map((r: { id: string }) => r.id)).toEqual([ids.alice1]);
    expect(second.headers.link).toBeUndefined();
  });

  it('from/to widen the window up to 30 days; beyond is 400', async () => {
    const wide = await get(
      '/v1/convergedRecordings?from=2025-12-20T00:00:00Z&to=2026-01-15T00:00:00Z',
      tokens.alice,
    );
    expect(wide.json().items.map((r: { id: string }) => r.id)).toEqual([ids.aliceOld]);
    const tooWide = await get(
      '/v1/convergedRecordings?from=2025-12-01T00:00:00Z&to=2026-01-15T00:00:00Z',
      tokens.alice,
    );
    expect(tooWide.statusCode).toBe(400);
    expect(tooWide.json().errors[0].code).toBe('VALIDATION_FAILED');
  });

  it('only from: the window is from + 7 days, however long ago (Webex), not from → now', async () => {
    // 60 days before the test clock: Webex reads this as 2026-01-01 … 2026-01-08.
    const res = await get('/v1/convergedRecordings?from=2026-01-01T00:00:00Z', tokens.alice);
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((r: { id: string }) => r.id)).toEqual([ids.aliceOld]);
    const admin = await get(
      '/v1/admin/convergedRecordings?from=2026-02-27T00:00:00%2B01:00',
      tokens.admin,
    );
    expect(admin.json().items.map((r: { id: string }) => r.id)).toEqual([
      ids.alice2,
      ids.alice1,
      ids.bob1,
    ]);
  });

  it('every Webex serviceType and ownerType is accepted; customerAssist and callQueue are empty lists', async () => {
    for (const query of [
      'serviceType=customerAssist',
      'ownerType=callQueue',
      'serviceType=customerAssist&ownerType=user',
    ]) {
      const res = await get(`/v1/admin/convergedRecordings?${query}`, tokens.co);
      expect(res.statusCode, query).toBe(200);
      expect(res.json(), query).toEqual({ items: [] });
    }
    const own = await get('/v1/convergedRecordings?ownerType=callQueue', tokens.alice);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ items: [] });
    for (const query of ['serviceType=calling', 'ownerType=user']) {
      const res = await get(`/v1/admin/convergedRecordings?${query}`, tokens.co);
      expect(res.json().items.length, query).toBe(3);
    }
    expect((await get('/v1/admin/convergedRecordings?ownerType=queue', tokens.co)).statusCode).toBe(
      400,
    );
  });

  it('the timezone header renders times in that zone (Webex); an unknown zone is 400', async () => {
    const res = await get('/v1/convergedRecordings?max=1', tokens.alice, {
      timezone: 'Asia/Shanghai',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0].timeRecorded).toBe('2026-03-01T17:00:00+08:00');
    const details = await get(`/v1/convergedRecordings/${ids.alice2}`, tokens.admin, {
      timezone: 'America/New_York',
    });
    expect(details.json().timeRecorded).toBe('2026-03-01T04:00:00-05:00');
    const utc = await get('/v1/convergedRecordings?max=1', tokens.alice, { timezone: 'UTC' });
    expect(utc.json().items[0].timeRecorded).toBe('2026-03-01T09:00:00.000Z');
    const bad = await get('/v1/admin/convergedRecordings', tokens.admin, { timezone: 'Nowhere/X' });
    expect(bad.statusCode).toBe(400);
  });

  it('needs viewAndPlayRecordingsEnabled; max outside 1–100 is refused', async () => {
    const carol = t.seed.people.find((p) => p.email === 'carol@example.com')?.id ?? '';
    const off = await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${carol}/features/callRecording`,
      headers: bearer(tokens.admin),
      payload: { callRecordingAccessSettings: { viewAndPlayRecordingsEnabled: false } },
    });
    expect(off.statusCode).toBe(204);
    expect((await get('/v1/convergedRecordings', tokens.carol)).statusCode).toBe(403);
    expect((await get('/v1/convergedRecordings?max=101', tokens.alice)).statusCode).toBe(400);
    expect((await get('/v1/convergedRecordings?status=purged', tokens.alice)).statusCode).toBe(403);
  });
});

describe(`GET /v1/admin/convergedRecordings on ${testDialect}`, () => {
  it.each([
    ['admin', 200],
    ['co', 200],
    ['readOnly', 200],
    ['alice', 403],
  ])('%s → %i', async (who, status) => {
    const token = who === 'readOnly' ? readOnlyToken : tokens[who as keyof typeof tokens];
    const res = await get('/v1/admin/convergedRecordings?max=100', token);
    expect(res.statusCode).toBe(status);
    if (status === 200) {
      expect(res.json().items.map((r: { id: string }) => r.id)).toEqual([
        ids.alice2,
        ids.alice1,
        ids.bob1,
      ]);
    }
  });

  it('filters by owner email and location; purged only for compliance officers', async () => {
    const bob = await get('/v1/admin/convergedRecordings?ownerEmail=bob@example.com', tokens.admin);
    expect(bob.json().items.map((r: { id: string }) => r.id)).toEqual([ids.bob1]);
    const loc = owner('alice@example.com').locationId ?? '';
    const byLoc = await get(`/v1/admin/convergedRecordings?locationId=${loc}`, tokens.admin);
    expect(byLoc.json().items.map((r: { id: string }) => r.id)).toEqual([
      ids.alice2,
      ids.alice1,
      ids.bob1,
    ]);
    expect(
      (await get('/v1/admin/convergedRecordings?status=purged', tokens.admin)).statusCode,
    ).toBe(403);
    expect((await get('/v1/admin/convergedRecordings?status=purged', tokens.co)).statusCode).toBe(
      200,
    );
  });
});

describe(`identifiers in Webex's forms on ${testDialect}`, () => {
  /** The plain UUID inside a Webex id, as Webex shows it in recording objects. */
  const uuidOf = (id: string): string =>
    /[0-9a-f-]{36}$/.exec(Buffer.from(id, 'base64url').toString('utf8'))?.[0] ?? '';
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('list items, details and metadata carry plain UUIDs for ownerId, serviceData.locationId and orgId', async () => {
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com');
    const item = (
      await get('/v1/admin/convergedRecordings?ownerEmail=alice@example.com&max=1', tokens.admin)
    ).json().items[0];
    expect(item.ownerId).toMatch(UUID);
    expect(item.ownerId).toBe(uuidOf(alice?.id ?? ''));
    expect(item.serviceData.locationId).toBe(uuidOf(alice?.locationId ?? ''));
    const details = (await get(`/v1/convergedRecordings/${ids.alice2}`, tokens.co)).json();
    expect(details.ownerId).toBe(item.ownerId);
    expect(details.serviceData.locationId).toBe(item.serviceData.locationId);
    const meta = (await get(`/v1/convergedRecordings/${ids.alice2}/metadata`, tokens.co)).json();
    expect(meta.orgId).toBe(uuidOf(t.seed.orgId));
    expect(meta.ownerId).toBe(item.ownerId);
    expect(meta.serviceData.locationId).toBe(item.serviceData.locationId);
  });

  it('ownerId and locationId filters take the UUID (dashed or 32-hex), the Webex id, or its padded base64', async () => {
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com');
    const personId = alice?.id ?? '';
    const uuid = uuidOf(personId);
    const padded = Buffer.from(Buffer.from(personId, 'base64url').toString('utf8')).toString(
      'base64',
    );
    const list = async (query: string) =>
      (await get(`/v1/admin/convergedRecordings?${query}`, tokens.co))
        .json()
        .items.map((r: { id: string }) => r.id);
    const alices = [ids.alice2, ids.alice1];
    // The query wxc_sdk sends after webex_id_to_uuid(person.id):
    expect(await list(`ownerId=${uuid}`)).toEqual(alices);
    expect(await list(`ownerId=${uuid.replaceAll('-', '')}`)).toEqual(alices);
    expect(await list(`ownerId=${encodeURIComponent(personId)}`)).toEqual(alices);
    expect(await list(`ownerId=${encodeURIComponent(padded)}`)).toEqual(alices);
    expect(await list(`ownerId=${uuid}&ownerType=user`)).toEqual(alices);
    expect(await list(`ownerId=${uuid}&ownerType=place`)).toEqual([]);
    expect(await list('ownerId=24683d6c-5529-4b60-a6c7-91e8b293bbab')).toEqual([]);
    const location = uuidOf(alice?.locationId ?? '');
    expect(await list(`locationId=${location}&ownerEmail=alice@example.com`)).toEqual(alices);
    expect(
      await list(
        `locationId=${encodeURIComponent(alice?.locationId ?? '')}&ownerEmail=alice@example.com`,
      ),
    ).toEqual(alices);
  });
});

describe(`details, links and audio on ${testDialect}`, () => {
  const detailsOf = async (token: string, id = ids.alice1 ?? '') =>
    get(`/v1/convergedRecordings/${id}`, token);

  it('administrators see details but never links; compliance officers and the owner get 3-hour links', async () => {
    const admin = await detailsOf(tokens.admin);
    expect(admin.statusCode).toBe(200);
    expect(admin.json().temporaryDirectDownloadLinks).toBeUndefined();
    expect((await detailsOf(readOnlyToken)).json().temporaryDirectDownloadLinks).toBeUndefined();
    for (const token of [tokens.co, tokens.alice]) {
      const res = await detailsOf(token);
      const links = res.json().temporaryDirectDownloadLinks;
      expect(links.audioDownloadLink).toMatch(/\/api\/recordings\/[0-9a-f]{32}\/audio\?exp=/);
      expect(links.transcriptDownloadLink).toBeNull();
      expect(links.expiration).toBe('2026-03-02T13:00:00.000Z');
    }
    expect((await detailsOf(tokens.bob)).statusCode).toBe(404);
    expect(await auditCount('recording.viewed', ids.alice1 ?? '')).toBe(4);
  });

  it('the owner without downloadRecordingsEnabled gets no links', async () => {
    const bobId = t.seed.people.find((p) => p.email === 'bob@example.com')?.id ?? '';
    await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${bobId}/features/callRecording`,
      headers: bearer(tokens.admin),
      payload: { callRecordingAccessSettings: { downloadRecordingsEnabled: false } },
    });
    const res = await detailsOf(tokens.bob, ids.bob1);
    expect(res.statusCode).toBe(200);
    expect(res.json().temporaryDirectDownloadLinks).toBeUndefined();
  });

  it('metadata carries the call data and the SHA-256', async () => {
    const res = await get(`/v1/convergedRecordings/${ids.alice1}/metadata`, tokens.admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: ids.alice1,
      ownerName: 'alice',
      sha256: crypto.createHash('sha256').update(ogg).digest('hex'),
      serviceData: {
        callSessionId: 'session-alice1',
        direction: 'inbound',
        remoteNumber: '+46701234567',
        recordingActions: [{ action: 'PAUSE', time: 'x', at: 'x' }],
      },
    });
  });

  it("metadata has Webex's serviceData: personality, parties with the owner as actor, stopTime, upper-case ownerType", async () => {
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com');
    const aliceUuid = /[0-9a-f-]{36}$/.exec(
      Buffer.from(alice?.id ?? '', 'base64url').toString('utf8'),
    )?.[0];
    const res = await get(`/v1/convergedRecordings/${ids.alice1}/metadata`, tokens.co);
    expect(res.statusCode).toBe(200);
    const meta = res.json();
    expect(meta).toMatchObject({
      ownerType: 'USER',
      version: '1.2',
      serviceData: {
        callRecordingId: ids.alice1,
        // An inbound call: the owner was called.
        personality: 'terminator',
        callingParty: { number: '+46701234567' },
        calledParty: {
          actor: { type: 'USER', id: aliceUuid, email: 'alice@example.com' },
        },
        answererInfo: { actor: { type: 'USER', id: aliceUuid } },
        session: {
          startTime: '2026-03-01T08:00:00.000Z',
          stopTime: '2026-03-01T08:00:01.000Z',
        },
      },
    });
    expect(meta.serviceData.callingParty.actor).toBeUndefined();
  });

  async function linkFor(token: string, id = ids.alice1 ?? ''): Promise<string> {
    const link = (await detailsOf(token, id)).json().temporaryDirectDownloadLinks
      .audioDownloadLink as string;
    const url = new URL(link);
    return url.pathname + url.search;
  }

  it('the link works without a token: the whole file, verified and audited', async () => {
    const link = await linkFor(tokens.co);
    const res = await get(link);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/ogg');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.rawPayload.equals(ogg)).toBe(true);
    expect(await auditCount('recording.downloaded', ids.alice1 ?? '')).toBe(1);
  });

  it('Range gives 206 with Content-Range; past the end is 416', async () => {
    const link = await linkFor(tokens.alice);
    const part = await get(link, undefined, { range: 'bytes=10-109' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-109/${ogg.length}`);
    expect(part.rawPayload.equals(ogg.subarray(10, 110))).toBe(true);
    const tail = await get(link, undefined, { range: 'bytes=-5' });
    expect(tail.rawPayload.equals(ogg.subarray(ogg.length - 5))).toBe(true);
    const beyond = await get(link, undefined, { range: `bytes=${ogg.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${ogg.length}`);
    expect(await auditCount('recording.played', ids.alice1 ?? '')).toBe(2);
  });

  it('the download is named `YYYY-MM-DD HHMM owner – topic.ext` in the time zone the link names', async () => {
    const details = (await detailsOf(tokens.co)).json();
    const res = await get(`${await linkFor(tokens.co)}&timezone=Asia/Tokyo`);
    expect(res.statusCode).toBe(200);
    const stamp = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .format(new Date(details.timeRecorded as string))
      .replace(':', '');
    const header = String(res.headers['content-disposition']);
    expect(header).toContain(`filename*=UTF-8''${encodeURIComponent(`${stamp} `)}`);
    expect(header).toContain(`filename="${stamp} `);
    expect(header).toContain(encodeURIComponent(` – ${(details.topic as string).split(':')[0]}`));
    const bad = await get(`${await linkFor(tokens.co)}&timezone=Mars/Olympus`);
    expect(bad.statusCode).toBe(400);
  });

  it('format=wav converts to WAV', async () => {
    const res = await get(`${await linkFor(tokens.co)}&format=wav`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    expect(res.rawPayload.subarray(8, 12).toString()).toBe('WAVE');
    // 1 s of 48 kHz stereo 16-bit PCM, give or take the encoder's padding.
    expect(res.rawPayload.length).toBeGreaterThan(180_000);
  });

  it('mp3DownloadLink gives MP3 (Webex’s format): ffprobe reads mp3 and the recording’s duration; Range works', async () => {
    const details = (await get(`/v1/convergedRecordings/${ids.alice1}`, tokens.co)).json();
    const mp3Link = new URL(details.temporaryDirectDownloadLinks.mp3DownloadLink as string);
    expect(mp3Link.searchParams.get('format')).toBe('mp3');
    const res = await get(mp3Link.pathname + mp3Link.search);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    // `YYYY-MM-DD HHMM owner – topic.mp3`, the UTF-8 name in filename* (RFC 6266).
    expect(String(res.headers['content-disposition'])).toMatch(
      /^inline; filename="\d{4}-\d\d-\d\d \d{4} [^"]+ - [^"]+\.mp3"; filename\*=UTF-8''\d{4}-\d\d-\d\d%20\d{4}%20.+%E2%80%93%20.+\.mp3$/,
    );
    expect(res.headers['accept-ranges']).toBe('bytes');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-mp3-test-'));
    try {
      const file = path.join(dir, 'a.mp3');
      fs.writeFileSync(file, res.rawPayload);
      const probe = await probeAudioFile(file);
      expect(probe.format).toBe('MP3');
      expect(probe.codec).toBe('mp3');
      // The stored recording lasts 1 s.
      expect(Math.abs(probe.durationMs - 1000)).toBeLessThanOrEqual(100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const part = await get(mp3Link.pathname + mp3Link.search, undefined, {
      range: 'bytes=100-399',
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-399/${res.rawPayload.length}`);
    expect(Buffer.compare(part.rawPayload, res.rawPayload.subarray(100, 400))).toBe(0);
    const past = await get(mp3Link.pathname + mp3Link.search, undefined, {
      range: `bytes=${res.rawPayload.length + 10}-`,
    });
    expect(past.statusCode).toBe(416);
  });

  it('a tampered, foreign or expired link is refused', async () => {
    const link = await linkFor(tokens.co);
    expect((await get(link.replace(/sig=[^&]+/, 'sig=AAAA'))).statusCode).toBe(403);
    expect((await get(link.replace(ids.alice1 ?? '', ids.alice2 ?? ''))).statusCode).toBe(403);
    t.clock.advance(3 * 3_600_000 + 1000);
    try {
      const expired = await get(link);
      expect(expired.statusCode).toBe(403);
      expect(expired.json().message).toMatch(/expired/);
    } finally {
      t.clock.advance(-(3 * 3_600_000 + 1000));
    }
  });

  it('access revoked after the link was issued: the link stops working', async () => {
    const aliceId = t.seed.people.find((p) => p.email === 'alice@example.com')?.id ?? '';
    const link = await linkFor(tokens.alice, ids.alice2);
    await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${aliceId}/features/callRecording`,
      headers: bearer(tokens.admin),
      payload: { callRecordingAccessSettings: { downloadRecordingsEnabled: false } },
    });
    try {
      expect((await get(link)).statusCode).toBe(403);
    } finally {
      await t.app.inject({
        method: 'PUT',
        url: `/v1/people/${aliceId}/features/callRecording`,
        headers: bearer(tokens.admin),
        payload: { callRecordingAccessSettings: { downloadRecordingsEnabled: true } },
      });
    }
  });

  it('a full read whose bytes do not match the SHA-256 is 500 INTEGRITY_FAILED and audited', async () => {
    const stored = await store('tampered', 'alice@example.com', '2026-03-01T10:00:00.000Z');
    const file = path.join(t.db.dataDir, 'blobs', ...stored.audio.blobKey.split('/'));
    const raw = fs.readFileSync(file);
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0xff;
    fs.writeFileSync(file, raw);
    const res = await get(await linkFor(tokens.co, ids.tampered));
    expect(res.statusCode).toBe(500);
    expect(res.json().errors[0].code).toBe('INTEGRITY_FAILED');
    expect(await auditCount('recording.integrityFailed', ids.tampered ?? '')).toBe(1);
    expect(await auditCount('recording.downloaded', ids.tampered ?? '')).toBe(0);
  });

  it('a catalogue SHA-256 that the stored audio does not match fails the same way', async () => {
    const stored = await store('relabelled', 'alice@example.com', '2026-03-01T10:30:00.000Z');
    await t.db.db
      .updateTable('audio_objects')
      .set({ sha256: '0'.repeat(64) })
      .where('id', '=', stored.audio.id)
      .execute();
    const link = await linkFor(tokens.co, ids.relabelled);
    const res = await get(link);
    expect(res.statusCode).toBe(500);
    expect(res.json().errors[0].code).toBe('INTEGRITY_FAILED');
    expect((await get(`${link}&format=wav`)).statusCode).toBe(500);
    expect(await auditCount('recording.integrityFailed', ids.relabelled ?? '')).toBe(2);
    // A range read serves bytes a player asked for; the hash is checked on full reads.
    expect((await get(link, undefined, { range: 'bytes=0-9' })).statusCode).toBe(206);
  });
});

describe(`recycle bin, delete and reassign on ${testDialect}`, () => {
  it('a user soft-deletes and restores their own; someone else’s is not found', async () => {
    const del = await post('/v1/convergedRecordings/softDelete', tokens.alice, {
      recordingIds: [ids.alice2],
    });
    expect(del.statusCode).toBe(204);
    const bin = await get('/v1/convergedRecordings?status=deleted', tokens.alice);
    expect(bin.json().items.map((r: { id: string }) => r.id)).toEqual([ids.alice2]);
    expect(
      (await post('/v1/convergedRecordings/softDelete', tokens.bob, { recordingIds: [ids.alice1] }))
        .statusCode,
    ).toBe(404);
    expect(
      (await post('/v1/convergedRecordings/restore', tokens.alice, { recordingIds: [ids.alice2] }))
        .statusCode,
    ).toBe(204);
    expect(
      (await post('/v1/convergedRecordings/softDelete', tokens.co, { recordingIds: [ids.alice2] }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await post('/v1/convergedRecordings/softDelete', tokens.admin, {
          recordingIds: Array.from({ length: 101 }, (_, i) => `id${i}`),
        })
      ).statusCode,
    ).toBe(400);
  });

  it('DELETE is for compliance officers only, with a reason and a comment of at most 255', async () => {
    const stored = await store('doomed', 'bob@example.com', '2026-03-01T11:00:00.000Z');
    const url = `/v1/convergedRecordings/${ids.doomed}`;
    const del = (token: string, payload: object) =>
      t.app.inject({ method: 'DELETE', url, headers: bearer(token), payload });
    expect((await del(tokens.admin, { reason: 'x' })).statusCode).toBe(403);
    expect((await del(tokens.co, { reason: 'x', comment: 'c'.repeat(256) })).statusCode).toBe(400);
    expect((await del(tokens.co, { comment: 'no reason' })).statusCode).toBe(400);
    expect((await del(tokens.co, { reason: 'legal', comment: 'case 42' })).statusCode).toBe(204);
    expect((await get(url, tokens.co)).statusCode).toBe(404);
    expect(await t.blobStore.head(stored.audio.blobKey)).toBeNull();
  });

  it("DELETE without a body, as Webex clients send it: someone else's recording needs a reason (400), the officer's own does not (204)", async () => {
    await store('bobsNoBody', 'bob@example.com', '2026-03-01T11:30:00.000Z');
    const own = await storeRecording(
      { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
      {
        orgId: t.seed.orgId,
        audio: makeTestAudio('ogg', 1, 550),
        format: 'OGG',
        durationMs: 1000,
        channels: 2,
        sampleRate: 48000,
        owners: [
          {
            type: 'user',
            id: t.seed.complianceOfficer.id,
            email: t.seed.complianceOfficer.email,
            name: 'officer',
            locationId: t.seed.locations[0]?.id ?? '',
          },
        ],
        timeRecorded: '2026-03-01T11:40:00.000Z',
        source: 'recorder',
      },
    );
    const ownId = own.recordings[0]?.id ?? '';
    // webex-js-sdk deleteRecording(id): no body at all; wxc_sdk: Content-Type with an empty body.
    const noBody = (id: string) =>
      t.app.inject({
        method: 'DELETE',
        url: `/v1/convergedRecordings/${id}`,
        headers: bearer(tokens.co),
      });
    const emptyJson = (id: string) =>
      t.app.inject({
        method: 'DELETE',
        url: `/v1/convergedRecordings/${id}`,
        headers: { ...bearer(tokens.co), 'content-type': 'application/json' },
        payload: '',
      });
    const refused = await noBody(ids.bobsNoBody ?? '');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/reason/);
    expect((await emptyJson(ids.bobsNoBody ?? '')).statusCode).toBe(400);
    expect((await get(`/v1/convergedRecordings/${ids.bobsNoBody}`, tokens.co)).statusCode).toBe(
      200,
    );
    expect((await emptyJson(ownId)).statusCode).toBe(204);
    expect((await get(`/v1/convergedRecordings/${ownId}`, tokens.co)).statusCode).toBe(404);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/v1/convergedRecordings/${ids.bobsNoBody}`,
      headers: bearer(tokens.co),
      payload: { reason: 'audit' },
    });
    expect(deleted.statusCode).toBe(204);
    expect(await auditCount('recording.deleted', ownId)).toBe(1);
  });

  it('reassign: administrators only, to a person of the org', async () => {
    const body = { reassignOwnerEmail: 'carol@example.com', recordingIds: [ids.bob1] };
    expect((await post('/v1/convergedRecordings/reassign', tokens.co, body)).statusCode).toBe(403);
    expect(
      (
        await post('/v1/convergedRecordings/reassign', tokens.admin, {
          ...body,
          reassignOwnerEmail: 'nobody@example.com',
        })
      ).statusCode,
    ).toBe(400);
    expect((await post('/v1/convergedRecordings/reassign', tokens.admin, body)).statusCode).toBe(
      204,
    );
    const res = await get(`/v1/convergedRecordings/${ids.bob1}`, tokens.admin);
    expect(res.json()).toMatchObject({ ownerEmail: 'carol@example.com' });
  });
});

describe(`Callvault search and bulk on ${testDialect}`, () => {
  it('GET /api/recordings: administrators and compliance officers, not users', async () => {
    const res = await get('/api/recordings?q=ali', tokens.co);
    expect(res.statusCode).toBe(200);
    // alice1, alice2 and the two integrity cases; aliceOld is outside the default 7 days.
    expect(res.json().items.map((r: { ownerName: string }) => r.ownerName)).toEqual(
      Array(4).fill('alice'),
    );
    expect(res.json().nextCursor).toBeNull();
    expect((await get('/api/recordings', tokens.alice)).statusCode).toBe(403);
  });

  it('POST /api/recordings/bulk reports each id', async () => {
    const res = await post('/api/recordings/bulk', tokens.admin, {
      action: 'softDelete',
      ids: [ids.alice1, 'nope'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      changed: [ids.alice1],
      unchanged: [],
      failed: [{ id: 'nope', errorCode: 'NOT_FOUND', description: 'Recording not found' }],
    });
    const tooMany = await post('/api/recordings/bulk', tokens.admin, {
      action: 'restore',
      ids: Array.from({ length: 201 }, (_, i) => `id${i}`),
    });
    expect(tooMany.statusCode).toBe(400);
  });
});

describe(`converged-recording list order on ${testDialect}`, () => {
  it('lists newest first by createTime (when the recording was stored), as Webex, also page by page', async () => {
    // Recorded a week ago but stored (imported) an hour ago; then a call of yesterday stored at once.
    await store(
      'daveLateImport',
      'dave@example.com',
      '2026-02-27T08:00:00.000Z',
      ogg,
      new Date('2026-03-02T09:00:00.000Z'),
    );
    await store('daveRecent', 'dave@example.com', '2026-03-01T12:00:00.000Z');
    const all = await get('/v1/convergedRecordings', tokens.dave);
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((r: { id: string }) => r.id)).toEqual([
      ids.daveLateImport,
      ids.daveRecent,
    ]);
    const first = await get('/v1/convergedRecordings?max=1', tokens.dave);
    expect(first.json().items.map((r: { id: string }) => r.id)).toEqual([ids.daveLateImport]);
    const next = /<([^>]+)>/.exec(String(first.headers.link))?.[1] ?? '';
    const second = await get(new URL(next).pathname + new URL(next).search, tokens.dave);
    expect(second.json().items.map((r: { id: string }) => r.id)).toEqual([ids.daveRecent]);
    expect(second.headers.link).toBeUndefined();
    const admin = await get(
      `/v1/admin/convergedRecordings?ownerEmail=dave@example.com`,
      tokens.admin,
    );
    expect(admin.json().items.map((r: { id: string }) => r.id)).toEqual([
      ids.daveLateImport,
      ids.daveRecent,
    ]);
  });
});
