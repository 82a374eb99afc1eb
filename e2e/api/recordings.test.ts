// The recordings store: against a running `bin/callvault serve` (SQLite, or PostgreSQL with
// CALLVAULT_TEST_DB=postgres): `callvault import` of generated audio, then the converged-recordings
// API as each role uses it — lists, details with signed links, download with Range, WAV
// conversion, recycle bin, a compliance officer's delete, reassign — and the audit chain intact.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let dir: string;
const files: Record<string, Buffer> = {};
const ids: Record<string, string> = {};

function makeAudio(format: 'ogg' | 'wav' | 'mp3', seconds: number, hz: number, channels: number) {
  const codec = { ogg: 'libopus', wav: 'pcm_s16le', mp3: 'libmp3lame' }[format];
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${hz}:duration=${seconds}:sample_rate=48000`,
    '-ac',
    String(channels),
    '-c:a',
    codec,
    '-f',
    format,
    'pipe:1',
  ]);
}

async function api(
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers; bytes: Buffer }> {
  const res = await fetch(url.startsWith('http') ? url : `${server.url}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return {
    status: res.status,
    json: isJson && bytes.length > 0 ? JSON.parse(bytes.toString()) : null,
    headers: res.headers,
    bytes,
  };
}

const token = (email: string): string => {
  const p = server.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return p.token;
};

beforeAll(async () => {
  server = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-import-'));
  const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();
  const add = (name: string, audio: Buffer, sidecar: object): void => {
    files[name] = audio;
    fs.writeFileSync(path.join(dir, name), audio);
    const stem = name.replace(/\.[a-z0-9]+$/, '');
    fs.writeFileSync(path.join(dir, `${stem}.json`), JSON.stringify(sidecar));
  };
  add('alice-support.ogg', makeAudio('ogg', 3, 440, 2), {
    ownerEmail: 'alice@example.com',
    timeRecorded: hoursAgo(3),
    topic: 'Support call',
    direction: 'inbound',
    parties: [
      { role: 'caller', number: '+46701234567' },
      { role: 'callee', number: '+4685550101' },
    ],
  });
  add('bob-sales.wav', makeAudio('wav', 1, 550, 1), {
    ownerEmail: 'bob@example.com',
    timeRecorded: hoursAgo(2),
    direction: 'outbound',
  });
  add('reception.mp3', makeAudio('mp3', 2, 660, 1), {
    ownerId: server.seed.workspaces[0]?.id,
    timeRecorded: hoursAgo(1),
  });
  fs.writeFileSync(path.join(dir, 'broken.ogg'), 'not audio');
  fs.writeFileSync(
    path.join(dir, 'broken.json'),
    JSON.stringify({ ownerEmail: 'alice@example.com', timeRecorded: hoursAgo(1) }),
  );
});
afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

describe('callvault import', () => {
  it('imports the good files, names the bad one with its reason and exits 1', async () => {
    const result = await server.cli(['import', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/imported alice-support\.ogg: recording [0-9a-f]{32}/);
    expect(result.stdout).toMatch(/imported bob-sales\.wav/);
    expect(result.stdout).toMatch(/imported reception\.mp3/);
    expect(result.stdout).toMatch(/3 imported, 0 skipped, 1 failed/);
    expect(result.stderr).toMatch(/failed broken\.ogg: /);
  });

  it('a second run skips what is already there (by content hash)', async () => {
    const again = await server.cli(['import', dir]);
    expect(again.stdout).toMatch(/0 imported, 3 skipped, 1 failed/);
  });

  it('the audio is encrypted at rest: no stored file holds the plain bytes', () => {
    const stored: Buffer[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else stored.push(fs.readFileSync(p));
      }
    };
    walk(path.join(server.dataDir, 'blobs'));
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const head = files['alice-support.ogg']?.subarray(0, 64) ?? Buffer.alloc(0);
    expect(stored.some((s) => s.includes(head))).toBe(false);
  });
});

