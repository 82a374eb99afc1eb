// Sharing recordings through the API (fastify.inject on the database under test): who may share,
// what a share opens (view, play, download only when allowed, never a change), expiry enforced on
// every read, revocation by the owner and by compliance officers, shares dropped with the
// recording, and the audit event of each share, view, play and revocation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { makeTestAudio } from '../recordings/test-audio.js';

let t: TestApp;
const tokens = { admin: '', co: '', alice: '', bob: '', carol: '', dave: '' };
const people: Record<string, string> = {};
const ids: Record<string, string> = {};

const get = (url: string, token: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { ...bearer(token), ...headers } });
const post = (url: string, token: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });
const del = (url: string, token: string) =>
  t.app.inject({ method: 'DELETE', url, headers: bearer(token) });
const pathOf = (link: string): string => {
  const u = new URL(link);
  return u.pathname + u.search;
};

async function auditOf(action: string, targetId: string) {
  const rows = await t.db.db
    .selectFrom('audit_events')
    .select(['actor_id', 'details'])
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    actorId: r.actor_id,
    details: JSON.parse(String(r.details)) as Record<string, unknown>,
  }));
}

async function store(name: string, email: string, timeRecorded: string): Promise<void> {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: makeTestAudio('ogg', 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [
        {
          type: 'user',
          id: p.id,
          email,
          name: email.split('@')[0] ?? '',
          locationId: p.locationId,
        },
      ],
      timeRecorded,
      callSessionId: `session-${name}`,
      direction: 'inbound',
      remoteNumber: '+46701234567',
      metadata: {},
      source: 'recorder',
    },
  );
  ids[name] = stored.recordings[0]?.id ?? '';
}

const share = (recording: string, token: string, body: Record<string, unknown>) =>
  post(`/v1/convergedRecordings/${recording}/shares`, token, body);

beforeAll(async () => {
  t = await createTestApp();
  tokens.admin = t.seed.admin.token;
  tokens.co = t.seed.complianceOfficer.token;
  for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
    const p = t.seed.people.find((x) => x.email === `${name}@example.com`);
    tokens[name] = p?.token ?? '';
    people[name] = p?.id ?? '';
  }
  // The test clock stands at 2026-03-02T10:00Z.
  await store('alice1', 'alice@example.com', '2026-03-01T08:00:00.000Z');
  await store('alice2', 'alice@example.com', '2026-03-01T09:00:00.000Z');
  await store('bob1', 'bob@example.com', '2026-03-01T10:00:00.000Z');
});
afterAll(async () => {
  await t?.close();
});

