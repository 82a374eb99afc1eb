// Issue #6 "must show" (PCMU over UDP): SIPp's SIPREC client sends the 28 s two-party
// conversation to `bin/callvault serve` (recorder, worker and api roles); after the BYE the call is
// listed on /api/recordings, and each channel of its Ogg Opus audio, decoded by ffmpeg, is what
// that party sent (correlation ≥ 0.9 with the party's reference audio, duration within 0.5 s), the
// recorded owner (Alice) first.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer } from '../support/server.js';
import { findFreePort, findSipp, isRoot, runSipp, sippFixtures } from './sipp.js';

const ci = process.env.CI === 'true';
const sipp = findSipp();
const missing = !sipp
  ? 'sipp (Debian package sip-tester) is not installed'
  : !isRoot()
    ? 'SIPp must run as root (play_pcap_audio uses a raw socket)'
    : null;
if (missing && ci) throw new Error(`CI: ${missing}; the capture e2e suite may not skip`);
if (missing) console.warn(`capture e2e suite NOT run: ${missing} (it is required in CI)`);

let server: TestServer;

async function getJson(url: string, token: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url.startsWith('http') ? url : `${server.url}${url}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

/** Mono 8 kHz s16 of a file (one channel of it when `channel` is given), decoded by ffmpeg. */
function decode(file: string, channel?: number): Int16Array {
  const pcm = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', file],
      ...(channel === undefined ? [] : ['-af', `pan=mono|c0=c${channel}`]),
      ...['-ac', '1', '-ar', '8000', '-f', 's16le', '-'],
    ],
    { maxBuffer: 128 * 1024 * 1024 },
  );
  return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
}

/** Best normalised cross-correlation of a and b with b shifted by up to ±maxLag samples. */
function correlate(a: Int16Array, b: Int16Array, maxLag = 1600): number {
  let best = -1;
  const n = Math.min(a.length, b.length) - maxLag;
  for (let lag = -maxLag; lag <= maxLag; lag += 2) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = maxLag; i < n; i += 3) {
      const x = a[i]!;
      const y = b[i + lag]!;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    best = Math.max(best, ab / Math.sqrt(aa * bb || 1));
  }
  return best;
}

describe.skipIf(missing !== null)('media capture with SIPp against bin/callvault serve', () => {
  beforeAll(async () => {
    server = await startServer({ sip: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the PCMU conversation over UDP becomes a two-channel recording of what each party said', async () => {
    const sip = server.sip!;
    const result = await runSipp({
      target: `${sip.host}:${sip.port}`,
      transport: 'udp',
      timeoutMs: 60_000,
      args: [
        ...['-sf', 'siprec_uac.xml', '-inf', 'siprec_ids.csv', '-s', 'srs'],
        ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
        // The conversation lasts 28.2 s: the BYE goes out after all of it was sent.
        ...['-m', '1', '-d', '29000', '-timeout', '50s', '-timeout_error'],
      ],
    });
    expect(result.code, `${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).toBe(0);
    const byeAt = Date.now();

    // Listed within ~2 s of the BYE (the finalize job runs on the worker's next poll).
    let items: any[] = [];
    while (Date.now() - byeAt < 10_000) {
      ({
        json: { items },
      } = await getJson('/api/recordings', server.seed.admin.token));
      if (items.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const listedAfterMs = Date.now() - byeAt;
    expect(items).toHaveLength(1);
    expect(listedAfterMs).toBeLessThan(5_000);

    const id = items[0].id as string;
    const details = await getJson(
      `/v1/convergedRecordings/${id}`,
      server.seed.complianceOfficer.token,
    );
    expect(details.status).toBe(200);
    const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
    const audio = await fetch(link);
    expect(audio.status).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cv-capture-e2e-')), 'call.ogg');
    fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
    const probe = execFileSync('ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=codec_name,channels:format=duration'],
      ...['-of', 'json', file],
    ]).toString();
    const info = JSON.parse(probe);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });

    const alice = decode(path.join(sippFixtures, 'audio/conv_alice_8k.wav'));
    const bob = decode(path.join(sippFixtures, 'audio/conv_bob_8k.wav'));
    const first = decode(file, 0);
    const second = decode(file, 1);
    expect(Math.abs(Number(info.format.duration) - alice.length / 8000)).toBeLessThan(0.5);
    // The owner (Alice, by her SIP address) is on the first channel.
    expect(correlate(first, alice)).toBeGreaterThanOrEqual(0.9);
    expect(correlate(second, bob)).toBeGreaterThanOrEqual(0.9);
    expect(correlate(first, bob)).toBeLessThan(0.5);

    const meta = await getJson(`/v1/convergedRecordings/${id}/metadata`, server.seed.admin.token);
    expect(meta.status).toBe(200);
    expect(JSON.stringify(meta.json)).toContain('sip:alice@example.com');
  }, 120_000);
});

