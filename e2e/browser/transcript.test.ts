// The transcript in the player (SPEC §7, §8) in Chromium against the real server: a two-party
// call of real speech (pocketsphinx-testdata's LibriVox clips, one party per channel, put together
// with sox) is brought in by `callvault import` and transcribed by `callvault jobs run
// transcribe-sweep` with the default pocketsphinx engine. A compliance officer finds it by a word
// said in it (the row shows the matching line), opens it at that line, steps to the next hit in
// the transcript, and clicks the third line: the audio element's position moves to that line's start.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { launchBrowser, openConsole, saveScreenshot, signIn, waitForPath } from './browser.js';

const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';
const CLIP = (n: string): string =>
  path.join(LIBRIVOX, `sense_and_sensibility_01_austen_64kb-${n}.wav`);
/** The audio position after a seek, in seconds, may differ by this much from the line's start. */
const TOLERANCE = 0.05;

let server: TestServer;
let browser: Browser;
let workDir: string;
let recordingId: string;

interface TranscriptJson {
  speakers: Array<{ participant: string; name: string }>;
  segments: Array<{ start: number; end: number; speaker: string; text: string }>;
}
let transcript: TranscriptJson;

function sox(args: string[]): void {
  execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function silence(name: string, seconds: number): string {
  const file = path.join(workDir, name);
  sox(['-n', '-r', '16000', '-c', '1', '-b', '16', file, 'trim', '0', String(seconds)]);
  return file;
}

function seconds(file: string): number {
  return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
}

/**
 * The agent (channel 0) and the customer (channel 1) take turns, 1.5 s apart: five utterances, so
 * the transcript has at least five lines.
 */
function buildCall(file: string): void {
  const [a, b, c, d, e] = ['0870', '0880', '0890', '0920', '0930'].map(CLIP) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const gap = 1.5;
  const left = path.join(workDir, 'left.wav');
  const right = path.join(workDir, 'right.wav');
  const pause = silence('gap.wav', gap);
  sox([
    a,
    pause,
    silence('b.wav', seconds(b)),
    pause,
    c,
    pause,
    silence('d.wav', seconds(d)),
    pause,
    e,
    left,
  ]);
  sox([
    silence('a.wav', seconds(a) + gap),
    b,
    pause,
    silence('c.wav', seconds(c)),
    pause,
    d,
    right,
  ]);
  sox(['-M', left, right, file]);
}

async function api<T>(pathname: string): Promise<T> {
  const res = await fetch(`${server.url}${pathname}`, {
    headers: { authorization: `Bearer ${server.seed.complianceOfficer.token}` },
  });
  if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(LIBRIVOX, 'fileids'))) {
    throw new Error('pocketsphinx-testdata is not installed (make deps-test)');
  }
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-transcript-'));
  const importDir = path.join(workDir, 'import');
  fs.mkdirSync(importDir);
  buildCall(path.join(importDir, 'dashwood.wav'));
  fs.writeFileSync(
    path.join(importDir, 'dashwood.json'),
    JSON.stringify({
      ownerEmail: 'alice@example.com',
      timeRecorded: new Date(Date.now() - 3_600_000).toISOString(),
      topic: 'Dashwood inheritance',
      direction: 'inbound',
      parties: [
        { role: 'callee', name: 'Alice Andersson', number: '+4685550101', channel: 0 },
        { role: 'caller', name: 'John Dashwood', number: '+46701234567', channel: 1 },
      ],
    }),
  );
  const imported = await server.cli(['import', importDir]);
  if (imported.code !== 0 || !/1 imported/.test(imported.stdout)) {
    throw new Error(`import failed:\n${imported.stdout}\n${imported.stderr}`);
  }
  // The sweep job with the configured engine (pocketsphinx), and the transcribe job it fans out.
  const swept = await server.cli(['jobs', 'run', 'transcribe-sweep']);
  if (swept.code !== 0)
    throw new Error(`transcribe-sweep failed:\n${swept.stdout}\n${swept.stderr}`);

  const found = await api<{ items: Array<{ id: string; hasTranscript: boolean }> }>(
    '/api/recordings?q=alice',
  );
  const recording = found.items[0];
  if (!recording?.hasTranscript) throw new Error('the call was not transcribed');
  recordingId = recording.id;
  const details = await api<{
    temporaryDirectDownloadLinks?: { transcriptDownloadLink: string | null };
  }>(`/v1/convergedRecordings/${recordingId}`);
  const link = details.temporaryDirectDownloadLinks?.transcriptDownloadLink;
  if (!link) throw new Error('no transcript link for the compliance officer');
  const res = await fetch(`${link}&format=json`);
  transcript = (await res.json()) as TranscriptJson;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

async function audioTime(page: Page): Promise<number> {
  return page.evaluate(
    () => document.querySelector<HTMLAudioElement>('[role="dialog"] audio')?.currentTime ?? -1,
  );
}

/** The longest word of a line: likely to be found in few other lines. */
function distinctiveWord(text: string): string {
  return [...text.split(/\s+/)].sort((x, y) => y.length - x.length)[0] ?? '';
}

