// Organisation and location call-recording settings as Webex clients use them (COMPAT.md §2a/§3a):
// the exact JSON wxc_sdk and Webex's API reference send, nulls and extra fields included, in
// read → change → write round trips, on the database under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWav } from '../announcements/wav-format.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;
const admin = (): { authorization: string } => bearer(t.seed.admin.token);
const person = (email: string) => t.seed.people.find((p) => p.email === email)!;
const cfg = '/v1/telephony/config';

async function call(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = admin(),
) {
  const res = await t.app.inject({
    method,
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json<any>() : null };
}

async function upload(query: string): Promise<{ id: string; fileName: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/announcements/custom?${query}`,
    headers: { ...admin(), 'content-type': 'audio/wav' },
    payload: Buffer.from(buildWav(new Uint8Array(8000), { sampleRate: 8000, encoding: 'mulaw' })),
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe(`vendors and call-recording jobs, as Webex clients use them, on ${testDialect}`, () => {
  it('vendors carry loginUrl (empty: no vendor login page)', async () => {
    const vendors = await call('GET', `${cfg}/callRecording/vendors`);
    expect(vendors.body.vendors[0]).toMatchObject({ name: 'Callvault', loginUrl: '' });
    const loc = t.seed.locations[0]!.id;
    const locVendors = await call('GET', `${cfg}/locations/${loc}/callRecording/vendors`);
    expect(locVendors.body.vendors[0]).toMatchObject({ loginUrl: '' });
  });

  it('org vendor PUT (wxc_sdk set_org_vendor body) answers 200 {jobId}; the job reports the change with its counts and the users the vendor cannot record', async () => {
    const ext = await call('POST', '/api/recording-vendors', {
      name: 'Org SRS',
      sipUri: 'sip:srs@org.example',
    });
    const put = await call('PUT', `${cfg}/callRecording/vendor`, {
      vendorId: ext.body.id,
      storageRegion: 'US',
      failureBehavior: 'PROCEED_CALL_WITH_ANNOUNCEMENT',
    });
    expect(put.status).toBe(200);
    expect(Object.keys(put.body)).toEqual(['jobId']);
    const job = await call('GET', `${cfg}/jobs/callRecording/${put.body.jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      name: 'callrecording',
      id: put.body.jobId,
      sourceUserId: t.seed.admin.id,
      sourceCustomerId: t.seed.orgId,
      targetCustomerId: t.seed.orgId,
      latestExecutionStatus: 'COMPLETED',
      vendorId: ext.body.id,
      counts: { totalNumberOfLocations: 2, failedUsers: 1 },
    });
    expect(job.body.locationId).toBeUndefined();
    expect(job.body.trackingId).toMatch(/^CALLVAULT_/);
    expect(job.body.counts.updatedUsers).toBe(job.body.counts.totalNumberOfUsers - 1);
    expect(job.body.jobExecutionStatus[0]).toMatchObject({
      statusMessage: 'COMPLETED',
      exitCode: 'COMPLETED',
      stepExecutionStatuses: [{ id: 1, statusMessage: 'COMPLETED' }],
    });
    // Bob has a Basic licence: only the built-in recorder may record him (SPEC §2).
    const errors = await call('GET', `${cfg}/jobs/callRecording/${put.body.jobId}/errors`);
    expect(errors.body.items).toEqual([
      {
        itemNumber: 1,
        item: person('bob@example.com').id,
        error: {
          key: '400',
          message: [
            {
              description: expect.stringMatching(/Basic licence/),
              code: '400003',
              locationId: person('bob@example.com').locationId,
            },
          ],
        },
        trackingId: job.body.trackingId,
      },
    ]);
    const list = await call('GET', `${cfg}/jobs/callRecording`);
    expect(list.body.items[0].id).toBe(put.body.jobId);
    const audit = await call('GET', '/api/audit?action=callRecording.vendorUpdated');
    expect(audit.body.items[0].details).toMatchObject({ jobId: put.body.jobId });

    const back = await call('PUT', `${cfg}/callRecording/vendor`, {
      vendorId: (await call('GET', '/api/recording-vendors')).body.items.find(
        (v: { builtIn: boolean }) => v.builtIn,
      ).id,
      failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
    });
    expect(back.status).toBe(200);
    const backJob = await call('GET', `${cfg}/jobs/callRecording/${back.body.jobId}`);
    expect(backJob.body.counts.failedUsers).toBe(0);
    expect(backJob.body.instanceId).toBe(job.body.instanceId + 1);
    expect((await call('GET', `${cfg}/jobs/callRecording/nope`)).status).toBe(404);
    expect(
      (
        await call(
          'GET',
          `${cfg}/jobs/callRecording`,
          undefined,
          bearer(person('alice@example.com').token),
        )
      ).status,
    ).toBe(403);
  });

  it('location vendor PUT takes Webex names: read → change → write back what was read; reverting with orgStorageRegionEnabled/orgFailureBehaviorEnabled works', async () => {
    const loc = t.seed.locations[1]!.id;
    const url = `${cfg}/locations/${loc}/callRecording`;
    const ext = await call('POST', '/api/recording-vendors', {
      name: 'Branch SRS 2',
      sipUri: 'sip:srs@branch2.example',
    });
    const read = (await call('GET', `${url}/vendors`)).body;
    expect(read).toMatchObject({ orgDefaultEnabled: true, orgStorageRegionEnabled: true });
    // A script changes what it read and sends all of it back (wxc_sdk's model: Webex names).
    const put = await call('PUT', `${url}/vendor`, {
      ...read,
      id: ext.body.id,
      orgDefaultEnabled: false,
      orgStorageRegionEnabled: false,
      storageRegion: 'GB',
      orgFailureBehaviorEnabled: false,
      failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
    });
    expect(put.status).toBe(200);
    expect(typeof put.body.jobId).toBe('string');
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDefaultEnabled: false,
      defaultVendorId: ext.body.id,
      orgStorageRegionEnabled: false,
      storageRegion: 'GB',
      orgFailureBehaviorEnabled: false,
      failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
    });
    const job = await call('GET', `${cfg}/jobs/callRecording/${put.body.jobId}`);
    expect(job.body).toMatchObject({
      locationId: loc,
      vendorId: ext.body.id,
      counts: { totalNumberOfLocations: 1 },
    });

    // Reverting the region and failure behaviour to the org values with Webex names alone.
    const revert = await call('PUT', `${url}/vendor`, {
      orgStorageRegionEnabled: true,
      orgFailureBehaviorEnabled: true,
    });
    expect(revert.status).toBe(200);
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDefaultEnabled: false,
      orgStorageRegionEnabled: true,
      storageRegion: (await call('GET', `${cfg}/callRecording/vendors`)).body.storageRegion,
      orgFailureBehaviorEnabled: true,
    });
    expect((await call('PUT', `${url}/vendor`, { orgDefaultEnabled: true })).status).toBe(200);
    expect((await call('GET', `${url}/vendors`)).body.orgDefaultEnabled).toBe(true);
  });

  it('a location vendor body Callvault does not understand is refused with 400, never ignored', async () => {
    const url = `${cfg}/locations/${t.seed.locations[0]!.id}/callRecording/vendor`;
    const before = (await call('GET', `${url}s`)).body;
    const unknown = await call('PUT', url, { vendor: 'x', useOrgDefault: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].errorCode).toBe(400001);
    const contradictory = await call('PUT', url, {
      orgDefaultEnabled: true,
      useOrgVendorId: false,
    });
    expect(contradictory.status).toBe(400);
    expect((await call('PUT', url, { id: 'nope', orgDefaultEnabled: false })).status).toBe(400);
    expect((await call('GET', `${url}s`)).body).toEqual(before);
  });
});

