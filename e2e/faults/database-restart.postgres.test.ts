// Fault scenario "PostgreSQL restarted mid-call": `bin/callvault serve` (recorder, worker and api
// roles) on a private PostgreSQL cluster (./pg-cluster.ts) records SIPp's 28 s two-party SIPREC
// call. Mid-call the cluster is restarted (`pg_ctl restart -m fast`: every pooled connection is
// terminated) and then stopped (`pg_ctl stop -m fast`) until after the call's BYE. The process
// must stay up; while the database is away /api/health says `degraded` with the reason, a new
// INVITE is answered 503 with Retry-After (the SRC fails over), and the call's BYE is answered
// 200. Once the database is back the call is catalogued exactly once, as long as the call, each
// channel holding what its party said.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { correlate, decode } from '../sip/audio.js';
import { findFreePort, runSipp, sippFixtures, type SippRun } from '../sip/sipp.js';
import { sendInvite } from './database-sip-probe.js';
import { findPostgresBin, startPgCluster, type PgCluster } from './pg-cluster.js';
import { requiredInCi, sippProblem } from './prerequisites.js';

const missing = requiredInCi(
  'database fault scenario',
  sippProblem(),
  findPostgresBin() ? null : 'PostgreSQL (initdb, pg_ctl) is not installed',
);

/** The conversation SIPp plays lasts 28.2 s; its BYE goes out at 29 s. */
const CONVERSATION_S = 28.2;

