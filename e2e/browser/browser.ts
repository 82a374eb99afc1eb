// Shared helpers for the browser journeys: Debian's Chromium driven by playwright-core, one fresh
// browser profile per launch and one isolated context (cookies, storage) per journey.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach } from 'vitest';
import {
  checkContextPages,
  formatFindings,
  takeAccessibilityReport,
  watchContext,
} from './accessibility.js';

const CHROMIUM = process.env.CALLVAULT_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Playwright gives every launch its own temporary user-data-dir, removed on close. Every context
 * the browser opens (through `openConsole` or `browser.newContext` / `newPage` directly) has its
 * pages checked by axe-core after each navigation and before the context or browser closes; the
 * hooks below fail the running test on serious or critical violations.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const newContext = browser.newContext.bind(browser);
  // Reduced motion (the console's theme honours it): no transition leaves a half-faded overlay
  // for the accessibility check to read colours through.
  browser.newContext = async (options?: Parameters<Browser['newContext']>[0]) => {
    const context = await newContext({ reducedMotion: 'reduce', ...options });
    watchContext(context);
    return context;
  };
  const close = browser.close.bind(browser);
  browser.close = async (...args: Parameters<Browser['close']>) => {
    try {
      await Promise.all(browser.contexts().map(checkContextPages));
    } finally {
      await close(...args);
    }
  };
  return browser;
}

function failOnAccessibilityViolations(): void {
  const findings = takeAccessibilityReport();
  if (findings.length > 0) throw new Error(formatFindings(findings));
}

// Registered when a test file imports this module, so every browser journey is checked.
afterEach(failOnAccessibilityViolations);
afterAll(failOnAccessibilityViolations);

export interface ConsoleTab {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** A new signed-out visitor: its own cookie jar, a laptop-sized window. */
export async function openConsole(browser: Browser, baseUrl: string): Promise<ConsoleTab> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1366, height: 860 },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  // By label in either language: the sign-in page follows the browser's language (sv-SE contexts).
  await page.getByLabel(/^(Email|E-post)/).fill(email);
  await page.getByLabel(/^(Password|Lösenord)/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Logga in)$/ }).click();
}

/** Resolves once the page's path (without query) is `pathname`. */
export async function waitForPath(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname);
}

export function navbar(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

/** Data rows of the page's table: not the header row, nor the placeholder rows shown while loading. */
export function tableRows(page: Page): Locator {
  return page.locator('table:not([aria-busy="true"]) tbody tr');
}

/**
 * Saves a screenshot when CALLVAULT_E2E_SCREENSHOTS names a directory, for a person to look at;
 * screenshots are never committed.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  options: { readonly fullPage?: boolean } = {},
): Promise<void> {
  const dir = process.env.CALLVAULT_E2E_SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({
    path: path.join(dir, `${name}.png`),
    fullPage: options.fullPage ?? true,
  });
}
