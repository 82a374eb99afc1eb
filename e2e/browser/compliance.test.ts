// Journeys through the compliance pages (SPEC §1, §6, §9.5) in Chromium against the real server:
// a compliance officer places legal holds from the Recordings bulk bar and on an owner, sees them
// listed, releases one and finds its audit events; filters the audit log, scrolls past the first
// 100, exports the filtered rows as CSV and verifies the chain; an administrator reads usage in
// Swedish (figures as the API gives them) and shortens the retention period through its preview
// and confirmation. Every page is checked at 390 px: its primary action shows and nothing
// overflows sideways.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { toneWav } from '../support/tone-wav.js';
import { launchBrowser, signIn, waitForPath } from './browser.js';

let server: TestServer;
let browser: Browser;
let importDir: string;

/** Polls like the browser's own waits: the machine may be busy. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

const daysAgo = (d: number): string => new Date(Date.now() - d * 86_400_000).toISOString();

function addRecording(name: string, hz: number, sidecar: object): void {
  fs.writeFileSync(
    path.join(importDir, `${name}.wav`),
    toneWav({ hz, seconds: 0.5, amplitude: 9000 }),
  );
  fs.writeFileSync(path.join(importDir, `${name}.json`), JSON.stringify(sidecar));
}

async function api<T>(method: string, url: string, token: string): Promise<T> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const co = () => server.seed.complianceOfficer;
const admin = () => server.seed.admin;
const personId = (email: string): string => {
  const p = server.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return p.id;
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-compliance-'));
  addRecording('carol-1', 300, {
    ownerEmail: 'carol@example.com',
    timeRecorded: daysAgo(0.1),
    topic: 'Carol dispute call',
    direction: 'inbound',
  });
  addRecording('carol-2', 320, {
    ownerEmail: 'carol@example.com',
    timeRecorded: daysAgo(0.2),
    topic: 'Carol follow-up',
    direction: 'outbound',
  });
  addRecording('bob-1', 340, {
    ownerEmail: 'bob@example.com',
    timeRecorded: daysAgo(1),
    topic: 'Bob call',
    direction: 'outbound',
  });
  // Older than 30 days: what a 30-day retention would purge.
  for (const [i, d] of [40, 45].entries()) {
    addRecording(`alice-old-${i}`, 400 + i * 20, {
      ownerEmail: 'alice@example.com',
      timeRecorded: daysAgo(d),
      topic: `Alice old call ${i}`,
      direction: 'inbound',
    });
  }
  const run = await server.cli(['import', importDir]);
  if (run.code !== 0 || !/5 imported/.test(run.stdout)) {
    throw new Error(`import failed:\n${run.stdout}\n${run.stderr}`);
  }
  // More than one page of audit events: each verification is audited.
  for (let i = 0; i < 105; i++) await api('POST', '/api/audit/verify', admin().token);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (importDir) fs.rmSync(importDir, { recursive: true, force: true });
});

async function openAs(
  who: { email: string; password: string },
  options: { locale?: string; width?: number } = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: options.width ?? 1366, height: 860 },
    ...(options.locale ? { locale: options.locale } : {}),
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await signIn(page, who.email, who.password);
  await page.waitForURL((url) => url.pathname !== '/login');
  return page;
}

/** The page's content is no wider than the window: nothing scrolls sideways. */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}

interface Hold {
  id: string;
  scope: string;
  recordingId: string | null;
  ownerId: string | null;
  status: string;
}

