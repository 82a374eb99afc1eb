// Journeys through the Recordings page, the player and User Hub "My recordings" (SPEC §7, §9.5) in
// Chromium against the real server, with recordings brought in by `callvault import`: a compliance
// officer searches by owner and narrows with the advanced filters, scrolls past the first 100,
// plays, seeks and downloads; an administrator selects all, moves them to the recycle bin and
// restores them, and never sees a play or download control; alice sees her own recordings and
// loses the download button when the administrator turns her downloads off.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { toneWav } from '../support/tone-wav.js';
import { launchBrowser, openConsole, saveScreenshot, signIn, waitForPath } from './browser.js';

let server: TestServer;
let browser: Browser;
let importDir: string;

/** Bob's many short calls: more than one page of 100, fewer than the 200 of "select all". */
const BOB_CALLS = 110;

const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

function addRecording(name: string, audio: Buffer | null, sidecar: object): void {
  const stem = name.replace(/\.[a-z0-9]+$/, '');
  if (audio) fs.writeFileSync(path.join(importDir, name), audio);
  fs.writeFileSync(path.join(importDir, `${stem}.json`), JSON.stringify(sidecar));
}

/** A stereo call made with sox: one tone per party, so the player draws two lanes. */
function soxStereo(name: string, seconds: number, left: number, right: number): void {
  execFileSync('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '2',
    path.join(importDir, name),
    'synth',
    String(seconds),
    'sine',
    String(left),
    'sine',
    String(right),
    // A swell every half second, so the waveform has a shape to look at.
    'tremolo',
    '2',
    '90',
    'vol',
    '0.7',
  ]);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-recordings-'));

  soxStereo('alice-support.wav', 3, 440, 660);
  addRecording('alice-support.wav', null, {
    ownerEmail: 'alice@example.com',
    timeRecorded: hoursAgo(2),
    topic: 'Support call',
    direction: 'inbound',
    parties: [
      { role: 'caller', name: 'Customer', number: '+46701234567', channel: 0 },
      { role: 'callee', name: 'Alice Andersson', number: '+4685550101', channel: 1 },
    ],
  });
  soxStereo('alice-sales.wav', 2, 330, 550);
  addRecording('alice-sales.wav', null, {
    ownerEmail: 'alice@example.com',
    timeRecorded: hoursAgo(30),
    topic: 'Sales follow-up',
    direction: 'outbound',
    parties: [
      { role: 'caller', name: 'Alice Andersson', number: '+4685550101' },
      { role: 'callee', number: '+4631777000' },
    ],
  });
  soxStereo('carol-recent.wav', 1, 300, 500);
  addRecording('carol-recent.wav', null, {
    ownerEmail: 'carol@example.com',
    timeRecorded: hoursAgo(50),
    topic: 'Göteborg support',
    direction: 'inbound',
  });
  soxStereo('carol-old.wav', 1, 350, 450);
  addRecording('carol-old.wav', null, {
    ownerEmail: 'carol@example.com',
    timeRecorded: hoursAgo(24 * 12),
    topic: 'Old escalation',
    direction: 'outbound',
  });
  for (let i = 0; i < BOB_CALLS; i++) {
    const name = `bob-${String(i).padStart(3, '0')}.wav`;
    addRecording(name, toneWav({ hz: 200 + i * 3, seconds: 1, amplitude: 12000 }), {
      ownerEmail: 'bob@example.com',
      // Newest first: Bob call 000 is the most recent.
      timeRecorded: new Date(Date.now() - 3 * 3_600_000 - i * 60_000).toISOString(),
      topic: `Bob call ${String(i).padStart(3, '0')}`,
      direction: 'outbound',
    });
  }
  // One run beside the running server: SQLite transactions wait for its write lock.
  const run = await server.cli(['import', importDir]);
  const counts = /(\d+) imported, (\d+) skipped, (\d+) failed/.exec(run.stdout);
  if (run.code !== 0 || Number(counts?.[1]) !== BOB_CALLS + 4) {
    throw new Error(`import failed:\n${run.stdout}\n${run.stderr}`);
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (importDir) fs.rmSync(importDir, { recursive: true, force: true });
});

/** The Recordings table's rows, never the tables of the drawer (which lives in a portal). */
function recordingRows(page: Page): Locator {
  return page.getByRole('main').locator('table:not([aria-busy="true"]) tbody tr');
}

function rowOf(page: Page, topic: string): Locator {
  return recordingRows(page).filter({ hasText: topic });
}

async function waitForRowCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelectorAll('main table tbody tr').length === n,
    count,
  );
}

/** Waits for the search to have run: a row count alone may still be the previous search's. */
async function waitForFirstTopic(page: Page, topic: string): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('main table tbody tr td:nth-child(4)')?.textContent === t,
    topic,
  );
}

