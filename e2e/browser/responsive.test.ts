// Every console page at a desktop (1440 px), a small laptop or tablet (1024 px) and a phone
// (390 px): the page itself never scrolls sideways, the main content fits its column (wide tables
// scroll inside their own container), the page heading and every visible control of the main
// content lie inside the window, and on a phone the navigation opens from the menu button.
import type { Browser, Page } from 'playwright-core';
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

const WIDTHS = [1440, 1024, 390] as const;

interface Layout {
  readonly documentOverflow: number;
  readonly mainOverflow: number;
  readonly cutOff: readonly string[];
}

/** How far the page and its main content overflow sideways, and which controls stick out. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const main = document.querySelector('main') ?? document.body;
    const cutOff: string[] = [];
    for (const el of main.querySelectorAll<HTMLElement>('button, a[href], input, select, h1')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      // Inside a container that scrolls sideways on purpose (a wide table): not cut off.
      let scroller: HTMLElement | null = el.parentElement;
      let scrolls = false;
      while (scroller && scroller !== main) {
        const style = getComputedStyle(scroller);
        if (/(auto|scroll)/.test(style.overflowX) && scroller.scrollWidth > scroller.clientWidth) {
          scrolls = true;
          break;
        }
        scroller = scroller.parentElement;
      }
      if (scrolls) continue;
      if (box.left < -1 || box.right > viewport + 1) {
        const label = el.getAttribute('aria-label') ?? el.textContent ?? el.tagName;
        cutOff.push(`${el.tagName.toLowerCase()} "${label.trim().slice(0, 40)}"`);
      }
    }
    return {
      documentOverflow: document.documentElement.scrollWidth - viewport,
      mainOverflow: main.scrollWidth - main.clientWidth,
      cutOff,
    };
  });
}

async function expectFits(page: Page, where: string): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page
    .waitForFunction(() => document.querySelector('[aria-busy="true"]') === null, undefined, {
      timeout: 10_000,
    })
    .catch(() => undefined);
  const layout = await measure(page);
  expect(layout.documentOverflow, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(1);
  expect(layout.mainOverflow, `${where}: the main content overflows`).toBeLessThanOrEqual(1);
  expect(layout.cutOff, `${where}: controls outside the window`).toEqual([]);
  expect(await page.getByRole('heading', { level: 1 }).first().isVisible()).toBe(true);
}

function consolePages(): string[] {
  const alice = server.seed.people.find((p) => p.email === 'alice@example.com');
  const location = server.seed.locations[0];
  return [
    '/control-hub/people',
    '/control-hub/workspaces',
    '/control-hub/virtual-lines',
    '/control-hub/locations',
    '/control-hub/call-recording',
    '/control-hub/recording-trunks',
    ...(alice ? [`/control-hub/people/${alice.id}/call-recording`] : []),
    ...(location ? [`/control-hub/locations/${location.id}/call-recording`] : []),
    '/recordings',
    '/user-hub',
  ];
}

describe.each(WIDTHS)('the console at %i px wide', (width) => {
  it('the sign-in page fits', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await page.setViewportSize({ width, height: 860 });
      await page.goto('/login');
      await expectFits(page, `/login at ${width}`);
      expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('every page an administrator opens fits, and the navigation is reachable', async () => {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await page.setViewportSize({ width, height: 860 });
      await signIn(page, server.seed.admin.email, server.seed.admin.password);
      await waitForPath(page, '/control-hub/people');
      for (const path of consolePages()) {
        await page.goto(path);
        await waitForPath(page, path);
        await expectFits(page, `${path} at ${width}`);
      }
      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      if (width < 768) {
        // Phones: the navbar is folded away behind the menu button, which opens it.
        const menu = page.getByRole('button', { name: 'Toggle navigation' });
        expect(await menu.isVisible()).toBe(true);
        await menu.click();
      }
      await nav.getByRole('link', { name: 'Recordings' }).waitFor({ state: 'visible' });
    } finally {
      await context.close();
    }
  });
});