describe('legal holds', () => {
  it('holds recordings from the Recordings bulk bar and an owner from the holds page, lists them, releases one and shows its audit events', async () => {
    const page = await openAs(co());
    await page.goto('/recordings');
    await page.getByLabel('Owner', { exact: true }).fill('carol');
    await page
      .getByRole('checkbox', { name: 'Select Carol dispute call of Carol' })
      .first()
      .waitFor();
    // Carol's two calls only: a click while the unfiltered rows still show would be undone by the
    // new search.
    await poll(() => page.getByRole('main').locator('table tbody tr').count()).toBe(2);
    await page.getByRole('checkbox', { name: 'Select all (the first 200)' }).click();
    await poll(() => page.getByTestId('selection-count').innerText()).toMatch(/^2 /);
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Place legal hold' }).click();
    const bulk = page.getByRole('dialog', { name: 'Place a legal hold on 2 recordings?' });
    await bulk.getByLabel('Reason').fill('Customer dispute 2026-114');
    await bulk.getByRole('button', { name: 'Place hold' }).click();
    await page.getByText('Legal hold placed on 2 recordings').waitFor();

    const held = await api<{ items: Hold[] }>('GET', '/api/legal-holds', co().token);
    const recordingHolds = held.items.filter((h) => h.scope === 'recording');
    expect(recordingHolds).toHaveLength(2);

    await page.goto('/compliance/legal-holds');
    await poll(() => page.title()).toMatch(/Legal holds/);
    for (const h of recordingHolds) {
      await page.getByText(`Recording ${h.recordingId ?? ''}`).waitFor();
    }

    // A hold on Bob: every recording he owns.
    await page.getByRole('button', { name: 'Place legal hold' }).click();
    const dialog = page.getByRole('dialog', { name: 'Place legal hold' });
    await dialog.getByRole('textbox', { name: 'Owner', exact: true }).click();
    // The open list holds the first matches only and does not scroll (a scrolling listbox has a
    // scroll region no key reaches: axe scrollable-region-focusable).
    const list = page.getByRole('listbox');
    await list.waitFor();
    expect(
      await list.evaluate((el) => {
        const viewport = el.querySelector('.mantine-ScrollArea-viewport') ?? el;
        return viewport.scrollHeight <= viewport.clientHeight;
      }),
    ).toBe(true);
    await dialog.getByRole('textbox', { name: 'Owner', exact: true }).fill('bob');
    await page.getByRole('option', { name: /Bob/ }).first().click();
    await dialog.getByLabel('Reason').fill('Internal investigation');
    await dialog.getByRole('button', { name: 'Place hold' }).click();
    await page.getByText('Legal hold placed', { exact: true }).waitFor();
    const bobId = personId('bob@example.com');
    const ownerRow = page
      .getByTestId('hold-row')
      .filter({ hasText: 'Every recording of Bob Berg' });
    await ownerRow.waitFor();
    await poll(() => page.getByTestId('hold-row').count()).toBe(3);

    // Release it with a reason.
    await ownerRow.getByRole('button', { name: 'Release' }).click();
    const release = page.getByRole('dialog', { name: 'Release this legal hold?' });
    await release.getByLabel('Reason for release').fill('Investigation closed');
    await release.getByRole('button', { name: 'Release hold' }).click();
    await page.getByText('Legal hold released').waitFor();
    await poll(() => page.getByTestId('hold-row').count()).toBe(2);
    await page.getByText('Released', { exact: true }).click();
    const releasedRow = page
      .getByTestId('hold-row')
      .filter({ hasText: 'Release reason: Investigation closed' });
    await releasedRow.waitFor();
    const all = await api<{ items: Hold[] }>('GET', '/api/legal-holds?status=all', co().token);
    const bobHold = all.items.find((h) => h.ownerId === bobId);
    expect(bobHold?.status).toBe('released');

    // Its audit events: placed and released, by the compliance officer.
    await releasedRow.getByRole('link', { name: 'Audit events' }).click();
    await waitForPath(page, '/compliance/audit');
    await poll(() => page.getByTestId('audit-row').count()).toBe(2);
    const actions = await page.getByTestId('audit-row').locator('td:nth-child(2)').allInnerTexts();
    expect(actions).toEqual(['legalHold.released', 'legalHold.created']);
    await page.context().close();
  });
});

