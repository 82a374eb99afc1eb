// Journey: the demo org's full administrator signs in, lands in Control Hub and finds people,
// workspaces, virtual lines and locations from the real server.
import type { Browser } from 'playwright-core';
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

function findAlice(s: Server): Server['seed']['people'][number] {
  const alice = s.seed.people.find((p) => p.email.toLowerCase().startsWith('alice'));
  if (!alice) throw new Error('the demo seed has no alice');
  return alice;
}

describe('Control Hub in a browser', () => {
  it('the demo admin signs in, sees alice in People and filters to her with the search box', async () => {
    const alice = findAlice(server);
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();

      // The header names who is signed in; the navbar offers every area to an admin.
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      for (const area of ['Control Hub', 'Recordings', 'User Hub']) {
        await navbar(page).getByText(area, { exact: true }).waitFor();
      }

      const aliceRow = tableRows(page).filter({ hasText: alice.email });
      await aliceRow.waitFor();
      if (alice.extension !== null) {
        expect(await aliceRow.textContent()).toContain(alice.extension);
      }
      // Every seeded person is listed, each under their email.
      const emails = await tableRows(page).locator('td:nth-child(2)').allTextContents();
      for (const person of server.seed.people) expect(emails).toContain(person.email);
      await saveScreenshot(page, 'people');

      await page.getByLabel('Search people').fill('alice');
      await expect.poll(() => tableRows(page).count()).toBe(1);
      expect(await tableRows(page).first().textContent()).toContain(alice.email);

      // An extension finds her too, and a term nobody matches says so.
      if (alice.extension !== null) {
        await page.getByLabel('Search people').fill(alice.extension);
        await expect.poll(() => tableRows(page).filter({ hasText: alice.email }).count()).toBe(1);
      }
      await page.getByLabel('Search people').fill('zz-nobody-by-this-name');
      await page.getByText('No people match your search.').waitFor();
      expect(await tableRows(page).count()).toBe(0);

      // The location filter asks the server: only that location's people come back.
      const other = server.seed.locations.find((l) => l.id !== alice.locationId);
      if (!other) throw new Error('the demo seed has one location only');
      await page.getByLabel('Search people').fill('');
      await page.getByRole('textbox', { name: 'Location' }).click();
      const filtered = page.waitForResponse(
        (r) => r.url().includes('/v1/people') && r.url().includes(`locationId=${other.id}`),
      );
      await page.getByRole('option', { name: other.name }).click();
      expect((await filtered).status()).toBe(200);
      const expected = server.seed.people.filter((p) => p.locationId === other.id);
      expect(expected.length).toBeGreaterThan(0);
      await expect.poll(() => tableRows(page).filter({ hasText: alice.email }).count()).toBe(0);
      for (const person of expected) {
        await tableRows(page).filter({ hasText: person.email }).waitFor();
      }
    } finally {
      await context.close();
    }
  });

  it('lists workspaces, virtual lines and locations of the demo org', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');

      const pages = [
        { link: 'Workspaces', path: '/control-hub/workspaces', min: 1 },
        { link: 'Virtual lines', path: '/control-hub/virtual-lines', min: 1 },
        { link: 'Locations', path: '/control-hub/locations', min: 2 },
      ];
      for (const p of pages) {
        await navbar(page).getByRole('link', { name: p.link }).click();
        await waitForPath(page, p.path);
        await page.getByRole('heading', { name: p.link, level: 1 }).waitFor();
        await tableRows(page).first().waitFor();
        expect(await tableRows(page).count()).toBeGreaterThanOrEqual(p.min);
      }
      // Every person's location resolves to a name, not an id.
      await navbar(page).getByRole('link', { name: 'People' }).click();
      await tableRows(page).first().waitFor();
      await expect.poll(() => page.getByText('Unknown location').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('signing out ends the session', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      // The session survives a reload: the console asks the server, not its memory.
      await page.reload();
      await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await waitForPath(page, '/login');
      const session = await context.request.get('/api/auth/session');
      expect(session.status()).toBe(401);
      await page.goto('/control-hub/people');
      await waitForPath(page, '/login');
    } finally {
      await context.close();
    }
  });
});
