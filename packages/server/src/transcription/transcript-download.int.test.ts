// Transcript download links (SPEC §7, §8) on the database under test: who gets the link, the three
// formats, the distinct signature purpose, the audit event, and the no-transcript reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { renderTranscriptJson, type TranscriptDocument } from './transcript-formats.js';
import { transcriptBlobKey } from './transcription.service.js';
import { insertTranscript } from './transcripts.repository.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { makeTestAudio } from '../recordings/test-audio.js';

let t: TestApp;
const tokens = { admin: '', co: '', alice: '', bob: '' };
const ids = { transcribed: '', skipped: '', bobs: '' };

const document: TranscriptDocument = {
  language: 'en',
  engine: 'pocketsphinx',
  speakers: [
    { channel: 0, participant: 'p0', name: 'Alice' },
    { channel: 1, participant: 'p1', name: 'Caller' },
  ],
  segments: [
    {
      start: 0.5,
      end: 1.5,
      speaker: 'p0',
      text: 'hello there',
      words: [
        { start: 0.5, end: 0.9, word: 'hello', confidence: 0.9 },
        { start: 1, end: 1.5, word: 'there', confidence: 0.8 },
      ],
    },
    {
      start: 2,
      end: 3.25,
      speaker: 'p1',
      text: 'good morning',
      words: [
        { start: 2, end: 2.5, word: 'good', confidence: 0.9 },
        { start: 2.6, end: 3.25, word: 'morning', confidence: 0.7 },
      ],
    },
  ],
};

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

async function store(email: string, session: string): Promise<string> {
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: makeTestAudio('ogg', 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner(email)],
      timeRecorded: '2026-03-01T08:00:00.000Z',
      callSessionId: session,
      direction: 'inbound',
      remoteNumber: '+46701234567',
      metadata: {},
      source: 'recorder',
    },
  );
  return stored.recordings[0]?.id ?? '';
}

async function transcribe(recordingId: string): Promise<void> {
  const key = transcriptBlobKey(t.seed.orgId, recordingId);
  await t.blobStore.put(key, Buffer.from(renderTranscriptJson(document), 'utf8'), {
    contentType: 'application/json',
  });
  await insertTranscript(t.db.db, {
    recordingId,
    orgId: t.seed.orgId,
    status: 'completed',
    reason: null,
    engine: 'pocketsphinx',
    language: 'en',
    blobKey: key,
    text: 'hello there good morning',
    wordCount: 4,
    createdAt: t.clock.now().toISOString(),
  });
}

const get = (url: string, token?: string) =>
  t.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });

async function linksOf(token: string, id: string) {
  const res = await get(`/v1/convergedRecordings/${id}`, token);
  expect(res.statusCode).toBe(200);
  return res.json<{
    transcriptStatus?: string;
    transcriptReason?: string;
    temporaryDirectDownloadLinks?: { audioDownloadLink: string; transcriptDownloadLink: string };
  }>();
}

const pathOf = (link: string): string => {
  const url = new URL(link);
  return url.pathname + url.search;
};

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
  tokens.admin = t.seed.admin.token;
  tokens.co = t.seed.complianceOfficer.token;
  for (const name of ['alice', 'bob'] as const) {
    tokens[name] = t.seed.people.find((p) => p.email === `${name}@example.com`)?.token ?? '';
  }
  ids.transcribed = await store('alice@example.com', 's1');
  ids.skipped = await store('alice@example.com', 's2');
  ids.bobs = await store('bob@example.com', 's3');
  await transcribe(ids.transcribed);
  await transcribe(ids.bobs);
  await insertTranscript(t.db.db, {
    recordingId: ids.skipped,
    orgId: t.seed.orgId,
    status: 'skipped',
    reason: 'The call is in sv-SE; transcripts are made for English calls only',
    engine: 'pocketsphinx',
    language: 'sv-SE',
    blobKey: null,
    text: '',
    wordCount: 0,
    createdAt: t.clock.now().toISOString(),
  });
});
afterAll(async () => {
  await t?.close();
});

