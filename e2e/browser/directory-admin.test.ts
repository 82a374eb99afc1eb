// Journeys through Control Hub → Directory in Chromium against the real server: the first
// administrator of a fresh `make run` sets up a location and a person, makes them a compliance
// officer and gives them a one-time password, and that person signs in and finds a recording of
// the org; an administrator creates, edits and deletes each kind of directory entry; roles change
// what a person sees; a CSV import shows the bad row's problem and imports the good rows; and the
// page in Swedish.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type DemoSeed } from '../support/server.js';
import { toneWav } from '../support/tone-wav.js';
import { launchBrowser, openConsole, signIn, waitForPath } from './browser.js';

interface FreshServer {
  readonly url: string;
  /** The first administrator of an empty start (null after a demo seed). */
  readonly adminEmail: string | null;
  readonly oneTimePassword: string | null;
  /** What `demo-seed --json` printed, when the server was seeded. */
  readonly seed: DemoSeed | null;
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `serve` on an empty data directory, as `make run` starts it the first time: it creates the
 * organisation and its first administrator and prints their one-time password once. With `seed`,
 * the demo organisation is loaded first instead. (Started here rather than with the support
 * helper so a slow, busy machine gets two minutes to start.)
 */
async function startFreshServer(options: { seed?: boolean } = {}): Promise<FreshServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-fresh-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CALLVAULT_DATA_DIR: dataDir,
    CALLVAULT_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    CALLVAULT_DRAIN_TIMEOUT: '0',
  };
  delete env.CALLVAULT_DATABASE_URL;
  let seed: DemoSeed | null = null;
  if (options.seed) {
    const seeded = await runCli(env, ['demo-seed', '--json']);
    if (seeded.code !== 0) throw new Error(`demo-seed failed:\n${seeded.out}`);
    seed = JSON.parse(seeded.stdout) as DemoSeed;
  }
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--roles', 'api,worker'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let logs = '';
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const started = await new Promise<{ url: string; email: string | null; password: string | null }>(
    (resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start:\n${out}\n${logs}`)), 120_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const url = /Callvault console: (\S+)/.exec(out)?.[1];
        const email = /email:\s+(\S+)/.exec(out)?.[1];
        const password = /one-time password:\s+(\S+)/.exec(out)?.[1];
        if (url && ((email && password) || seed)) {
          clearTimeout(timer);
          resolve({
            url: url.replace(/\/$/, ''),
            email: email ?? null,
            password: password ?? null,
          });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${String(code)}:\n${out}\n${logs}`));
      });
    },
  );
  return {
    url: started.url,
    adminEmail: started.email,
    oneTimePassword: started.password,
    seed,
    env,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function runCli(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, stdout }));
  });
}

/** Picks `option` in the Mantine Select labelled `label` of the open dialog or page. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('textbox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

function dialog(page: Page) {
  return page.getByRole('dialog');
}

/** The row of the directory table holding `text`. */
function row(page: Page, text: string) {
  return page.getByRole('tabpanel').locator('tbody tr').filter({ hasText: text });
}

async function openDirectoryTab(page: Page, tab: string): Promise<void> {
  await page.goto('/control-hub/directory');
  await page.getByRole('tab', { name: tab, exact: true }).click();
}

/**
 * The first-password page right after signing in with the one-time password: the console keeps
 * it from the sign-in, so it is not asked again.
 */
