// What the storage and worker fault scenarios share: a SIPREC call from SIPp (the 28 s two-party
// PCMU conversation of e2e/sip/fixtures), the recordings the API lists for a Call-ID, their
// length as ffprobe reads the downloaded audio, and the finalize job's row in the database.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { apiRequest } from '../support/api.js';
import type { TestServer } from '../support/server.js';
import { findFreePort, runSipp, sippFixtures, type SippRun } from '../sip/sipp.js';

/** Seconds of audio SIPp plays (conv_*.pcap): the recording must be this long. */
export const CONVERSATION_SECONDS = 28.2;

export interface PlacedCall {
  readonly callId: string;
  /** Resolves once the recorder lists the session as active. */
  readonly active: Promise<void>;
  /** SIPp's exit after its BYE: 0 when every request (INVITE, BYE) got its 200 OK. */
  readonly ended: Promise<SippRun>;
}

/**
 * Starts the conversation call against the server's recorder; `row` picks distinct RFC 7865 ids.
 * A `503` (the recorder sheds load while its event loop lags, as on a busy test machine) is
 * retried after its Retry-After, as an SBC would.
 */
export function placeConversationCall(
  server: TestServer,
  workDir: string,
  name: string,
  row = 1,
): PlacedCall {
  const sip = server.sip!;
  const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
  const inf = path.join(workDir, `ids-${name}.csv`);
  fs.writeFileSync(inf, `SEQUENTIAL\n${ids[row]}\n`);
  const callId = `cv-fault-${name}-${process.pid}@127.0.0.1`;
  const isActive = async (): Promise<boolean> => {
    const { json } = await apiRequest(server.url, 'GET', '/api/sessions', server.seed.admin.token);
    const items = (json.items ?? []) as Array<{ callId: string; state: string }>;
    return items.some((s) => s.callId === callId && s.state === 'active');
  };
  const attempt = async (): Promise<SippRun> =>
    runSipp({
      target: `${sip.host}:${sip.port}`,
      transport: 'udp',
      timeoutMs: 90_000,
      args: [
        ...['-sf', 'siprec_uac.xml', '-inf', inf, '-s', 'srs', '-cid_str', callId],
        ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
        // The conversation lasts 28.2 s: the BYE goes out after all of it was sent.
        ...['-m', '1', '-d', '29000', '-timeout', '60s', '-timeout_error'],
      ],
    });
  let resolveActive!: () => void;
  let rejectActive!: (error: Error) => void;
  const active = new Promise<void>((resolve, reject) => {
    resolveActive = resolve;
    rejectActive = reject;
  });
  const ended = (async (): Promise<SippRun> => {
    for (let tries = 1; ; tries++) {
      let done: SippRun | null = null;
      const run = attempt().then((r) => (done = r));
      let seen = false;
      while (done === null) {
        if (!seen && (await isActive())) {
          seen = true;
          resolveActive();
        }
        await Promise.race([run, sleep(100)]);
      }
      const result = done as SippRun;
      if (seen) return result;
      if (tries < 5 && /503 Service Unavailable/.test(result.stderr + result.stdout)) {
        await sleep(5_000);
        continue;
      }
      rejectActive(
        new Error(
          `call ${callId} never became active; SIPp exited ${String(result.code)}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
        ),
      );
      return result;
    }
  })();
  return { callId, active, ended };
}

/** The ids of the recordings the API lists for a Call-ID (the first page of /api/recordings). */
export async function recordingsOfCall(server: TestServer, callId: string): Promise<string[]> {
  const found: string[] = [];
  const { json } = await apiRequest(server.url, 'GET', '/api/recordings', server.seed.admin.token);
  for (const item of (json.items ?? []) as Array<{ id: string }>) {
    const meta = await apiRequest(
      server.url,
      'GET',
      `/v1/convergedRecordings/${item.id}/metadata`,
      server.seed.admin.token,
    );
    if (meta.status === 200 && meta.json.serviceData?.callId === callId) found.push(item.id);
  }
  return found;
}

/** Waits until `probe` answers something other than null (or fails saying what it waited for). */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Downloads a recording as the compliance officer and returns its length by ffprobe, seconds. */
export async function downloadedSeconds(
  server: TestServer,
  recordingId: string,
  workDir: string,
): Promise<{ seconds: number; channels: number }> {
  const details = await apiRequest(
    server.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}`,
    server.seed.complianceOfficer.token,
  );
  const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
  const audio = await fetch(link);
  if (audio.status !== 200) throw new Error(`download answered ${audio.status}`);
  const file = path.join(workDir, `${recordingId}.ogg`);
  fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const info = JSON.parse(
    execFileSync('ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=channels:format=duration'],
      ...['-of', 'json', file],
    ]).toString(),
  ) as { streams: Array<{ channels: number }>; format: { duration: string } };
  return { seconds: Number(info.format.duration), channels: info.streams[0]?.channels ?? 0 };
}

export interface FinalizeJobRow {
  readonly state: string;
  readonly attempts: number;
}

/** The capture-finalize jobs of the server's database (embedded queue), oldest first. */
export async function finalizeJobs(server: TestServer): Promise<FinalizeJobRow[]> {
  const query =
    "SELECT state, attempts FROM jobs WHERE name = 'capture-finalize' ORDER BY created_at";
  if (server.databaseUrl) {
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ state: string; attempts: number }>(query);
      return result.rows.map((r) => ({ state: r.state, attempts: Number(r.attempts) }));
    } finally {
      await client.end();
    }
  }
  const db = new Database(path.join(server.dataDir, 'callvault.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    db.pragma('busy_timeout = 2000');
    const rows = db.prepare(query).all() as Array<{ state: string; attempts: number }>;
    return rows.map((r) => ({ state: r.state, attempts: Number(r.attempts) }));
  } finally {
    db.close();
  }
}

/**
 * Journal directories still in the data dir: the recorder's own (`journal/`) and, when a
 * recorder-only process shipped them (PostgreSQL, docs/adr/0009-journal-shipping.md), those a
 * worker rebuilt from the blob store to finalize (`journal-shipped/`).
 */
export function journalDirs(server: TestServer): string[] {
  return ['journal', 'journal-shipped'].flatMap((folder) => {
    const root = path.join(server.dataDir, folder);
    return fs.existsSync(root) ? fs.readdirSync(root) : [];
  });
}
