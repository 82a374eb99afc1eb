// Accessibility check of every page the browser journeys open: axe-core (injected through
// playwright-core) runs on each page after every navigation, once the page has settled, and once more
// on its final state when the journey closes it. Serious and critical WCAG 2.2 A/AA violations are
// collected and fail the running test with a readable report (see `takeAccessibilityReport`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

/** The axe rules that apply: WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
/** Impacts that fail a test; minor and moderate findings are left to review. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);
/** How long a page may keep animating or loading before it is checked anyway. */
const SETTLE_TIMEOUT_MS = 5_000;
/** Navigations closer together than this (redirect chains) are checked once, at the last one. */
const NAVIGATION_DEBOUNCE_MS = 250;

let axeSource: string | undefined;
function loadAxeSource(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface AxeNodeFinding {
  readonly target: string;
  readonly summary: string;
}

export interface AxeFinding {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly helpUrl: string;
  readonly url: string;
  readonly nodes: readonly AxeNodeFinding[];
}

interface AxeRawResult {
  readonly violations: readonly {
    readonly id: string;
    readonly impact?: string | null;
    readonly help: string;
    readonly helpUrl: string;
    readonly nodes: readonly {
      readonly target: readonly unknown[];
      readonly failureSummary?: string;
    }[];
  }[];
}

/**
 * Runs axe on the page as it is now and returns its serious and critical violations. The page is
 * given time to finish loading (no `aria-busy` region, no running animation) so transitions do not
 * show half-faded colours.
 */
export async function checkAccessibility(page: Page): Promise<AxeFinding[]> {
  await page
    .waitForFunction(
      () =>
        document.readyState === 'complete' &&
        document.querySelector('[aria-busy="true"]') === null &&
        document.getAnimations().every((a) => a.playState !== 'running'),
      undefined,
      { timeout: SETTLE_TIMEOUT_MS, polling: 100 },
    )
    .catch(() => undefined);
  const url = page.url();
  // A full navigation between injecting axe and running it leaves a new document without it:
  // inject again and retry, a few times at most.
  let raw: unknown = null;
  for (let attempt = 0; attempt < 3 && raw === null; attempt++) {
    const hasAxe = await page.evaluate(() => 'axe' in window);
    if (!hasAxe) await page.evaluate(loadAxeSource());
    raw = await page.evaluate((tags) => {
      const axe = (
        window as unknown as {
          axe?: { run: (ctx: Document, options: unknown) => Promise<unknown> };
        }
      ).axe;
      if (axe === undefined) return null;
      return axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
    }, WCAG_TAGS);
  }
  if (raw === null) throw new Error('axe-core could not be loaded into the page');
  const result = raw as AxeRawResult;
  return result.violations
    .filter((v) => v.impact != null && FAILING_IMPACTS.has(v.impact))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      url: new URL(url).pathname,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    }));
}

/** One line per finding and node, for a test failure message. */
export function formatFindings(findings: readonly AxeFinding[]): string {
  const lines = [`${findings.length} serious or critical accessibility violation(s) (axe-core):`];
  for (const f of findings) {
    lines.push(`- [${f.impact}] ${f.rule} on ${f.url}: ${f.help} (${f.helpUrl})`);
    for (const node of f.nodes.slice(0, 5)) lines.push(`    at ${node.target}: ${node.summary}`);
    if (f.nodes.length > 5) lines.push(`    … and ${f.nodes.length - 5} more element(s)`);
  }
  return lines.join('\n');
}

const pending: AxeFinding[] = [];
const reported = new Set<string>();

/** Keeps the elements not reported before (a page checked again repeats its findings). */
function record(findings: readonly AxeFinding[]): void {
  for (const f of findings) {
    const nodes = f.nodes.filter((n) => {
      const key = `${f.rule}|${f.url}|${n.target}`;
      if (reported.has(key)) return false;
      reported.add(key);
      return true;
    });
    if (nodes.length > 0 || f.nodes.length === 0) pending.push({ ...f, nodes });
  }
}

/** The violations found since the last call; each distinct one is reported once per test file. */
export function takeAccessibilityReport(): AxeFinding[] {
  return pending.splice(0, pending.length);
}

/** A page closed or navigated while it was being checked: the next check covers it. */
function isGone(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /closed|destroyed|detached|navigat|Target crashed/i.test(message);
}

interface WatchedPage {
  chain: Promise<void>;
  timer: NodeJS.Timeout | undefined;
}

const watched = new WeakMap<Page, WatchedPage>();

function enqueue(page: Page, state: WatchedPage): Promise<void> {
  state.chain = state.chain.then(async () => {
    if (page.isClosed()) return;
    try {
      record(await checkAccessibility(page));
    } catch (error) {
      if (isGone(error)) return;
      record([
        {
          rule: 'axe-run-failed',
          impact: 'critical',
          help: error instanceof Error ? error.message : String(error),
          helpUrl: '',
          url: page.url(),
          nodes: [],
        },
      ]);
    }
  });
  return state.chain;
}

/** Checks the page after each main-frame navigation (including client-side route changes). */
export function watchPage(page: Page): void {
  if (watched.has(page)) return;
  const state: WatchedPage = { chain: Promise.resolve(), timer: undefined };
  watched.set(page, state);
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void enqueue(page, state), NAVIGATION_DEBOUNCE_MS);
  });
  page.on('close', () => clearTimeout(state.timer));
}

/** Waits for the checks under way and checks every open page of the context as it is now. */
export async function checkContextPages(context: BrowserContext): Promise<void> {
  await Promise.all(
    context.pages().map(async (page) => {
      const state = watched.get(page);
      if (!state) return;
      clearTimeout(state.timer);
      if (page.url() === 'about:blank') return state.chain;
      return enqueue(page, state);
    }),
  );
}

/** Every page of the context is watched, and its last state is checked before it closes. */
export function watchContext(context: BrowserContext): void {
  for (const page of context.pages()) watchPage(page);
  context.on('page', watchPage);
  const close = context.close.bind(context);
  context.close = async (...args: Parameters<BrowserContext['close']>) => {
    try {
      await checkContextPages(context);
    } finally {
      await close(...args);
    }
  };
}
