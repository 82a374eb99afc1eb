// POST /api/recording-decisions for a voicemail leg, on the database under test: the call system
// says the leg deposits a message in the recorded party's mailbox, and Callvault records it only
// when that entity's recordVoicemailEnabled is on — set over the Webex person settings API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;

async function call(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: bearer(t.seed.admin.token),
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: res.statusCode, body: res.body ? res.json<any>() : null };
}

const leg = (over: object = {}) =>
  call('POST', '/api/recording-decisions', {
    callId: 'vm-c1',
    callSessionId: 'vm-s1',
    direction: 'inbound',
    callType: 'internal',
    recordedParty: { extension: '1001' },
    otherParty: { extension: '2001' },
    ...over,
  });

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe(`recording decisions for voicemail legs on ${testDialect}`, () => {
  const alice = () => t.seed.people.find((p) => p.email === 'alice@example.com')!.id;
  const settingsUrl = () => `/v1/people/${alice()}/features/callRecording`;

  it('recordVoicemailEnabled off (default): a voicemail leg is not recorded, and says why', async () => {
    expect((await call('GET', settingsUrl())).body.recordVoicemailEnabled).toBe(false);
    const d = await leg({ legType: 'voicemail' });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({
      record: false,
      recordingType: 'voicemail',
      target: null,
      reason: 'voicemail deposits are not recorded for this entity (recordVoicemailEnabled is off)',
    });
    // The conversation itself is recorded as ever.
    expect((await leg()).body).toMatchObject({ record: true, recordingType: 'call' });
    expect((await leg({ legType: 'call' })).body).toMatchObject({
      record: true,
      recordingType: 'call',
    });
  });

  it('recordVoicemailEnabled on: the voicemail leg is recorded by the built-in recorder as a voicemail', async () => {
    expect((await call('PUT', settingsUrl(), { recordVoicemailEnabled: true })).status).toBe(204);
    const d = await leg({ legType: 'voicemail' });
    expect(d.body).toMatchObject({
      record: true,
      recordingType: 'voicemail',
      mode: 'Always',
      target: { type: 'builtin' },
    });
    expect(d.body.reason).toMatch(/^voicemail deposit recorded \(Always\)/);
    expect((await call('PUT', settingsUrl(), { recordVoicemailEnabled: false })).status).toBe(204);
    expect((await leg({ legType: 'voicemail' })).body.record).toBe(false);
  });

  it('an unknown legType is refused with 400', async () => {
    expect((await leg({ legType: 'fax' })).status).toBe(400);
  });
});