describe('audit log', () => {
  it('filters, scrolls past the first 100, exports the filtered rows as CSV and verifies the chain', async () => {
    const page = await openAs(co());
    await page.goto('/compliance/audit');
    await poll(() => page.title()).toMatch(/Audit log/);
    // Unfiltered: 100 at a time, more when scrolled to the end.
    await poll(() => page.getByTestId('audit-row').count()).toBe(100);
    await poll(() => page.getByTestId('audit-count').innerText()).toMatch(
      /100 events loaded, more below/,
    );
    await page.getByTestId('audit-count').scrollIntoViewIfNeeded();
    await poll(() => page.getByTestId('audit-row').count()).toBeGreaterThan(100);

    await page.getByLabel('Action').fill('legalHold.*');
    const expected = await api<{ items: Array<{ seq: number; action: string }> }>(
      'GET',
      '/api/audit?action=legalHold.*',
      co().token,
    );
    expect(expected.items.length).toBe(4);
    await poll(() => page.getByTestId('audit-row').count()).toBe(expected.items.length);
    const seqs = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(seqs).toEqual(expected.items.map((e) => e.seq));

    // The actor filter narrows to the compliance officer's own events.
    await page.getByLabel('Actor').fill(co().id);
    await poll(() => page.getByTestId('audit-row').count()).toBe(4);
    await page.getByLabel('Actor').fill(admin().id);
    await page.getByText('No events match these filters.').waitFor();
    await page.getByLabel('Actor').fill('');
    await poll(() => page.getByTestId('audit-row').count()).toBe(4);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const file = await download.path();
    const rows = parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { columns: true });
    expect(rows.map((r) => Number(r.seq))).toEqual(expected.items.map((e) => e.seq));
    expect(rows.map((r) => r.action)).toEqual(expected.items.map((e) => e.action));

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.locator('[data-testid="chain-result"][data-intact="true"]');
    await result.waitFor();
    await poll(() => result.innerText()).toMatch(/The audit log is intact: \d+ events checked/);
    await page.context().close();
  });
});

describe('usage and quota', () => {
  it('shows in Swedish the figures the API gives: used, quota, by owner type and location, history and thresholds', async () => {
    const page = await openAs(admin(), { locale: 'sv-SE' });
    await page.goto('/compliance/usage');
    await page.getByRole('heading', { name: 'Användning och kvot', level: 1 }).waitFor();
    await poll(() => page.title()).toMatch(/Användning och kvot/);
    const usage = await api<{ bytesUsed: number; quotaBytes: number; recordings: number }>(
      'GET',
      '/api/usage',
      admin().token,
    );
    const breakdown = await api<{
      byOwnerType: Array<{ ownerType: string; bytes: number; recordings: number }>;
      byLocation: Array<{ locationId: string | null; bytes: number }>;
    }>('GET', '/api/usage/breakdown', admin().token);
    expect(usage.recordings).toBe(5);
    await poll(() => page.getByTestId('usage-bytes').getAttribute('data-bytes')).toBe(
      String(usage.bytesUsed),
    );
    await poll(() => page.getByTestId('usage-quota').getAttribute('data-bytes')).toBe(
      String(usage.quotaBytes),
    );
    await poll(() => page.getByTestId('usage-recordings').innerText()).toBe('5 inspelningar');
    const users = breakdown.byOwnerType.find((g) => g.ownerType === 'user');
    const userRow = page.getByTestId('usage-by-owner-type').locator('tr[data-key="user"]');
    await poll(() => userRow.getAttribute('data-bytes')).toBe(String(users?.bytes));
    await poll(() => userRow.innerText()).toContain('Personer');
    await poll(() => userRow.locator('td').nth(2).innerText()).toBe(String(users?.recordings));
    await poll(() => page.getByTestId('usage-by-location').locator('tbody tr').count()).toBe(
      breakdown.byLocation.length,
    );
    await page.getByTestId('usage-chart').waitFor();
    await poll(() => page.getByTestId('threshold').count()).toBe(3);
    await poll(() => page.getByTestId('threshold').first().innerText()).toContain(
      'Aldrig passerad',
    );
    await page.context().close();
  });
});