async function changeOneTimePassword(page: Page, next: string): Promise<void> {
  await waitForPath(page, '/change-password');
  await page.getByTestId('one-time-password-kept').waitFor();
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('Repeat the new password').fill(next);
  await page.getByRole('button', { name: 'Save password' }).click();
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('a fresh organisation set up in the console', () => {
  let fresh: FreshServer;
  let importDir: string;

  beforeAll(async () => {
    fresh = await startFreshServer();
    importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-fresh-import-'));
  }, 150_000);

  afterAll(async () => {
    await fresh?.stop();
    if (importDir) fs.rmSync(importDir, { recursive: true, force: true });
  });

  it('the first administrator creates a location and a person, makes them a compliance officer, and that person signs in and finds a recording', async () => {
    const admin = await openConsole(browser, fresh.url);
    let oneTime = '';
    try {
      const { page } = admin;
      const [email, oneTimeAdmin] = [fresh.adminEmail, fresh.oneTimePassword];
      if (email === null || oneTimeAdmin === null) throw new Error('no first administrator');
      await signIn(page, email, oneTimeAdmin);
      await changeOneTimePassword(page, 'first admin password');
      await waitForPath(page, '/control-hub/people');
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Directory' })
        .click();
      await waitForPath(page, '/control-hub/directory');
      expect(await page.title()).toBe('Directory · Callvault');

      // A location.
      await page.getByRole('tab', { name: 'Locations', exact: true }).click();
      await page.getByRole('button', { name: 'Add location' }).click();
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await dialog(page).getByText('Fill this in.').waitFor();
      await dialog(page).getByLabel('Name').fill('Göteborg');
      await dialog(page).getByLabel('Time zone').fill('Europe/Stockholm');
      await dialog(page).getByLabel('Country').fill('SE');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'Göteborg').waitFor();
      expect(await row(page, 'Göteborg').innerText()).toContain('Europe/Stockholm');

      // A person there; the form checks the email with the server's rule first.
      await page.getByRole('tab', { name: 'People', exact: true }).click();
      await page.getByRole('button', { name: 'Add person' }).click();
      await dialog(page).getByLabel('Email address').fill('olga.fresh.example');
      await dialog(page).getByLabel('First name').click();
      await dialog(page).getByText('Enter a valid email address.').waitFor();
      await dialog(page).getByLabel('Email address').fill('olga@fresh.example');
      await dialog(page).getByLabel('First name').fill('Olga');
      await dialog(page).getByLabel('Last name').fill('Berg');
      await choose(page, 'Location', 'Göteborg');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'olga@fresh.example').waitFor();
      expect(await row(page, 'olga@fresh.example').innerText()).toContain('Göteborg');

      // Made a compliance officer.
      await page.getByRole('button', { name: 'Edit Olga Berg' }).click();
      await dialog(page).getByRole('checkbox', { name: 'Compliance officer' }).check();
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, 'olga@fresh.example').getByText('Compliance officer').waitFor();

      // Given a one-time password.
      await page.getByRole('button', { name: 'Set the password of Olga Berg' }).click();
      await dialog(page).getByRole('button', { name: 'Make one-time password' }).click();
      oneTime = (await dialog(page).getByTestId('one-time-password').innerText()).trim();
      expect(oneTime).toMatch(/^[A-Za-z0-9]{20}$/);
      await dialog(page).getByRole('button', { name: 'Done' }).click();
    } finally {
      await admin.context.close();
    }

    // A call of Olga's is recorded (brought in as an operator imports recordings).
    fs.writeFileSync(
      path.join(importDir, 'olga.wav'),
      toneWav({ hz: 440, seconds: 1, amplitude: 9000 }),
    );
    fs.writeFileSync(
      path.join(importDir, 'olga.json'),
      JSON.stringify({
        ownerEmail: 'olga@fresh.example',
        timeRecorded: new Date(Date.now() - 3_600_000).toISOString(),
        topic: 'Olga customer call',
        direction: 'inbound',
      }),
    );
    const imported = await runCli(fresh.env, ['import', importDir]);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toMatch(/1 imported/);

    const officer = await openConsole(browser, fresh.url);
    try {
      const { page } = officer;
      await signIn(page, 'olga@fresh.example', oneTime);
      await changeOneTimePassword(page, 'olga chose this one');
      await waitForPath(page, '/recordings');
      await page
        .getByRole('main')
        .locator('table:not([aria-busy="true"]) tbody tr')
        .filter({ hasText: 'Olga customer call' })
        .waitFor();
    } finally {
      await officer.context.close();
    }
  }, 300_000);
});