async function topicsShown(page: Page): Promise<string[]> {
  return recordingRows(page).locator('td:nth-child(4)').allInnerTexts();
}

async function searchOwner(page: Page, term: string): Promise<void> {
  await page.getByLabel('Owner', { exact: true }).fill(term);
}

async function chooseOption(page: Page, label: string, option: string): Promise<void> {
  const field = page.getByRole('textbox', { name: label, exact: true });
  const choice = page.getByRole('option', { name: option, exact: true });
  // A click that lands while the Advanced panel is still opening does not open the dropdown:
  // open it again until the option shows (a real user would click again too).
  for (let attempt = 1; ; attempt++) {
    await field.click();
    try {
      await choice.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await choice.click();
}

async function openAs(email: string, password: string, landing: string): Promise<Page> {
  const { page } = await openConsole(browser, server.url);
  await signIn(page, email, password);
  await waitForPath(page, landing);
  return page;
}

const co = () => server.seed.complianceOfficer;
const admin = () => server.seed.admin;

function alice(): TestServer['seed']['people'][number] {
  const person = server.seed.people.find((p) => p.email === 'alice@example.com');
  if (!person) throw new Error('the demo seed has no alice');
  return person;
}

describe('Recordings page for a compliance officer', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openAs(co().email, co().password, '/recordings');
  });

  it('searches by owner name and sees her recordings; hovering a party shows its number', async () => {
    await searchOwner(page, 'Alice');
    await waitForRowCount(page, 2);
    expect(await topicsShown(page)).toEqual(['Support call', 'Sales follow-up']);
    const owner = rowOf(page, 'Support call').locator('td:nth-child(3)');
    expect(await owner.innerText()).toContain('alice@example.com');

    await rowOf(page, 'Support call').getByText('Customer', { exact: true }).hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    expect(await tooltip.innerText()).toBe('+46701234567');
    await saveScreenshot(page, 'recordings-search-alice');

    // An email prefix finds the same person.
    await searchOwner(page, 'carol@ex');
    await waitForRowCount(page, 1);
    expect(await topicsShown(page)).toEqual(['Göteborg support']);
  });

  it('advanced filters narrow the results: direction, topic, location and dates', async () => {
    await searchOwner(page, '');
    await waitForRowCount(page, 100);
    await page.getByRole('button', { name: 'Advanced' }).click();
    // The date range starts on the last 7 days.
    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    const sevenDaysAgo = new Date(Date.now() - 7 * 86_400_000);
    const localDate = (d: Date): string =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(await from.inputValue()).toBe(localDate(sevenDaysAgo));
    expect(await to.inputValue()).toBe(localDate(new Date()));

    await chooseOption(page, 'Direction', 'Inbound');
    await waitForRowCount(page, 2);
    expect(await topicsShown(page)).toEqual(['Support call', 'Göteborg support']);

    await page.getByLabel('Topic', { exact: true }).fill('support call');
    await waitForRowCount(page, 1);
    expect(await topicsShown(page)).toEqual(['Support call']);
    await page.getByLabel('Topic', { exact: true }).fill('');
    // The search without the topic has run (the CI run at a1f8442 chose the location while the
    // one-row result of the topic search was still shown, and took that row for the location's).
    await waitForRowCount(page, 2);

    await chooseOption(page, 'Location', 'Göteborg');
    await waitForFirstTopic(page, 'Göteborg support');
    await waitForRowCount(page, 1);
    expect(await topicsShown(page)).toEqual(['Göteborg support']);

    // Carol's older call is outside the default week until the range reaches back to it.
    await chooseOption(page, 'Direction', 'Outbound');
    await page.getByText('No recordings found').waitFor();
    await from.fill(localDate(new Date(Date.now() - 14 * 86_400_000)));
    await waitForRowCount(page, 1);
    expect(await topicsShown(page)).toEqual(['Old escalation']);
    await saveScreenshot(page, 'recordings-advanced');

    // Compliance officers may also list purged recordings.
    await page.getByRole('textbox', { name: 'Status', exact: true }).click();
    await page.getByRole('option', { name: 'Purged', exact: true }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Reset filters' }).click();
    expect(await from.inputValue()).toBe(localDate(sevenDaysAgo));
  });

  it('shows 100 rows and loads the next page when scrolled near the bottom', async () => {
    await searchOwner(page, 'bob');
    await waitForFirstTopic(page, 'Bob call 000');
    await waitForRowCount(page, 100);
    expect(await page.getByTestId('recordings-count').innerText()).toBe(
      '100 recordings loaded, more below',
    );
    await page.getByTestId('recordings-count').scrollIntoViewIfNeeded();
    await waitForRowCount(page, BOB_CALLS);
    expect(await page.getByTestId('recordings-count').innerText()).toBe(`${BOB_CALLS} recordings`);
    expect(await recordingRows(page).last().locator('td:nth-child(4)').innerText()).toBe(
      `Bob call ${String(BOB_CALLS - 1).padStart(3, '0')}`,
    );
  });

  it('opens the player: play advances the time, a click on the waveform seeks, downloads work', async () => {
    await searchOwner(page, 'alice');
    await waitForRowCount(page, 2);
    const peaksResponse = page.waitForResponse((r) =>
      /\/api\/recordings\/[^/]+\/peaks/.test(r.url()),
    );
    await rowOf(page, 'Support call').getByRole('button', { name: /^Open/ }).click();
    const drawer = page.getByRole('dialog');
    const player = drawer.getByTestId('recording-player');
    await player.waitFor();
    // The waveform is drawn from the peaks the server precomputed: two lanes, one per party.
    const peaks = await peaksResponse;
    expect(peaks.status()).toBe(200);
    const lanes = ((await peaks.json()) as { channels: number[][] }).channels;
    expect(lanes).toHaveLength(2);
    expect(Math.max(...(lanes[0] ?? []))).toBeGreaterThan(0.1);
    const waveform = drawer.getByTestId('waveform');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="waveform"]')?.getAttribute('aria-busy') === 'false',
    );
    // Metadata beside the player: the parties with their numbers and the direction.
    const metadata = drawer.getByTestId('recording-metadata');
    expect(await metadata.innerText()).toContain('+46701234567');
    expect(await metadata.innerText()).toContain('Inbound');
    await saveScreenshot(page, 'player-compliance-officer');

    await player.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => (document.querySelector('audio')?.currentTime ?? 0) > 0.5);
    await player.getByRole('button', { name: 'Pause' }).click();

    const box = await waveform.boundingBox();
    if (!box) throw new Error('the waveform has no box');
    await waveform.click({ position: { x: box.width * 0.8, y: box.height / 2 } });
    const position = await page.evaluate(() => document.querySelector('audio')?.currentTime ?? -1);
    expect(position).toBeGreaterThan(2.2);
    expect(position).toBeLessThan(2.6);
    expect(await player.getByTestId('player-time').innerText()).toBe('0:02 / 0:03');

    const original = await player
      .getByRole('link', { name: 'Download audio' })
      .getAttribute('href');
    const wav = await player.getByRole('link', { name: 'Download WAV' }).getAttribute('href');
    if (!original || !wav) throw new Error('download links have no href');
    expect(new URL(wav).searchParams.get('format')).toBe('wav');
    const file = await page.request.get(wav);
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(0, 4).toString('ascii')).toBe('RIFF');
    await drawer.getByRole('button', { name: 'Close recording' }).click();
  });
});

