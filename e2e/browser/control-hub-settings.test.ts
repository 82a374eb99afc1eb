// Journeys through Control Hub's settings forms in Swedish (SPEC §3.3, §4): the labels are
// Swedish while the Webex values go to the API unchanged; a value the server's rules refuse is
// refused in the browser first, in Swedish, before any request; a setting that is switched off
// saves with its fields empty; the recording trunk form checks the API's schema the same way.
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';
import { launchBrowser, signIn, waitForPath } from './browser.js';

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

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${server.seed.admin.token}` },
  });
  expect(response.status, `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

function findCarol(): Server['seed']['people'][number] {
  const carol = server.seed.people.find((p) => p.email.toLowerCase().startsWith('carol'));
  if (!carol) throw new Error('the demo seed has no carol');
  return carol;
}

const carolSettingsPath = (): string => `/v1/people/${findCarol().id}/features/callRecording`;

/** A Swedish browser (no language chosen yet): the console follows it. */
async function openSwedishConsole(): Promise<{
  page: Page;
  writes: Request[];
  close: () => Promise<void>;
}> {
  const context = await browser.newContext({
    baseURL: server.url,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    viewport: { width: 1366, height: 860 },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const writes: Request[] = [];
  page.on('request', (r) => {
    if (['PUT', 'POST', 'PATCH'].includes(r.method()) && !r.url().includes('/api/auth/')) {
      writes.push(r);
    }
  });
  await signIn(page, server.seed.admin.email, server.seed.admin.password);
  await waitForPath(page, '/control-hub/people');
  return { page, writes, close: () => context.close() };
}

describe('Control Hub settings in Swedish', () => {
  it('a person’s form: Swedish labels, the interval refused in Swedish before any request', async () => {
    const { page, writes, close } = await openSwedishConsole();
    try {
      await page.goto(`/control-hub/people/${findCarol().id}/call-recording`);
      const interval = page.getByLabel('Intervall för upprepad signal (sekunder)');
      await interval.waitFor();
      await page.getByRole('region', { name: 'Meddelanden och signaler' }).waitFor();
      // The Webex mode is shown by its Swedish label.
      expect(await page.getByRole('radio', { name: 'Alltid med paus/återuppta' }).isChecked()).toBe(
        true,
      );

      await interval.fill('5');
      await page.getByRole('button', { name: 'Spara', exact: true }).click();
      await page.getByText(/^Ange ett heltal mellan 10 och 1\s800 sekunder\.$/).waitFor();
      expect(await interval.getAttribute('aria-invalid')).toBe('true');
      // Give a stray request time to show up before concluding none was sent.
      await page.waitForTimeout(500);
      expect(writes.map((r) => r.url())).toEqual([]);

      // Another mode, chosen by its Swedish label, goes to the API as Webex's value.
      await interval.fill('45');
      await page.getByText('På begäran, startas av användaren', { exact: true }).click();
      const put = page.waitForRequest(
        (r) => r.method() === 'PUT' && r.url().endsWith(carolSettingsPath()),
      );
      await page.getByRole('button', { name: 'Spara', exact: true }).click();
      const body = (await put).postDataJSON() as { record: string; repeat: unknown };
      expect(body.record).toBe('On Demand with User Initiated Start');
      expect(body.repeat).toEqual({ enabled: true, interval: 45 });
      await page.getByText('Inställningarna för samtalsinspelning sparades').waitFor();
    } finally {
      await close();
    }
  });

  it('a person’s form: the repeat tone switched off saves with its interval empty', async () => {
    const { page, close } = await openSwedishConsole();
    try {
      await page.goto(`/control-hub/people/${findCarol().id}/call-recording`);
      const interval = page.getByLabel('Intervall för upprepad signal (sekunder)');
      await interval.waitFor();
      await interval.fill('');
      const repeat = page.getByRole('switch', { name: /^Upprepad signal/ });
      expect(await repeat.isChecked()).toBe(true);
      // Centred, so the save bar stuck to the bottom of the window does not cover it.
      await repeat.evaluate((e) => e.scrollIntoView({ block: 'center' }));
      await repeat.uncheck();
      expect(await interval.isDisabled()).toBe(true);
      const put = page.waitForRequest(
        (r) => r.method() === 'PUT' && r.url().endsWith(carolSettingsPath()),
      );
      await page.getByRole('button', { name: 'Spara', exact: true }).click();
      // No interval is sent for the empty box: the server keeps the one it has.
      expect(((await put).postDataJSON() as { repeat: unknown }).repeat).toEqual({
        enabled: false,
      });
      await page.getByText('Inställningarna för samtalsinspelning sparades').waitFor();
      const saved = await getJson<{ repeat: { enabled: boolean; interval: number } }>(
        carolSettingsPath(),
      );
      expect(saved.repeat).toEqual({ enabled: false, interval: 45 });
    } finally {
      await close();
    }
  });

  it('the compliance announcement: a delay out of range is refused in Swedish; switched off, an empty delay saves', async () => {
    const { page, writes, close } = await openSwedishConsole();
    try {
      await page.goto('/control-hub/call-recording');
      const form = page.getByRole('form', { name: 'Efterlevnadsmeddelande' });
      await form.waitFor();
      await form
        .getByRole('switch', { name: 'Spela upp efterlevnadsmeddelande vid utgående PSTN-samtal' })
        .check({ force: true });
      await form
        .getByRole('switch', { name: 'Fördröj meddelandet vid utgående samtal' })
        .check({ force: true });
      const delay = form.getByLabel('Fördröjning (sekunder)');
      await delay.fill('25');
      await form.getByRole('button', { name: 'Spara', exact: true }).click();
      await form.getByText('Ange ett heltal mellan 1 och 20 sekunder.', { exact: true }).waitFor();
      await page.waitForTimeout(500);
      expect(writes.map((r) => r.url())).toEqual([]);

      await delay.fill('');
      await form
        .getByRole('switch', { name: 'Fördröj meddelandet vid utgående samtal' })
        .uncheck({ force: true });
      const put = page.waitForRequest(
        (r) => r.method() === 'PUT' && r.url().endsWith('/callRecording/complianceAnnouncement'),
      );
      await form.getByRole('button', { name: 'Spara', exact: true }).click();
      const body = (await put).postDataJSON() as Record<string, unknown>;
      expect(body).toMatchObject({
        outboundPSTNCallsEnabled: true,
        outboundPSTNCallsDelayEnabled: false,
      });
      expect(body).not.toHaveProperty('delayInSeconds');
      await page.getByText('Efterlevnadsmeddelandet sparades').waitFor();
      const saved = await getJson<{
        outboundPSTNCallsDelayEnabled: boolean;
        delayInSeconds: number;
      }>('/v1/telephony/config/callRecording/complianceAnnouncement');
      expect(saved.outboundPSTNCallsDelayEnabled).toBe(false);
      expect(saved.delayInSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await close();
    }
  });

  it('a recording trunk: missing and malformed values are refused in Swedish before any request', async () => {
    const { page, writes, close } = await openSwedishConsole();
    try {
      await page.goto('/control-hub/recording-trunks');
      await page.getByRole('heading', { level: 1, name: 'Inspelningstrunkar' }).waitFor();
      await page.getByRole('button', { name: 'Lägg till trunk' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lägg till en inspelningstrunk' });
      await dialog.getByLabel('Land för nummerplan').fill('S1');
      await dialog.getByRole('button', { name: 'Lägg till trunk' }).click();
      await dialog.getByText('Ge trunken ett namn.', { exact: true }).waitFor();
      await dialog
        .getByText('Lägg till minst en adress eller ett CIDR-intervall.', { exact: true })
        .waitFor();
      await dialog
        .getByText('Två bokstäver (ISO 3166-1 alpha-2), eller tomt för platsernas länder.', {
          exact: true,
        })
        .waitFor();
      await page.waitForTimeout(500);
      expect(writes.map((r) => r.url())).toEqual([]);

      // Digest switched off: its empty fields are not checked, and the trunk is added.
      await dialog.getByRole('textbox', { name: /^Namn/ }).fill('SBC Göteborg');
      await dialog.getByLabel('Tillåtna avsändare').fill('192.0.2.20');
      await dialog.getByLabel('Land för nummerplan').fill('SE');
      await dialog.getByRole('button', { name: 'Lägg till trunk' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByText('Trunken har lagts till').waitFor();
    } finally {
      await close();
    }
  });
});