describe(`transcript download links on ${testDialect}`, () => {
  it('compliance officers and the owner get a transcript link; administrators never', async () => {
    const admin = await linksOf(tokens.admin, ids.transcribed);
    expect(admin.temporaryDirectDownloadLinks).toBeUndefined();
    expect(admin.transcriptStatus).toBe('completed');
    for (const token of [tokens.co, tokens.alice]) {
      const links = (await linksOf(token, ids.transcribed)).temporaryDirectDownloadLinks;
      expect(links?.transcriptDownloadLink).toMatch(
        /\/api\/recordings\/[0-9a-f]{32}\/transcript\?exp=\d+&actor=.+&sig=/,
      );
    }
  });

  it('serves VTT by default, and JSON and text on request, audited each time', async () => {
    const link = pathOf(
      (await linksOf(tokens.co, ids.transcribed)).temporaryDirectDownloadLinks
        ?.transcriptDownloadLink ?? '',
    );
    const before = await auditCount('recording.transcriptDownloaded', ids.transcribed);
    const vtt = await get(link);
    expect(vtt.statusCode).toBe(200);
    expect(vtt.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(vtt.body).toBe(
      'WEBVTT\n\n00:00:00.500 --> 00:00:01.500\n<v Alice>hello there</v>\n\n' +
        '00:00:02.000 --> 00:00:03.250\n<v Caller>good morning</v>\n',
    );
    const json = await get(`${link}&format=json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.body)).toEqual(document);
    const txt = await get(`${link}&format=txt`);
    expect(txt.statusCode).toBe(200);
    expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(txt.body).toContain('Alice: hello there');
    expect(txt.body).toContain('Caller: good morning');
    expect((await get(`${link}&format=pdf`)).statusCode).toBe(400);
    expect(await auditCount('recording.transcriptDownloaded', ids.transcribed)).toBe(before + 3);
  });

  it('an audio signature cannot fetch the transcript, nor a transcript signature the audio', async () => {
    const links = (await linksOf(tokens.co, ids.transcribed)).temporaryDirectDownloadLinks;
    const audio = new URL(links?.audioDownloadLink ?? '');
    const transcript = new URL(links?.transcriptDownloadLink ?? '');
    const swapped = await get(`${transcript.pathname}${audio.search}`);
    expect(swapped.statusCode).toBe(403);
    const reverse = await get(`${audio.pathname}${transcript.search}`);
    expect(reverse.statusCode).toBe(403);
    // The signature's first character changed to another one (a fixed 'A' would leave a
    // signature that starts with 'A' as it was).
    const tampered =
      transcript.pathname +
      transcript.search.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await get(tampered)).statusCode).toBe(403);
  });

  it('the link is authorised again: an owner whose downloads were turned off is refused', async () => {
    const link = pathOf(
      (await linksOf(tokens.bob, ids.bobs)).temporaryDirectDownloadLinks?.transcriptDownloadLink ??
        '',
    );
    expect((await get(link)).statusCode).toBe(200);
    const bobId = t.seed.people.find((p) => p.email === 'bob@example.com')?.id ?? '';
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${bobId}/features/callRecording`,
      headers: bearer(tokens.admin),
      payload: { callRecordingAccessSettings: { downloadRecordingsEnabled: false } },
    });
    expect(put.statusCode).toBe(204);
    expect((await linksOf(tokens.bob, ids.bobs)).temporaryDirectDownloadLinks).toBeUndefined();
    expect((await get(link)).statusCode).toBe(403);
  });

  it('no transcript: the link is null and the reason is shown', async () => {
    const skipped = await linksOf(tokens.co, ids.skipped);
    expect(skipped.temporaryDirectDownloadLinks?.transcriptDownloadLink).toBeNull();
    expect(skipped.transcriptStatus).toBe('skipped');
    expect(skipped.transcriptReason).toMatch(/English calls only/);
    const undecided = await linksOf(tokens.co, await store('alice@example.com', 's4'));
    expect(undecided.temporaryDirectDownloadLinks?.transcriptDownloadLink).toBeNull();
    expect(undecided.temporaryDirectDownloadLinks?.audioDownloadLink).toMatch(/\/audio\?/);
    expect(undecided.transcriptStatus).toBe('pending');
    expect(undecided.transcriptReason).toBeUndefined();
  });
});
