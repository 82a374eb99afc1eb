// Search inside transcripts (SPEC §7) on the database under test — the same contract on SQLite
// (FTS5) and PostgreSQL (tsvector): segments are indexed with the transcript row and removed with
// it, every word must be in one segment, words match as prefixes, FTS syntax is only words, the
// other filters and the org still apply, and `GET /api/recordings?transcript=` answers compliance
// officers with the first matching segment's snippet, time and speaker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { searchRecordings, type RecordingFilter } from '../recordings/recordings.repository.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { makeTestAudio } from '../recordings/test-audio.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { findFirstSegmentMatches } from '../recordings/recording-transcripts.repository.js';
import { parseTranscriptQuery } from '../recordings/transcript-search.js';
import {
  deleteTranscriptRow,
  findIndexedSegments,
  insertTranscript,
  type IndexedSegment,
} from './transcripts.repository.js';

let t: TestApp;
const ids = { refund: '', invoice: '', bobs: '', removed: '' };
const WHEN = '2026-03-01T08:00:00.000Z';

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
      timeRecorded: WHEN,
      callSessionId: session,
      direction: 'inbound',
      remoteNumber: '+46701234567',
      metadata: {},
      source: 'recorder',
    },
  );
  return stored.recordings[0]?.id ?? '';
}

async function index(recordingId: string, segments: IndexedSegment[]): Promise<void> {
  await insertTranscript(
    t.db.db,
    {
      recordingId,
      orgId: t.seed.orgId,
      status: 'completed',
      reason: null,
      engine: 'pocketsphinx',
      language: 'en',
      blobKey: null,
      text: segments.map((s) => s.text).join(' '),
      wordCount: segments.reduce((n, s) => n + s.text.split(' ').length, 0),
      createdAt: t.clock.now().toISOString(),
    },
    segments,
  );
}

const filter = (terms: string, extra: Partial<RecordingFilter> = {}): RecordingFilter => ({
  orgId: t.seed.orgId,
  from: '2026-02-01T00:00:00.000Z',
  to: '2026-03-02T00:00:00.000Z',
  statuses: ['available'],
  transcriptTerms: parseTranscriptQuery(terms),
  limit: 100,
  ...extra,
});

async function found(terms: string, extra: Partial<RecordingFilter> = {}): Promise<string[]> {
  const page = await searchRecordings(t.db.db, filter(terms, extra));
  return page.items.map((r) => r.id).sort();
}

const sorted = (...values: string[]): string[] => [...values].sort();

beforeAll(async () => {
  t = await createTestApp();
  ids.refund = await store('alice@example.com', 's1');
  ids.invoice = await store('alice@example.com', 's2');
  ids.bobs = await store('bob@example.com', 's3');
  ids.removed = await store('bob@example.com', 's4');
  await index(ids.refund, [
    { start: 0.5, end: 2, speaker: 'Alice', text: 'good morning how can I help' },
    { start: 2.5, end: 6.25, speaker: 'Caller', text: 'I would like a refund for my order' },
    { start: 7, end: 9, speaker: 'Alice', text: 'refunds take five days' },
  ]);
  await index(ids.invoice, [
    { start: 1, end: 3, speaker: 'Alice', text: 'your invoice number is forty two' },
    { start: 4, end: 5, speaker: 'Caller', text: 'and the order' },
  ]);
  await index(ids.bobs, [{ start: 0, end: 4, speaker: 'Bob', text: 'the refund was paid' }]);
  await index(ids.removed, [{ start: 0, end: 1, speaker: 'Bob', text: 'refund removed later' }]);
});
afterAll(async () => {
  await t?.close();
});

