// Journey: signing in fails cleanly with a wrong password or too many attempts, and a signed-out
// visitor who asked for a page is brought to it after signing in.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';
import { launchBrowser, openConsole, signIn, tableRows, waitForPath } from './browser.js';

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

describe('signing in', () => {
  it('a wrong password shows the server message and sets no session cookie', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, `${server.seed.admin.password}-wrong`);
      const alert = page.getByRole('alert').filter({ hasText: 'Invalid email or password' });
      await alert.waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');

      const cookies = await context.cookies(server.url);
      expect(cookies.filter((c) => c.httpOnly)).toEqual([]);
      const session = await context.request.get('/api/auth/session');
      expect(session.status()).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('signing in sets an HttpOnly session cookie the page script cannot read', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      const cookies = await context.cookies(server.url);
      const httpOnly = cookies.filter((c) => c.httpOnly);
      expect(httpOnly.length).toBeGreaterThan(0);
      const visibleToScript = await page.evaluate<string>('document.cookie');
      for (const cookie of httpOnly) expect(visibleToScript).not.toContain(cookie.value);
      const session = await context.request.get('/api/auth/session');
      expect(session.status()).toBe(200);
    } finally {
      await context.close();
    }
  });

  it('a signed-out visit to a page signs in first, then opens that page', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await page.goto('/control-hub/locations');
      await waitForPath(page, '/login');
      expect(new URL(page.url()).searchParams.get('redirect')).toBe('/control-hub/locations');

      await page.getByLabel('Email').fill(server.seed.admin.email);
      await page.getByLabel('Password').fill(server.seed.admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await waitForPath(page, '/control-hub/locations');
      await page.getByRole('heading', { name: 'Locations', level: 1 }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('a session that ends under the console sends the person to sign in again', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await tableRows(page).first().waitFor();
      // As if the session expired on the server: the next API call answers 401.
      await context.clearCookies();
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Workspaces' })
        .click();
      await waitForPath(page, '/login');
      expect(new URL(page.url()).searchParams.get('redirect')).toBe('/control-hub/workspaces');
    } finally {
      await context.close();
    }
  });

  // Last in this file: the server limits attempts per client address and email for a minute.
  it('after too many failed attempts the console asks to try again later', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      const email = 'nobody-by-this-address@example.com';
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 429; attempt += 1) {
        const response = await context.request.post('/api/auth/login', {
          data: { email, password: `guess-${attempt}` },
        });
        status = response.status();
      }
      expect(status).toBe(429);

      await signIn(page, email, 'one-more-guess');
      await page
        .getByRole('alert')
        .filter({ hasText: 'Too many attempts, try again later' })
        .waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      await context.close();
    }
  });
});
