// How a recording was made, in all three places the API shows a recording (fastify.inject on the
// database under test): the details, the metadata (with the trunk, the segment and the SRC's
// SIPREC metadata as received) and Callvault's search, which can also filter on it. A failure
// that was over with nothing lost is listed without making the recording failed. An imported
// recording says it has no capture provenance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import type { RecordingOwner, RecordingProvenance } from './recordings.model.js';
import { storeRecording } from './recording-store.service.js';
import { makeTestAudio } from './test-audio.js';

let t: TestApp;
const ids = { recovered: '', failed: '', imported: '', lateMedia: '' };

const SRC_XML = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1" xmlns:acme="http://acmepacket.com/siprec/extensiondata">
  <datamode>complete</datamode>
  <session session_id="s1"><sipSessionID>abc</sipSessionID></session>
  <participant participant_id="p1"><nameID aor="sip:+46701234567@pstn.example"/></participant>
  <acme:extensiondata><acme:callingParty>true</acme:callingParty></acme:extensiondata>
</recording>`;

const RECOVERED: RecordingProvenance = {
  recovered: true,
  recovery: {
    recoveredAt: '2026-03-01T08:05:00.000Z',
    audioEndedAt: '2026-03-01T08:03:10.000Z',
    journalLastWrittenAt: '2026-03-01T08:03:10.400Z',
  },
  failures: [],
  endReason: 'recovered',
};

const PARTLY_FAILED: RecordingProvenance = {
  recovered: false,
  recovery: null,
  failures: [
    {
      code: 'disk-full',
      detail: 'stream 0 journal: ENOSPC: no space left on device',
      at: '2026-03-01T12:03:00.000Z',
      resolvedAt: null,
      stream: null,
    },
    {
      code: 'no-media',
      detail: 'stream bob received no media in 10 s',
      at: '2026-03-01T12:00:10.000Z',
      resolvedAt: '2026-03-01T12:00:14.000Z',
      stream: null,
    },
  ],
  endReason: 'bye',
};

/** Media that came late: listed, but nothing was lost, so not failed. */
const LATE_MEDIA: RecordingProvenance = {
  recovered: false,
  recovery: null,
  failures: [PARTLY_FAILED.failures[1]!],
  endReason: 'bye',
};

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

async function store(
  timeRecorded: string,
  provenance: RecordingProvenance | undefined,
  metadata: Record<string, unknown> = {},
): Promise<string> {
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: makeTestAudio('ogg', 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner('alice@example.com')],
      timeRecorded,
      metadata,
      provenance,
      source: provenance ? 'recorder' : 'import',
    },
  );
  return stored.recordings[0]!.id;
}

const get = async (url: string) => {
  const res = await t.app.inject({
    method: 'GET',
    url,
    headers: bearer(t.seed.complianceOfficer.token),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

beforeAll(async () => {
  t = await createTestApp();
  ids.recovered = await store('2026-03-01T08:00:00.000Z', RECOVERED, {
    trunk: { id: t.seed.trunk.id, name: t.seed.trunk.name },
    segment: {
      index: 2,
      count: 2,
      startOffsetMs: 8000,
      endOffsetMs: 10_000,
      pauses: [{ startOffsetMs: 8500, endOffsetMs: 9000 }],
      pauseBehaviour: 'cut',
    },
    srcMetadataRevisions: [{ seq: 1, raw: SRC_XML }],
  });
  ids.failed = await store('2026-03-01T12:00:00.000Z', PARTLY_FAILED, {
    srcMetadataRevisions: [],
  });
  ids.imported = await store('2026-03-01T15:00:00.000Z', undefined);
  ids.lateMedia = await store('2026-03-01T10:00:00.000Z', LATE_MEDIA);
});
afterAll(async () => {
  await t?.close();
});

describe(`recording provenance through the API on ${testDialect}`, () => {
  it('GET /v1/convergedRecordings/{id} tells recovered, failures and the end reason', async () => {
    expect(await get(`/v1/convergedRecordings/${ids.recovered}`)).toMatchObject({
      recovered: true,
      recovery: RECOVERED.recovery,
      failed: false,
      failures: [],
      endReason: 'recovered',
    });
    const failed = await get(`/v1/convergedRecordings/${ids.failed}`);
    expect(failed).toMatchObject({ recovered: false, failed: true, endReason: 'bye' });
    expect(failed.failures).toEqual(PARTLY_FAILED.failures);
    expect(failed.recovery).toBeUndefined();
    expect(await get(`/v1/convergedRecordings/${ids.imported}`)).toMatchObject({
      recovered: false,
      failed: false,
      failures: [],
      endReason: null,
    });
  });

  it('the metadata adds the trunk, the segment and the SRC’s metadata as received', async () => {
    const meta = await get(`/v1/convergedRecordings/${ids.recovered}/metadata`);
    expect(meta).toMatchObject({ recovered: true, failed: false, endReason: 'recovered' });
    expect(meta.serviceData.trunk).toEqual({ id: t.seed.trunk.id, name: t.seed.trunk.name });
    expect(meta.serviceData.segment).toEqual({
      index: 2,
      count: 2,
      startOffsetMs: 8000,
      endOffsetMs: 10_000,
      pauses: [{ startOffsetMs: 8500, endOffsetMs: 9000 }],
      pauseBehaviour: 'cut',
    });
    expect(meta.serviceData.srcMetadata.revisions).toEqual([
      { seq: 1, bytes: Buffer.byteLength(SRC_XML), xml: SRC_XML },
    ]);
    expect(meta.serviceData.srcMetadata.truncated).toBe(false);
    expect(meta.serviceData.srcMetadata.extensions).toEqual([
      expect.objectContaining({
        parent: 'recording',
        localName: 'extensiondata',
        namespace: 'http://acmepacket.com/siprec/extensiondata',
        xml: expect.stringContaining('<acme:callingParty>true</acme:callingParty>'),
      }),
    ]);

    const failed = await get(`/v1/convergedRecordings/${ids.failed}/metadata`);
    expect(failed).toMatchObject({ failed: true, endReason: 'bye' });
    expect(failed.failures).toEqual(PARTLY_FAILED.failures);

    const imported = await get(`/v1/convergedRecordings/${ids.imported}/metadata`);
    expect(imported).toMatchObject({ recovered: false, failed: false, endReason: null });
    expect(imported.serviceData).toMatchObject({ trunk: null, segment: null, srcMetadata: null });
  });

  it('GET /api/recordings shows it on every row and filters on recovered and failed', async () => {
    const window = 'from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z';
    const all = await get(`/api/recordings?${window}`);
    const byId = new Map(all.items.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(ids.recovered)).toMatchObject({
      recovered: true,
      recovery: RECOVERED.recovery,
      failed: false,
      endReason: 'recovered',
    });
    expect(byId.get(ids.failed)).toMatchObject({
      recovered: false,
      failed: true,
      failures: PARTLY_FAILED.failures,
      endReason: 'bye',
    });
    expect(byId.get(ids.imported)).toMatchObject({ recovered: false, failed: false });
    expect(byId.get(ids.lateMedia)).toMatchObject({
      failed: false,
      failures: LATE_MEDIA.failures,
    });
    const idsOf = async (q: string) =>
      (await get(`/api/recordings?${window}&${q}`)).items.map((r: { id: string }) => r.id);
    expect(await idsOf('recovered=true')).toEqual([ids.recovered]);
    expect(await idsOf('failed=true')).toEqual([ids.failed]);
    expect(await idsOf('recovered=false&failed=false')).toEqual([ids.imported, ids.lateMedia]);
  });
});
