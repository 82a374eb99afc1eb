// Takes the README's screenshots of the console's main pages in English and Swedish
// (`make screenshots`): a server on the demo organisation with a few imported calls, a
// compliance officer's and an administrator's view at 1440 px, written to docs/screenshots/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, startServer, type TestServer } from '../support/server.js';

const OUT = path.join(repoRoot, 'docs', 'screenshots');
const LANGUAGES = ['en', 'sv'] as const;

interface Shot {
  readonly name: string;
  readonly path: string;
  readonly as: 'admin' | 'complianceOfficer' | 'alice';
  /** What to wait for before the picture: the page's main content has loaded. */
  readonly ready?: (page: Page) => Promise<void>;
}

const SHOTS: readonly Shot[] = [
  { name: 'recordings', path: '/recordings', as: 'complianceOfficer' },
  { name: 'user-hub', path: '/user-hub', as: 'alice' },
  { name: 'people', path: '/control-hub/people', as: 'admin' },
  { name: 'locations', path: '/control-hub/locations', as: 'admin' },
  { name: 'call-recording', path: '/control-hub/call-recording', as: 'admin' },
  { name: 'recording-trunks', path: '/control-hub/recording-trunks', as: 'admin' },
  { name: 'directory', path: '/control-hub/directory', as: 'admin' },
  { name: 'audit-log', path: '/compliance/audit', as: 'complianceOfficer' },
  { name: 'legal-holds', path: '/compliance/legal-holds', as: 'complianceOfficer' },
  { name: 'usage', path: '/compliance/usage', as: 'admin' },
  { name: 'retention', path: '/compliance/retention', as: 'admin' },
];

/** Debian's Chromium, headless (the browser suite's harness is for vitest runs only). */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CALLVAULT_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('input[autocomplete="username"]').fill(email);
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}

const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

/** A few stereo calls made with sox, imported with their sidecars as `callvault import` takes them. */
async function importCalls(server: TestServer): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-screenshots-'));
  const calls = [
    { owner: 'alice@example.com', topic: 'Support call', h: 2, tones: [440, 660], secs: 14 },
    { owner: 'alice@example.com', topic: 'Sales follow-up', h: 30, tones: [330, 550], secs: 9 },
    { owner: 'carol@example.com', topic: 'Göteborg support', h: 50, tones: [300, 500], secs: 6 },
    { owner: 'bob@example.com', topic: 'Escalation', h: 75, tones: [350, 450], secs: 11 },
  ];
  for (const [i, call] of calls.entries()) {
    const file = path.join(dir, `call-${i}.wav`);
    execFileSync('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '2',
      '-b',
      '16',
      file,
      'synth',
      String(call.secs),
      'sine',
      String(call.tones[0]),
      'sine',
      String(call.tones[1]),
      'tremolo',
      '3',
      '90',
      'vol',
      '0.7',
    ]);
    fs.writeFileSync(
      path.join(dir, `call-${i}.json`),
      JSON.stringify({
        ownerEmail: call.owner,
        timeRecorded: hoursAgo(call.h),
        topic: call.topic,
        direction: i % 2 === 0 ? 'inbound' : 'outbound',
        parties: [
          { role: 'caller', name: 'Customer', number: '+46701234567', channel: 0 },
          { role: 'callee', number: '+4685550101', channel: 1 },
        ],
      }),
    );
  }
  const run = await server.cli(['import', dir]);
  if (run.code !== 0) throw new Error(`import failed:\n${run.stdout}\n${run.stderr}`);
}

async function shoot(browser: Browser, server: TestServer): Promise<string[]> {
  const written: string[] = [];
  const accounts = {
    admin: server.seed.admin,
    complianceOfficer: server.seed.complianceOfficer,
    alice: server.seed.people.find((p) => p.email === 'alice@example.com')!,
  };
  for (const language of LANGUAGES) {
    for (const as of ['admin', 'complianceOfficer', 'alice'] as const) {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 1440, height: 900 },
        locale: language === 'sv' ? 'sv-SE' : 'en-GB',
        timezoneId: 'Europe/Stockholm',
      });
      await context.addInitScript((lng) => {
        localStorage.setItem('callvault.language', lng);
      }, language);
      const page = await context.newPage();
      const account = accounts[as];
      await signIn(page, account.email, account.password);
      await page.waitForURL((url) => url.pathname !== '/login');
      for (const shot of SHOTS.filter((s) => s.as === as)) {
        await page.goto(shot.path);
        await page.waitForLoadState('networkidle');
        await (shot.ready?.(page) ?? page.waitForTimeout(500));
        const file = path.join(OUT, `${shot.name}.${language}.png`);
        await page.screenshot({ path: file });
        written.push(path.relative(repoRoot, file));
      }
      await context.close();
    }
  }
  return written;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  await importCalls(server);
  fs.mkdirSync(OUT, { recursive: true });
  for (const file of await shoot(browser, server)) console.log(file);
} finally {
  await browser.close();
  await server.stop();
}
