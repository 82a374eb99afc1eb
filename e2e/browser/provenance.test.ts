// A recording the recorder rebuilt after a crash is badged in the Recordings list and in the
// player, in Chromium against the real server. The recording is made the way capture makes one:
// before `serve` starts, the data directory holds what a recorder killed mid-call leaves (a
// session.json that never closed, and each party's RTP journal, written with the recorder's own
// journal writer from the two-party PCMU pcap); `serve` recovers it at start through the
// finalize job.
import fs from 'node:fs';
import path from 'node:path';
import { createRtpJournalWriter, parseRtpPacket, readPcapUdpDatagrams } from '@callvault/recorder';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startServer, type DemoSeed, type TestServer } from '../support/server.js';
import { launchBrowser, openConsole, saveScreenshot, signIn, waitForPath } from './browser.js';

let server: TestServer;
let browser: Browser;

const PCAP = path.join(
  repoRoot,
  'packages/recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
);

const SRC_METADATA = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1">
  <datamode>complete</datamode>
  <participant participant_id="p-alice"><nameID aor="sip:alice@example.com"/></participant>
  <participant participant_id="p-cust"><nameID aor="sip:+46701234567@pstn.example"/></participant>
</recording>`;

/**
 * What a recorder killed 10.5 s into a call leaves in its data directory: the call's packets
 * arrive as if they had come over the last 10.5 s, so the kept audio ends about 0.5 s before
 * the journal's last write.
 */
function leaveCrashedCall(dataDir: string, seed: DemoSeed): void {
  const alice = seed.people.find((p) => p.email === 'alice@example.com');
  if (!alice) throw new Error('the demo seed has no alice');
  const dir = path.join(dataDir, 'journal', 'crashed-call');
  fs.mkdirSync(dir, { recursive: true });
  const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(PCAP)));
  const first = Math.min(...datagrams.map((d) => d.timeMs));
  const shift = Date.now() - 10_500 - first;
  const codecs = [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }];
  const streams = [
    { port: 6000, label: 'cust', participant: 'p-cust' },
    { port: 6002, label: 'alice', participant: 'p-alice' },
  ];
  fs.writeFileSync(
    path.join(dir, 'session.json'),
    JSON.stringify({
      version: 1,
      sessionId: 'crashed-call',
      callId: 'crashed-call@src.example',
      orgId: seed.orgId,
      trunkId: seed.trunk.id,
      trunkName: seed.trunk.name,
      startedAt: first + shift,
      owners: [{ id: alice.id, kind: 'person', participantId: 'p-alice', mode: 'Always' }],
      parties: [
        { id: 'p-alice', aor: 'sip:alice@example.com', name: 'Alice Andersson' },
        { id: 'p-cust', aor: 'sip:+46701234567@pstn.example', name: 'Customer' },
      ],
      streams: streams.map((s, index) => ({
        index,
        label: s.label,
        codecs,
        telephoneEventPayloadTypes: [],
        journal: `stream-${index}.rtpj`,
        srtp: false,
      })),
      metadataRevisions: [{ seq: 1, raw: SRC_METADATA }],
      senders: Object.fromEntries(streams.map((s) => [s.label, s.participant])),
    }),
  );
  for (const [index, stream] of streams.entries()) {
    const writer = createRtpJournalWriter({ file: path.join(dir, `stream-${index}.rtpj`) });
    for (const d of datagrams) {
      const parsed = parseRtpPacket(d.payload);
      if (d.destinationPort !== stream.port || !parsed.ok) continue;
      const p = parsed.packet;
      writer.append({
        arrivalMs: d.timeMs + shift,
        sequenceNumber: p.sequenceNumber,
        timestamp: p.timestamp,
        ssrc: p.ssrc,
        payloadType: p.payloadType,
        marker: p.marker,
        payload: p.payload,
      });
    }
    writer.close();
  }
}

beforeAll(async () => {
  [server, browser] = await Promise.all([
    // The recorder role: crash recovery runs where the journals are.
    startServer({ sip: true, beforeServe: leaveCrashedCall }),
    launchBrowser(),
  ]);
  // The finalize job runs in the background after the start.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${server.url}/api/recordings?recovered=true`, {
      headers: { authorization: `Bearer ${server.seed.complianceOfficer.token}` },
    });
    const body = (await res.json()) as { items: unknown[] };
    if (body.items.length === 1) break;
    if (Date.now() > deadline) throw new Error('the crashed call was never recovered');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a recording recovered after a crash', () => {
  let page: Page;
  beforeAll(async () => {
    const co = server.seed.complianceOfficer;
    ({ page } = await openConsole(browser, server.url));
    await signIn(page, co.email, co.password);
    await waitForPath(page, '/recordings');
  });

  it('is badged in the Recordings list, the tooltip saying how close to the crash its audio goes', async () => {
    const row = page.getByRole('main').locator('tbody tr').filter({ hasText: 'Call with' });
    const badge = row.getByTestId('provenance-recovered');
    await badge.waitFor();
    expect(await badge.innerText()).toBe('Recovered');
    // Readable as it is, not cut to an ellipsis by the table's narrow topic column.
    const cut = await badge.evaluate((el) =>
      [el, ...el.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1),
    );
    expect(cut).toBe(false);
    await badge.hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    const text = await tooltip.innerText();
    expect(text).toMatch(/^Recovered after a restart — audio up to \d+\.\d s before the crash/);
    // The journal was written about 0.5 s after the last packet's arrival.
    const seconds = Number(/up to (\d+\.\d) s/.exec(text)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0.2);
    expect(seconds).toBeLessThan(5);
    // Nothing else went wrong: no "Partly failed" badge.
    expect(await row.getByTestId('provenance-failed').count()).toBe(0);
    await saveScreenshot(page, 'provenance-list', { fullPage: false });
  });

  it('the player says it was recovered, why the recording ended, and the call’s trunk and SRC metadata', async () => {
    await page
      .getByRole('main')
      .getByRole('button', { name: /^Open Call with/ })
      .click();
    const drawer = page.getByRole('dialog');
    const note = drawer.getByTestId('provenance-note-recovered');
    await note.waitFor();
    expect(await note.innerText()).toContain('Recovered after a restart — audio up to');
    expect(await drawer.getByTestId('provenance-recovered').innerText()).toBe('Recovered');
    expect(await drawer.getByTestId('recording-end-reason').innerText()).toBe(
      'Ended: The recorder stopped during the call; recovered at restart',
    );
    const metadata = drawer.getByTestId('recording-metadata');
    await metadata.waitFor();
    expect(await metadata.innerText()).toContain(server.seed.trunk.name);
    expect(await metadata.innerText()).toContain('SIPREC metadata as received');
    // The player is there: the recovered audio plays like any other.
    await drawer.getByRole('button', { name: 'Play' }).waitFor();
    await saveScreenshot(page, 'provenance-player', { fullPage: false });
  });
});
