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