describe(`sharing a recording on ${testDialect}`, () => {
  let bobShare = '';

  it('the owner shares with a colleague, play only, until an expiry; audited', async () => {
    const res = await share(ids.alice1 ?? '', tokens.alice, {
      recipientId: people.bob,
      expiration: '2026-03-09T10:00:00.000Z',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      recordingId: ids.alice1,
      recipientId: people.bob,
      recipientEmail: 'bob@example.com',
      sharedBy: people.alice,
      expiration: '2026-03-09T10:00:00.000Z',
      downloadEnabled: false,
      status: 'active',
      revoked: null,
    });
    bobShare = res.json().id;
    const events = await auditOf('recording.shared', ids.alice1 ?? '');
    expect(events).toEqual([
      {
        actorId: people.alice,
        details: expect.objectContaining({
          shareId: bobShare,
          recipientId: people.bob,
          downloadEnabled: false,
          expiration: '2026-03-09T10:00:00.000Z',
        }),
      },
    ]);
  });

  it('the recipient finds it under sharedWithMe and gets playback links, never download links', async () => {
    const list = await get('/v1/convergedRecordings/sharedWithMe', tokens.bob);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        recording: expect.objectContaining({ id: ids.alice1, ownerEmail: 'alice@example.com' }),
        ownerName: 'alice',
        share: expect.objectContaining({ id: bobShare, downloadEnabled: false }),
      }),
    ]);
    const details = await get(`/v1/convergedRecordings/${ids.alice1}`, tokens.bob);
    expect(details.statusCode).toBe(200);
    expect(details.json().temporaryDirectDownloadLinks).toBeUndefined();
    const links = details.json().temporaryPlaybackLinks;
    expect(links.audioPlaybackLink).toMatch(/\/api\/recordings\/[^/]+\/playback\?exp=/);
    expect(links.expiration).toBe('2026-03-02T13:00:00.000Z');
    const viewed = await auditOf('recording.viewed', ids.alice1 ?? '');
    expect(viewed.at(-1)).toEqual({
      actorId: people.bob,
      details: expect.objectContaining({
        as: 'share',
        shareId: bobShare,
        playbackLinksIssued: true,
      }),
    });

    const whole = await t.app.inject({ method: 'GET', url: pathOf(links.audioPlaybackLink) });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/ogg');
    const part = await t.app.inject({
      method: 'GET',
      url: pathOf(links.audioPlaybackLink),
      headers: { range: 'bytes=0-9' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.length).toBe(10);
    const played = await auditOf('recording.played', ids.alice1 ?? '');
    expect(played).toHaveLength(2);
    expect(played[1]?.details).toMatchObject({
      as: 'share',
      shareId: bobShare,
      via: 'playbackLink',
    });

    // The playback signature does not open the download route.
    const asDownload = pathOf(links.audioPlaybackLink).replace('/playback?', '/audio?');
    expect((await t.app.inject({ method: 'GET', url: asDownload })).statusCode).toBe(403);
    // Metadata and the waveform are open to the recipient too.
    expect(
      (await get(`/v1/convergedRecordings/${ids.alice1}/metadata`, tokens.bob)).statusCode,
    ).toBe(200);
    expect((await get(`/api/recordings/${ids.alice1}/peaks`, tokens.bob)).statusCode).toBe(200);
  });

  it('a share grants no change: the recipient may not delete, share or see other recordings', async () => {
    const trash = await post('/v1/convergedRecordings/softDelete', tokens.bob, {
      recordingIds: [ids.alice1],
    });
    expect(trash.statusCode).toBe(403);
    const reshare = await share(ids.alice1 ?? '', tokens.bob, { recipientId: people.carol });
    expect(reshare.statusCode).toBe(403);
    expect(reshare.json().errors[0].code).toBe('FORBIDDEN');
    expect((await get(`/v1/convergedRecordings/${ids.alice2}`, tokens.bob)).statusCode).toBe(404);
    expect((await get(`/v1/convergedRecordings/${ids.alice1}/shares`, tokens.bob)).statusCode).toBe(
      403,
    );
  });

  it('with download allowed the recipient gets download links and downloads, audited as a share', async () => {
    const res = await share(ids.alice1 ?? '', tokens.alice, {
      recipientId: people.carol,
      downloadEnabled: true,
    });
    expect(res.statusCode).toBe(201);
    const details = await get(`/v1/convergedRecordings/${ids.alice1}`, tokens.carol);
    const link = details.json().temporaryDirectDownloadLinks.audioDownloadLink as string;
    expect(details.json().temporaryPlaybackLinks).toBeUndefined();
    const download = await t.app.inject({ method: 'GET', url: pathOf(link) });
    expect(download.statusCode).toBe(200);
    const downloaded = await auditOf('recording.downloaded', ids.alice1 ?? '');
    expect(downloaded.at(-1)?.details).toMatchObject({ as: 'share', shareId: res.json().id });
  });

  it('refuses bad shares with stable codes', async () => {
    const cases: Array<[string, Record<string, unknown>, string, number]> = [
      [tokens.alice, { recipientId: people.bob }, 'SHARE_EXISTS', 409],
      [tokens.alice, { recipientId: people.alice }, 'SHARE_RECIPIENT_INVALID', 400],
      [tokens.alice, { recipientId: 'nobody' }, 'SHARE_RECIPIENT_INVALID', 400],
      [
        tokens.alice,
        { recipientId: people.dave, expiration: '2026-03-02T09:00:00.000Z' },
        'SHARE_EXPIRATION_INVALID',
        400,
      ],
      // Administrators and compliance officers do not share other people's recordings.
      [tokens.admin, { recipientId: people.dave }, 'FORBIDDEN', 403],
      [tokens.co, { recipientId: people.dave }, 'FORBIDDEN', 403],
    ];
    for (const [token, body, code, status] of cases) {
      const res = await share(ids.alice1 ?? '', token, body);
      expect(res.statusCode, code).toBe(status);
      expect(res.json().errors[0].code).toBe(code);
    }
    // Someone who cannot see the recording does not learn it exists.
    expect(
      (await share(ids.alice1 ?? '', tokens.dave, { recipientId: people.bob })).statusCode,
    ).toBe(404);
  });

  it('needs shareRecordingsEnabled in the owner’s access settings (SHARING_NOT_ALLOWED)', async () => {
    const off = await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${people.alice}/features/callRecording`,
      headers: bearer(tokens.admin),
      payload: { callRecordingAccessSettings: { shareRecordingsEnabled: false } },
    });
    expect(off.statusCode).toBe(204);
    const res = await share(ids.alice2 ?? '', tokens.alice, { recipientId: people.bob });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0]).toMatchObject({ code: 'SHARING_NOT_ALLOWED', errorCode: 403007 });
    const picker = await get('/v1/convergedRecordings/shareRecipients?q=b', tokens.alice);
    expect(picker.json().errors[0].code).toBe('SHARING_NOT_ALLOWED');
    await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${people.alice}/features/callRecording`,
      headers: bearer(tokens.admin),
      payload: { callRecordingAccessSettings: { shareRecordingsEnabled: true } },
    });
    const again = await get('/v1/convergedRecordings/shareRecipients?q=B', tokens.alice);
    expect(again.statusCode).toBe(200);
    expect(again.json().items.map((p: { email: string }) => p.email)).toContain('bob@example.com');
    expect(again.json().items.map((p: { id: string }) => p.id)).not.toContain(people.alice);
  });

  it('an expired share opens nothing, checked on every read', async () => {
    const res = await share(ids.alice2 ?? '', tokens.alice, {
      recipientId: people.dave,
      expiration: '2026-03-02T11:00:00.000Z',
    });
    expect(res.statusCode).toBe(201);
    const details = await get(`/v1/convergedRecordings/${ids.alice2}`, tokens.dave);
    expect(details.statusCode).toBe(200);
    const playback = pathOf(details.json().temporaryPlaybackLinks.audioPlaybackLink);
    const start = t.clock.now();
    t.clock.set(new Date('2026-03-02T11:00:00.000Z'));
    try {
      expect((await get('/v1/convergedRecordings/sharedWithMe', tokens.dave)).json().items).toEqual(
        [],
      );
      expect((await get(`/v1/convergedRecordings/${ids.alice2}`, tokens.dave)).statusCode).toBe(
        404,
      );
      // The playback link has not expired yet, but the share behind it has.
      expect((await t.app.inject({ method: 'GET', url: playback })).statusCode).toBe(404);
      const shares = await get(
        `/v1/convergedRecordings/${ids.alice2}/shares?status=all`,
        tokens.alice,
      );
      expect(shares.json().items[0]).toMatchObject({ id: res.json().id, status: 'expired' });
      const active = await get(`/v1/convergedRecordings/${ids.alice2}/shares`, tokens.alice);
      expect(active.json().items).toEqual([]);
    } finally {
      t.clock.set(start);
    }
  });

  it('the owner revokes; the recipient loses it at once; revocation audited and final', async () => {
    const listed = await get(`/v1/convergedRecordings/${ids.alice1}/shares`, tokens.alice);
    expect(listed.statusCode).toBe(200);
    // Both were made at the same (fixed) time: compare without order.
    expect(
      listed
        .json()
        .items.map((s: { recipientEmail: string }) => s.recipientEmail)
        .sort(),
    ).toEqual(['bob@example.com', 'carol@example.com']);
    const details = await get(`/v1/convergedRecordings/${ids.alice1}`, tokens.bob);
    const playback = pathOf(details.json().temporaryPlaybackLinks.audioPlaybackLink);

    const revoked = await del(
      `/v1/convergedRecordings/${ids.alice1}/shares/${bobShare}`,
      tokens.alice,
    );
    expect(revoked.statusCode).toBe(204);
    expect((await get('/v1/convergedRecordings/sharedWithMe', tokens.bob)).json().items).toEqual(
      [],
    );
    expect((await get(`/v1/convergedRecordings/${ids.alice1}`, tokens.bob)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: playback })).statusCode).toBe(404);
    const again = await del(
      `/v1/convergedRecordings/${ids.alice1}/shares/${bobShare}`,
      tokens.alice,
    );
    expect(again.statusCode).toBe(409);
    const events = await auditOf('recording.shareRevoked', ids.alice1 ?? '');
    expect(events).toEqual([
      {
        actorId: people.alice,
        details: expect.objectContaining({ shareId: bobShare, as: 'owner', reason: 'revoked' }),
      },
    ]);
    const all = await get(`/v1/convergedRecordings/${ids.alice1}/shares?status=all`, tokens.alice);
    expect(all.json().items.find((s: { id: string }) => s.id === bobShare)).toMatchObject({
      status: 'revoked',
      revokedBy: people.alice,
      revokeReason: 'revoked',
    });
  });

  it('compliance officers and administrators see and revoke shares; a recipient does not', async () => {
    const res = await share(ids.alice2 ?? '', tokens.alice, { recipientId: people.bob });
    expect(res.statusCode).toBe(201);
    const coList = await get(`/v1/convergedRecordings/${ids.alice2}/shares`, tokens.co);
    // Dave's share (until 11:00) is active again at 10:00.
    const items = coList.json().items as Array<{ id: string; recipientId: string }>;
    expect(items.map((s) => s.recipientId).sort()).toEqual([people.bob, people.dave].sort());
    const bobsShare = items.find((s) => s.recipientId === people.bob)?.id ?? '';
    const davesShare = items.find((s) => s.recipientId === people.dave)?.id ?? '';
    expect(bobsShare).toBe(res.json().id);
    expect(
      (await get(`/v1/convergedRecordings/${ids.alice2}/shares`, tokens.admin)).statusCode,
    ).toBe(200);
    const byCo = await del(
      `/v1/convergedRecordings/${ids.alice2}/shares/${res.json().id}`,
      tokens.co,
    );
    expect(byCo.statusCode).toBe(204);
    const events = await auditOf('recording.shareRevoked', ids.alice2 ?? '');
    expect(events.at(-1)).toMatchObject({
      actorId: t.seed.complianceOfficer.id,
      details: { as: 'role', reason: 'revoked' },
    });
    expect((await get(`/v1/convergedRecordings/${ids.alice2}`, tokens.bob)).statusCode).toBe(404);
    const byRecipient = await del(
      `/v1/convergedRecordings/${ids.alice2}/shares/${davesShare}`,
      tokens.dave,
    );
    expect(byRecipient.statusCode).toBe(403);
    // An unknown share of a recording is not found.
    expect(
      (await del(`/v1/convergedRecordings/${ids.alice2}/shares/nope`, tokens.co)).statusCode,
    ).toBe(404);
  });

  it('moving the recording to the recycle bin drops its shares; restoring does not bring them back', async () => {
    const res = await share(ids.bob1 ?? '', tokens.bob, { recipientId: people.alice });
    expect(res.statusCode).toBe(201);
    expect(
      (await get('/v1/convergedRecordings/sharedWithMe', tokens.alice)).json().items,
    ).toHaveLength(1);
    const trash = await post('/v1/convergedRecordings/softDelete', tokens.bob, {
      recordingIds: [ids.bob1],
    });
    expect(trash.statusCode).toBe(204);
    const restore = await post('/v1/convergedRecordings/restore', tokens.bob, {
      recordingIds: [ids.bob1],
    });
    expect(restore.statusCode).toBe(204);
    expect((await get('/v1/convergedRecordings/sharedWithMe', tokens.alice)).json().items).toEqual(
      [],
    );
    expect((await get(`/v1/convergedRecordings/${ids.bob1}`, tokens.alice)).statusCode).toBe(404);
    const events = await auditOf('recording.shareRevoked', ids.bob1 ?? '');
    expect(events).toEqual([
      {
        actorId: people.bob,
        details: expect.objectContaining({ shareId: res.json().id, reason: 'recordingDeleted' }),
      },
    ]);
    const softDeleted = await auditOf('recording.softDeleted', ids.bob1 ?? '');
    expect(softDeleted[0]?.details).toMatchObject({ sharesRevoked: 1 });
  });

  it('sharedWithMe is listed and audited for the caller only', async () => {
    const before = await t.db.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'recording.listed')
      .where('actor_id', '=', people.carol ?? '')
      .execute();
    const list = await get('/v1/convergedRecordings/sharedWithMe', tokens.carol);
    expect(list.json().items.map((i: { recording: { id: string } }) => i.recording.id)).toEqual([
      ids.alice1,
    ]);
    const after = await t.db.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'recording.listed')
      .where('actor_id', '=', people.carol ?? '')
      .execute();
    expect(after.length).toBe(before.length + 1);
    expect(JSON.parse(String(after.at(-1)?.details))).toMatchObject({
      endpoint: 'GET /v1/convergedRecordings/sharedWithMe',
      recordingIds: [ids.alice1],
    });
  });
});
