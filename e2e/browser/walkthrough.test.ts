// What the walkthrough of the console found, checked in a browser: page titles, the skip link,
// the API documentation link for administrators, the On Demand description, the Recordings search
// window and count, and the one-time password not asked for twice; one journey runs in Swedish.
import type { Browser } from 'playwright-core';
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

describe('walkthrough findings', () => {
  it('every page has a title of its own: its heading and the product', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await page.goto('/login');
      await page.waitForFunction(() => document.title === 'Sign in · Callvault');
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      for (const path of [
        '/control-hub/people',
        '/control-hub/workspaces',
        '/control-hub/virtual-lines',
        '/control-hub/locations',
        '/control-hub/call-recording',
        '/control-hub/recording-trunks',
        '/recordings',
        '/user-hub',
      ]) {
        await page.goto(path);
        const heading = page.getByRole('heading', { level: 1 }).first();
        await heading.waitFor();
        const text = (await heading.textContent())?.trim() ?? '';
        expect(text).not.toBe('');
        await page.waitForFunction((t) => document.title === `${t} · Callvault`, text);
      }
    } finally {
      await context.close();
    }
  });

  it('the first Tab reaches "Skip to main content", which moves focus to the page content', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await skip.isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'main-content');
    } finally {
      await context.close();
    }
  });

  it('the navigation is operable by keyboard: Tab to a link, Enter opens it', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      const locations = navbar(page).getByRole('link', { name: 'Locations' });
      await locations.focus();
      await page.keyboard.press('Enter');
      await waitForPath(page, '/control-hub/locations');
      // The Control Hub group folds and unfolds from the keyboard.
      const group = navbar(page).getByRole('button', { name: 'Control Hub' });
      expect(await group.getAttribute('aria-expanded')).toBe('true');
      await group.focus();
      await page.keyboard.press('Enter');
      await locations.waitFor({ state: 'hidden' });
      expect(await group.getAttribute('aria-expanded')).toBe('false');
      await page.keyboard.press('Enter');
      await locations.waitFor({ state: 'visible' });
      expect(await group.getAttribute('aria-expanded')).toBe('true');
    } finally {
      await context.close();
    }
  });

  it('administrators find the API documentation in the navigation, and it is served', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      const docs = navbar(page).getByRole('link', { name: 'API documentation' });
      expect(await docs.getAttribute('href')).toBe('/api/docs');
      const served = await context.request.get('/api/docs');
      expect(served.status()).toBe(200);
      expect(await served.text()).toMatch(/swagger/i);
    } finally {
      await context.close();
    }
  });

  it('On Demand with User Initiated Start says nothing is recorded until the user starts it', async () => {
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await page.goto(`/control-hub/people/${alice.id}/call-recording`);
      await page
        .getByText('Nothing is recorded until the user starts recording during the call', {
          exact: false,
        })
        .first()
        .waitFor();
      expect(await page.getByText('captured from the start', { exact: false }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('Recordings shows the dates searched and how many recordings were found', async () => {
    const co = server.seed.complianceOfficer;
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, co.email, co.password);
      await page.waitForURL((url) => url.pathname !== '/login');
      await page.goto('/recordings');
      const summary = page.getByTestId('search-summary');
      await summary.filter({ hasText: /found/ }).waitFor();
      const text = (await summary.textContent()) ?? '';
      expect(text).toMatch(/^Showing calls from .+ to .+ · \d+\+? recordings? found/);
    } finally {
      await context.close();
    }
  });

  it('in Swedish: the skip link, the page title and the search summary', async () => {
    const context = await browser.newContext({
      baseURL: server.url,
      locale: 'sv-SE',
      viewport: { width: 1366, height: 860 },
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      const co = server.seed.complianceOfficer;
      await page.goto('/login');
      await page.waitForFunction(() => document.title === 'Logga in · Callvault');
      // Signed in through the API: the journey is about the pages after it.
      const login = await context.request.post('/api/auth/login', {
        data: { email: co.email, password: co.password },
      });
      expect(login.status()).toBe(200);
      await page.goto('/recordings');
      await page
        .getByTestId('search-summary')
        .filter({ hasText: /hittades/ })
        .waitFor();
      expect(await page.getByTestId('search-summary').textContent()).toMatch(/^Visar samtal från/);
      await page.keyboard.press('Tab');
      expect(
        await page
          .getByRole('link', { name: 'Hoppa till huvudinnehållet' })
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);
    } finally {
      await context.close();
    }
  });
});