describe('the transcript in the player, for a compliance officer', () => {
  let page: Page;
  beforeAll(async () => {
    const { page: p } = await openConsole(browser, server.url);
    page = p;
    await signIn(page, server.seed.complianceOfficer.email, server.seed.complianceOfficer.password);
    await waitForPath(page, '/recordings');
  });

  it('the transcript has lines for both parties', () => {
    expect(transcript.segments.length).toBeGreaterThanOrEqual(3);
    expect(new Set(transcript.segments.map((s) => s.speaker)).size).toBe(2);
  });

  it('finds the call by a word said in it, showing the matching line', async () => {
    const line = transcript.segments[2];
    if (!line) throw new Error('no third line');
    const word = distinctiveWord(line.text);
    await page.getByRole('button', { name: 'Advanced' }).click();
    await page.getByLabel('Words in transcript', { exact: true }).fill(word);
    const match = page.getByRole('main').getByTestId('transcript-match');
    await match.waitFor();
    expect((await match.innerText()).toLowerCase()).toContain(word.toLowerCase());
    await saveScreenshot(page, 'transcript-search');
  });

  it('opens it at the match, steps to the next hit, and a click on the third line seeks there', async () => {
    await page
      .getByRole('button', { name: 'Open Dashwood inheritance of Alice Andersson' })
      .click();
    const drawer = page.getByRole('dialog');
    const lines = drawer.getByTestId('transcript-line');
    await lines.nth(transcript.segments.length - 1).waitFor();
    expect(await lines.count()).toBe(transcript.segments.length);
    const names = new Map(transcript.speakers.map((s) => [s.participant, s.name]));
    expect(await lines.nth(0).innerText()).toContain(
      names.get(transcript.segments[0]?.speaker ?? ''),
    );
    // The audio's metadata is in: a seek now lands where it is asked to.
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLAudioElement>('[role="dialog"] audio')?.readyState ?? 0) >= 1,
    );

    // Opened from the search inside transcripts: the player starts at the first line holding the
    // word, with the word in the transcript's search box; "next" goes on to the following hit.
    const third = transcript.segments[2];
    if (!third) throw new Error('no third line');
    const word = distinctiveWord(third.text).toLowerCase();
    const hits = transcript.segments.filter((s) =>
      (s.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).some((w) => w.startsWith(word)),
    );
    const waitForAudioAt = (t: number) =>
      page.waitForFunction(
        (at) =>
          Math.abs(
            (document.querySelector<HTMLAudioElement>('[role="dialog"] audio')?.currentTime ?? -1) -
              at,
          ) < 0.05,
        t,
      );
    expect(await drawer.getByLabel('Search the transcript').inputValue()).toBe(word);
    await waitForAudioAt(hits[0]?.start ?? -1);
    await drawer
      .getByTestId('transcript-hits')
      .filter({ hasText: `1 of ${hits.length}` })
      .waitFor();
    await drawer.getByRole('button', { name: 'Next match' }).click();
    await waitForAudioAt(hits[1 % hits.length]?.start ?? -1);
    await drawer.getByLabel('Search the transcript').fill('');

    // The third line: the audio moves to its start, and the line is the one lit.
    await lines.nth(2).click();
    const position = await audioTime(page);
    expect(Math.abs(position - third.start)).toBeLessThan(TOLERANCE);
    await page.waitForFunction(
      () =>
        document
          .querySelectorAll('[data-testid="transcript-line"]')[2]
          ?.getAttribute('aria-current') === 'true',
    );
    await saveScreenshot(page, 'transcript-player');
  });
});

describe('the transcript elsewhere', () => {
  it('alice reads the transcript of her own call in User Hub', async () => {
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com');
    if (!alice) throw new Error('the demo seed has no alice');
    const { page } = await openConsole(browser, server.url);
    await signIn(page, alice.email, alice.password);
    await waitForPath(page, '/user-hub');
    await page.getByRole('button', { name: 'Play Dashwood inheritance' }).click();
    const lines = page.getByRole('dialog').getByTestId('transcript-line');
    await lines.nth(transcript.segments.length - 1).waitFor();
    expect(await lines.count()).toBe(transcript.segments.length);
    await saveScreenshot(page, 'transcript-user-hub');
  });

  it('an administrator gets neither the transcript nor a search inside transcripts', async () => {
    const { page } = await openConsole(browser, server.url);
    await signIn(page, server.seed.admin.email, server.seed.admin.password);
    await waitForPath(page, '/control-hub/people');
    await page.goto('/recordings');
    await page.getByRole('button', { name: 'Advanced' }).click();
    await page.getByLabel('Topic', { exact: true }).waitFor();
    expect(await page.getByLabel('Words in transcript').count()).toBe(0);
    await page
      .getByRole('button', { name: 'Open Dashwood inheritance of Alice Andersson' })
      .click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('no-audio-access').waitFor();
    expect(await drawer.getByTestId('transcript').count()).toBe(0);
  });
});