describe('retention', () => {
  it('previews what a shorter retention would purge and asks before saving it', async () => {
    const page = await openAs(admin());
    await page.goto('/compliance/retention');
    await poll(() => page.getByTestId('retention-current').innerText()).toBe(
      'Recordings are kept 365 days.',
    );
    const field = page.getByLabel('Retention period (days)');
    await field.fill('30');
    const preview = await api<{ recordings: number; held: number }>(
      'GET',
      '/api/recording-policy/retention-preview?retentionDays=30',
      admin().token,
    );
    expect(preview.recordings).toBe(2);
    const shown = page.getByTestId('retention-preview');
    await poll(() => shown.getAttribute('data-recordings')).toBe('2');
    await poll(() => shown.innerText()).toContain(
      'With 30 days, the next purge would remove 2 recordings',
    );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Purge 2 recordings?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(
      (await api<{ retentionDays: number }>('GET', '/api/recording-policy', admin().token))
        .retentionDays,
    ).toBe(365);

    // A value that purges nothing saves without asking.
    await field.fill('60');
    await poll(() => page.getByTestId('retention-preview').getAttribute('data-recordings')).toBe(
      '0',
    );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Retention saved').waitFor();
    await poll(() => page.getByTestId('retention-current').innerText()).toBe(
      'Recordings are kept 60 days.',
    );

    await field.fill('30');
    await poll(() => page.getByTestId('retention-preview').getAttribute('data-recordings')).toBe(
      '2',
    );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Purge 2 recordings?' })
      .getByRole('button', { name: 'Save and purge at the next run' })
      .click();
    await page.getByText('Retention saved').first().waitFor();
    expect(
      (await api<{ retentionDays: number }>('GET', '/api/recording-policy', admin().token))
        .retentionDays,
    ).toBe(30);
    const audit = await api<{ items: Array<{ details: Record<string, unknown> }> }>(
      'GET',
      '/api/audit?action=recordingPolicy.updated',
      admin().token,
    );
    expect(audit.items[0]?.details).toMatchObject({
      before: { retentionDays: 60 },
      after: { retentionDays: 30 },
    });
    await page.context().close();
  });

  it('a compliance officer sees the retention but cannot change it', async () => {
    const page = await openAs(co());
    await page.goto('/compliance/retention');
    await poll(() => page.getByLabel('Retention period (days)').isDisabled()).toBe(true);
    await page.getByText('Only full administrators change the retention period.').waitFor();
    await page.context().close();
  });
});

describe('at 390 px', () => {
  const pages = [
    { path: '/compliance/audit', action: 'Verify chain', locale: 'en-GB' },
    { path: '/compliance/legal-holds', action: 'Place legal hold', locale: 'en-GB' },
    { path: '/compliance/usage', action: null, locale: 'en-GB' },
    { path: '/compliance/retention', action: 'Save', locale: 'en-GB' },
    { path: '/compliance/audit', action: 'Verifiera kedjan', locale: 'sv-SE' },
  ] as const;
  for (const p of pages) {
    it(`${p.path} (${p.locale}) shows its primary action with no sideways overflow`, async () => {
      const page = await openAs(admin(), { width: 390, locale: p.locale });
      await page.goto(p.path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (p.action !== null) {
        const button = page.getByRole('button', { name: p.action, exact: true });
        await poll(() => button.isVisible()).toBe(true);
        const box = await button.boundingBox();
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
      } else {
        await poll(() => page.getByTestId('usage-bytes').isVisible()).toBe(true);
      }
      await expectNoHorizontalOverflow(page);
      await page.context().close();
    });
  }
});
