// A private PostgreSQL cluster for fault scenarios that stop and restart the database: Debian's
// initdb and pg_ctl (/usr/lib/postgresql/<version>/bin), run as the `postgres` OS user (the server
// refuses to run as root), in a temporary data directory with its own port and socket directory,
// so stopping it touches nothing else on the machine. Torn down (stopped, directory removed) by
// `destroy()`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findFreePort } from '../sip/sipp.js';

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin directory, or null when none is installed. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : path.join(root, versions[0], 'bin');
}

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` of the database made for the test. */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl restart -m fast`: every connection is terminated, the server is back in ~1 s. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`: connections are terminated and new ones refused until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The server's log, for a failing test's message. */
  log(): string;
  destroy(): Promise<void>;
}

export async function startPgCluster(database = 'callvault'): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/*/bin)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-pg-cluster-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(socketDir);
  // The server runs as `postgres`: it owns the whole temporary directory.
  await run('chown', ['-R', 'postgres:postgres', dir]);
  const asPostgres = (command: string, args: readonly string[]) =>
    run('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args], {
      timeout: 60_000,
    });
  await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
  const port = await findFreePort();
  const options = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c max_connections=50',
  ].join(' ');
  const pgCtl = (args: readonly string[]) =>
    asPostgres('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', ...args]);
  const start = async () => {
    await pgCtl(['-o', options, 'start']);
  };
  await start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  admin.on('error', () => undefined);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    restart: async () => {
      await pgCtl(['-m', 'fast', '-o', options, 'restart']);
    },
    stop: async () => {
      await pgCtl(['-m', 'fast', 'stop']);
    },
    start,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await pgCtl(['-m', 'immediate', 'stop']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
