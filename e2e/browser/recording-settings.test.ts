// Journeys through Control Hub's call-recording pages (SPEC §3, §9.5) in Chromium against the real
// server: a person's form with its validation, the organisation switch with its acknowledgement,
// a location override, a recording trunk, and what a read-only administrator sees.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';
import {
  launchBrowser,
  navbar,
  openConsole,
  saveScreenshot,
  signIn,
  tableRows,
  waitForPath,
} from './browser.js';

type Server = Awaited<ReturnType<typeof startServer>>;

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Calls the API as the demo admin (its integration token), as a script would. */
async function callApi(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.seed.admin.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function getJson<T>(path: string): Promise<T> {
  const response = await callApi('GET', path);
  expect(response.status, `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

interface EntitySettings {
  enabled: boolean;
  record: string;
  notification: { enabled: boolean; type: string };
  repeat: { enabled: boolean; interval: number };
}

function findCarol(): Server['seed']['people'][number] {
  const carol = server.seed.people.find((p) => p.email.toLowerCase().startsWith('carol'));
  if (!carol) throw new Error('the demo seed has no carol');
  return carol;
}

/** A 16-bit PCM WAV of silence (RIFF header, fmt and data chunks). */
function buildWav(options: { channels: number; sampleRate: number; seconds: number }): Buffer {
  const { channels, sampleRate, seconds } = options;
  const blockAlign = channels * 2;
  const dataBytes = sampleRate * seconds * blockAlign;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(channels, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * blockAlign, 28);
  wav.writeUInt16LE(blockAlign, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return wav;
}

const carolSettingsPath = (): string => `/v1/people/${findCarol().id}/features/callRecording`;

async function signInAsAdmin(page: Page): Promise<void> {
  await signIn(page, server.seed.admin.email, server.seed.admin.password);
  await waitForPath(page, '/control-hub/people');
}

/** From the People list, the way an administrator gets there: carol's row, Call recording. */
async function openCarolsRecording(page: Page): Promise<void> {
  const carol = findCarol();
  await navbar(page).getByRole('link', { name: 'People' }).click();
  const row = tableRows(page).filter({ hasText: carol.email });
  await row.getByRole('link', { name: /call recording/i }).click();
  await waitForPath(page, `/control-hub/people/${carol.id}/call-recording`);
  await page.getByLabel('Repeat tone interval (seconds)').waitFor();
}

describe('Control Hub call recording in a browser', () => {
  it("the admin sets carol's repeat tone to 45 s, saves, and still sees 45 after a reload", async () => {
    const before = await getJson<EntitySettings>(carolSettingsPath());
    // The demo seed gives carol a repeat tone every 30 s.
    expect(before.repeat).toEqual({ enabled: true, interval: 30 });

    const { context, page } = await openConsole(browser, server.url);
    try {
      await signInAsAdmin(page);
      await openCarolsRecording(page);
      const interval = page.getByLabel('Repeat tone interval (seconds)');
      expect(await interval.inputValue()).toBe('30');
      // Every field of SPEC §3.3 is on the form with its Webex label, and the platform info.
      expect(await page.getByRole('radio', { name: 'Always with Pause/Resume' }).isChecked()).toBe(
        true,
      );
      await page.getByRole('switch', { name: 'Record voicemail' }).waitFor();
      await page.getByRole('checkbox', { name: 'Download recordings' }).waitFor();
      const platform = page.getByRole('region', { name: 'Platform information' });
      expect(await platform.getByLabel('Service provider').inputValue()).toBe('Callvault');
      // People are known to the platform by their email address.
      expect(await platform.getByLabel('External identifier').inputValue()).toBe(findCarol().email);
      expect(await platform.getByLabel('External identifier').getAttribute('readonly')).not.toBe(
        null,
      );
      await saveScreenshot(page, 'person-call-recording');

      const save = page.getByRole('button', { name: 'Save', exact: true });
      expect(await save.isDisabled()).toBe(true);
      await interval.fill('45');
      const put = page.waitForRequest(
        (r) => r.method() === 'PUT' && r.url().endsWith(carolSettingsPath()),
      );
      await save.click();
      const body = (await put).postDataJSON() as EntitySettings;
      expect(body.repeat).toEqual({ enabled: true, interval: 45 });
      await page.getByText('Call recording settings saved').waitFor();

      await page.reload();
      await page.getByLabel('Repeat tone interval (seconds)').waitFor();
      await expect
        .poll(() => page.getByLabel('Repeat tone interval (seconds)').inputValue())
        .toBe('45');
      const after = await getJson<EntitySettings>(carolSettingsPath());
      expect(after.repeat).toEqual({ enabled: true, interval: 45 });
      // Nothing else moved.
      expect(after.record).toBe(before.record);
      expect(after.notification).toEqual(before.notification);
    } finally {
      await context.close();
    }
  });

  it('an interval of 5 shows the validation error and saves nothing', async () => {
    const before = await getJson<EntitySettings>(carolSettingsPath());
    const { context, page } = await openConsole(browser, server.url);
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT') puts.push(r.url());
    });
    try {
      await signInAsAdmin(page);
      await openCarolsRecording(page);
      const interval = page.getByLabel('Repeat tone interval (seconds)');
      await interval.fill('5');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      // The server's rule, worded by its code as the console words the server's refusal.
      await page.getByText('Enter a whole number of seconds between 10 and 1,800.').waitFor();
      expect(await interval.getAttribute('aria-invalid')).toBe('true');
      await saveScreenshot(page, 'person-call-recording-invalid');
      // Give a stray request time to show up before concluding none was sent.
      await page.waitForTimeout(500);
      expect(puts).toEqual([]);

      const after = await getJson<EntitySettings>(carolSettingsPath());
      expect(after.repeat).toEqual(before.repeat);

      // The server refuses the same value by the same rule (recording and the tone are on).
      const refused = await callApi('PUT', carolSettingsPath(), { repeat: { interval: 5 } });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toBe(
        'repeat.interval must be a whole number of seconds between 10 and 1800 (got 5)',
      );
    } finally {
      await context.close();
    }
  });

  it('turning the organisation off needs the acknowledgement; with it, recording goes off', async () => {
    const orgPath = '/v1/telephony/config/callRecording';
    expect((await getJson<{ enabled: boolean }>(orgPath)).enabled).toBe(true);
    const { context, page } = await openConsole(browser, server.url);
    const orgPuts: unknown[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && new URL(r.url()).pathname === orgPath) {
        orgPuts.push(r.postDataJSON());
      }
    });
    try {
      await signInAsAdmin(page);
      await navbar(page).getByRole('link', { name: 'Call recording' }).click();
      await waitForPath(page, '/control-hub/call-recording');
      await page.getByRole('heading', { name: 'Call recording', level: 1 }).waitFor();
      // Retention and quota are shown, read-only.
      await page.getByTestId('read-only-retention').waitFor();
      await page.getByTestId('read-only-storage-quota').waitFor();
      await page.getByRole('radio', { name: 'Callvault (built-in)' }).waitFor();
      await saveScreenshot(page, 'org-call-recording');

      const recordingSwitch = page.getByRole('switch', { name: 'Call recording' });
      expect(await recordingSwitch.isChecked()).toBe(true);
      await recordingSwitch.click({ force: true });
      const dialog = page.getByRole('dialog', { name: 'Turn off call recording?' });
      await dialog.waitFor();
      const turnOff = dialog.getByRole('button', { name: 'Turn off recording' });
      const acknowledgement = dialog.getByRole('checkbox', {
        name: 'I understand that turning off call recording removes this feature for all users',
      });
      expect(await acknowledgement.isChecked()).toBe(false);
      expect(await turnOff.isDisabled()).toBe(true);
      await saveScreenshot(page, 'org-call-recording-disable');
      // A click on the disabled button does nothing (Playwright would wait for it to enable).
      await turnOff.click({ force: true });
      await page.waitForTimeout(300);
      expect(orgPuts).toEqual([]);
      expect((await getJson<{ enabled: boolean }>(orgPath)).enabled).toBe(true);

      // Cancelling leaves recording on.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await recordingSwitch.isChecked()).toBe(true);
      expect(orgPuts).toEqual([]);

      await recordingSwitch.click({ force: true });
      await dialog.waitFor();
      expect(await acknowledgement.isChecked()).toBe(false);
      await acknowledgement.check({ force: true });
      expect(await turnOff.isEnabled()).toBe(true);
      await turnOff.click();
      await page.getByText('Call recording turned off').waitFor();
      await dialog.waitFor({ state: 'hidden' });
      expect(orgPuts).toEqual([{ enabled: false, acknowledgeDisable: true }]);
      expect((await getJson<{ enabled: boolean }>(orgPath)).enabled).toBe(false);
      await page.getByText('Recording off', { exact: true }).waitFor();

      // Turning it back on needs no confirmation.
      await recordingSwitch.click({ force: true });
      await page.getByText('Call recording turned on').waitFor();
      expect((await getJson<{ enabled: boolean }>(orgPath)).enabled).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a custom compliance announcement: the server refuses a stereo file, takes a mono one', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signInAsAdmin(page);
      await navbar(page).getByRole('link', { name: 'Call recording' }).click();
      const form = page.getByRole('form', { name: 'Compliance announcement' });
      await form.getByRole('radio', { name: 'Default announcement' }).waitFor();
      expect(await form.getByRole('radio', { name: 'Custom file' }).isDisabled()).toBe(true);

      const fileInput = form.locator('input[type="file"]');
      await fileInput.setInputFiles({
        name: 'stereo.wav',
        mimeType: 'audio/wav',
        buffer: buildWav({ channels: 2, sampleRate: 8000, seconds: 1 }),
      });
      await form
        .getByText(
          'The announcement file was refused: the file has 2 channels; announcements must be mono',
        )
        .waitFor();
      await saveScreenshot(page, 'org-announcement-refused');

      await fileInput.setInputFiles({
        name: 'greeting.wav',
        mimeType: 'audio/wav',
        buffer: buildWav({ channels: 1, sampleRate: 8000, seconds: 2 }),
      });
      await page.getByText('Announcement uploaded').waitFor();
      await form.getByText('Current file: greeting.wav').waitFor();
      await form.getByRole('radio', { name: 'Custom file' }).check();
      await form.getByRole('switch', { name: /inbound PSTN calls/ }).check({ force: true });
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Compliance announcement saved').waitFor();

      const saved = await getJson<{
        announcementType: string;
        customAnnouncementFileName: string | null;
        inboundPSTNCallsEnabled: boolean;
      }>('/v1/telephony/config/callRecording/complianceAnnouncement');
      expect(saved).toMatchObject({
        announcementType: 'CUSTOM',
        customAnnouncementFileName: 'greeting.wav',
        inboundPSTNCallsEnabled: true,
      });
    } finally {
      await context.close();
    }
  });

  it('a location gets its own failure behaviour and goes back to the organisation default', async () => {
    const location = server.seed.locations[0];
    if (!location) throw new Error('the demo seed has no location');
    const vendorsPath = `/v1/telephony/config/locations/${location.id}/callRecording/vendors`;
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signInAsAdmin(page);
      await navbar(page).getByRole('link', { name: 'Locations' }).click();
      await page.getByRole('link', { name: `Call recording settings of ${location.name}` }).click();
      await waitForPath(page, `/control-hub/locations/${location.id}/call-recording`);
      const form = page.getByRole('form', { name: 'Location recording provider' });
      const failure = form.getByRole('radiogroup', { name: 'When recording fails' });
      await failure.getByRole('radio', { name: 'Use a setting for this location' }).check();
      await form.getByRole('textbox', { name: "Location's failure behaviour" }).click();
      await page.getByRole('option', { name: 'End the call with an announcement' }).click();
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Location recording provider saved').waitFor();
      await saveScreenshot(page, 'location-call-recording');

      const own = await getJson<{ orgFailureBehaviorEnabled: boolean; failureBehavior: string }>(
        vendorsPath,
      );
      expect(own).toMatchObject({
        orgFailureBehaviorEnabled: false,
        failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
      });

      await failure.getByRole('radio', { name: "Use the organisation's setting" }).check();
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await expect
        .poll(async () => await getJson<{ orgFailureBehaviorEnabled: boolean }>(vendorsPath))
        .toMatchObject({ orgFailureBehaviorEnabled: true });
    } finally {
      await context.close();
    }
  });

  it('the admin adds a recording trunk; a bad CIDR shows the server’s message first', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signInAsAdmin(page);
      await navbar(page).getByRole('link', { name: 'Recording trunks' }).click();
      await waitForPath(page, '/control-hub/recording-trunks');
      // The demo seed's trunk is listed.
      await tableRows(page).filter({ hasText: 'local test trunk' }).waitFor();

      await page.getByRole('button', { name: 'Add trunk' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a recording trunk' });
      await dialog.getByLabel(/^Name/).fill('Stockholm SBC');
      await dialog.getByLabel('Allowed sources').fill('192.0.2.10\n10.0.0.0/33');
      await dialog.getByRole('button', { name: 'Add trunk' }).click();
      await dialog
        .getByText('allowedSources: not an IP address or CIDR: 10.0.0.0/33', { exact: true })
        .waitFor();
      await saveScreenshot(page, 'recording-trunk-invalid');

      await dialog.getByLabel('Allowed sources').fill('192.0.2.10\n198.51.100.0/24');
      await dialog.getByRole('switch', { name: 'Require digest authentication' }).check({
        force: true,
      });
      await dialog.getByLabel('Username').fill('sbc-sthlm');
      await dialog.getByLabel(/^Realm/).fill('callvault');
      await dialog.getByLabel(/^Password/).fill('correct horse battery');
      // This SBC signals the address it sends from: no first-sender latching.
      await dialog.getByText('SDP address only', { exact: true }).click();
      await saveScreenshot(page, 'recording-trunk-media-source');
      await dialog.getByRole('button', { name: 'Add trunk' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = tableRows(page).filter({ hasText: 'Stockholm SBC' });
      await row.waitFor();
      expect(await row.textContent()).toContain('192.0.2.10/32');
      expect(await row.textContent()).toContain('sbc-sthlm@callvault');
      await saveScreenshot(page, 'recording-trunks');

      const { items } = await getJson<{
        items: {
          name: string;
          allowedSources: string[];
          digest: unknown;
          enabled: boolean;
          mediaLatching: string;
        }[];
      }>('/api/recording-trunks');
      const created = items.find((t) => t.name === 'Stockholm SBC');
      expect(created).toEqual(
        expect.objectContaining({
          allowedSources: ['192.0.2.10/32', '198.51.100.0/24'],
          digest: { username: 'sbc-sthlm', realm: 'callvault' },
          enabled: true,
          mediaLatching: 'signalled',
        }),
      );
    } finally {
      await context.close();
    }
  });

  it('workspaces and virtual lines open their form from their row; a licence problem shows inline', async () => {
    const reception = server.seed.workspaces.find((w) => w.name === 'Reception');
    const line = server.seed.virtualLines[0];
    const erin = server.seed.people.find((p) => p.email.startsWith('erin'));
    if (!reception || !line || !erin) throw new Error('the demo seed changed');
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signInAsAdmin(page);

      // Reception records Always in the demo seed, read through the workspace path.
      await navbar(page).getByRole('link', { name: 'Workspaces' }).click();
      await page.getByRole('link', { name: 'Call recording settings of Reception' }).click();
      await waitForPath(page, `/control-hub/workspaces/${reception.id}/call-recording`);
      await page.getByRole('heading', { name: 'Reception', level: 1 }).waitFor();
      await expect
        .poll(() => page.getByRole('radio', { name: 'Always', exact: true }).isChecked())
        .toBe(true);

      // The virtual line starts at the defaults: off. Turned on with Always, it saves.
      await navbar(page).getByRole('link', { name: 'Virtual lines' }).click();
      await tableRows(page).first().waitFor();
      await tableRows(page)
        .first()
        .getByRole('link', { name: /call recording settings/i })
        .click();
      await waitForPath(page, `/control-hub/virtual-lines/${line.id}/call-recording`);
      const linePath = `/v1/telephony/config/virtualLines/${line.id}/callRecording`;
      expect((await getJson<EntitySettings>(linePath)).enabled).toBe(false);
      const onSwitch = page.getByRole('switch', { name: 'Call recording' });
      await onSwitch.waitFor();
      expect(await page.getByRole('radio', { name: 'Always', exact: true }).isDisabled()).toBe(
        true,
      );
      await onSwitch.check({ force: true });
      await page.getByRole('radio', { name: 'Always', exact: true }).check();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Call recording settings saved').waitFor();
      expect(await getJson<EntitySettings>(linePath)).toMatchObject({
        enabled: true,
        record: 'Always',
      });

      // Erin has no calling licence: the server refuses, and the form says why.
      await page.goto(`/control-hub/people/${erin.id}/call-recording`);
      await page.getByRole('switch', { name: 'Call recording' }).check({ force: true });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Licence required').waitFor();
      await page.getByText(/This person has no calling licence/).waitFor();
      await saveScreenshot(page, 'person-licence-required');
      expect(
        (await getJson<EntitySettings>(`/v1/people/${erin.id}/features/callRecording`)).enabled,
      ).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('the admin registers an external recorder with the BroadWorks format and digest credentials; a missing password is asked for first, and the password is never shown again', async () => {
    const { context, page } = await openConsole(browser, server.url);
    const posts: unknown[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/recording-vendors') {
        posts.push(r.postDataJSON());
      }
    });
    try {
      await signInAsAdmin(page);
      await navbar(page).getByRole('link', { name: 'Call recording' }).click();
      await page.getByRole('heading', { name: 'Call recording', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Register recorder' }).click();
      const dialog = page.getByRole('dialog', { name: 'Register an external recorder' });
      await dialog.getByLabel(/^Name/).fill('Legacy archive');
      await dialog.getByLabel(/^SIPREC URI/).fill('sip:srs@archive.example;transport=tls');
      await dialog.getByRole('textbox', { name: 'Metadata format' }).click();
      await page.getByRole('option', { name: 'BroadWorks (ns:siprec)' }).click();
      await dialog.getByRole('switch', { name: /asks for a user name and password/ }).click({
        force: true,
      });
      await dialog.getByLabel(/^User name/).fill('callvault');
      await dialog.getByLabel(/^Realm/).fill('archive.example');
      // The password left empty: the form says so and nothing is sent.
      await dialog.getByLabel(/^Password/).fill(' ');
      await dialog.getByLabel(/^Password/).fill('');
      await dialog.evaluate((el) => {
        for (const input of el.querySelectorAll('input')) input.removeAttribute('required');
      });
      await dialog.getByRole('button', { name: 'Register', exact: true }).click();
      await dialog
        .getByText('Fill in the user name, realm and password, or turn digest off.')
        .waitFor();
      expect(posts).toEqual([]);

      await dialog.getByLabel(/^Password/).fill('archive-secret-1');
      await dialog.getByRole('button', { name: 'Register', exact: true }).click();
      await page.getByText('Legacy archive can now be chosen.').waitFor();
      expect(posts).toEqual([
        {
          name: 'Legacy archive',
          sipUri: 'sip:srs@archive.example;transport=tls',
          metadataDialect: 'broadworks',
          digest: { username: 'callvault', realm: 'archive.example', password: 'archive-secret-1' },
        },
      ]);
      await page
        .getByText('BroadWorks (ns:siprec) · Digest: callvault (archive.example)')
        .waitFor();
      expect(await page.content()).not.toContain('archive-secret-1');
      await saveScreenshot(page, 'external-recorder-digest');
    } finally {
      await context.close();
    }
  });

  it("with an external recorder registered, a location turns dual recording on for itself and back to the organisation's", async () => {
    const location = server.seed.locations[0];
    if (!location) throw new Error('the demo seed has no location');
    const vendorsPath = `/v1/telephony/config/locations/${location.id}/callRecording/vendors`;
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signInAsAdmin(page);
      await page.goto(`/control-hub/locations/${location.id}/call-recording`);
      const form = page.getByRole('form', { name: 'Location recording provider' });
      const dual = form.getByRole('radiogroup', { name: 'Dual recording' });
      await dual.getByText('Currently off.').waitFor();
      await dual.getByRole('radio', { name: 'Use a setting for this location' }).check();
      await dual
        .getByRole('switch', { name: 'Record here as well as forward' })
        .click({ force: true });
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Location recording provider saved').waitFor();
      expect(await getJson(vendorsPath)).toMatchObject({
        orgDualRecordingEnabled: false,
        dualRecordingEnabled: true,
      });
      await dual.getByRole('radio', { name: "Use the organisation's setting" }).check();
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await expect
        .poll(async () => await getJson(vendorsPath))
        .toMatchObject({ orgDualRecordingEnabled: true, dualRecordingEnabled: false });
    } finally {
      await context.close();
    }
  });

  it('a read-only administrator sees the recording forms disabled', async () => {
    const email = 'auditor@example.com';
    const password = 'read-only-pass-1';
    const created = await callApi('POST', '/v1/people', {
      emails: [email],
      displayName: 'Avery Auditor',
      roles: ['readOnlyAdmin'],
    });
    expect(created.status).toBe(200);
    await server.setPassword(email, password);

    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, email, password);
      await waitForPath(page, '/control-hub/people');
      await openCarolsRecording(page);
      await page.getByText('You have read-only access').waitFor();
      expect(await page.getByLabel('Repeat tone interval (seconds)').isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);

      await navbar(page).getByRole('link', { name: 'Call recording' }).click();
      await page.getByRole('heading', { name: 'Call recording', level: 1 }).waitFor();
      expect(await page.getByRole('switch', { name: 'Call recording' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Register recorder' }).isDisabled()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