describe('Recordings page for an administrator', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openAs(admin().email, admin().password, '/control-hub/people');
    await page.goto('/recordings');
  });

  it('sees the metadata but no play or download control', async () => {
    await searchOwner(page, 'alice');
    await waitForRowCount(page, 2);
    await rowOf(page, 'Support call').getByRole('button', { name: /^Open/ }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('recording-metadata').waitFor();
    expect(await drawer.getByTestId('no-audio-access').innerText()).toContain(
      'Administrators manage recordings but cannot play or download them',
    );
    expect(await drawer.getByRole('button', { name: 'Play' }).count()).toBe(0);
    expect(await drawer.getByRole('link', { name: /Download/ }).count()).toBe(0);
    expect(await page.locator('audio').count()).toBe(0);
    await saveScreenshot(page, 'recording-administrator');
    await drawer.getByRole('button', { name: 'Close recording' }).click();
  });

  it('selects all, moves them to the recycle bin after a warning, and restores them', async () => {
    await searchOwner(page, 'bob');
    await waitForFirstTopic(page, 'Bob call 000');
    await waitForRowCount(page, 100);
    await page.getByRole('checkbox', { name: 'Select all (the first 200)' }).click();
    // Select all loads the rest (up to 200) and selects every one of Bob's calls.
    await waitForRowCount(page, BOB_CALLS);
    await page.getByText(`${BOB_CALLS} recordings selected`).waitFor();

    await page.getByRole('button', { name: 'Move to recycle bin' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain(
      `${BOB_CALLS} recordings will move to the recycle bin`,
    );
    await saveScreenshot(page, 'recordings-bulk-confirm', { fullPage: false });
    await dialog.getByRole('button', { name: `Move to recycle bin (${BOB_CALLS})` }).click();
    await page.getByText(`${BOB_CALLS} recordings moved to the recycle bin`).waitFor();
    await page.getByText('No recordings found').waitFor();

    await page.getByRole('button', { name: 'Advanced' }).click();
    await chooseOption(page, 'Status', 'In recycle bin');
    await waitForRowCount(page, 100);
    await page.getByRole('checkbox', { name: 'Select all (the first 200)' }).click();
    await page.getByText(`${BOB_CALLS} recordings selected`).waitFor();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: `Restore (${BOB_CALLS})` })
      .click();
    await page.getByText(`${BOB_CALLS} recordings restored`).waitFor();
    await page.getByText('No recordings found').waitFor();

    // Back among the available recordings, every one of Bob's calls again.
    await chooseOption(page, 'Status', 'Available');
    await waitForRowCount(page, 100);
    await page.getByTestId('recordings-count').scrollIntoViewIfNeeded();
    await waitForRowCount(page, BOB_CALLS);
  });
});