describe(`terms of service, storage regions and vendor users on ${testDialect}`, () => {
  it('terms of service: read, accept (wxc_sdk body), read back; unknown vendor 404', async () => {
    const vendorId = (await call('GET', `${cfg}/callRecording/vendors`)).body.vendorId;
    const url = `${cfg}/callRecording/vendors/${vendorId}/termsOfService`;
    expect((await call('GET', url)).body).toEqual({
      vendorId,
      vendorName: 'Callvault',
      termsOfServiceEnabled: false,
      termsOfServiceUrl: expect.any(String),
    });
    expect((await call('PUT', url, { termsOfServiceEnabled: true })).status).toBe(204);
    expect((await call('GET', url)).body.termsOfServiceEnabled).toBe(true);
    const audit = await call('GET', '/api/audit?action=callRecording.termsOfServiceUpdated');
    expect(audit.body.items[0].details).toMatchObject({ vendorId });
    expect((await call('PUT', url, { termsOfServiceEnabled: false })).status).toBe(204);
    expect((await call('GET', url)).body.termsOfServiceEnabled).toBe(false);
    expect((await call('GET', `${cfg}/callRecording/vendors/nope/termsOfService`)).status).toBe(
      404,
    );
    expect((await call('PUT', url, { termsOfServiceEnabled: 'yes' })).status).toBe(400);
  });

  it('regions: one region, the store this server keeps recordings in', async () => {
    expect((await call('GET', `${cfg}/callRecording/regions`)).body).toEqual({
      regions: [{ code: 'local', name: 'This server’s file store', defaultEnabled: true }],
    });
  });

  it('vendor users: who has recording on with the org vendor or a location’s; max/start/standardUserOnly', async () => {
    const org = await call('GET', `${cfg}/callRecording/vendorUsers`);
    expect(org.status).toBe(200);
    const ids = org.body.members.map((m: { id: string }) => m.id);
    expect(ids).toContain(person('alice@example.com').id);
    expect(ids).toContain(person('bob@example.com').id);
    expect(ids).not.toContain(person('dave@example.com').id);
    expect(
      org.body.members.find((m: { id: string }) => m.id === person('bob@example.com').id),
    ).toEqual({
      id: person('bob@example.com').id,
      firstName: 'Bob',
      lastName: 'Berg',
      type: 'PEOPLE',
      licenseType: 'BASIC_USER',
    });
    const reception = org.body.members.find((m: { type: string }) => m.type === 'PLACE');
    expect(reception).toMatchObject({ licenseType: 'PROFESSIONAL_WORKSPACE' });
    const standard = await call('GET', `${cfg}/callRecording/vendorUsers?standardUserOnly=true`);
    expect(standard.body.members.map((m: { id: string }) => m.id)).toEqual([
      person('bob@example.com').id,
    ]);
    const page = await call('GET', `${cfg}/callRecording/vendorUsers?max=1&start=1`);
    expect(page.body.members).toEqual([org.body.members[1]]);

    const stockholm = person('alice@example.com').locationId;
    const loc = await call('GET', `${cfg}/locations/${stockholm}/callRecording/vendorUsers`);
    expect(loc.body.members.map((m: { id: string }) => m.id)).toContain(
      person('alice@example.com').id,
    );
    expect(loc.body.members.map((m: { id: string }) => m.id)).not.toContain(
      person('carol@example.com').id,
    );
    expect((await call('GET', `${cfg}/locations/nope/callRecording/vendorUsers`)).status).toBe(404);
  });
});

