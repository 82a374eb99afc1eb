// Starts the built `bin/callvault serve` on a free port with a fresh data dir (and a fresh
// PostgreSQL database when CALLVAULT_TEST_DB=postgres), after running `demo-seed`.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cli = path.join(repoRoot, 'bin', 'callvault');

export interface SeedPerson {
  id: string;
  email: string;
  extension: string | null;
  locationId: string;
  token: string;
  password: string;
}

export interface DemoSeed {
  orgId: string;
  trunk: { id: string; name: string };
  locations: Array<{ id: string; name: string }>;
  admin: { id: string; email: string; password: string; token: string };
  complianceOfficer: { id: string; email: string; password: string; token: string };
  people: SeedPerson[];
  workspaces: Array<{ id: string; name: string; extension: string | null }>;
  virtualLines: Array<{ id: string; extension: string | null }>;
}

export interface TestServer {
  url: string;
  /**
   * Where the SIPREC recorder listens (UDP and TCP on `port`, TLS on `tlsPort`, with the
   * self-signed certificate of the data dir unless the test configures one), when started with `sip`.
   */
  sip: {
    host: string;
    port: number;
    tlsPort: number;
    rtpPorts: { min: number; max: number };
  } | null;
  seed: DemoSeed;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  databaseUrl: string | null;
  /** The running `serve` process (a new one after restart()). */
  readonly process: ChildProcess;
  /** What `serve` wrote to stderr (its JSON log lines), across restarts. */
  logs(): string;
  /**
   * Starts `serve` again on the same data and database once the running one has exited (the
   * test killed it or sent SIGTERM); resolves when it answers again, at the same URL.
   */
  restart(): Promise<void>;
  /** Runs another `callvault` subcommand against the same data. */
  cli(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }>;
  setPassword(email: string, password: string): Promise<void>;
  /** True while the `serve` process runs (fault scenarios check it survived). */
  alive(): boolean;
  /** The separate worker process, when started with `splitWorker`. */
  worker: WorkerProcess | null;
  stop(): Promise<void>;
}

/** A `serve --roles worker` process beside the main one, on the same data and database. */
export interface WorkerProcess {
  /** Its process id while it runs. */
  readonly pid: number | null;
  /** Kills it with `signal` and waits for it to be gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts it (again) and waits until it runs jobs. */
  start(): Promise<void>;
}

/** A port free for both TCP and UDP on 127.0.0.1 (SIP listens on both). */
async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP');
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

export const testDialect = process.env.CALLVAULT_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
const pgAdminUrl =
  process.env.CALLVAULT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function runCli(
  env: NodeJS.ProcessEnv,
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
    child.stdin.end(input ?? '');
  });
}

export interface StartServerOptions {
  extraEnv?: Record<string, string>;
  /**
   * Also run the recorder role: SIP on a free 127.0.0.1 port (UDP and TCP) and RTP ports from
   * `rtpPorts` (default a 200-port range chosen from the process id). Without it the server runs
   * `api,worker` as before.
   */
  sip?: boolean | { rtpPorts?: { min: number; max: number } };
  /**
   * Runs after the demo seed and before `serve` starts on the data directory: a test can leave
   * there what a crashed recorder would have (a capture journal that `serve` recovers at start).
   */
  beforeServe?: (dataDir: string, seed: DemoSeed) => void | Promise<void>;
  /**
   * Called with the fresh data dir before anything is written to it (fault tests mount a small
   * tmpfs there). The suite undoes what it did before stop(), which removes the data dir.
   */
  prepareDataDir?: (dataDir: string) => void | Promise<void>;
  /**
   * A PostgreSQL database of the caller's (e2e/faults' private cluster) instead of a fresh one on
   * the shared server; the caller creates it and drops it.
   */
  databaseUrl?: string;
  /**
   * Runs the worker role in a process of its own (`worker` on TestServer) and the other roles
   * in the main one, as a split deployment does.
   */
  splitWorker?: boolean;
  /** Node options for `serve` itself (not for demo-seed or the worker): `--cpu-prof`, ... */
  serveNodeArgs?: string[];
}

/**
 * A short-lived admin client. Its connection may break after its query (a fault test restarts a
 * server): the query sees that as its rejection, and the 'error' event, which would otherwise end
 * the test process, is ignored.
 */
