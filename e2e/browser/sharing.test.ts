// Sharing a recording (SPEC §7, §9.5) in Chromium against the real server, once in English and once
// in Swedish (browser locale sv-SE): Alice shares her call with Bob from User Hub (people picker,
// play only), Bob finds it under "Shared with me" and plays it with no download offered, Alice
// revokes the share from the recording's drawer, Bob no longer sees it, and the audit log holds the
// share, Bob's view and the revocation.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { launchBrowser, saveScreenshot, waitForPath } from './browser.js';

let server: TestServer;
let browser: Browser;
let importDir: string;

interface Run {
  readonly locale: 'en-US' | 'sv-SE';
  readonly topic: string;
  readonly text: {
    readonly share: string;
    readonly submit: string;
    readonly sharedWithMe: string;
    readonly play: string;
    readonly revoke: string;
    readonly nothingShared: string;
  };
}

const RUNS: readonly Run[] = [
  {
    locale: 'en-US',
    topic: 'Budget review',
    text: {
      share: 'Share',
      submit: 'Share recording',
      sharedWithMe: 'Shared with me',
      play: 'Play',
      revoke: 'Revoke the share with',
      nothingShared: 'Nothing shared with you',
    },
  },
  {
    locale: 'sv-SE',
    topic: 'Kvartalsgenomgång',
    text: {
      share: 'Dela',
      submit: 'Dela inspelning',
      sharedWithMe: 'Delat med mig',
      play: 'Spela upp',
      revoke: 'Återkalla delningen med',
      nothingShared: 'Inget har delats med dig',
    },
  },
];

const person = (email: string) => {
  const p = server.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return p;
};

async function api<T>(pathname: string): Promise<T> {
  const res = await fetch(`${server.url}${pathname}`, {
    headers: { authorization: `Bearer ${server.seed.complianceOfficer.token}` },
  });
  if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-sharing-'));
  for (const [i, run] of RUNS.entries()) {
    const name = `call-${i}`;
    execFileSync('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      path.join(importDir, `${name}.wav`),
      'synth',
      '3',
      'sine',
      String(440 + i * 110),
    ]);
    fs.writeFileSync(
      path.join(importDir, `${name}.json`),
      JSON.stringify({
        ownerEmail: 'alice@example.com',
        timeRecorded: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
        topic: run.topic,
        direction: 'inbound',
      }),
    );
  }
  const imported = await server.cli(['import', importDir]);
  if (imported.code !== 0 || !/2 imported/.test(imported.stdout)) {
    throw new Error(`import failed:\n${imported.stdout}\n${imported.stderr}`);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (importDir) fs.rmSync(importDir, { recursive: true, force: true });
});

/** Signs in with a browser of `locale` (the sign-in form in either language). */
async function openAs(locale: Run['locale'], email: string, password: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: server.url,
    locale,
    viewport: { width: 1366, height: 860 },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel(/^(Email|E-post)/).fill(email);
  await page.getByLabel(/^(Password|Lösenord)/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Logga in)$/ }).click();
  await waitForPath(page, '/user-hub');
  return page;
}

/** A row of a User Hub card's table, found by its topic. */
function rowIn(card: Locator, topic: string): Locator {
  return card.locator('table tbody tr').filter({ hasText: topic });
}

describe.each(RUNS)('sharing a recording ($locale)', (run) => {
  it('Alice shares with Bob, Bob plays it without download, Alice revokes, Bob loses it; all audited', async () => {
    const alice = person('alice@example.com');
    const bob = person('bob@example.com');
    const recordings = await api<{ items: Array<{ id: string; topic: string }> }>(
      `/v1/admin/convergedRecordings?ownerEmail=alice@example.com&max=100`,
    );
    const recordingId = recordings.items.find((r) => r.topic === run.topic)?.id ?? '';
    expect(recordingId).not.toBe('');

    // Alice shares from My recordings, picking Bob in the people picker; download stays off.
    const alicePage = await openAs(run.locale, alice.email, alice.password);
    const myRow = alicePage
      .getByRole('main')
      .locator('table tbody tr')
      .filter({ hasText: run.topic });
    await myRow.getByRole('button', { name: `${run.text.share} ${run.topic}` }).click();
    const dialog = alicePage.getByRole('dialog');
    const picker = dialog.getByRole('textbox').first();
    await picker.click();
    await picker.fill('bob');
    await alicePage.getByRole('option', { name: /bob@example\.com/ }).click();
    await dialog.getByRole('button', { name: run.text.submit }).click();
    await dialog.waitFor({ state: 'hidden' });
    await saveScreenshot(alicePage, `sharing-${run.locale}-shared`);

    // Bob finds it under Shared with me and plays it; no download is offered.
    const bobPage = await openAs(run.locale, bob.email, bob.password);
    const shared = bobPage.getByRole('region', { name: run.text.sharedWithMe });
    await rowIn(shared, run.topic).waitFor();
    await shared.getByRole('button', { name: `${run.text.play} ${run.topic}` }).click();
    const drawer = bobPage.getByRole('dialog');
    const player = drawer.getByTestId('recording-player');
    await player.waitFor();
    await player.getByRole('button').first().click();
    await bobPage.waitForFunction(() => (document.querySelector('audio')?.currentTime ?? 0) > 0.3);
    expect(await drawer.locator('a[download]').count()).toBe(0);
    await saveScreenshot(bobPage, `sharing-${run.locale}-playing`);

    // Alice revokes the share from her recording's drawer.
    await alicePage.reload();
    await myRow.getByRole('button').first().click();
    const aliceDrawer = alicePage.getByRole('dialog');
    const shares = aliceDrawer.getByTestId('recording-shares');
    await shares.getByText('bob@example.com', { exact: false }).waitFor();
    await shares.getByRole('button', { name: new RegExp(`^${run.text.revoke} `) }).click();
    await shares.getByText('bob@example.com', { exact: false }).waitFor({ state: 'detached' });

    // Bob no longer sees it.
    await bobPage.reload();
    await bobPage
      .getByRole('region', { name: run.text.sharedWithMe })
      .getByText(run.text.nothingShared)
      .waitFor();
    expect(
      await rowIn(bobPage.getByRole('region', { name: run.text.sharedWithMe }), run.topic).count(),
    ).toBe(0);

    // The audit log holds the share, Bob's view through it and the revocation.
    const audit = await api<{
      items: Array<{ action: string; actorId: string | null; details: Record<string, unknown> }>;
    }>(`/api/audit?targetId=${encodeURIComponent(recordingId)}&max=100`);
    const events = audit.items;
    expect(events.find((e) => e.action === 'recording.shared')).toMatchObject({
      actorId: alice.id,
      details: { recipientId: bob.id, downloadEnabled: false },
    });
    expect(
      events.find((e) => e.action === 'recording.viewed' && e.actorId === bob.id),
    ).toMatchObject({ details: { as: 'share' } });
    expect(
      events.find((e) => e.action === 'recording.played' && e.actorId === bob.id),
    ).toMatchObject({ details: { as: 'share', via: 'playbackLink' } });
    expect(events.find((e) => e.action === 'recording.shareRevoked')).toMatchObject({
      actorId: alice.id,
      details: { recipientId: bob.id, reason: 'revoked' },
    });
    await alicePage.context().close();
    await bobPage.context().close();
  }, 180_000);
});
