// Callvault's forwarding options on the Webex vendor settings (SPEC §3.1): "record here when the
// vendor fails" (org, default on) and dual recording (org, overridden per location; default off),
// read and written through the org and location vendor endpoints and audited with the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;

async function call(method: 'GET' | 'PUT', url: string, payload?: unknown) {
  const res = await t.app.inject({
    method,
    url,
    headers: bearer(t.seed.admin.token),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json<any>() : null };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe(`forwarding options of the vendor settings on ${testDialect}`, () => {
  it('org: record here when the vendor fails is on and dual recording off by default; both are set with the vendor PUT and audited', async () => {
    const org = '/v1/telephony/config/callRecording';
    expect((await call('GET', `${org}/vendors`)).body).toMatchObject({
      recordLocallyOnVendorFailureEnabled: true,
      dualRecordingEnabled: false,
    });
    const put = await call('PUT', `${org}/vendor`, {
      recordLocallyOnVendorFailureEnabled: false,
      dualRecordingEnabled: true,
    });
    expect(put.status).toBe(200);
    expect((await call('GET', `${org}/vendors`)).body).toMatchObject({
      recordLocallyOnVendorFailureEnabled: false,
      dualRecordingEnabled: true,
    });
    const audit = await call('GET', '/api/audit?action=callRecording.vendorUpdated');
    expect(audit.body.items[0].details).toMatchObject({
      before: { recordLocallyOnVendorFailure: true, dualRecording: false },
      after: { recordLocallyOnVendorFailure: false, dualRecording: true },
    });
    await call('PUT', `${org}/vendor`, {
      recordLocallyOnVendorFailureEnabled: true,
      dualRecordingEnabled: false,
    });
  });

  it("location: follows the org's dual recording until it sets its own; orgDualRecordingEnabled returns to the org's", async () => {
    const location = t.seed.locations[0]!.id;
    const url = `/v1/telephony/config/locations/${location}/callRecording`;
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDualRecordingEnabled: true,
      dualRecordingEnabled: false,
    });
    await call('PUT', '/v1/telephony/config/callRecording/vendor', { dualRecordingEnabled: true });
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDualRecordingEnabled: true,
      dualRecordingEnabled: true,
    });
    expect((await call('PUT', `${url}/vendor`, { dualRecordingEnabled: false })).status).toBe(200);
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDualRecordingEnabled: false,
      dualRecordingEnabled: false,
    });
    // Leaving the org's value without giving one keeps the value the location showed.
    await call('PUT', `${url}/vendor`, { orgDualRecordingEnabled: true });
    await call('PUT', `${url}/vendor`, { orgDualRecordingEnabled: false });
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDualRecordingEnabled: false,
      dualRecordingEnabled: true,
    });
    await call('PUT', `${url}/vendor`, { orgDualRecordingEnabled: true });
    await call('PUT', '/v1/telephony/config/callRecording/vendor', {
      dualRecordingEnabled: false,
    });
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDualRecordingEnabled: true,
      dualRecordingEnabled: false,
    });
  });
});

describe(`how Callvault signals to an external recorder, on ${testDialect}`, () => {
  async function post(payload: object) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/recording-vendors',
      headers: bearer(t.seed.admin.token),
      payload,
    });
    return { status: res.statusCode, body: res.json<any>() };
  }

  it('a vendor is registered with its metadata dialect and digest credentials; the password is never returned nor audited, only the username and realm', async () => {
    const created = await post({
      name: 'Legacy BroadWorks Recorder',
      sipUri: 'sip:srs@legacy.example;transport=tls',
      metadataDialect: 'broadworks',
      digest: { username: 'callvault', realm: 'legacy.example', password: 'hunter2-secret' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      metadataDialect: 'broadworks',
      digest: { username: 'callvault', realm: 'legacy.example' },
    });
    expect(JSON.stringify(created.body)).not.toContain('hunter2');
    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/recording-vendors/${created.body.id}`,
      headers: bearer(t.seed.admin.token),
    });
    expect(listed.json()).toMatchObject({
      metadataDialect: 'broadworks',
      digest: { username: 'callvault', realm: 'legacy.example' },
    });
    expect(listed.body).not.toContain('hunter2');
    const audit = await call('GET', '/api/audit?action=recordingVendor.created');
    const entry = JSON.stringify(audit.body.items[0]);
    expect(entry).toContain('legacy.example');
    expect(entry).not.toContain('hunter2');
    expect(entry).not.toMatch(/ha1/i);

    const plain = await post({ name: 'Plain Recorder', sipUri: 'sip:srs@plain.example' });
    expect(plain.body).toMatchObject({ metadataDialect: 'rfc7865', digest: null });
  });

  it('an unknown dialect or a digest without its password is refused 400', async () => {
    expect((await post({ name: 'X1', sipUri: 'sip:x@y', metadataDialect: 'avaya' })).status).toBe(
      400,
    );
    expect(
      (await post({ name: 'X2', sipUri: 'sip:x@y', digest: { username: 'u', realm: 'r' } })).status,
    ).toBe(400);
  });
});