function adminClient(): pg.Client {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  client.on('error', () => undefined);
  return client;
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(repoRoot, 'packages/server/dist/cli/main.js'))) {
    throw new Error('the server is not built; run `make build` first');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-e2e-'));
  await options.prepareDataDir?.(dataDir);
  let databaseUrl: string | null = null;
  let dropDatabase = async (): Promise<void> => {};
  if (options.databaseUrl !== undefined) {
    databaseUrl = options.databaseUrl;
  } else if (testDialect === 'postgres') {
    const name = `callvault_e2e_${crypto.randomBytes(5).toString('hex')}`;
    const admin = adminClient();
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(pgAdminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = adminClient();
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const port = await freePort();
  let sip: TestServer['sip'] = null;
  if (options.sip) {
    const base = 40000 + (process.pid % 100) * 200;
    const rtpPorts = (typeof options.sip === 'object' ? options.sip.rtpPorts : undefined) ?? {
      min: base,
      max: base + 199,
    };
    const sipPort = await freeSipPort();
    let tlsPort = await freePort();
    while (tlsPort === sipPort) tlsPort = await freePort();
    sip = { host: '127.0.0.1', port: sipPort, tlsPort, rtpPorts };
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CALLVAULT_DATA_DIR: dataDir,
    CALLVAULT_HTTP_ADDR: `127.0.0.1:${port}`,
    ...(sip
      ? {
          CALLVAULT_SIP_ADDR: `${sip.host}:${sip.port}`,
          CALLVAULT_SIP_TLS_ADDR: `${sip.host}:${sip.tlsPort}`,
          CALLVAULT_RTP_PORTS: `${sip.rtpPorts.min}-${sip.rtpPorts.max}`,
        }
      : {}),
    ...(databaseUrl ? { CALLVAULT_DATABASE_URL: databaseUrl } : {}),
    // A test server stops at once on SIGTERM (a call still live is ended as a recording), not
    // after draining for up to 4 h; the drain scenario sets its own timeout.
    CALLVAULT_DRAIN_TIMEOUT: '0',
    ...options.extraEnv,
  };
  const seeded = await run(process.execPath, [cli, 'demo-seed', '--json'], { env });
  const seed = JSON.parse(seeded.stdout) as DemoSeed;
  await options.beforeServe?.(dataDir, seed);

  const roles = [
    'api',
    ...(options.splitWorker ? [] : ['worker']),
    ...(sip ? ['recorder'] : []),
  ].join(',');
  let logs = '';
  const serve = async (): Promise<{ child: ChildProcess; url: string }> => {
    const nodeArgs = options.serveNodeArgs ?? [];
    const child: ChildProcess = spawn(
      process.execPath,
      [...nodeArgs, cli, 'serve', '--roles', roles],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`server did not start:\n${out}\n${logs.slice(-2000)}`)),
        30_000,
      );
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Callvault console: (\S+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${String(code)}:\n${out}\n${logs.slice(-2000)}`));
      });
    });
    return { child, url };
  };
  let { child, url } = await serve();
  const exited = (c: ChildProcess): Promise<unknown> =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => c.once('exit', resolve));

  const worker = options.splitWorker ? createWorkerProcess(env) : null;
  await worker?.start();

  return {
    url,
    sip,
    seed,
    env,
    dataDir,
    databaseUrl,
    get process() {
      return child;
    },
    logs: () => logs,
    restart: async () => {
      await exited(child);
      ({ child, url } = await serve());
    },
    worker,
    cli: (args, input) => runCli(env, args, input),
    setPassword: async (email, password) => {
      const result = await runCli(env, ['password', '--email', email, '--stdin'], `${password}\n`);
      if (result.code !== 0) throw new Error(`password set failed: ${result.stderr}`);
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      await worker?.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) {
        const done = exited(child);
        child.kill('SIGTERM');
        await done;
      }
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function createWorkerProcess(env: NodeJS.ProcessEnv): WorkerProcess {
  let proc: ChildProcess | null = null;
  const running = (): boolean =>
    proc !== null && proc.exitCode === null && proc.signalCode === null;
  return {
    get pid() {
      return running() ? (proc?.pid ?? null) : null;
    },
    kill: async (signal) => {
      if (!proc || !running()) return;
      const exited = new Promise((resolve) => proc!.once('exit', resolve));
      proc.kill(signal);
      await exited;
    },
    start: async () => {
      if (running()) return;
      const child = spawn(process.execPath, [cli, 'serve', '--roles', 'worker'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc = child;
      let logs = '';
      child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error(`worker did not start:\n${out}\n${logs.slice(-2000)}`)),
          30_000,
        );
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (/Callvault started: worker/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`worker exited with ${String(code)}:\n${out}\n${logs.slice(-2000)}`));
        });
      });
    },
  };
}