describe('directory administration on the demo organisation', () => {
  let server: FreshServer & { readonly seed: DemoSeed };

  beforeAll(async () => {
    const started = await startFreshServer({ seed: true });
    if (!started.seed) throw new Error('the demo seed did not run');
    server = { ...started, seed: started.seed };
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  async function adminPage(): Promise<{ page: Page; close: () => Promise<void> }> {
    const { context, page } = await openConsole(browser, server.url);
    await signIn(page, server.seed.admin.email, server.seed.admin.password);
    await waitForPath(page, '/control-hub/people');
    return { page, close: () => context.close() };
  }

  it('creates, edits and deletes a location, a workspace, a virtual line, a hunt group and a person', async () => {
    const { page, close } = await adminPage();
    try {
      // Location: created, renamed; refused while in use, deleted when empty.
      await openDirectoryTab(page, 'Locations');
      await page.getByRole('button', { name: 'Add location' }).click();
      await dialog(page).getByLabel('Name').fill('Malmö');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'Malmö').waitFor();
      await page.getByRole('button', { name: 'Edit Malmö' }).click();
      await dialog(page).getByLabel('Name').fill('Malmö C');
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, 'Malmö C').waitFor();

      // Workspace in it.
      await page.getByRole('tab', { name: 'Workspaces', exact: true }).click();
      await page.getByRole('button', { name: 'Add workspace' }).click();
      await dialog(page).getByLabel('Display name').fill('Malmö lobby');
      await choose(page, 'Location', 'Malmö C');
      await dialog(page).getByLabel('Extension').fill('7x');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await dialog(page).getByText('Use 2–10 digits.').waitFor();
      await dialog(page).getByLabel('Extension').fill('7701');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'Malmö lobby').waitFor();
      await page.getByRole('button', { name: 'Edit Malmö lobby' }).click();
      await dialog(page).getByLabel('Extension').fill('7702');
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, '7702').waitFor();

      // The location cannot go while the workspace is in it.
      await page.getByRole('tab', { name: 'Locations', exact: true }).click();
      await page.getByRole('button', { name: 'Delete Malmö C' }).click();
      await dialog(page).getByRole('button', { name: 'Delete' }).click();
      await dialog(page)
        .getByText('The location still has people, workspaces, virtual lines or call features.', {
          exact: false,
        })
        .waitFor();
      await dialog(page).getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('tab', { name: 'Workspaces', exact: true }).click();
      await page.getByRole('button', { name: 'Delete Malmö lobby' }).click();
      await dialog(page).getByRole('button', { name: 'Delete' }).click();
      await row(page, 'Malmö lobby').waitFor({ state: 'detached' });

      // Virtual line.
      await page.getByRole('tab', { name: 'Virtual lines', exact: true }).click();
      await page.getByRole('button', { name: 'Add virtual line' }).click();
      await dialog(page).getByLabel('First name').fill('Malmö');
      await dialog(page).getByLabel('Last name').fill('Line');
      await choose(page, 'Location', 'Malmö C');
      await dialog(page).getByLabel('Extension').fill('7750');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'Malmö Line').waitFor();
      await page.getByRole('button', { name: 'Edit Malmö Line' }).click();
      await dialog(page).getByLabel('Display name').fill('Malmö hotline');
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, 'Malmö hotline').waitFor();
      await page.getByRole('button', { name: 'Delete Malmö hotline' }).click();
      await dialog(page).getByRole('button', { name: 'Delete' }).click();
      await row(page, 'Malmö hotline').waitFor({ state: 'detached' });

      // Hunt group at the location.
      await page.getByRole('tab', { name: 'Call features', exact: true }).click();
      await choose(page, 'Location', 'Malmö C');
      await page
        .locator('label')
        .filter({ hasText: /^Call queues$/ })
        .click();
      await page
        .locator('label')
        .filter({ hasText: /^Hunt groups$/ })
        .click();
      await page.getByRole('button', { name: /^Add / }).click();
      await dialog(page).getByLabel('Name').fill('Malmö sales');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'Malmö sales').waitFor();
      await page.getByRole('button', { name: 'Edit Malmö sales' }).click();
      await dialog(page).getByLabel('Extension').fill('7760');
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, '7760').waitFor();
      await page.getByRole('button', { name: 'Delete Malmö sales' }).click();
      await dialog(page).getByRole('button', { name: 'Delete' }).click();
      await row(page, 'Malmö sales').waitFor({ state: 'detached' });

      // Person: the server's refusal of a taken email shows in the form.
      await page.getByRole('tab', { name: 'People', exact: true }).click();
      await page.getByRole('button', { name: 'Add person' }).click();
      await dialog(page).getByLabel('Email address').fill('alice@example.com');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await dialog(page).getByText('Another person already has this email address.').waitFor();
      await dialog(page).getByLabel('Email address').fill('malte@example.com');
      await dialog(page).getByLabel('Display name').fill('Malte Holm');
      await dialog(page).getByRole('button', { name: 'Create' }).click();
      await row(page, 'malte@example.com').waitFor();
      await page.getByRole('button', { name: 'Edit Malte Holm' }).click();
      await dialog(page).getByLabel('Extension').fill('7790');
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, '7790').waitFor();
      await page.getByRole('button', { name: 'Delete Malte Holm' }).click();
      await dialog(page).getByRole('button', { name: 'Delete' }).click();
      await row(page, 'malte@example.com').waitFor({ state: 'detached' });

      // Now empty, the location goes.
      await page.getByRole('tab', { name: 'Locations', exact: true }).click();
      await page.getByRole('button', { name: 'Delete Malmö C' }).click();
      await dialog(page).getByRole('button', { name: 'Delete' }).click();
      await row(page, 'Malmö C').waitFor({ state: 'detached' });
    } finally {
      await close();
    }
  }, 300_000);

  it('a person made a read-only administrator with a chosen password sees the directory but no button that changes it', async () => {
    const { page, close } = await adminPage();
    try {
      await openDirectoryTab(page, 'People');
      await page.getByRole('button', { name: 'Edit Dave' }).first().click();
      await dialog(page).getByRole('checkbox', { name: 'Read-only administrator' }).check();
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await row(page, 'dave@example.com').getByText('Read-only administrator').waitFor();

      await page.getByRole('button', { name: /^Set the password of Dave/ }).click();
      await dialog(page).getByText('Choose a password').click();
      await dialog(page).getByLabel('New password', { exact: true }).fill('short');
      await dialog(page).getByText('Use at least 12 characters.').waitFor();
      await dialog(page).getByLabel('New password', { exact: true }).fill('dave reads only now');
      await dialog(page).getByLabel('Ask for a new password at the next sign-in').uncheck();
      await dialog(page).getByRole('button', { name: 'Set password' }).click();
      await dialog(page).getByText('The password is set.').waitFor();
      await dialog(page).getByRole('button', { name: 'Done' }).click();
    } finally {
      await close();
    }

    const { context, page: viewer } = await openConsole(browser, server.url);
    try {
      await signIn(viewer, 'dave@example.com', 'dave reads only now');
      await waitForPath(viewer, '/control-hub/people');
      await openDirectoryTab(viewer, 'People');
      await row(viewer, 'alice@example.com').waitFor();
      expect(await viewer.getByRole('button', { name: 'Add person' }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: /^Edit / }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: /^Delete / }).count()).toBe(0);
      await viewer.getByRole('tab', { name: 'Import people', exact: true }).click();
      await viewer.getByText('Only a full administrator can import people.').waitFor();
    } finally {
      await context.close();
    }
  }, 300_000);

  it('imports people from CSV: the bad row shows its problem, the good rows are imported with a progress bar', async () => {
    const { page, close } = await adminPage();
    try {
      await openDirectoryTab(page, 'Import people');
      const locationName = server.seed.locations[0]?.name ?? '';
      const csv = [
        'email,firstName,lastName,location,extension,roles',
        `nils@example.com,Nils,Ek,${locationName},6601,`,
        'not-an-email,Bad,Row,,,',
        `stina@example.com,Stina,Ek,${locationName},6602,complianceOfficer`,
      ].join('\n');
      await page.getByLabel('CSV file').setInputFiles({
        name: 'people.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await page.getByText('3 rows: 2 ready, 1 with problems.').waitFor();
      const bad = page.locator('tbody tr').filter({ hasText: 'not-an-email' });
      await bad.getByText('email: Enter a valid email address.').waitFor();
      await page.getByRole('button', { name: 'Import 2 people' }).click();
      await page.getByText('2 of 2 done: 2 imported, 0 failed.').waitFor();
      expect(await page.getByRole('progressbar', { name: 'Import progress' }).count()).toBe(1);
      expect(
        await page.locator('tbody tr').filter({ hasText: 'nils@example.com' }).textContent(),
      ).toContain('Imported');
      expect(await bad.textContent()).toContain('Not importable');

      await page.getByRole('tab', { name: 'People', exact: true }).click();
      await row(page, 'stina@example.com').getByText('Compliance officer').waitFor();
      await row(page, 'nils@example.com').waitFor();
      expect(await row(page, 'not-an-email').count()).toBe(0);
    } finally {
      await close();
    }
  }, 300_000);

  it('works in Swedish: tabs, form rules and the import preview in Swedish', async () => {
    const context = await browser.newContext({
      baseURL: server.url,
      locale: 'sv-SE',
      viewport: { width: 390, height: 844 },
    });
    context.setDefaultTimeout(15_000);
    try {
      const page = await context.newPage();
      const login = await page.request.post('/api/auth/login', {
        data: { email: server.seed.admin.email, password: server.seed.admin.password },
      });
      expect(login.status()).toBe(200);
      await page.goto('/control-hub/directory');
      await page.getByRole('heading', { name: 'Katalog' }).waitFor();
      expect(await page.title()).toBe('Katalog · Callvault');
      await page.getByRole('tab', { name: 'Platser', exact: true }).click();
      await page.getByRole('button', { name: 'Lägg till plats' }).click();
      await dialog(page).getByRole('button', { name: 'Skapa' }).click();
      await dialog(page).getByText('Fyll i det här.').waitFor();
      await dialog(page).getByLabel('Namn').fill('Uppsala');
      await dialog(page).getByRole('textbox', { name: 'Land', exact: true }).fill('Sverige');
      await dialog(page).getByRole('button', { name: 'Skapa' }).click();
      await dialog(page)
        .getByText('Använd en landskod med två bokstäver, till exempel SE.')
        .waitFor();
      await dialog(page).getByRole('textbox', { name: 'Land', exact: true }).fill('SE');
      await dialog(page).getByRole('button', { name: 'Skapa' }).click();
      await row(page, 'Uppsala').waitFor();

      await page.getByRole('tab', { name: 'Importera personer', exact: true }).click();
      await page.getByLabel('CSV-fil').setInputFiles({
        name: 'personer.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('email,location\nkalle@example.com,Lund\n'),
      });
      await page.getByText('1 rad: 0 klara, 1 med problem.').waitFor();
      await page.getByText('location: ingen plats heter ”Lund”').waitFor();
    } finally {
      await context.close();
    }
  }, 300_000);
});
