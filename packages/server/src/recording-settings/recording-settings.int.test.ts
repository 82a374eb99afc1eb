// Recording settings API: every endpoint, default and validation rule, on the database under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWav } from '../announcements/wav-format.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';

let t: TestApp;
const admin = (): { authorization: string } => bearer(t.seed.admin.token);
const person = (email: string) => t.seed.people.find((p) => p.email === email)!;

async function call(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
  headers = admin(),
) {
  const res = await t.app.inject({
    method,
    url,
    headers,
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

describe(`organisation call recording on ${testDialect}`, () => {
  it('defaults: on, built-in Callvault vendor, 365 days, 100 GB, PROCEED_WITH_CALL_NO_ANNOUNCEMENT', async () => {
    const org = await call('GET', '/v1/telephony/config/callRecording');
    expect(org.body).toMatchObject({
      organization: { id: t.seed.orgId, name: 'Example Org' },
      enabled: true,
      vendorName: 'Callvault',
      retentionDays: 365,
      quotaBytes: 107374182400,
    });
    const vendors = await call('GET', '/v1/telephony/config/callRecording/vendors');
    expect(vendors.body).toMatchObject({
      vendorName: 'Callvault',
      failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
    });
    expect(vendors.body.vendors.map((v: { name: string }) => v.name)).toEqual(['Callvault']);
  });

  it('turning recording off: Webex\'s {"enabled": false} works; the audit event says whether the console\'s "I understand" confirmation was given', async () => {
    const off = await call('PUT', '/v1/telephony/config/callRecording', { enabled: false });
    expect(off.status).toBe(204);
    expect((await call('GET', '/v1/telephony/config/callRecording')).body).toMatchObject({
      enabled: false,
      vendorName: 'None',
    });
    expect(
      (await call('PUT', '/v1/telephony/config/callRecording', { enabled: true })).status,
    ).toBe(204);
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording', {
          enabled: false,
          acknowledgeDisable: true,
        })
      ).status,
    ).toBe(204);
    expect(
      (await call('PUT', '/v1/telephony/config/callRecording', { enabled: true })).status,
    ).toBe(204);
    const audit = await call('GET', '/api/audit?action=callRecording.updated');
    // Newest first: on, off (console), on, off (Webex API).
    expect(audit.body.items[1].details).toEqual({
      before: { enabled: true },
      after: { enabled: false },
      confirmation: 'acknowledgeDisable',
    });
    expect(audit.body.items[3].details).toEqual({
      before: { enabled: true },
      after: { enabled: false },
      confirmation: 'none (Webex API)',
    });
    expect(audit.body.items[0].details).toEqual({
      before: { enabled: false },
      after: { enabled: true },
    });
  });

  it('external SIPREC vendors: register, choose with a failure behaviour, refuse unknown ids, refuse deleting one in use', async () => {
    const created = await call('POST', '/api/recording-vendors', {
      name: 'Acme SRS',
      sipUri: 'sip:srs@acme.example:5060',
      description: 'external recorder',
    });
    expect(created.status).toBe(200);
    expect(
      (await call('POST', '/api/recording-vendors', { name: 'acme srs', sipUri: 'sip:x@y' }))
        .status,
    ).toBe(409);
    expect(
      (await call('POST', '/api/recording-vendors', { name: 'Bad', sipUri: 'http://x' })).status,
    ).toBe(400);
    expect(
      (await call('PUT', '/v1/telephony/config/callRecording/vendor', { vendorId: 'nope' })).status,
    ).toBe(400);
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/vendor', {
          failureBehavior: 'SOMETIMES',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/vendor', {
          vendorId: created.body.id,
          failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', '/v1/telephony/config/callRecording/vendors')).body).toMatchObject({
      vendorId: created.body.id,
      vendorName: 'Acme SRS',
      failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
    });
    expect((await call('DELETE', `/api/recording-vendors/${created.body.id}`)).status).toBe(409);
    const builtin = (await call('GET', '/api/recording-vendors')).body.items.find(
      (v: { builtIn: boolean }) => v.builtIn,
    );
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/vendor', {
          vendorId: builtin.id,
          failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
        })
      ).status,
    ).toBe(200);
    expect((await call('DELETE', `/api/recording-vendors/${created.body.id}`)).status).toBe(204);
  });

  it('location vendor: org default, then its own vendor and failure behaviour, then back', async () => {
    const loc = t.seed.locations[1]!.id;
    const url = `/v1/telephony/config/locations/${loc}/callRecording`;
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDefaultEnabled: true,
      defaultVendorName: 'Callvault',
      orgFailureBehaviorEnabled: true,
    });
    const ext = await call('POST', '/api/recording-vendors', {
      name: 'Branch SRS',
      sipUri: 'sip:srs@branch.example',
    });
    expect(
      (
        await call('PUT', `${url}/vendor`, {
          useOrgVendorId: false,
          vendorId: ext.body.id,
          useOrgFailureBehavior: false,
          failureBehavior: 'PROCEED_CALL_WITH_ANNOUNCEMENT',
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDefaultEnabled: false,
      defaultVendorId: ext.body.id,
      orgFailureBehaviorEnabled: false,
      failureBehavior: 'PROCEED_CALL_WITH_ANNOUNCEMENT',
    });
    expect(
      (await call('PUT', `${url}/vendor`, { useOrgVendorId: true, useOrgFailureBehavior: true }))
        .status,
    ).toBe(200);
    expect((await call('GET', `${url}/vendors`)).body).toMatchObject({
      orgDefaultEnabled: true,
      defaultVendorName: 'Callvault',
    });
    expect(
      (await call('GET', '/v1/telephony/config/locations/unknown/callRecording/vendors')).status,
    ).toBe(404);
  });
});

