// A private PostgreSQL cluster for the soak run, so it can be stopped and started as a fault:
// Debian's initdb/pg_ctl (/usr/lib/postgresql/<newest>/bin), run as the `postgres` user through
// runuser (the benchmark runs as root), in its own temporary directory, on its own port on
// 127.0.0.1 (no other interface), trust authentication.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Cleanup } from './cleanup.js';
import { mustRun, runCommand, runSync } from './util.js';

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory, or an error naming the package. */
export function findPostgresBin(): string {
  const versions = fs.existsSync(PG_ROOT)
    ? fs
        .readdirSync(PG_ROOT)
        .filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server under ${PG_ROOT}/*/bin (Debian package postgresql)`);
  }
  return path.join(PG_ROOT, versions[0]!, 'bin');
}

export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
  ) {}

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  get logFile(): string {
    return path.join(this.dir, 'postgres.log');
  }

  /** The database the server uses. */
  url(database = 'callvault'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private asPostgres(command: string, args: readonly string[], timeoutMs: number) {
    return mustRun(
      'runuser',
      ['-u', 'postgres', '--', path.join(this.bin, command), ...args],
      timeoutMs,
      {
        cwd: this.dir,
      },
    );
  }

  /** initdb, start, and the `callvault` database; stopped and removed by the cleanup. */
  static async create(port: number, cleanup: Cleanup): Promise<PrivatePostgres> {
    const bin = findPostgresBin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-soak-pg-'));
    const cluster = new PrivatePostgres(bin, dir, port);
    cleanup.add('remove the PostgreSQL directory', () =>
      fs.rmSync(dir, { recursive: true, force: true }),
    );
    cleanup.add('stop PostgreSQL', () => {
      if (fs.existsSync(path.join(cluster.dataDir, 'postmaster.pid'))) {
        runSync(
          'runuser',
          [
            '-u',
            'postgres',
            '--',
            path.join(bin, 'pg_ctl'),
            '-D',
            cluster.dataDir,
            'stop',
            '-m',
            'immediate',
            '-w',
            '-t',
            '30',
          ],
          40_000,
        );
      }
    });
    await mustRun('chown', ['postgres:postgres', dir], 10_000);
    await cluster.asPostgres(
      'initdb',
      ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-instructions'],
      120_000,
    );
    await cluster.start();
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE callvault');
    } finally {
      await admin.end();
    }
    return cluster;
  }

  /** Starts the server and waits until it accepts connections (at most 60 s). */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c max_connections=200',
    ].join(' ');
    await this.asPostgres(
      'pg_ctl',
      ['-D', this.dataDir, '-l', this.logFile, '-o', options, '-w', '-t', '60', 'start'],
      70_000,
    );
  }

  /** A fast shutdown (active connections are ended), waiting for it (at most 60 s). */
  async stop(): Promise<void> {
    await this.asPostgres(
      'pg_ctl',
      ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'],
      70_000,
    );
  }

  async isReady(): Promise<boolean> {
    const result = await runCommand(
      path.join(this.bin, 'pg_isready'),
      ['-h', '127.0.0.1', '-p', String(this.port), '-t', '2'],
      5_000,
    );
    return result.code === 0;
  }

  /** Runs a query on the `callvault` database (for the end-of-run tally). */
  async query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  }
}