describe(`compliance announcement custom file fields on ${testDialect}`, () => {
  it('org: upload, then the GenFCR body {useCustomAnnouncementEnabled, audioAnnouncementFileId}; read shows audioAnnouncementFile', async () => {
    const url = `${cfg}/callRecording/complianceAnnouncement`;
    const file = await upload('fileName=greeting.wav');
    const put = await call('PUT', url, {
      inboundPSTNCallsEnabled: true,
      outboundPSTNCallsEnabled: false,
      outboundPSTNCallsDelayEnabled: false,
      delayInSeconds: 10,
      useCustomAnnouncementEnabled: true,
      audioAnnouncementFileId: file.id,
    });
    expect(put.status).toBe(204);
    const read = (await call('GET', url)).body;
    expect(read).toMatchObject({
      useCustomAnnouncementEnabled: true,
      audioAnnouncementFile: {
        id: file.id,
        fileName: 'greeting.wav',
        mediaFileType: 'WAV',
        level: 'ORGANIZATION',
        isTextToSpeech: false,
      },
      announcementType: 'CUSTOM',
    });
    // Round trip: what was read goes back with one change (read-only file object included).
    expect((await call('PUT', url, { ...read, useCustomAnnouncementEnabled: false })).status).toBe(
      204,
    );
    expect((await call('GET', url)).body).toMatchObject({
      useCustomAnnouncementEnabled: false,
      announcementType: 'DEFAULT',
    });
    expect((await call('PUT', url, { audioAnnouncementFileId: 'nope' })).status).toBe(400);
    expect((await call('PUT', url, { audioAnnouncementFileId: null })).status).toBe(204);
  });

  it('location: useOrgLevelAnnouncementEnabled and customComplianceAnnouncement as wxc_sdk sends them', async () => {
    const loc = person('alice@example.com').locationId;
    const url = `${cfg}/locations/${loc}/callRecording/complianceAnnouncement`;
    const first = (await call('GET', url)).body;
    expect(first).toMatchObject({
      useOrgSettingsEnabled: true,
      useOrgLevelAnnouncementEnabled: true,
      customComplianceAnnouncement: { type: 'DEFAULT' },
    });
    expect(
      (await call('PUT', url, { useOrgSettingsEnabled: false, inboundPSTNCallsEnabled: true }))
        .status,
    ).toBe(204);
    const file = await upload(`fileName=branch.wav&locationId=${loc}`);
    const read = (await call('GET', url)).body;
    expect(read).toMatchObject({
      useOrgSettingsEnabled: false,
      useOrgLevelAnnouncementEnabled: true,
      customComplianceAnnouncement: {
        type: 'DEFAULT',
        audioAnnouncementFile: { id: file.id, level: 'LOCATION' },
      },
    });
    // wxc_sdk update(): everything it read, customComplianceAnnouncement as {type, fileId}.
    const { customComplianceAnnouncement: _c, ...rest } = read;
    const put = await call('PUT', url, {
      ...rest,
      useOrgLevelAnnouncementEnabled: false,
      customComplianceAnnouncement: { type: 'CUSTOM', audioAnnouncementFileId: file.id },
    });
    expect(put.status).toBe(204);
    expect((await call('GET', url)).body).toMatchObject({
      useOrgLevelAnnouncementEnabled: false,
      customComplianceAnnouncement: { type: 'CUSTOM', audioAnnouncementFile: { id: file.id } },
      useCustomAnnouncementEnabled: true,
      audioAnnouncementFile: { id: file.id, level: 'LOCATION' },
      inboundPSTNCallsEnabled: true,
    });
    // The decision API plays the location's file to a PSTN caller of that location.
    const decision = await call(
      'POST',
      '/api/recording-decisions',
      {
        callId: 'c-loc-1',
        callSessionId: 's-loc-1',
        direction: 'inbound',
        callType: 'pstn',
        recordedParty: { email: 'alice@example.com' },
      },
      bearer(t.seed.admin.token),
    );
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({ record: true, complianceAnnouncement: { play: true } });
    expect(decision.body.complianceAnnouncement.url).toContain(file.id);
    expect(
      (
        await call('PUT', url, {
          customComplianceAnnouncement: { type: 'CUSTOM', audioAnnouncementFileId: 'nope' },
        })
      ).status,
    ).toBe(400);
    expect((await call('PUT', url, { useOrgSettingsEnabled: true })).status).toBe(204);
  });
});

