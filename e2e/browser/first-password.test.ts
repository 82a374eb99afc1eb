// Journey: an administrator created with a one-time password (first start, `callvault org create`)
// must choose a new password before the console shows anything else.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';
import { launchBrowser, openConsole, signIn, waitForPath } from './browser.js';

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

describe('a one-time password', () => {
  it('leads to choosing a new password, then to Control Hub; the one-time password stops working', async () => {
    const created = await server.cli([
      'org',
      'create',
      '--name',
      'Fresh Org',
      '--admin-email',
      'first@fresh.example',
    ]);
    expect(created.code).toBe(0);
    const { oneTimePassword } = JSON.parse(created.stdout) as { oneTimePassword: string };

    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, 'first@fresh.example', oneTimePassword);
      await waitForPath(page, '/change-password');
      // The one-time password just typed at sign-in is not asked for again.
      await page.getByTestId('one-time-password-kept').waitFor();
      expect(await page.getByLabel('One-time password').count()).toBe(0);
      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByText('Use at least 12 characters.').waitFor();
      expect(await page.getByRole('button', { name: 'Save password' }).isDisabled()).toBe(true);
      await page.getByLabel('New password', { exact: true }).fill('correct horse battery');
      await page.getByLabel('Repeat the new password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Save password' }).click();
      await waitForPath(page, '/control-hub/people');
      await page.getByRole('cell', { name: 'first@fresh.example' }).first().waitFor();
    } finally {
      await context.close();
    }
    const again = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'first@fresh.example', password: oneTimePassword }),
    });
    expect(again.status).toBe(401);
  });
});
