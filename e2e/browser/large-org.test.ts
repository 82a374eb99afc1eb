// Journey: an org larger than one page. The People and Virtual lines lists load a page at a time,
// and the search box finds rows that are not loaded yet by asking the server.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';
import { launchBrowser, openConsole, signIn, tableRows, waitForPath } from './browser.js';

type Server = Awaited<ReturnType<typeof startServer>>;

let server: Server;
let browser: Browser;
const EXTRA_PEOPLE = 105;
const EXTRA_VIRTUAL_LINES = 100;

async function createPerson(s: Server, displayName: string, email: string): Promise<void> {
  const response = await fetch(`${s.url}/v1/people`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${s.seed.admin.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ emails: [email], displayName, locationId: s.seed.locations[0]?.id }),
  });
  if (!response.ok) throw new Error(`creating ${email}: HTTP ${response.status}`);
}

async function createVirtualLine(s: Server, firstName: string, lastName: string): Promise<void> {
  const response = await fetch(`${s.url}/v1/telephony/config/virtualLines`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${s.seed.admin.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ firstName, lastName, locationId: s.seed.locations[0]?.id }),
  });
  if (!response.ok) throw new Error(`creating ${firstName} ${lastName}: HTTP ${response.status}`);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  for (let i = 1; i <= EXTRA_PEOPLE; i += 1) {
    const n = String(i).padStart(3, '0');
    await createPerson(server, `Paged Person ${n}`, `paged-${n}@example.com`);
  }
  // Sorted by name she comes after everyone else, so she is not on the first page.
  await createPerson(server, 'Zoe Zimmerman', 'zoe@example.com');
  for (let i = 1; i <= EXTRA_VIRTUAL_LINES; i += 1) {
    await createVirtualLine(server, 'Paged', `Line ${String(i).padStart(3, '0')}`);
  }
  await createVirtualLine(server, 'Zed', 'Zulu');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('People in a large org', () => {
  it('loads a page at a time and finds people beyond the first page through the server', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await tableRows(page).first().waitFor();
      expect(await tableRows(page).count()).toBe(100);
      expect(await tableRows(page).filter({ hasText: 'zoe@example.com' }).count()).toBe(0);

      const search = page.waitForResponse(
        (r) => r.url().includes('/v1/people') && r.url().includes('displayName=Zoe'),
      );
      await page.getByLabel('Search people').fill('Zoe');
      expect((await search).status()).toBe(200);
      await tableRows(page).filter({ hasText: 'zoe@example.com' }).waitFor();
      await expect.poll(() => tableRows(page).count()).toBe(1);

      // A complete email address is looked up exactly.
      await page.getByLabel('Search people').fill('paged-104@example.com');
      await tableRows(page).filter({ hasText: 'paged-104@example.com' }).waitFor();
      await expect.poll(() => tableRows(page).count()).toBe(1);

      await page.getByLabel('Search people').fill('');
      await expect.poll(() => tableRows(page).count()).toBe(100);
      await page.getByRole('button', { name: 'Load more' }).click();
      const total = server.seed.people.length + 2 + EXTRA_PEOPLE + 1;
      await expect.poll(() => tableRows(page).count()).toBe(total);
      expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('Virtual lines in a large org', () => {
  it('finds a virtual line beyond the first page through the server', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      await page.goto('/control-hub/virtual-lines');
      await tableRows(page).first().waitFor();
      expect(await tableRows(page).count()).toBe(100);
      expect(await tableRows(page).filter({ hasText: 'Zed Zulu' }).count()).toBe(0);

      const search = page.waitForResponse(
        (r) =>
          r.url().includes('/v1/telephony/config/virtualLines') && r.url().includes('name=Zed'),
      );
      await page.getByLabel('Search virtual lines').fill('Zed');
      expect((await search).status()).toBe(200);
      await tableRows(page).filter({ hasText: 'Zed Zulu' }).waitFor();
      await expect.poll(() => tableRows(page).count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
