#!/usr/bin/env node
// The `callvault` command (SPEC §9.4). Every subcommand parses the configuration once; a bad
// configuration lists every problem and exits with code 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ROLES, type Role } from '@callvault/shared';
import { Command, Option } from 'commander';
import { createTokenByEmail, parseDuration, setPasswordByEmail } from '../auth/auth.service.js';
import { generatePassword } from '../auth/passwords.js';
import { verifyAuditChain } from '../audit/audit.repository.js';
import { systemClock } from '../clock.js';
import { ConfigError, parseConfig, readEnvironment, type Config } from '../config/config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { runDemoSeed } from '../demo/demo-seed.service.js';
import { createOrganizationWithAdmin } from '../org/organizations.service.js';
import { setRolesByEmail } from '../org/people.service.js';
import { AppError } from '../errors.js';
import { buildApp } from '../app/build-app.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createJobQueue } from '../jobs/index.js';
import { registerApplicationJobs, runJobWithFanOut } from '../app/register-jobs.js';
import {
  countEncryptedObjects,
  parseNewMasterKey,
  rotateMasterKeys,
} from '../lifecycle/master-key-rotation.service.js';
import { createBlobStore } from '../storage/index.js';
import {
  createConfiguredBlobStore,
  openMigratedDatabase,
  parseRoles,
  startServer,
} from '../app/runtime.js';
import { importRecordingsFromDirectory } from '../recordings/recording-import.service.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTranscriber } from '../transcription/create-transcriber.js';
import { transcribePendingRecordings } from '../transcription/transcription.service.js';
import { TRANSCRIBE_JOB, TRANSCRIBE_SWEEP_JOB } from '../transcription/transcription.jobs.js';

const TRANSCRIPTION_JOBS: readonly string[] = [TRANSCRIBE_SWEEP_JOB, TRANSCRIBE_JOB];

const FLAGS: Array<[flag: string, variable: string, help: string]> = [
  ['--data-dir <dir>', 'CALLVAULT_DATA_DIR', 'data directory (default ./data)'],
  [
    '--database-url <url>',
    'CALLVAULT_DATABASE_URL',
    'postgres://… (default SQLite in the data dir)',
  ],
  ['--storage-url <url>', 'CALLVAULT_STORAGE_URL', 'file:PATH or s3://bucket?endpoint=…'],
  ['--queue <driver>', 'CALLVAULT_QUEUE', 'embedded | pg-boss'],
  [
    '--http-addr <host:port>',
    'CALLVAULT_HTTP_ADDR',
    'HTTP listen address (default 127.0.0.1:8080)',
  ],
  ['--sip-addr <host:port>', 'CALLVAULT_SIP_ADDR', 'SIP listen address (default 127.0.0.1:5060)'],
  [
    '--sip-tls-addr <host:port>',
    'CALLVAULT_SIP_TLS_ADDR',
    'SIP over TLS listen address, or off (default 127.0.0.1:5061)',
  ],
  [
    '--tls-cert <file>',
    'CALLVAULT_TLS_CERT',
    'SIP TLS certificate chain, PEM (default: self-signed in the data dir)',
  ],
  ['--tls-key <file>', 'CALLVAULT_TLS_KEY', 'SIP TLS private key, PEM'],
  ['--rtp-ports <min-max>', 'CALLVAULT_RTP_PORTS', 'RTP port range (default 20000-29999)'],
  ['--transcriber <engine>', 'CALLVAULT_TRANSCRIBER', 'pocketsphinx | none | sherpa-onnx:/model'],
  [
    '--public-url <url>',
    'CALLVAULT_PUBLIC_URL',
    'where people reach Callvault; https:// makes the session cookie Secure and sends HSTS',
  ],
  ['--https <bool>', 'CALLVAULT_HTTPS', 'true: reached over HTTPS (a TLS proxy in front)'],
];

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function fail(message: string, code = 1): never {
  process.stderr.write(`callvault: ${message}\n`);
  process.exit(code);
}