describe(`the transcript search index on ${testDialect}`, () => {
  it('finds recordings whose transcript says the word, and words that begin with it', async () => {
    expect(await found('refund')).toEqual(sorted(ids.refund, ids.bobs, ids.removed));
    expect(await found('REFUNDS')).toEqual([ids.refund]);
    expect(await found('invo')).toEqual([ids.invoice]);
    expect(await found('nothing')).toEqual([]);
  });

  it('needs every word in one segment', async () => {
    expect(await found('refund order')).toEqual([ids.refund]);
    // "invoice" and "order" are both in the invoice call, but in different segments.
    expect(await found('invoice order')).toEqual([]);
  });

  it('reads FTS syntax as plain words and never fails on it', async () => {
    for (const q of [
      '"refund',
      'refund*',
      'refund OR invoice',
      'NEAR(refund order)',
      'order:x',
      "'refund'",
      '-refund',
      'refund^',
      'AND',
    ]) {
      await expect(found(q)).resolves.toBeInstanceOf(Array);
    }
    // OR is a word here ("order" begins with it), not an operator.
    expect(await found('"refund" OR')).toEqual([ids.refund]);
    expect(await found('refunds NOT')).toEqual([]);
    expect(await found('(refund)')).toEqual(sorted(ids.refund, ids.bobs, ids.removed));
  });

  it('combines with the other filters and stays inside the org', async () => {
    const bob = owner('bob@example.com').id;
    expect(await found('refund', { ownerId: bob })).toEqual(sorted(ids.bobs, ids.removed));
    expect(await found('refund', { orgId: 'another-org' })).toEqual([]);
    expect(await found('refund', { from: '2026-03-01T09:00:00.000Z' })).toEqual([]);
  });

  it('returns the earliest matching segment of each recording', async () => {
    const matches = await findFirstSegmentMatches(
      t.db.db,
      t.seed.orgId,
      [ids.refund, ids.invoice],
      ['refund'],
    );
    expect(matches.size).toBe(1);
    expect(matches.get(ids.refund)).toEqual({
      recordingId: ids.refund,
      start: 2.5,
      end: 6.25,
      speaker: 'Caller',
      text: 'I would like a refund for my order',
    });
    const elsewhere = await findFirstSegmentMatches(
      t.db.db,
      'another-org',
      [ids.refund],
      ['refund'],
    );
    expect(elsewhere.size).toBe(0);
  });

  it('removes the index entries with the transcript', async () => {
    expect(await findIndexedSegments(t.db.db, ids.removed)).toHaveLength(1);
    await t.db.db.transaction().execute((trx) => deleteTranscriptRow(trx, ids.removed));
    expect(await findIndexedSegments(t.db.db, ids.removed)).toEqual([]);
    expect(await found('removed')).toEqual([]);
    expect(await found('refund')).toEqual(sorted(ids.refund, ids.bobs));
  });

  it('a permanent delete takes the index entries with the recording', async () => {
    const gone = await store('bob@example.com', 's5');
    await index(gone, [{ start: 0, end: 1, speaker: 'Bob', text: 'zebra crossing' }]);
    expect(await found('zebra')).toEqual([gone]);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/convergedRecordings/${gone}`,
      headers: bearer(t.seed.complianceOfficer.token),
      payload: { reason: 'wrong number' },
    });
    expect(res.statusCode).toBe(204);
    expect(await findIndexedSegments(t.db.db, gone)).toEqual([]);
    expect(await found('zebra')).toEqual([]);
  });
});

const search = (query: string, token: string) =>
  t.app.inject({
    method: 'GET',
    url: `/api/recordings?from=2026-02-01T00:00:00Z&transcript=${encodeURIComponent(query)}`,
    headers: bearer(token),
  });

describe(`GET /api/recordings?transcript= on ${testDialect}`, () => {
  it('answers a compliance officer with the snippet, time and speaker of the first hit', async () => {
    const res = await search('order refund', t.seed.complianceOfficer.token);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Array<{ id: string; transcriptMatch?: unknown }> }>().items;
    expect(items).toEqual([
      expect.objectContaining({
        id: ids.refund,
        transcriptMatch: {
          snippet: 'I would like a refund for my order',
          start: 2.5,
          end: 6.25,
          speaker: 'Caller',
        },
      }),
    ]);
  });

  it('other searches carry no transcriptMatch', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/recordings?from=2026-02-01T00:00:00Z',
      headers: bearer(t.seed.complianceOfficer.token),
    });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Array<Record<string, unknown>> }>().items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).not.toHaveProperty('transcriptMatch');
  });

  it('refuses administrators (they never read transcripts) and users', async () => {
    expect((await search('refund', t.seed.admin.token)).statusCode).toBe(403);
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com')?.token ?? '';
    expect((await search('refund', alice)).statusCode).toBe(403);
  });

  it('validates the words: 400 for none, too many or too long; syntax is just words', async () => {
    const co = t.seed.complianceOfficer.token;
    expect((await search('"*()', co)).statusCode).toBe(400);
    expect((await search('a b c d e f g h i', co)).statusCode).toBe(400);
    expect((await search('x'.repeat(201), co)).statusCode).toBe(400);
    expect((await search('', co)).statusCode).toBe(400);
    const syntax = await search('refund" OR * NEAR(', co);
    expect(syntax.statusCode).toBe(200);
  });
});