describe('the converged-recordings API over the imported recordings', () => {
  it('administrators list the org’s recordings, newest first; users only their own', async () => {
    const admin = await api('GET', '/v1/admin/convergedRecordings', server.seed.admin.token);
    expect(admin.status).toBe(200);
    const items = admin.json.items as Array<{
      id: string;
      ownerEmail?: string;
      ownerType: string;
      format: string;
    }>;
    expect(items.map((r) => [r.ownerEmail ?? r.ownerType, r.format])).toEqual([
      ['place', 'MP3'],
      ['bob@example.com', 'WAV'],
      ['alice@example.com', 'OGG'],
    ]);
    ids.reception = items[0]?.id ?? '';
    ids.bob = items[1]?.id ?? '';
    ids.alice = items[2]?.id ?? '';
    const mine = await api('GET', '/v1/convergedRecordings', token('alice@example.com'));
    expect(mine.json.items).toEqual([
      expect.objectContaining({ id: ids.alice, topic: 'Support call', durationSeconds: 3 }),
    ]);
    const page = await api('GET', '/v1/admin/convergedRecordings?max=1', server.seed.admin.token);
    expect(page.headers.get('link')).toMatch(/rel="next"/);
  });

  it('details: links for the compliance officer, none for the administrator', async () => {
    const admin = await api('GET', `/v1/convergedRecordings/${ids.alice}`, server.seed.admin.token);
    expect(admin.json.temporaryDirectDownloadLinks).toBeUndefined();
    // The import's transcript decision comes whenever the server's queue reaches it (before or
    // after this test); the link follows the status read with it.
    const co = await api(
      'GET',
      `/v1/convergedRecordings/${ids.alice}`,
      server.seed.complianceOfficer.token,
    );
    expect(['pending', 'completed', 'skipped']).toContain(co.json.transcriptStatus);
    expect(co.json.temporaryDirectDownloadLinks).toMatchObject({
      audioDownloadLink: expect.stringContaining(`/api/recordings/${ids.alice}/audio?`),
      transcriptDownloadLink:
        co.json.transcriptStatus === 'completed'
          ? expect.stringContaining(`/api/recordings/${ids.alice}/transcript?`)
          : null,
    });
    const expires = Date.parse(co.json.temporaryDirectDownloadLinks.expiration as string);
    expect(Math.abs(expires - (Date.now() + 3 * 3_600_000))).toBeLessThan(60_000);
    const meta = await api(
      'GET',
      `/v1/convergedRecordings/${ids.alice}/metadata`,
      server.seed.admin.token,
    );
    expect(meta.json.sha256).toBe(
      crypto
        .createHash('sha256')
        .update(files['alice-support.ogg'] ?? '')
        .digest('hex'),
    );
    expect(meta.json.serviceData).toMatchObject({
      direction: 'inbound',
      remoteNumber: '+46701234567',
      localNumber: '+4685550101',
    });
  });

  it('the signed link downloads without a token, with Range, and as WAV', async () => {
    const details = await api(
      'GET',
      `/v1/convergedRecordings/${ids.alice}`,
      token('alice@example.com'),
    );
    const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
    const whole = await api('GET', link, null);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/ogg');
    expect(whole.bytes.equals(files['alice-support.ogg'] ?? Buffer.alloc(0))).toBe(true);
    const part = await api('GET', link, null, undefined, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(
      `bytes 100-199/${files['alice-support.ogg']?.length ?? 0}`,
    );
    expect(
      part.bytes.equals(files['alice-support.ogg']?.subarray(100, 200) ?? Buffer.alloc(0)),
    ).toBe(true);
    const wav = await api('GET', `${link}&format=wav`, null);
    expect(wav.status).toBe(200);
    expect(wav.bytes.subarray(0, 4).toString()).toBe('RIFF');
    // 3 s of 48 kHz stereo 16-bit PCM.
    expect(wav.bytes.length).toBeGreaterThan(3 * 48_000 * 4 * 0.95);
    const forged = await api('GET', link.replace(/sig=[^&]+/, 'sig=forged'), null);
    expect(forged.status).toBe(403);
  });

  it('recycle bin: the owner moves a recording there and back', async () => {
    const alice = token('alice@example.com');
    expect(
      (
        await api('POST', '/v1/convergedRecordings/softDelete', alice, {
          recordingIds: [ids.alice],
        })
      ).status,
    ).toBe(204);
    const bin = await api('GET', '/v1/convergedRecordings?status=deleted', alice);
    expect(bin.json.items.map((r: { id: string }) => r.id)).toEqual([ids.alice]);
    expect(
      (await api('POST', '/v1/convergedRecordings/restore', alice, { recordingIds: [ids.alice] }))
        .status,
    ).toBe(204);
    const back = await api('GET', '/v1/convergedRecordings', alice);
    expect(back.json.items.map((r: { id: string }) => r.id)).toEqual([ids.alice]);
  });

  it('a compliance officer deletes permanently; an administrator may not', async () => {
    const url = `/v1/convergedRecordings/${ids.bob}`;
    expect((await api('DELETE', url, server.seed.admin.token, { reason: 'x' })).status).toBe(403);
    expect(
      (
        await api('DELETE', url, server.seed.complianceOfficer.token, {
          reason: 'legal',
          comment: 'case 1',
        })
      ).status,
    ).toBe(204);
    expect((await api('GET', url, server.seed.complianceOfficer.token)).status).toBe(404);
  });

  it('an administrator reassigns the workspace’s recording to a person', async () => {
    const res = await api('POST', '/v1/convergedRecordings/reassign', server.seed.admin.token, {
      reassignOwnerEmail: 'carol@example.com',
      ownerID: server.seed.workspaces[0]?.id,
    });
    expect(res.status).toBe(204);
    const carol = await api('GET', '/v1/convergedRecordings', token('carol@example.com'));
    expect(
      carol.json.items.map((r: { id: string; ownerType: string }) => [r.id, r.ownerType]),
    ).toEqual([[ids.reception, 'user']]);
  });

  it('Callvault search finds by party number; the audit chain of all this verifies', async () => {
    const found = await api(
      'GET',
      '/api/recordings?partyNumber=%2B46701234567',
      server.seed.complianceOfficer.token,
    );
    expect(found.json.items.map((r: { id: string }) => r.id)).toEqual([ids.alice]);
    const verify = await server.cli(['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/audit log intact/);
  });
});
