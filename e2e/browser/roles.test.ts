// Journey: what the console shows depends on the role. A user sees only User Hub, even when typing
// a Control Hub address; a compliance officer lands on Recordings.
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

describe('navigation by role', () => {
  it('a user (alice) lands on User Hub, has no Control Hub, and is sent back when typing its address', async () => {
    const alice = server.seed.people.find((p) => p.email.toLowerCase().startsWith('alice'));
    if (!alice) throw new Error('the demo seed has no alice');
    // The seed gives people a password; setting a new one checks that it takes effect at once.
    const password = 'alice-browser-journey-1';
    await server.setPassword(alice.email, password);

    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, alice.email, password);
      await waitForPath(page, '/user-hub');
      await page.getByRole('heading', { name: 'User Hub', level: 1 }).waitFor();
      await page.getByText('No recordings in the last 30 days').waitFor();
      await page.getByText(alice.email).first().waitFor();

      await navbar(page).getByRole('link', { name: 'User Hub' }).waitFor();
      expect(await navbar(page).getByText('Control Hub').count()).toBe(0);
      expect(await navbar(page).getByText('Recordings').count()).toBe(0);

      await page.goto('/control-hub/people');
      await waitForPath(page, '/user-hub');
      await page.getByRole('heading', { name: 'User Hub', level: 1 }).waitFor();
      await page.goto('/recordings');
      await waitForPath(page, '/user-hub');

      // The server refuses her the directory whatever the console shows.
      const people = await context.request.get('/v1/people');
      expect(people.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('a compliance officer lands on Recordings and has no Control Hub', async () => {
    const officer = server.seed.complianceOfficer;
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, officer.email, officer.password);
      await waitForPath(page, '/recordings');
      await page.getByRole('heading', { name: 'Recordings', level: 1 }).waitFor();
      await page.getByText('No recordings found').waitFor();
      await navbar(page).getByRole('link', { name: 'Recordings' }).waitFor();
      expect(await navbar(page).getByText('Control Hub').count()).toBe(0);

      await page.goto('/control-hub/workspaces');
      await waitForPath(page, '/user-hub');
    } finally {
      await context.close();
    }
  });
});
