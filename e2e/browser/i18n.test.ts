// Journey: the console in Swedish. Switching in the header turns the navigation and the pages
// Swedish and survives a reload; a person whose profile remembers Swedish gets it in a fresh
// browser; a Swedish browser gets it with no choice made; a server error reads in Swedish,
// translated by its code.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';
import { launchBrowser, navbar, openConsole, signIn, waitForPath } from './browser.js';

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

async function pageLanguage(page: Page): Promise<string> {
  return page.evaluate<string>('document.documentElement.lang');
}

/** Signs in on a login page that is already in Swedish. */
async function signInInSwedish(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
}

describe('the console in Swedish', () => {
  it('switching to Svenska in the header translates the navigation and Recordings, and a reload keeps it', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await navbar(page).getByRole('link', { name: 'Recordings' }).waitFor();
      expect(await pageLanguage(page)).toBe('en');

      // The header's switch: Mantine hides the radio itself and shows its label (SV, named
      // Svenska for screen readers).
      const svenska = page.getByRole('banner').getByRole('radio', { name: 'Svenska' });
      await page
        .getByRole('banner')
        .locator('label', { has: page.getByText('Svenska') })
        .click();
      expect(await svenska.isChecked()).toBe(true);
      const nav = page.getByRole('navigation', { name: 'Huvudnavigering' });
      await nav.getByRole('link', { name: 'Inspelningar' }).waitFor();
      await nav.getByRole('link', { name: 'Personer' }).waitFor();
      await nav.getByRole('link', { name: 'Samtalsinspelning' }).waitFor();
      expect(await pageLanguage(page)).toBe('sv');

      await nav.getByRole('link', { name: 'Inspelningar' }).click();
      await waitForPath(page, '/recordings');
      await page.getByRole('heading', { level: 1, name: 'Inspelningar' }).waitFor();
      await page.getByRole('button', { name: 'Avancerat' }).waitFor();
      await page.getByRole('button', { name: 'Logga ut' }).waitFor();

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Inspelningar' }).waitFor();
      await page.getByRole('navigation', { name: 'Huvudnavigering' }).waitFor();
      expect(await pageLanguage(page)).toBe('sv');

      // The choice is on the profile too, for the administrator's other browsers.
      const session = await context.request.get('/api/auth/session');
      expect((await session.json()).user.language).toBe('sv');
    } finally {
      await context.close();
    }
  });

  it('a person whose profile remembers Swedish sees Swedish in a fresh English browser', async () => {
    const bob = server.seed.people.find((p) => p.email === 'bob@example.com');
    if (!bob) throw new Error('the demo seed changed');
    const saved = await fetch(new URL('/api/auth/language', server.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'sv' }),
    });
    expect(saved.status).toBe(204);

    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, bob.email, bob.password);
      await waitForPath(page, '/user-hub');
      await page.getByRole('heading', { level: 1, name: 'Användarhubb' }).waitFor();
      await page.getByRole('navigation', { name: 'Huvudnavigering' }).waitFor();
      expect(await pageLanguage(page)).toBe('sv');
    } finally {
      await context.close();
    }
  });

  it('a browser set to Swedish opens the console in Swedish when no choice was made', async () => {
    const context = await browser.newContext({
      baseURL: server.url,
      locale: 'sv-SE',
      viewport: { width: 1366, height: 860 },
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await page.goto('/login');
      await page.getByRole('heading', { name: 'Logga in' }).waitFor();
      const co = server.seed.complianceOfficer;
      await signInInSwedish(page, co.email, co.password);
      await waitForPath(page, '/recordings');
      await page.getByRole('heading', { level: 1, name: 'Inspelningar' }).waitFor();
      await page
        .getByRole('columnheader', { name: 'Ägare' })
        .or(page.getByText('Inga inspelningar hittades'))
        .first()
        .waitFor();
    } finally {
      await context.close();
    }
  });

  it('a server error is shown in Swedish, translated by its code', async () => {
    const context = await browser.newContext({ baseURL: server.url, locale: 'sv-SE' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await signInInSwedish(page, server.seed.admin.email, `${server.seed.admin.password}-wrong`);
      // The server says "Invalid email or password" (AUTH_INVALID_CREDENTIALS); the console says it
      // in Swedish.
      const alert = page
        .getByRole('alert')
        .filter({ hasText: 'Ogiltig e-postadress eller ogiltigt lösenord' });
      await alert.waitFor();
      expect(await alert.textContent()).not.toContain('Invalid email or password');
    } finally {
      await context.close();
    }
  });
});