describe(`recording announcements (start/stop/pause/resume/failure prompts) on ${testDialect}`, () => {
  it('org: defaults; a custom start prompt by file id; a read → write round trip', async () => {
    const url = `${cfg}/callRecording/announcements`;
    const defaults = (await call('GET', url)).body;
    expect(defaults).toEqual({
      start: { type: 'DEFAULT' },
      stop: { type: 'DEFAULT' },
      pause: { type: 'DEFAULT' },
      resume: { type: 'DEFAULT' },
      failureProceedWithCall: { type: 'DEFAULT' },
      failureEndWithCall: { type: 'DEFAULT' },
    });
    expect((await call('PUT', url, { start: { type: 'CUSTOM' } })).status).toBe(400);
    const start = await upload('fileName=start.wav&prompt=start');
    const put = await call('PUT', url, {
      start: { type: 'CUSTOM', audioAnnouncementFileId: start.id },
      stop: { type: 'DEFAULT', audioAnnouncementFileId: null },
    });
    expect(put.body).toBe(null);
    expect(put.status).toBe(204);
    const read = (await call('GET', url)).body;
    expect(read.start).toEqual({
      type: 'CUSTOM',
      audioAnnouncementFile: {
        id: start.id,
        fileName: 'start.wav',
        mediaFileType: 'WAV',
        level: 'ORGANIZATION',
        isTextToSpeech: false,
      },
    });
    expect(read.stop).toEqual({ type: 'DEFAULT' });
    // Sent back as read (file objects are read-only extras): nothing changes.
    const again = await call('PUT', url, read);
    expect(again.body).toBe(null);
    expect(again.status).toBe(204);
    expect((await call('GET', url)).body).toEqual(read);
    // The decision API hands the call system the uploaded start prompt.
    const alice = person('alice@example.com');
    expect(
      (
        await call('PUT', `/v1/people/${alice.id}/features/callRecording`, {
          startStopAnnouncement: { internalCallsEnabled: true },
        })
      ).status,
    ).toBe(204);
    const decision = await call('POST', '/api/recording-decisions', {
      callId: 'c-start-1',
      callSessionId: 's-start-1',
      direction: 'inbound',
      callType: 'internal',
      recordedParty: { email: 'alice@example.com' },
    });
    expect(decision.body.startStopAnnouncement).toEqual({
      play: true,
      url: expect.stringContaining(`/api/announcements/custom/${start.id}.wav`),
    });
    // A start file is not a stop file.
    expect(
      (await call('PUT', url, { stop: { type: 'CUSTOM', audioAnnouncementFileId: start.id } }))
        .status,
    ).toBe(400);
    const audit = await call('GET', '/api/audit?action=recordingAnnouncements.updated');
    expect(audit.body.items.length).toBeGreaterThan(0);
  });

  it('location: org level until useOrgLevelAnnouncementEnabled is false; its own pause file; back to org level', async () => {
    const loc = t.seed.locations[1]!.id;
    const url = `${cfg}/locations/${loc}/callRecording/announcements`;
    const org = (await call('GET', `${cfg}/callRecording/announcements`)).body;
    expect((await call('GET', url)).body).toEqual({ useOrgLevelAnnouncementEnabled: true, ...org });
    expect((await call('PUT', url, { pause: { type: 'CUSTOM' } })).status).toBe(400);
    const pause = await upload(`fileName=paus.wav&prompt=pause&locationId=${loc}`);
    // The Webex reference example body shape.
    const put = await call('PUT', url, {
      useOrgLevelAnnouncementEnabled: false,
      pause: { type: 'CUSTOM', audioAnnouncementFileId: pause.id },
    });
    expect(put.status).toBe(204);
    const read = (await call('GET', url)).body;
    expect(read).toMatchObject({
      useOrgLevelAnnouncementEnabled: false,
      start: { type: 'CUSTOM', audioAnnouncementFile: { level: 'ORGANIZATION' } },
      pause: { type: 'CUSTOM', audioAnnouncementFile: { id: pause.id, level: 'LOCATION' } },
    });
    expect((await call('PUT', url, { ...read, resume: { type: 'DEFAULT' } })).status).toBe(204);
    expect((await call('PUT', url, { useOrgLevelAnnouncementEnabled: true })).status).toBe(204);
    expect((await call('GET', url)).body.useOrgLevelAnnouncementEnabled).toBe(true);
    expect((await call('GET', `${cfg}/locations/nope/callRecording/announcements`)).status).toBe(
      404,
    );
  });
});