describe('Reassign and permanent delete', () => {
  it('an administrator reassigns a call to a person chosen by name', async () => {
    const page = await openAs(admin().email, admin().password, '/control-hub/people');
    await page.goto('/recordings');
    await searchOwner(page, 'bob');
    await waitForFirstTopic(page, 'Bob call 000');
    await page.getByRole('checkbox', { name: 'Select Bob call 000 of Bob Berg' }).click();
    await page.getByText('1 recording selected').waitFor();
    await page.getByRole('button', { name: 'Reassign' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Reassign (1)' });
    // No new owner yet: nothing to confirm.
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'New owner' }).fill('Carol');
    await page.getByRole('option', { name: 'Carol Carlsson (carol@example.com)' }).click();
    await confirm.click();
    await page.getByText('1 recording reassigned').waitFor();

    await searchOwner(page, 'carol');
    await waitForRowCount(page, 2);
    expect(await topicsShown(page)).toEqual(['Bob call 000', 'Göteborg support']);
  });

  it('a compliance officer deletes permanently only with a reason', async () => {
    const page = await openAs(co().email, co().password, '/recordings');
    await searchOwner(page, 'bob');
    await waitForFirstTopic(page, 'Bob call 001');
    await page.getByRole('checkbox', { name: 'Select Bob call 001 of Bob Berg' }).click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('This cannot be undone');
    const confirm = dialog.getByRole('button', { name: 'Delete permanently (1)' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Recorded in error');
    await dialog.getByRole('textbox', { name: 'Comment' }).fill('Test call placed by IT');
    await confirm.click();
    await page.getByText('1 recording deleted permanently').waitFor();
    await page.getByTestId('recordings-count').scrollIntoViewIfNeeded();
    await waitForRowCount(page, BOB_CALLS - 2);
    expect(await rowOf(page, 'Bob call 001').count()).toBe(0);
  });
});

describe('User Hub: My recordings', () => {
  it('alice sees her own recordings, and no download button once her downloads are off', async () => {
    const page = await openAs(alice().email, alice().password, '/user-hub');
    const rows = page.getByRole('main').locator('table tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 2);
    expect(await rows.locator('td:nth-child(2)').allInnerTexts()).toEqual([
      'Support call',
      'Sales follow-up',
    ]);
    expect(await page.getByRole('button', { name: 'Download Support call' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete Support call' }).count()).toBe(1);
    await saveScreenshot(page, 'user-hub-my-recordings');

    // She plays her own call in the same player, with the download buttons.
    await page.getByRole('button', { name: 'Play Support call' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('recording-player').waitFor();
    await drawer.getByRole('link', { name: 'Download audio' }).waitFor();
    await saveScreenshot(page, 'user-hub-player');
    await drawer.getByRole('button', { name: 'Close recording' }).click();

    // The administrator turns her downloads off in Control Hub.
    const adminPage = await openAs(admin().email, admin().password, '/control-hub/people');
    await adminPage.goto(`/control-hub/people/${alice().id}/call-recording`);
    const download = adminPage.getByRole('checkbox', { name: 'Download recordings' });
    expect(await download.isChecked()).toBe(true);
    await download.uncheck();
    await adminPage.getByRole('button', { name: 'Save', exact: true }).click();
    await adminPage.getByText('Call recording settings saved').waitFor();

    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 2);
    expect(await page.getByRole('button', { name: /^Download / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete Support call' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Details of Support call' }).click();
    await page.getByRole('dialog').getByTestId('no-audio-access').waitFor();
    expect(
      await page
        .getByRole('dialog')
        .getByRole('link', { name: /Download/ })
        .count(),
    ).toBe(0);
    await saveScreenshot(page, 'user-hub-no-download');
  });
});
