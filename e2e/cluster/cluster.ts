// A Callvault cluster on one machine, set up as docs/cluster.md describes and from the same files
// (deploy/): Kamailio with deploy/kamailio/kamailio.cfg and dispatcher.list (filled in by
// deploy/kamailio/render.sh) in front of two recorder processes on their own loopback addresses
// (127.0.0.2 and 127.0.0.3), one API and one worker process, all on one fresh PostgreSQL database
// with the pg-boss queue, and recordings in an S3 bucket of the Swift test server. Each process's
// environment is deploy/env/common.env + its role's file + what its systemd unit sets (the
// recorder's addresses from the instance name), with only the per-machine values replaced: the
// database, bucket and credentials, addresses and ports, data directories, and the worker's
// transcriber (none: transcription is not what this suite is about).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  createS3TestBucket,
  startS3TestServer,
  type S3TestBucket,
  type S3TestServer,
} from '../../packages/server/src/storage/s3-test-server.js';
import { apiRequest } from '../support/api.js';
import { cli, repoRoot, type DemoSeed } from '../support/server.js';
import { sendOptions } from '../faults/database-sip-probe.js';
import { findFreePort } from '../sip/sipp.js';

const run = promisify(execFile);
export const deployDir = path.join(repoRoot, 'deploy');
export const KAMAILIO = '/usr/sbin/kamailio';
const pgAdminUrl =
  process.env.CALLVAULT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** KEY=VALUE lines of an environment file as systemd reads them (comments and blanks skipped). */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: not KEY=VALUE: ${line}`);
    env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return env;
}

/** A unit's `Environment=` settings and the roles of its ExecStart, with %i as `instance`. */
export function readUnit(
  file: string,
  instance = '',
): { env: Record<string, string>; roles: string; envFiles: string[] } {
  const env: Record<string, string> = {};
  const envFiles: string[] = [];
  let roles = '';
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const value = (key: string): string | null =>
      line.startsWith(`${key}=`) ? line.slice(key.length + 1).replaceAll('%i', instance) : null;
    const setting = value('Environment');
    if (setting !== null) {
      const eq = setting.indexOf('=');
      env[setting.slice(0, eq)] = setting.slice(eq + 1);
    }
    const envFile = value('EnvironmentFile');
    if (envFile !== null) envFiles.push(path.basename(envFile));
    const exec = value('ExecStart');
    if (exec !== null) roles = /--roles (\S+)/.exec(exec)?.[1] ?? '';
  }
  if (roles === '') throw new Error(`${file}: no --roles in ExecStart`);
  return { env, roles, envFiles };
}

/**
 * The environment of a unit: its EnvironmentFile=s from deploy/env/, then its Environment=s, then
 * `site` — which may only replace variables those files set (the per-machine values), so the
 * deploy files and this suite cannot drift apart unnoticed.
 */
export function unitEnvironment(
  unitFile: string,
  instance: string,
  site: Record<string, string>,
): { env: NodeJS.ProcessEnv; roles: string } {
  const unit = readUnit(path.join(deployDir, 'systemd', unitFile), instance);
  const fromFiles: Record<string, string> = {};
  for (const name of unit.envFiles)
    Object.assign(fromFiles, readEnvFile(path.join(deployDir, 'env', name)));
  Object.assign(fromFiles, unit.env);
  for (const key of Object.keys(site)) {
    if (!(key in fromFiles)) throw new Error(`${unitFile}: ${key} is set by no deploy file`);
  }
  const inherited = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
  };
  return { env: { ...inherited, ...fromFiles, ...site }, roles: unit.roles };
}

/** A child process with its log (stdout and stderr together) and an exit to wait for. */
export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  log(): string;
  readonly exited: Promise<number | null>;
  alive(): boolean;
  /** Resolves with the first match of `pattern` in the log from `from` on (the time is up: throws). */
  waitForLog(pattern: RegExp, timeoutMs: number, from?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then (if still running after `graceMs`) SIGKILL; waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

export function startProc(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Proc {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const listeners = new Set<() => void>();
  const append = (d: Buffer): void => {
    log += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      for (const l of listeners) l();
      resolve(code);
    }),
  );
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    log: () => log,
    exited,
    alive,
    waitForLog: (pattern, timeoutMs, from = 0) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(log.slice(from));
          if (match) {
            done();
            resolve(match);
          } else if (!alive()) {
            done();
            reject(new Error(`${name} exited before ${pattern}:\n${log.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${log.slice(-3000)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async (graceMs = 30_000) => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Recorder {
  readonly address: string;
  readonly sipPort: number;
  readonly rtpPorts: { min: number; max: number };
  readonly dataDir: string;
  proc: Proc;
  /** Starts the recorder's process again with the same environment (after it was killed). */
  restart(): Proc;
}

export interface Cluster {
  readonly kamailio: Proc;
  readonly sip: { host: string; port: number };
  readonly recorders: readonly Recorder[];
  readonly api: Proc;
  readonly worker: Proc;
  readonly url: string;
  readonly seed: DemoSeed;
  readonly workDir: string;
  /** Which recorder answered a stream on `port` (by its RTP range), or null. */
  recorderOfPort(port: number): Recorder | null;
  stop(): Promise<void>;
}

const RECORDER_ADDRESSES = ['127.0.0.2', '127.0.0.3'];

export interface ClusterOptions {
  /**
   * RTP ports of each recorder's CALLVAULT_RTP_PORTS (default 200: 50 two-stream calls, each
   * stream an RTP/RTCP pair); the benchmark asks for more to hold more calls at once.
   */
  readonly rtpPortsPerRecorder?: number;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const portsPerRecorder = options.rtpPortsPerRecorder ?? 200;
  if (!Number.isInteger(portsPerRecorder) || portsPerRecorder < 8 || portsPerRecorder > 4000) {
    throw new Error(`rtpPortsPerRecorder must be an integer from 8 to 4000: ${portsPerRecorder}`);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-cluster-'));
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    // PostgreSQL: one fresh database for every process.
    const dbName = `callvault_cluster_${crypto.randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      c.on('error', () => undefined);
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    });
    const dbUrl = new URL(pgAdminUrl);
    dbUrl.pathname = `/${dbName}`;

    // S3: a bucket on the Swift test server.
    const s3: S3TestServer = await startS3TestServer();
    cleanups.push(() => s3.stop());
    const bucket: S3TestBucket = await createS3TestBucket(s3);
    cleanups.push(() => bucket.remove());

    const common = {
      CALLVAULT_DATABASE_URL: dbUrl.toString(),
      CALLVAULT_STORAGE_URL: `s3://${bucket.store.bucket}?endpoint=${encodeURIComponent(s3.endpoint)}&region=${s3.region}`,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      CALLVAULT_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
    };
    const httpPort = await findFreePort();
    const url = `http://127.0.0.1:${httpPort}`;
    const api = unitEnvironment('callvault-api.service', '', {
      ...common,
      CALLVAULT_HTTP_ADDR: `127.0.0.1:${httpPort}`,
      CALLVAULT_DATA_DIR: path.join(workDir, 'api'),
      CALLVAULT_PUBLIC_URL: url,
    });
    const worker = unitEnvironment('callvault-worker.service', '', {
      ...common,
      CALLVAULT_DATA_DIR: path.join(workDir, 'worker'),
      CALLVAULT_TRANSCRIBER: 'none',
    });

    // The organisation, its people and the trunk Kamailio's address (127.0.0.1) belongs to.
    const seeded = await run(process.execPath, [cli, 'demo-seed', '--json'], { env: api.env });
    const seed = JSON.parse(seeded.stdout) as DemoSeed;

    const recorders: Recorder[] = [];
    for (const [i, address] of RECORDER_ADDRESSES.entries()) {
      const sipPort = await findFreePort();
      const tlsPort = await findFreePort();
      // The two ranges follow each other; below 65536 for every pid and size allowed.
      const base = 41000 + (process.pid % 40) * 400 + i * portsPerRecorder;
      const rtpPorts = { min: base, max: base + portsPerRecorder - 1 };
      const dataDir = path.join(workDir, `recorder-${address}`);
      const { env, roles } = unitEnvironment('callvault-recorder@.service', address, {
        ...common,
        CALLVAULT_SIP_ADDR: `${address}:${sipPort}`,
        CALLVAULT_SIP_TLS_ADDR: `${address}:${tlsPort}`,
        CALLVAULT_RTP_PORTS: `${rtpPorts.min}-${rtpPorts.max}`,
        CALLVAULT_DATA_DIR: dataDir,
      });
      const launch = (): Proc =>
        startProc(`recorder ${address}`, process.execPath, [cli, 'serve', '--roles', roles], env);
      const recorder: Recorder = {
        address,
        sipPort,
        rtpPorts,
        dataDir,
        proc: launch(),
        restart: () => (recorder.proc = launch()),
      };
      cleanups.push(() => recorder.proc.stop());
      recorders.push(recorder);
      // One process at a time: two first starts on a fresh database at once can fail with
      // "deadlock detected" in pg-boss's queue creation (docs/cluster.md, Limits today).
      await recorder.proc.waitForLog(/Callvault started: recorder/, 120_000);
    }

    const apiProc = startProc(
      'api',
      process.execPath,
      [cli, 'serve', '--roles', api.roles],
      api.env,
    );
    cleanups.push(() => apiProc.stop());
    await apiProc.waitForLog(/Callvault started: api/, 120_000);
    const workerProc = startProc(
      'worker',
      process.execPath,
      [cli, 'serve', '--roles', worker.roles],
      worker.env,
    );
    cleanups.push(() => workerProc.stop());
    await workerProc.waitForLog(/Callvault started: worker/, 120_000);

    // Kamailio from the deploy files, rendered as the guide does.
    const kamailioPort = await findFreePort();
    const kamailioDir = path.join(workDir, 'kamailio');
    execFileSync(path.join(deployDir, 'kamailio', 'render.sh'), [kamailioDir], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        KAMAILIO_SIP_ADDR: `127.0.0.1:${kamailioPort}`,
        KAMAILIO_DISPATCHER_LIST: path.join(kamailioDir, 'dispatcher.list'),
        KAMAILIO_PROBE_INTERVAL: '1',
        RECORDER_1_SIP_ADDR: `${recorders[0]!.address}:${recorders[0]!.sipPort}`,
        RECORDER_2_SIP_ADDR: `${recorders[1]!.address}:${recorders[1]!.sipPort}`,
      },
    });
    fs.mkdirSync(path.join(kamailioDir, 'run'));
    // -DD: stay in the foreground; -E: log to stderr (the suite reads it); small shared memory.
    const kamailio = startProc(
      'kamailio',
      KAMAILIO,
      [
        ...['-f', path.join(kamailioDir, 'kamailio.cfg'), '-DD', '-E'],
        ...[
          '-Y',
          path.join(kamailioDir, 'run'),
          '-P',
          path.join(kamailioDir, 'run', 'kamailio.pid'),
        ],
        ...['-m', '64', '-M', '8'],
      ],
      { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    );
    cleanups.push(() => kamailio.stop(10_000));
    // Kamailio answers OPTIONS addressed to itself once it runs.
    const up = await waitFor(async () => {
      if (!kamailio.alive()) return false;
      const answer = await sendOptions({ host: '127.0.0.1', port: kamailioPort }, 2_000);
      return answer.status === 200 ? true : null;
    }, 60_000);
    if (!up) throw new Error(`Kamailio did not answer OPTIONS:\n${kamailio.log().slice(-3000)}`);

    return {
      kamailio,
      sip: { host: '127.0.0.1', port: kamailioPort },
      recorders,
      api: apiProc,
      worker: workerProc,
      url,
      seed,
      workDir,
      recorderOfPort: (port) =>
        recorders.find((r) => port >= r.rtpPorts.min && port <= r.rtpPorts.max) ?? null,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Every recording (id) whose metadata names `callId` as the SRC's Call-ID. */
export async function recordingsOfCall(cluster: Cluster, callId: string): Promise<string[]> {
  const token = cluster.seed.admin.token;
  const { status, json } = await apiRequest(cluster.url, 'GET', '/api/recordings', token);
  if (status !== 200) throw new Error(`GET /api/recordings answered ${status}`);
  const ids: string[] = [];
  for (const item of (json.items ?? []) as Array<{ id: string }>) {
    const meta = await apiRequest(
      cluster.url,
      'GET',
      `/v1/convergedRecordings/${item.id}/metadata`,
      token,
    );
    if (meta.status === 200 && meta.json.serviceData?.callId === callId) ids.push(item.id);
  }
  return ids;
}

export async function recordingMetadata(
  cluster: Cluster,
  recordingId: string,
): Promise<Record<string, any>> {
  const meta = await apiRequest(
    cluster.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}/metadata`,
    cluster.seed.admin.token,
  );
  if (meta.status !== 200) throw new Error(`metadata answered ${meta.status}`);
  return meta.json as Record<string, any>;
}

/** Seconds of audio in a recording: downloaded as the compliance officer, measured by ffprobe. */
export async function audioSeconds(cluster: Cluster, recordingId: string): Promise<number> {
  const details = await apiRequest(
    cluster.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}`,
    cluster.seed.complianceOfficer.token,
  );
  const link = details.json.temporaryDirectDownloadLinks?.audioDownloadLink as string | undefined;
  if (!link) throw new Error(`no download link: ${JSON.stringify(details.json)}`);
  const audio = await fetch(link);
  if (audio.status !== 200) throw new Error(`audio download answered ${audio.status}`);
  const file = path.join(cluster.workDir, `${recordingId}.ogg`);
  fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const probe = execFileSync('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
  ]).toString();
  return Number(probe.trim());
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `get` gives a value (not null/undefined) or the time is up (then null). */
export async function waitFor<T>(
  get: () => Promise<T | null | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await get();
      if (value !== null && value !== undefined) return value;
    } catch {
      // A process may be busy or restarting: try again.
    }
    if (Date.now() > until) return null;
    await sleep(everyMs);
  }
}