let cluster: PgCluster;
let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-db-fault-'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function health(): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}/api/health`);
  return { status: res.status, json: await res.json() };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The ids of the recordings whose SIP Call-ID is `callId` (the admin's view of the catalogue). */
async function recordingsOfCall(callId: string): Promise<string[]> {
  const token = server.seed.admin.token;
  const { status, json } = await apiRequest(server.url, 'GET', '/api/recordings', token);
  if (status !== 200) throw new Error(`GET /api/recordings: ${status}`);
  const ids: string[] = [];
  for (const item of (json.items ?? []) as Array<{ id: string }>) {
    const meta = await apiRequest(
      server.url,
      'GET',
      `/v1/convergedRecordings/${item.id}/metadata`,
      token,
    );
    if (meta.json.serviceData?.callId === callId) ids.push(item.id);
  }
  return ids;
}

describe.skipIf(missing !== null)('PostgreSQL restarted mid-call', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
    server = await startServer({
      sip: true,
      databaseUrl: cluster.url,
      extraEnv: { CALLVAULT_TRANSCRIBER: 'none' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await cluster?.destroy();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps serve up and the call recorded, refuses new calls with 503 while the database is away, and catalogues the call once when it is back', async () => {
    const sip = server.sip!;
    const callId = `cv-fault-db-${process.pid}@127.0.0.1`;
    const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
    const inf = path.join(workDir, 'ids.csv');
    fs.writeFileSync(inf, `SEQUENTIAL\n${ids[1]}\n`);
    const call: Promise<SippRun> = runSipp({
      target: `${sip.host}:${sip.port}`,
      transport: 'udp',
      timeoutMs: 60_000,
      args: [
        ...['-sf', 'siprec_uac.xml', '-inf', inf, '-s', 'srs', '-cid_str', callId],
        ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
        ...['-m', '1', '-d', '29000', '-timeout', '50s', '-timeout_error'],
      ],
    });
    const startedAt = Date.now();
    const context = () => `serve log:\n${server.logs().slice(-4000)}\npg log:\n${cluster.log()}`;

    // The call is up (its session is active) before the database goes.
    await waitFor(
      'the call to be active',
      async () => {
        const { json } = await apiRequest(
          server.url,
          'GET',
          '/api/sessions',
          server.seed.admin.token,
        );
        const active = (json.items ?? []).some(
          (s: { callId: string; state: string }) => s.callId === callId && s.state === 'active',
        );
        return active ? true : null;
      },
      10_000,
    );

    // 1. A fast restart terminates every pooled connection (idle ones included): serve survives
    //    and its next queries work on new connections.
    await sleep(2_000);
    await cluster.restart();
    await sleep(500);
    expect(server.alive(), context()).toBe(true);
    const afterRestart = await waitFor(
      'health ok after the restart',
      async () => {
        const h = await health();
        return h.json.status === 'ok' ? h : null;
      },
      10_000,
    );
    expect(afterRestart.status).toBe(200);

    // 2. The database stops and stays away past the call's end.
    await cluster.stop();
    const stoppedAt = Date.now();
    const degraded = await health();
    expect(degraded.status, JSON.stringify(degraded.json)).toBe(200);
    expect(degraded.json.status).toBe('degraded');
    expect(degraded.json.checks.database.status).toBe('degraded');
    expect(degraded.json.checks.database.detail).toMatch(/database unreachable/);
    expect(degraded.json.checks.database.detail).toMatch(/still captured/);

    // A new call is refused with 503 and Retry-After, so the SRC tries another recorder.
    const refused = await sendInvite(sip);
    expect(refused.status, JSON.stringify(refused)).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers.reason).toMatch(/database is unavailable/);

    // The API answers 503 DATABASE_UNAVAILABLE with Retry-After instead of failing or hanging.
    const api = await fetch(`${server.url}/api/recordings`, {
      headers: { authorization: `Bearer ${server.seed.admin.token}` },
    });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
    expect((await api.json()).errors[0].code).toBe('DATABASE_UNAVAILABLE');

    // The call ends while the database is still away: its BYE is answered 200 (SIPp exits 0 only
    // when INVITE, ACK and BYE all succeeded).
    const ended = await call;
    expect(ended.code, `${ended.stdout.slice(-3000)}\n${ended.stderr.slice(-3000)}`).toBe(0);
    expect(server.alive(), context()).toBe(true);
    expect((await health()).json.status).toBe('degraded');
    const downFor = Date.now() - stoppedAt;

    // 3. The database comes back: the call is catalogued, once.
    await cluster.start();
    const [recordingId] = await waitFor(
      'the call to be catalogued',
      async () => {
        const found = await recordingsOfCall(callId);
        return found.length > 0 ? found : null;
      },
      30_000,
    );
    console.log(
      `database away for the last ${Math.round(downFor / 1000)} s of the call and its BYE; catalogued ${Math.round((Date.now() - startedAt) / 1000)} s after the call began`,
    );
    // A finalize retried after the outage must not store the call a second time.
    await sleep(5_000);
    expect(await recordingsOfCall(callId)).toEqual([recordingId]);
    expect((await health()).json.status).toBe('ok');
    expect(server.alive()).toBe(true);

    const details = await apiRequest(
      server.url,
      'GET',
      `/v1/convergedRecordings/${recordingId}`,
      server.seed.complianceOfficer.token,
    );
    const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
    const file = path.join(workDir, 'call.ogg');
    fs.writeFileSync(file, Buffer.from(await (await fetch(link)).arrayBuffer()));
    const probe = JSON.parse(
      execFileSync('ffprobe', [
        ...['-v', 'error', '-show_entries', 'stream=codec_name,channels:format=duration'],
        ...['-of', 'json', file],
      ]).toString(),
    );
    expect(probe.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    expect(Math.abs(Number(probe.format.duration) - CONVERSATION_S)).toBeLessThan(1);
    const alice = decode(path.join(sippFixtures, 'audio/conv_alice_8k.wav'));
    const bob = decode(path.join(sippFixtures, 'audio/conv_bob_8k.wav'));
    expect(correlate(decode(file, 0), alice)).toBeGreaterThanOrEqual(0.9);
    expect(correlate(decode(file, 1), bob)).toBeGreaterThanOrEqual(0.9);

    // The outage is visible to monitoring.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const errors = /^callvault_database_connection_errors_total (\d+)$/m.exec(metrics);
    expect(Number(errors?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(
      /^callvault_siprec_invite_outcomes_total\{method="INVITE",status="503",kind="initial"\} 1$/m,
    );
  }, 150_000);
});