/** Environment plus flags (flags win), parsed once. */
function loadConfig(program: Command): Config {
  const flags = program.opts<Record<string, string | undefined>>();
  const source: Record<string, string | undefined> = { ...readEnvironment() };
  for (const [flag, variable] of FLAGS) {
    const key =
      flag
        .slice(2)
        .split(' ')[0]
        ?.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) ?? '';
    if (flags[key] !== undefined) source[variable] = flags[key];
  }
  try {
    return parseConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

async function withDatabase<T>(
  program: Command,
  fn: (db: Awaited<ReturnType<typeof openMigratedDatabase>>, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig(program);
  const handle = await openMigratedDatabase(config);
  try {
    return await fn(handle, config);
  } finally {
    await handle.close();
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (data += chunk));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

export function buildProgram(): Command {
  const program = new Command('callvault')
    .description('Compliance call recording: SIPREC recorder, API, console and jobs')
    .showHelpAfterError();
  for (const [flag, variable, help] of FLAGS)
    program.addOption(new Option(flag, `${help} [${variable}]`));

  program
    .command('serve')
    .description('run Callvault (SIP recorder, HTTP API and console, job worker)')
    .option('--roles <roles>', 'comma-separated: recorder,api,worker', 'recorder,api,worker')
    .action(async (opts: { roles: string }) => {
      let roles;
      try {
        roles = parseRoles(opts.roles);
      } catch (error) {
        fail((error as Error).message, 2);
      }
      const config = loadConfig(program);
      const logger = createLogger();
      const server = await startServer({ config, roles, logger });
      if (server.initialAdmin) {
        out('First start: an administrator was created. Sign in and choose a new password.');
        out(`  email:              ${server.initialAdmin.email}`);
        out(`  one-time password:  ${server.initialAdmin.oneTimePassword}`);
        out('  (this password is stored only as a hash and will not be shown again)');
      }
      if (server.url) out(`Callvault console: ${server.url}`);
      // Also for processes without the console (a worker): scripts wait for this line.
      out(`Callvault started: ${roles.join(',')}`);
      // SIGTERM drains: a recorder refuses new sessions and records its live calls to their end
      // (at most CALLVAULT_DRAIN_TIMEOUT), then everything stops and the process exits 0. A second
      // SIGTERM, or the timeout, ends the calls still live with BYE, each kept as a recording.
      // SIGINT (Ctrl-C) stops at once, the same way.
      let phase: 'running' | 'draining' | 'stopping' = 'running';
      const stop = (): void => {
        if (phase === 'stopping') return;
        phase = 'stopping';
        server.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      const shutdown = (signal: string): void => {
        if (phase === 'stopping') return;
        if (phase === 'draining' || signal === 'SIGINT') {
          logger.info({ signal }, 'shutting down: live calls are ended and kept as recordings');
          stop();
          return;
        }
        phase = 'draining';
        logger.info(
          { signal, drainTimeoutMs: config.drainTimeoutMs },
          'draining: new sessions refused, live calls record to their end (SIGTERM again ends them)',
        );
        void server.drain(config.drainTimeoutMs).then((outcome) => {
          if (phase !== 'draining') return;
          logger.info(
            { outcome },
            outcome === 'drained'
              ? 'drained: no live call left, shutting down'
              : 'drain timeout: live calls are ended and kept as recordings',
          );
          stop();
        });
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      // SIGHUP reloads the SIP TLS certificate files (they are also watched for changes).
      process.on('SIGHUP', () => {
        logger.info({ signal: 'SIGHUP' }, 'reloading the SIP TLS certificate');
        void server.reloadTlsCertificate();
      });
    });

  program
    .command('migrate')
    .description('bring the database schema to the newest version')
    .action(async () => {
      const config = loadConfig(program);
      const handle = openDatabase(config.database);
      try {
        const report = await migrateToLatest(handle.db);
        out(
          report.applied.length === 0
            ? 'database is up to date'
            : `applied: ${report.applied.join(', ')}`,
        );
      } finally {
        await handle.close();
      }
    });

  program
    .command('demo-seed')
    .description('create (idempotently) the demo organisation and print its ids and fresh tokens')
    .option('--json', 'print one JSON object (the default)', true)
    .action(async () => {
      await withDatabase(program, async ({ db }) => {
        const seed = await runDemoSeed({ db, clock: systemClock });
        out(JSON.stringify(seed, null, 2));
      });
    });

  const token = program.command('token').description('personal API tokens');
  token
    .command('create')
    .description('create an API token for a person and print it once')
    .requiredOption('--email <email>', 'the person')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--expires-in <duration>', 'lifetime: 30d, 12h, 90m or never', '90d')
    .action(async (opts: { email: string; name: string; expiresIn: string }) => {
      await withDatabase(program, async ({ db }) => {
        const created = await createTokenByEmail({ db, clock: systemClock }, opts.email, {
          name: opts.name,
          expiresInMs: parseDuration(opts.expiresIn),
        });
        out(created.token);
        process.stderr.write(
          `token ${created.id} for ${opts.email}, expires ${created.expires ?? 'never'}\n`,
        );
      });
    });

  program
    .command('password')
    .description('set a person’s console password (read from stdin, or generated one-time)')
    .requiredOption('--email <email>', 'the person')
    .option('--stdin', 'read the new password from standard input')
    .action(async (opts: { email: string; stdin?: boolean }) => {
      const password = opts.stdin ? (await readStdin()).replace(/\r?\n$/, '') : generatePassword();
      if (password.length < 12) fail('the password must have at least 12 characters', 1);
      await withDatabase(program, async ({ db }) => {
        await setPasswordByEmail({ db, clock: systemClock }, opts.email, password, !opts.stdin);
        if (!opts.stdin) out(`one-time password for ${opts.email}: ${password}`);
        else out(`password set for ${opts.email}`);
      });
    });

  program
    .command('roles')
    .description(
      'set a person’s roles (an administrator cannot change their own roles in the console or API)',
    )
    .requiredOption('--email <email>', 'the person')
    .requiredOption('--set <roles>', `comma-separated, from: ${ROLES.join(', ')}`)
    .action(async (opts: { email: string; set: string }) => {
      const names = opts.set
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '');
      const unknown = names.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length > 0) fail(`unknown role(s): ${unknown.join(', ')}`, 1);
      await withDatabase(program, async ({ db }) => {
        const person = await setRolesByEmail(
          { db, clock: systemClock },
          opts.email,
          names as Role[],
        );
        out(`${person.emails[0] ?? opts.email}: ${person.roles.join(', ')}`);
      });
    });

  program
    .command('org')
    .description('organisations')
    .command('create')
    .description('create an organisation with its first full administrator (one-time password)')
    .requiredOption('--name <name>', 'organisation name')
    .requiredOption('--admin-email <email>', 'its first administrator')
    .option('--partner <name>', 'the partner that manages it (created when new)')
    .action(async (opts: { name: string; adminEmail: string; partner?: string }) => {
      await withDatabase(program, async ({ db }) => {
        const created = await createOrganizationWithAdmin(
          { db, clock: systemClock },
          { name: opts.name, adminEmail: opts.adminEmail, partnerName: opts.partner },
        );
        out(JSON.stringify(created, null, 2));
      });
    });

  const auditCmd = program.command('audit').description('the audit log');
  auditCmd
    .command('verify')
    .description('check the hash chain of the whole audit log')
    .action(async () => {
      await withDatabase(program, async ({ db }) => {
        const result = await verifyAuditChain(db);
        if (result.ok) {
          out(`audit log intact: ${result.events} events`);
          return;
        }
        process.stderr.write(
          `audit log BROKEN at event ${result.seq}${result.id ? ` (${result.id})` : ''}: ${result.reason}\n` +
            `events verified before it: ${result.events}\n`,
        );
        process.exitCode = 3;
      });
    });

  program
    .command('jobs')
    .description('background jobs')
    .command('run')
    .description('run one scheduled job now, in this process (e.g. retention, session-sweep)')
    .argument('<name>', 'the job')
    .option('--now <iso>', 'the instant the job runs as (default: now)')
    .action(async (name: string, opts: { now?: string }) => {
      const now = opts.now ? new Date(opts.now) : new Date();
      if (Number.isNaN(now.getTime()))
        fail(`--now: "${opts.now ?? ''}" is not an ISO date-time`, 2);
      await withDatabase(program, async (database, config) => {
        const queue = createJobQueue({ config, database, logger: createLogger({ level: 'warn' }) });
        // The configured engine, as `serve` has it: the transcription jobs need it. Checked only
        // when this run transcribes, so other jobs run where the engine is not installed.
        const transcriber = createTranscriber(config.transcriber);
        if (TRANSCRIPTION_JOBS.includes(name)) await transcriber.check();
        await registerApplicationJobs(queue, {
          db: database.db,
          clock: systemClock,
          blobStore: await createConfiguredBlobStore(config),
          transcriber,
          retry: config.jobRetry,
        });
        const started = Date.now();
        // The jobs it fans out (retention: one per org) run here too, so it is done on return.
        const { failed } = await runJobWithFanOut(queue, name, now);
        out(`job ${name} done (as of ${now.toISOString()}) in ${Date.now() - started} ms`);
        if (failed > 0) {
          process.stderr.write(`${failed} of the jobs it started failed; see callvault logs\n`);
          process.exitCode = 1;
        }
      });
    });

  program
    .command('transcribe')
    .description('transcribe recordings in this process')
    .requiredOption('--pending', 'every recording still awaiting its transcript')
    .action(async () => {
      await withDatabase(program, async ({ db }, config) => {
        const transcriber = createTranscriber(config.transcriber);
        await transcriber.check();
        const bar = new cliProgress.SingleBar(
          {
            format:
              'transcribing [{bar}] {value}/{total} · {duration_formatted} · about {eta_formatted} left',
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        const report = await transcribePendingRecordings(
          {
            db,
            clock: systemClock,
            blobStore: await createConfiguredBlobStore(config),
            transcriber,
          },
          (done, total) => {
            if (done === 0) bar.start(total, 0);
            else bar.update(done);
          },
        );
        bar.stop();
        for (const f of report.failed) {
          process.stderr.write(`failed ${f.recordingId}: ${f.reason}\n`);
        }
        out(
          `${report.completed} transcribed, ${report.skipped} without transcript (reason stored), ${report.failed.length} failed`,
        );
        if (report.failed.length > 0) process.exitCode = 1;
      });
    });

  program
    .command('keys')
    .description('master keys of encryption at rest')
    .command('rotate')
    .description(
      're-wrap every data key under a new master key (audio is not re-encrypted); restart running processes afterwards',
    )
    .option('--new-key <hex>', 'the new key (64 hex); required when CALLVAULT_MASTER_KEY is set')
    .action(async (opts: { newKey?: string }) => {
      const config = loadConfig(program);
      const newKey = opts.newKey !== undefined ? parseNewMasterKey(opts.newKey) : null;
      const inner = createBlobStore(config.storage);
      const total = await countEncryptedObjects(inner);
      const bar = new cliProgress.SingleBar(
        { format: 'rotating [{bar}] {value}/{total} objects', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      let result;
      try {
        result = await rotateMasterKeys(inner, {
          dataDir: config.dataDir,
          configuredKey: config.masterKey,
          newKey,
          onProgress: (p) => bar.update(Math.min(total, p.scanned)),
        });
      } finally {
        bar.stop();
      }
      const p = result.progress;
      out(
        `master key ${result.newKeyId}: ${p.rewrapped} data keys re-wrapped, ${p.alreadyCurrent} already current, ${p.skippedOrphans} skipped`,
      );
      out(`retired keys: ${result.retiredKeyIds.join(', ') || 'none'}`);
      if (result.keyFile) out(`${result.keyFile} now holds only the new key`);
      if (result.setMasterKeyTo) {
        out('Set this before the next start (the old key no longer opens anything):');
        out(`  CALLVAULT_MASTER_KEY=${result.setMasterKeyTo}`);
      }
      out('Restart running Callvault processes now: they still hold the old key.');
    });

  program
    .command('import')
    .description(
      'import audio files NAME.wav|.ogg|.opus|.mp3, each with a sidecar NAME.json, as recordings',
    )
    .argument('<dir>', 'the directory holding the files')
    .action(async (dir: string) => {
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
        fail(`${dir} is not a directory`, 2);
      }
      await withDatabase(program, async ({ db }, config) => {
        const bar = new cliProgress.SingleBar(
          { format: 'importing [{bar}] {value}/{total} {file}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        const report = await importRecordingsFromDirectory(
          { db, clock: systemClock, blobStore: await createConfiguredBlobStore(config) },
          dir,
          (p) => {
            if (p.done === 0) bar.start(p.total, 0, { file: '' });
            else bar.update(p.done, { file: p.file });
          },
        );
        bar.stop();
        for (const i of report.imported) out(`imported ${i.file}: recording ${i.recordingId}`);
        for (const s of report.skipped) out(`skipped ${s.file}: ${s.reason}`);
        for (const f of report.failed) process.stderr.write(`failed ${f.file}: ${f.reason}\n`);
        out(
          `${report.imported.length} imported, ${report.skipped.length} skipped, ${report.failed.length} failed`,
        );
        // The good files are in; a failure still fails the command so scripts notice.
        if (report.failed.length > 0) process.exitCode = 1;
      });
    });

  program
    .command('openapi')
    .description('write the OpenAPI document')
    .option('--out <file>', 'file to write (default: stdout)')
    .action(async (opts: { out?: string }) => {
      const logger = createLogger({ level: 'silent' });
      const handle = openDatabase({ kind: 'sqlite', file: ':memory:' });
      const app = await buildApp({
        db: handle.db,
        dialect: handle.dialect,
        clock: systemClock,
        logger,
        metrics: createMetrics({ defaultMetrics: false }),
        dataDir: '.',
        // Never written: documenting the API stores nothing.
        blobStore: new FsBlobStore(path.join(os.tmpdir(), 'callvault-openapi')),
        webRoot: null,
        queue: null,
        builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
      });
      await app.ready();
      const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
      await app.close();
      await handle.close();
      if (opts.out) fs.writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof AppError) fail(error.message, 1);
    fail(error instanceof Error ? (error.stack ?? error.message) : String(error), 1);
  });