// Issue #6 "must show": `kill -9` 12 s into a call leaves a recovered recording of ≥ 11 s once
// `serve` starts again on the same data dir. The server is spawned here (not through
// startServer) because the test kills it and starts it again.
describe.skipIf(missing !== null)('media capture survives kill -9', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-kill-'));
  const base = 30000 + (process.pid % 50) * 200;
  let env: NodeJS.ProcessEnv;
  let sipPort = 0;
  let child: ChildProcess | null = null;

  async function serve(): Promise<{ url: string; proc: ChildProcess }> {
    const proc = spawn(process.execPath, [cli, 'serve', '--roles', 'api,worker,recorder'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Callvault console: (\S+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      });
      proc.stderr.on('data', () => undefined);
      proc.once('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${out}`)));
    });
    return { url, proc };
  }

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a call killed 12 s in becomes a recovered recording of at least 11 s', async () => {
    sipPort = await findFreePort();
    env = {
      ...process.env,
      CALLVAULT_DATA_DIR: dataDir,
      CALLVAULT_HTTP_ADDR: `127.0.0.1:${await findFreePort()}`,
      CALLVAULT_SIP_ADDR: `127.0.0.1:${sipPort}`,
      CALLVAULT_RTP_PORTS: `${base}-${base + 199}`,
    };
    delete env.CALLVAULT_DATABASE_URL;
    const seeded = execFileSync(process.execPath, [cli, 'demo-seed', '--json'], { env });
    const seed = JSON.parse(seeded.toString()) as { admin: { token: string } };
    const first = await serve();
    const call = runSipp({
      target: `127.0.0.1:${sipPort}`,
      transport: 'udp',
      timeoutMs: 40_000,
      args: [
        ...['-sf', 'siprec_uac.xml', '-inf', 'siprec_ids.csv', '-s', 'srs'],
        ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
        ...['-m', '1', '-d', '29000', '-timeout', '35s'],
      ],
    });
    // Wait until the session is up, then let 12 s of the call pass.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await fetch(`${first.url}/api/sessions`, {
        headers: { authorization: `Bearer ${seed.admin.token}` },
      });
      const body = (await res.json()) as { items: Array<{ state: string }> };
      if (body.items[0]?.state === 'active') break;
      if (Date.now() > deadline) throw new Error('the call never became active');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const killed = new Promise((resolve) => first.proc.once('exit', resolve));
    process.kill(first.proc.pid!, 'SIGKILL');
    await killed;

    const second = await serve();
    let items: Array<{ id: string; durationSeconds?: number }> = [];
    const until = Date.now() + 15_000;
    while (items.length === 0 && Date.now() < until) {
      const res = await fetch(`${second.url}/api/recordings`, {
        headers: { authorization: `Bearer ${seed.admin.token}` },
      });
      items = ((await res.json()) as { items: typeof items }).items;
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(items).toHaveLength(1);
    const meta = await fetch(`${second.url}/v1/convergedRecordings/${items[0]!.id}/metadata`, {
      headers: { authorization: `Bearer ${seed.admin.token}` },
    });
    // The recorded media up to the kill: about 12 s of both parties (50 packets a second each).
    // (`recovered` itself is stored in the recording's metadata, which this API's projection
    // does not show; capture.jobs.int.test.ts checks it.)
    const metaJson = (await meta.json()) as {
      serviceData: { streams: Array<{ packets: number; label: string }> };
    };
    expect(metaJson.serviceData.streams.map((s) => s.label)).toEqual(['1', '2']);
    for (const stream of metaJson.serviceData.streams) {
      expect(stream.packets).toBeGreaterThanOrEqual(550);
    }
    const details = await fetch(`${second.url}/v1/convergedRecordings/${items[0]!.id}`, {
      headers: { authorization: `Bearer ${seed.admin.token}` },
    });
    const json = (await details.json()) as { durationSeconds: number };
    expect(json.durationSeconds).toBeGreaterThanOrEqual(11);
    await call;
  }, 120_000);
});