describe(`compliance announcement on ${testDialect}`, () => {
  it('org: all off by default; set, validate delay', async () => {
    expect(
      (await call('GET', '/v1/telephony/config/callRecording/complianceAnnouncement')).body,
    ).toEqual({
      inboundPSTNCallsEnabled: false,
      outboundPSTNCallsEnabled: false,
      outboundPSTNCallsDelayEnabled: false,
      delayInSeconds: 10,
      useCustomAnnouncementEnabled: false,
      announcementType: 'DEFAULT',
      customAnnouncementFileName: null,
    });
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
          inboundPSTNCallsEnabled: true,
          delayInSeconds: 5,
        })
      ).status,
    ).toBe(204);
    const refused = await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
      outboundPSTNCallsEnabled: true,
      outboundPSTNCallsDelayEnabled: true,
      delayInSeconds: 99,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      message: 'delayInSeconds must be a whole number of seconds between 1 and 20 (got 99)',
    });
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
          announcementType: 'CUSTOM',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('GET', '/v1/telephony/config/callRecording/complianceAnnouncement')).body,
    ).toMatchObject({ inboundPSTNCallsEnabled: true, delayInSeconds: 5 });
  });

  it('org: a delay out of range is not checked while the delay is off, and the stored one stays', async () => {
    for (const body of [
      { outboundPSTNCallsEnabled: true, outboundPSTNCallsDelayEnabled: false, delayInSeconds: 0 },
      { outboundPSTNCallsEnabled: false, outboundPSTNCallsDelayEnabled: true, delayInSeconds: 99 },
    ]) {
      expect(
        (await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', body))
          .status,
      ).toBe(204);
    }
    expect(
      (await call('GET', '/v1/telephony/config/callRecording/complianceAnnouncement')).body,
    ).toMatchObject({
      outboundPSTNCallsEnabled: false,
      outboundPSTNCallsDelayEnabled: true,
      delayInSeconds: 5,
    });
    // Switching it on makes the stored delay count: in range, so accepted.
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
          outboundPSTNCallsEnabled: true,
        })
      ).status,
    ).toBe(204);
    await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
      outboundPSTNCallsEnabled: false,
      outboundPSTNCallsDelayEnabled: false,
    });
  });

  it('location: a new location uses the org settings; it can have its own and go back', async () => {
    const loc = t.seed.locations[0]!.id;
    const url = `/v1/telephony/config/locations/${loc}/callRecording/complianceAnnouncement`;
    expect((await call('GET', url)).body).toMatchObject({
      useOrgSettingsEnabled: true,
      inboundPSTNCallsEnabled: true,
    });
    expect((await call('PUT', url, { outboundPSTNCallsEnabled: true })).status).toBe(400);
    expect(
      (await call('PUT', url, { useOrgSettingsEnabled: false, outboundPSTNCallsEnabled: true }))
        .status,
    ).toBe(204);
    expect((await call('GET', url)).body).toMatchObject({
      useOrgSettingsEnabled: false,
      inboundPSTNCallsEnabled: true,
      outboundPSTNCallsEnabled: true,
    });
    expect((await call('PUT', url, { useOrgSettingsEnabled: true })).status).toBe(204);
    expect((await call('GET', url)).body).toMatchObject({
      useOrgSettingsEnabled: true,
      outboundPSTNCallsEnabled: false,
    });
  });

  it('custom file: WAV checked (400 naming the problem), stored, served, then CUSTOM can be chosen', async () => {
    const upload = (bytes: Uint8Array, q = '') =>
      t.app.inject({
        method: 'POST',
        url: `/api/announcements/custom?fileName=hello.wav${q}`,
        headers: { ...admin(), 'content-type': 'audio/wav' },
        payload: Buffer.from(bytes),
      });
    const stereo = await upload(
      buildWav(new Uint8Array(16000), { sampleRate: 8000, encoding: 'pcm16', channels: 2 }),
    );
    expect(stereo.statusCode).toBe(400);
    expect(stereo.json().message).toMatch(/mono/);
    const good = await upload(
      buildWav(new Uint8Array(8000), { sampleRate: 8000, encoding: 'mulaw' }),
    );
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ fileName: 'hello.wav', durationMs: 1000 });
    const served = await t.app.inject({
      method: 'GET',
      url: `/api/announcements/custom/${good.json().id}.wav`,
    });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.length).toBe(8044);
    expect(
      (
        await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
          announcementType: 'CUSTOM',
        })
      ).status,
    ).toBe(204);
    expect(
      (await call('GET', '/v1/telephony/config/callRecording/complianceAnnouncement')).body,
    ).toMatchObject({ announcementType: 'CUSTOM', customAnnouncementFileName: 'hello.wav' });
    const locUpload = await upload(
      buildWav(new Uint8Array(8000), { sampleRate: 8000, encoding: 'mulaw' }),
      `&locationId=${t.seed.locations[0]!.id}`,
    );
    expect(locUpload.statusCode).toBe(400);
    expect(locUpload.json().message).toMatch(/useOrgSettingsEnabled/);
    await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
      announcementType: 'DEFAULT',
    });
  });

  it('default prompts are served in en_us and sv_se without credentials', async () => {
    for (const path of [
      '/api/announcements/en_us/compliance.wav',
      '/api/announcements/sv_se/tone.wav',
      '/api/announcements/sv_se/recording-paused.wav',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['content-type']).toBe('audio/wav');
      expect(res.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/announcements/xx_yy/compliance.wav' }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/announcements/en_us/..%2f..%2fpackage.json',
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe(`entity recording settings on ${testDialect}`, () => {
  it('dave is at the defaults (SPEC §3.3)', async () => {
    const s = await call(
      'GET',
      `/v1/people/${person('dave@example.com').id}/features/callRecording`,
    );
    expect(s.body).toEqual({
      enabled: false,
      record: 'Never',
      recordVoicemailEnabled: false,
      startStopAnnouncementEnabled: false,
      startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: false },
      notification: { type: 'None', enabled: false },
      repeat: { interval: 15, enabled: false },
      transcriptEnabled: false,
      callRecordingAccessSettings: {
        viewAndPlayRecordingsEnabled: true,
        downloadRecordingsEnabled: true,
        deleteRecordingsEnabled: true,
        shareRecordingsEnabled: true,
      },
      serviceProvider: 'Callvault',
      externalGroup: t.seed.orgId,
      externalIdentifier: 'dave@example.com',
    });
  });

  it('the demo seed set alice, bob, carol and Reception', async () => {
    expect(
      (await call('GET', `/v1/people/${person('alice@example.com').id}/features/callRecording`))
        .body,
    ).toMatchObject({ enabled: true, record: 'Always', transcriptEnabled: true });
    expect(
      (await call('GET', `/v1/people/${person('bob@example.com').id}/features/callRecording`)).body,
    ).toMatchObject({ enabled: true, record: 'On Demand with User Initiated Start' });
    expect(
      (await call('GET', `/v1/people/${person('carol@example.com').id}/features/callRecording`))
        .body,
    ).toMatchObject({
      record: 'Always with Pause/Resume',
      notification: { enabled: true, type: 'Beep' },
      repeat: { enabled: true, interval: 30 },
    });
    const ws = t.seed.workspaces[0]!.id;
    expect(
      (await call('GET', `/v1/telephony/config/workspaces/${ws}/features/callRecordings`)).body,
    ).toMatchObject({ enabled: true, record: 'Always' });
    expect(
      (await call('GET', `/v1/telephony/config/workspaces/${ws}/features/callRecording`)).body,
    ).toMatchObject({ enabled: true, record: 'Always' });
    expect(
      (
        await call(
          'GET',
          `/v1/telephony/config/virtualLines/${t.seed.virtualLines[0]!.id}/callRecording`,
        )
      ).body,
    ).toMatchObject({ enabled: false, record: 'Never' });
  });

  it.each([
    [
      'repeat interval below 10',
      { enabled: true, repeat: { enabled: true, interval: 5 } },
      /repeat.interval must be a whole number of seconds between 10 and 1800 \(got 5\)/,
    ],
    [
      'repeat interval above 1800',
      { enabled: true, repeat: { enabled: true, interval: 1801 } },
      /between 10 and 1800/,
    ],
    ['unknown record value', { record: 'Sometimes' }, /record/],
    ['notification type None on PUT', { notification: { enabled: true, type: 'None' } }, /None/],
  ])('refuses %s', async (_n, payload, message) => {
    const res = await call(
      'PUT',
      `/v1/people/${person('dave@example.com').id}/features/callRecording`,
      payload,
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(message);
  });

  it('does not check the repeat interval while recording or the tone is off, and keeps the stored one', async () => {
    const dave = person('dave@example.com').id;
    const path = `/v1/people/${dave}/features/callRecording`;
    const stored = (await call('GET', path)).body as { repeat: { interval: number } };
    for (const body of [
      { enabled: false, repeat: { enabled: true, interval: 5 } },
      { enabled: true, repeat: { enabled: false, interval: 0 } },
    ]) {
      expect((await call('PUT', path, body)).status).toBe(204);
    }
    expect((await call('GET', path)).body).toMatchObject({
      enabled: true,
      repeat: { enabled: false, interval: stored.repeat.interval },
    });
    expect((await call('PUT', path, { enabled: false })).status).toBe(204);
  });

  it('enabling sets Beep when no type is given, turns access settings on, and is audited with before/after', async () => {
    const dave = person('dave@example.com').id;
    expect(
      (
        await call('PUT', `/v1/people/${dave}/features/callRecording`, {
          enabled: true,
          record: 'Always with Pause/Resume',
          notification: { enabled: true },
          repeat: { enabled: true, interval: 45 },
        })
      ).status,
    ).toBe(204);
    const s = await call('GET', `/v1/people/${dave}/features/callRecording`);
    expect(s.body).toMatchObject({
      enabled: true,
      notification: { enabled: true, type: 'Beep' },
      repeat: { enabled: true, interval: 45 },
    });
    expect(
      (
        await call('PUT', `/v1/people/${dave}/features/callRecording`, {
          callRecordingAccessSettings: { downloadRecordingsEnabled: false },
        })
      ).status,
    ).toBe(204);
    expect(
      (await call('GET', `/v1/people/${dave}/features/callRecording`)).body
        .callRecordingAccessSettings,
    ).toEqual({
      viewAndPlayRecordingsEnabled: true,
      downloadRecordingsEnabled: false,
      deleteRecordingsEnabled: true,
      shareRecordingsEnabled: true,
    });
    const audit = await call(
      'GET',
      `/api/audit?action=callRecording.entityUpdated&targetId=${encodeURIComponent(dave)}`,
    );
    expect(audit.body.items[1].details.after).toMatchObject({
      enabled: true,
      record: 'Always with Pause/Resume',
      repeat: { enabled: true, interval: 45 },
    });
    expect(audit.body.items[1].details.before).toMatchObject({ enabled: false, record: 'Never' });
  });

  it('licence rules: no licence refused; Basic only with the built-in recorder; a workspace needs Professional', async () => {
    const erin = await call(
      'PUT',
      `/v1/people/${person('erin@example.com').id}/features/callRecording`,
      { enabled: true, record: 'Always' },
    );
    expect(erin.status).toBe(400);
    expect(erin.body.errors[0].code).toBe('LICENSE_REQUIRED');
    const bob = person('bob@example.com');
    const ext = await call('POST', '/api/recording-vendors', {
      name: 'Stockholm SRS',
      sipUri: 'sip:srs@sthlm.example',
    });
    await call('PUT', `/v1/telephony/config/locations/${bob.locationId}/callRecording/vendor`, {
      useOrgVendorId: false,
      vendorId: ext.body.id,
    });
    const basic = await call('PUT', `/v1/people/${bob.id}/features/callRecording`, {
      enabled: true,
      record: 'Always',
    });
    expect(basic.status).toBe(400);
    expect(basic.body.message).toMatch(/Basic/);
    await call('PUT', `/v1/telephony/config/locations/${bob.locationId}/callRecording/vendor`, {
      useOrgVendorId: true,
    });
    expect(
      (
        await call('PUT', `/v1/people/${bob.id}/features/callRecording`, {
          enabled: true,
          record: 'Always',
        })
      ).status,
    ).toBe(204);
    const lobby = await call('POST', '/v1/workspaces', {
      displayName: 'Kiosk',
      locationId: bob.locationId,
      callingLicense: 'basic',
    });
    const ws = await call(
      'PUT',
      `/v1/telephony/config/workspaces/${lobby.body.id}/features/callRecordings`,
      { enabled: true, record: 'Always' },
    );
    expect(ws.status).toBe(400);
    expect(ws.body.message).toMatch(/Professional/);
    expect(
      (
        await call(
          'PUT',
          `/v1/telephony/config/virtualLines/${t.seed.virtualLines[0]!.id}/callRecording`,
          { enabled: true, record: 'Always' },
        )
      ).status,
    ).toBe(204);
  });

  it('users read their own settings but may not change them; read-only admins and compliance officers may not change them', async () => {
    const carol = person('carol@example.com');
    const mine = await call(
      'GET',
      '/v1/telephony/config/people/me/settings/callRecording',
      undefined,
      bearer(carol.token),
    );
    expect(mine.body).toMatchObject({
      record: 'Always with Pause/Resume',
      externalIdentifier: 'carol@example.com',
    });
    expect(
      (
        await call(
          'PUT',
          `/v1/people/${carol.id}/features/callRecording`,
          { enabled: false },
          bearer(carol.token),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await call(
          'PUT',
          '/v1/telephony/config/callRecording',
          { enabled: true },
          bearer(t.seed.complianceOfficer.token),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await call(
          'GET',
          `/v1/people/${carol.id}/features/callRecording`,
          undefined,
          bearer(t.seed.complianceOfficer.token),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          'GET',
          `/v1/people/${carol.id}/features/callRecording`,
          undefined,
          bearer(person('alice@example.com').token),
        )
      ).status,
    ).toBe(403);
  });
});

describe(`recording trunks on ${testDialect}`, () => {
  it('the demo seed has the local test trunk', async () => {
    expect(t.seed.trunk).toMatchObject({
      name: 'local test trunk',
      allowedSources: ['127.0.0.1/32'],
    });
    expect((await call('GET', '/api/recording-trunks')).body.items).toEqual([
      expect.objectContaining({ name: 'local test trunk', digest: null, enabled: true }),
    ]);
  });

  it('CRUD, CIDR validation, digest stored as HA1 only, and audited without secrets', async () => {
    const bad = await call('POST', '/api/recording-trunks', {
      name: 'SBC',
      allowedSources: ['10.0.0.0/33', 'sbc.example'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveLength(2);
    const created = await call('POST', '/api/recording-trunks', {
      name: 'SBC',
      allowedSources: ['10.0.0.0/8', '192.0.2.1'],
      digest: { username: 'sbc', realm: 'callvault', password: 'secret-password' },
    });
    expect(created.body).toMatchObject({
      name: 'SBC',
      allowedSources: ['10.0.0.0/8', '192.0.2.1/32'],
      digest: { username: 'sbc', realm: 'callvault' },
      enabled: true,
    });
    expect(JSON.stringify(created.body)).not.toContain('secret-password');
    const row = await t.db.db
      .selectFrom('recording_trunks')
      .select('digest_ha1')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.digest_ha1).toMatch(/^[0-9a-f]{32}$/);
    const upd = await call('PUT', `/api/recording-trunks/${created.body.id}`, {
      enabled: false,
      digest: null,
    });
    expect(upd.body).toMatchObject({ enabled: false, digest: null });
    const audit = await call('GET', `/api/audit?targetId=${encodeURIComponent(created.body.id)}`);
    expect(JSON.stringify(audit.body)).not.toContain('secret-password');
    expect(JSON.stringify(audit.body)).not.toContain(row.digest_ha1);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'recordingTrunk.updated',
      'recordingTrunk.created',
    ]);
    expect((await call('DELETE', `/api/recording-trunks/${created.body.id}`)).status).toBe(204);
    expect(
      (
        await call(
          'POST',
          '/api/recording-trunks',
          { name: 'x', allowedSources: ['1.2.3.4'] },
          bearer(t.seed.complianceOfficer.token),
        )
      ).status,
    ).toBe(403);
  });
});

describe(`recording decisions on ${testDialect}`, () => {
  const decide = (body: object) => call('POST', '/api/recording-decisions', body);

  it('records alice on an inbound PSTN call with the compliance announcement once per call session', async () => {
    await call('PUT', '/v1/telephony/config/callRecording/complianceAnnouncement', {
      inboundPSTNCallsEnabled: true,
    });
    const first = await decide({
      callId: 'c1',
      callSessionId: 's1',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { extension: '1001' },
      otherParty: { number: '+46701234567' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      record: true,
      mode: 'Always',
      target: { type: 'builtin', sipUri: 'sip:callvault@127.0.0.1:5060' },
      complianceAnnouncement: { play: true, language: 'en_us' },
      startStopAnnouncement: { play: false },
      failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
    });
    expect(first.body.complianceAnnouncement.url).toMatch(
      /\/api\/announcements\/en_us\/compliance\.wav$/,
    );
    // Transferred to carol in the same call session: no second announcement.
    const transferred = await decide({
      callId: 'c2',
      callSessionId: 's1',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { email: 'carol@example.com' },
    });
    expect(transferred.body).toMatchObject({
      record: true,
      complianceAnnouncement: { play: false },
      pauseResumeNotification: { type: 'Beep' },
      repeatTone: { enabled: true, intervalSeconds: 30 },
    });
  });

  it('uses the answering entity’s language and matches by E.164 number', async () => {
    const queue = await call(
      'POST',
      `/v1/telephony/config/locations/${t.seed.locations[0]!.id}/queues`,
      { name: 'Kundtjänst', extension: '1800', announcementLanguage: 'sv_se' },
    );
    expect(queue.status).toBe(200);
    const d = await decide({
      callId: 'c3',
      callSessionId: 's3',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { number: '+4685550101' },
      answeringEntity: { extension: '1800' },
    });
    expect(d.body.complianceAnnouncement).toMatchObject({ play: true, language: 'sv_se' });
    expect(d.body.complianceAnnouncement.url).toMatch(/sv_se\/compliance\.wav$/);
  });

  it('reads a recordedParty number in national form with the location country (SE)', async () => {
    const d = await decide({
      callId: 'c3n',
      callSessionId: 's3n',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { number: '08-555 0101' },
    });
    expect(d.body).toMatchObject({ record: true, mode: 'Always' });
    // Read as a US number it would be nobody of a US location: not matched.
    const us = await decide({
      callId: 'c3u',
      callSessionId: 's3u',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { number: '7602922410' },
    });
    expect(us.body).toMatchObject({ record: false, reason: expect.stringMatching(/no person/) });
  });

  it('does not record dave (defaults) or an unknown party, and says why', async () => {
    const erin = await decide({
      callId: 'c4',
      callSessionId: 's4',
      direction: 'outbound',
      callType: 'internal',
      recordedParty: { email: 'erin@example.com' },
    });
    expect(erin.body).toMatchObject({
      record: false,
      target: null,
      reason: expect.stringMatching(/not enabled/),
    });
    const unknown = await decide({
      callId: 'c5',
      callSessionId: 's5',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { extension: '9999' },
    });
    expect(unknown.body).toMatchObject({
      record: false,
      reason: expect.stringMatching(/extension 9999/),
    });
  });

  it('org off: nothing is recorded, with the reason; users may not ask', async () => {
    await call('PUT', '/v1/telephony/config/callRecording', {
      enabled: false,
      acknowledgeDisable: true,
    });
    const d = await decide({
      callId: 'c6',
      callSessionId: 's6',
      direction: 'inbound',
      callType: 'pstn',
      recordedParty: { extension: '1001' },
    });
    expect(d.body).toMatchObject({ record: false, reason: expect.stringMatching(/turned off/) });
    await call('PUT', '/v1/telephony/config/callRecording', { enabled: true });
    const asUser = await call(
      'POST',
      '/api/recording-decisions',
      {
        callId: 'c7',
        callSessionId: 's7',
        direction: 'inbound',
        callType: 'pstn',
        recordedParty: { extension: '1001' },
      },
      bearer(person('alice@example.com').token),
    );
    expect(asUser.status).toBe(403);
  });
});

describe(`Webex clients' read → change → write round trips on ${testDialect}`, () => {
  /**
   * What wxc_sdk's `CallRecordingSetting.update()` PUTs after a read: every field it read except
   * serviceProvider, externalGroup and externalIdentifier, with a notification type of "None"
   * turned into null (the Webex PUT enum has no "None").
   */
  const asWxcSdkSends = (read: Record<string, any>): Record<string, any> => {
    const { serviceProvider: _sp, externalGroup: _eg, externalIdentifier: _ei, ...rest } = read;
    return {
      ...rest,
      notification: {
        ...read.notification,
        type: read.notification.type === 'None' ? null : read.notification.type,
      },
    };
  };

  it('a person: the exact JSON wxc_sdk sends, with notification.type null, is taken (204)', async () => {
    const alice = person('alice@example.com');
    const path = `/v1/people/${alice.id}/features/callRecording`;
    expect((await call('PUT', path, { notification: { enabled: false } })).status).toBe(204);
    const read = (await call('GET', path)).body;
    expect(read.notification).toEqual({ type: 'None', enabled: false });
    // The read, with repeat changed by the script, as wxc_sdk serialises it.
    const sent = {
      enabled: read.enabled,
      record: read.record,
      recordVoicemailEnabled: read.recordVoicemailEnabled,
      startStopAnnouncementEnabled: read.startStopAnnouncementEnabled,
      notification: { type: null, enabled: false },
      repeat: { interval: 60, enabled: true },
      startStopAnnouncement: read.startStopAnnouncement,
      callRecordingAccessSettings: read.callRecordingAccessSettings,
      transcriptEnabled: read.transcriptEnabled,
    };
    const put = await call('PUT', path, sent);
    expect(put.status, JSON.stringify(put.body)).toBe(204);
    expect((await call('GET', path)).body).toEqual({
      ...read,
      repeat: { interval: 60, enabled: true },
    });

    // Turning the notification on from a read "None": wxc_sdk sends enabled true, type null.
    const on = await call('PUT', path, {
      ...asWxcSdkSends((await call('GET', path)).body),
      notification: { type: null, enabled: true },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(204);
    expect((await call('GET', path)).body.notification).toEqual({ type: 'Beep', enabled: true });
  });

  it.each([
    [
      'workspace (Webex path)',
      () => `/v1/telephony/config/workspaces/${t.seed.workspaces[0]!.id}/features/callRecordings`,
    ],
    [
      'workspace (wxc_sdk path)',
      () => `/v1/workspaces/${t.seed.workspaces[0]!.id}/features/callRecording`,
    ],
    [
      'virtual line',
      () => `/v1/telephony/config/virtualLines/${t.seed.virtualLines[0]!.id}/callRecording`,
    ],
  ])(
    'a %s round trip with notification.type null keeps the notification off',
    async (_n, pathOf) => {
      const path = pathOf();
      expect((await call('PUT', path, { notification: { enabled: false } })).status).toBe(204);
      const read = (await call('GET', path)).body;
      expect(read.notification).toEqual({ type: 'None', enabled: false });
      const changed: Record<string, any> = {
        ...asWxcSdkSends(read),
        recordVoicemailEnabled: !read.recordVoicemailEnabled,
      };
      expect(changed.notification).toEqual({ type: null, enabled: false });
      const put = await call('PUT', path, changed);
      expect(put.status, JSON.stringify(put.body)).toBe(204);
      expect((await call('GET', path)).body).toEqual({
        ...read,
        recordVoicemailEnabled: !read.recordVoicemailEnabled,
      });
    },
  );

  it('the wxc_sdk workspace path is the same settings as the telephony/config paths', async () => {
    const ws = t.seed.workspaces[0]!.id;
    const legacy = `/v1/workspaces/${ws}/features/callRecording`;
    expect((await call('PUT', legacy, { repeat: { enabled: true, interval: 90 } })).status).toBe(
      204,
    );
    const viaConfig = await call(
      'GET',
      `/v1/telephony/config/workspaces/${ws}/features/callRecordings`,
    );
    expect(viaConfig.body.repeat).toEqual({ enabled: true, interval: 90 });
    expect((await call('GET', legacy)).body).toEqual(viaConfig.body);
    expect(
      (await call('GET', `/v1/workspaces/${t.seed.virtualLines[0]!.id}/features/callRecording`))
        .status,
    ).toBe(404);
  });

  it('a script that PUTs back everything it read, read-only fields and "None" included, is taken', async () => {
    const vl = `/v1/telephony/config/virtualLines/${t.seed.virtualLines[0]!.id}/callRecording`;
    const read = (await call('GET', vl)).body;
    expect(read.notification.type).toBe('None');
    const put = await call('PUT', vl, { ...read, repeat: { ...read.repeat, interval: 120 } });
    expect(put.status, JSON.stringify(put.body)).toBe(204);
    expect((await call('GET', vl)).body).toEqual({
      ...read,
      repeat: { ...read.repeat, interval: 120 },
    });
    // "None" turns an enabled notification off; with enabled: true it is a contradiction.
    expect(
      (await call('PUT', vl, { notification: { enabled: true, type: 'Play Announcement' } }))
        .status,
    ).toBe(204);
    expect((await call('PUT', vl, { notification: { type: 'None' } })).status).toBe(204);
    expect((await call('GET', vl)).body.notification).toEqual({ type: 'None', enabled: false });
    const contradiction = await call('PUT', vl, { notification: { type: 'None', enabled: true } });
    expect(contradiction.status).toBe(400);
    expect(contradiction.body.errors[0]).toMatchObject({
      errorCode: 400001,
      code: 'VALIDATION_FAILED',
    });
  });
});

describe(`my call recording settings, Webex's shape, on ${testDialect}`, () => {
  it("carol reads Webex's fields (enabled, vendor, recordingMode, …) and the admin view after them", async () => {
    const carol = person('carol@example.com');
    const mine = await call(
      'GET',
      '/v1/telephony/config/people/me/settings/callRecording',
      undefined,
      bearer(carol.token),
    );
    expect(mine.status).toBe(200);
    const admin = (await call('GET', `/v1/people/${carol.id}/features/callRecording`)).body;
    const vendors = (
      await call('GET', `/v1/telephony/config/locations/${carol.locationId}/callRecording/vendors`)
    ).body;
    expect(mine.body).toEqual({
      enabled: admin.enabled,
      vendor: { id: vendors.defaultVendorId, name: vendors.defaultVendorName, loginUrl: '' },
      recordingMode: 'Always with Pause/Resume',
      pauseResumeNotifyMethod: 'Beep',
      announcementEnabled:
        admin.startStopAnnouncement.internalCallsEnabled ||
        admin.startStopAnnouncement.pstnCallsEnabled,
      warningToneEnabled: true,
      warningToneDuration: 30,
      ...admin,
    });
    // The Webex fields come first, as in Webex's answer (pauseResumeNotifyMethod, which a
    // notification that is off leaves out, is written after the fields that are always there).
    expect(Object.keys(mine.body).slice(0, 7)).toEqual([
      'vendor',
      'recordingMode',
      'announcementEnabled',
      'warningToneEnabled',
      'warningToneDuration',
      'enabled',
      'record',
    ]);
  });

  it('a notification that is off leaves pauseResumeNotifyMethod out (Webex has Beep and Play Announcement only); the tone follows repeat', async () => {
    const dave = person('dave@example.com');
    await call('PUT', `/v1/people/${dave.id}/features/callRecording`, {
      notification: { enabled: false },
      repeat: { enabled: false, interval: 600 },
      startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: true },
    });
    const mine = await call(
      'GET',
      '/v1/telephony/config/people/me/settings/callRecording',
      undefined,
      bearer(dave.token),
    );
    expect(mine.body).not.toHaveProperty('pauseResumeNotifyMethod');
    expect(mine.body).toMatchObject({
      announcementEnabled: true,
      warningToneEnabled: false,
      warningToneDuration: 600,
    });
  });
});

describe(`my secondary lines' call recording settings on ${testDialect}`, () => {
  const mineAt = (lineOwnerId: string, token: string) =>
    call(
      'GET',
      `/v1/telephony/config/people/me/settings/secondaryLines/${lineOwnerId}/callRecording`,
      undefined,
      bearer(token),
    );

  it("a person reads a virtual line's settings once an admin gave it to them as a secondary line", async () => {
    const alice = person('alice@example.com');
    const bob = person('bob@example.com');
    const vl = t.seed.virtualLines[0]!.id;
    const users = `/api/virtual-lines/${vl}/secondaryLineUsers`;
    expect((await mineAt(vl, alice.token)).status).toBe(404);
    expect((await call('GET', users)).body).toEqual({ personIds: [] });

    expect((await call('PUT', users, { personIds: [alice.id, alice.id] })).status).toBe(204);
    expect((await call('GET', users)).body).toEqual({ personIds: [alice.id] });
    await call('PUT', `/v1/telephony/config/virtualLines/${vl}/callRecording`, {
      enabled: true,
      record: 'Always with Pause/Resume',
      notification: { enabled: true, type: 'Play Announcement' },
      repeat: { enabled: true, interval: 45 },
    });
    const admin = (await call('GET', `/v1/telephony/config/virtualLines/${vl}/callRecording`)).body;
    const line = await mineAt(vl, alice.token);
    expect(line.status).toBe(200);
    expect(line.body).toEqual({
      ...admin,
      vendor: expect.objectContaining({ loginUrl: '' }),
      recordingMode: 'Always with Pause/Resume',
      pauseResumeNotifyMethod: 'Play Announcement',
      announcementEnabled:
        admin.startStopAnnouncement.internalCallsEnabled ||
        admin.startStopAnnouncement.pstnCallsEnabled,
      warningToneEnabled: true,
      warningToneDuration: 45,
    });

    // Not bob's line; a person's own id and an unknown id are no secondary lines either.
    expect((await mineAt(vl, bob.token)).status).toBe(404);
    expect((await mineAt(alice.id, alice.token)).status).toBe(404);
    expect((await mineAt('nope', alice.token)).body.errors[0]).toMatchObject({
      errorCode: 404001,
      code: 'NOT_FOUND',
    });

    const audit = await call(
      'GET',
      `/api/audit?action=virtualLine.secondaryLineUsersUpdated&targetId=${encodeURIComponent(vl)}`,
    );
    expect(audit.body.items[0].details).toEqual({
      before: { personIds: [] },
      after: { personIds: [alice.id] },
    });

    expect((await call('PUT', users, { personIds: [] })).status).toBe(204);
    expect((await mineAt(vl, alice.token)).status).toBe(404);
  });

  it('only admins set them; unknown people and virtual lines are refused', async () => {
    const alice = person('alice@example.com');
    const vl = t.seed.virtualLines[0]!.id;
    const users = `/api/virtual-lines/${vl}/secondaryLineUsers`;
    expect((await call('PUT', users, { personIds: [alice.id] }, bearer(alice.token))).status).toBe(
      403,
    );
    const unknown = await call('PUT', users, { personIds: [alice.id, 'no-such-person'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/no-such-person/);
    expect((await call('GET', users)).body).toEqual({ personIds: [] });
    expect(
      (await call('PUT', '/api/virtual-lines/nope/secondaryLineUsers', { personIds: [] })).status,
    ).toBe(404);
  });

  it('deleting the virtual line takes its secondary-line rows with it', async () => {
    const alice = person('alice@example.com');
    const created = await call('POST', '/v1/telephony/config/virtualLines', {
      firstName: 'Shared',
      lastName: 'Desk',
      locationId: t.seed.locations[0]!.id,
    });
    expect(created.status).toBe(200);
    const vl = created.body.id as string;
    await call('PUT', `/api/virtual-lines/${vl}/secondaryLineUsers`, { personIds: [alice.id] });
    expect((await mineAt(vl, alice.token)).status).toBe(200);
    expect((await call('DELETE', `/v1/telephony/config/virtualLines/${vl}`)).status).toBe(204);
    expect((await mineAt(vl, alice.token)).status).toBe(404);
    const left = await t.db.db
      .selectFrom('secondary_lines')
      .selectAll()
      .where('virtual_line_id', '=', vl)
      .execute();
    expect(left).toEqual([]);
  });
});
