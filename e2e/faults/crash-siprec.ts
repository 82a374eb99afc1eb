// SIPREC calls for the fault scenarios: SIPp's client scenario (e2e/sip/fixtures/siprec_uac.xml,
// the two-party conversation as PCMU, 28 s) as it is, or turned into
//   - `refused`: the INVITE must be answered 503 with a Retry-After (then ACK), and
//   - `awaitBye`: after the media starts the SRC waits for the recorder's BYE and answers it
//     200 (no BYE within a minute fails the call),
// plus the API look-ups the scenarios assert on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apiRequest } from '../support/api.js';
import type { TestServer } from '../support/server.js';
import { findFreePort, runSipp, sippFixtures, type SippRun } from '../sip/sipp.js';

const base = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'utf8');
const afterInvite = base.indexOf('  <recv response="100" optional="true"/>');
const pauseAt = base.indexOf('  <!-- call length: -d (ms)');
const statsAt = base.indexOf('  <ResponseTimeRepartition');

const REFUSED = `${base.slice(0, afterInvite)}
  <recv response="100" optional="true"/>
  <recv response="503" rtd="setup">
    <action>
      <ereg regexp="Retry-After: *([0-9]+)" search_in="msg" check_it="true" assign_to="ra,seconds"/>
      <log message="refused with 503, Retry-After [$seconds] ([$ra])"/>
    </action>
  </recv>
  <send>
    <![CDATA[

      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]
      From: "SIPp SRC" <sip:src@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
${base.slice(statsAt)}`;

const AWAIT_BYE = `${base.slice(0, pauseAt)}
  <recv request="BYE" timeout="60000"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:src@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
${base.slice(statsAt)}`;

export type CallKind = 'normal' | 'refused' | 'awaitBye';

export interface CallOptions {
  readonly sip: { readonly host: string; readonly port: number };
  readonly workDir: string;
  readonly callId: string;
  /** Which row of the RFC 7865 id table (distinct ids per call). */
  readonly row: number;
  readonly kind?: CallKind;
  /** `normal`: how long the call lasts before the SRC's BYE. */
  readonly durationMs?: number;
}

/** Runs one SIPp call to its end (exit 0: it went as its kind says). */
export async function placeCall(options: CallOptions): Promise<SippRun> {
  const kind = options.kind ?? 'normal';
  const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
  const inf = path.join(options.workDir, `ids-${options.row}.csv`);
  fs.writeFileSync(inf, `SEQUENTIAL\n${ids[options.row]}\n`);
  let scenario = 'siprec_uac.xml';
  if (kind !== 'normal') {
    scenario = path.join(options.workDir, `siprec_uac_${kind}.xml`);
    fs.writeFileSync(scenario, kind === 'refused' ? REFUSED : AWAIT_BYE);
  }
  return runSipp({
    target: `${options.sip.host}:${options.sip.port}`,
    transport: 'udp',
    timeoutMs: 90_000,
    args: [
      ...['-sf', scenario, '-inf', inf, '-s', 'srs', '-cid_str', options.callId],
      ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
      ...['-m', '1', '-d', String(options.durationMs ?? 10_000)],
      ...['-timeout', '80s', '-timeout_error'],
    ],
  });
}

export const sippOutput = (run: SippRun): string =>
  `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`;

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
      // The server may be restarting: try again.
    }
    if (Date.now() > until) return null;
    await sleep(everyMs);
  }
}

const admin = (server: TestServer) => server.seed.admin.token;

/**
 * Resolves (with the time) once the call is active on GET /api/sessions; when it never is, the
 * error carries the recorder's log lines about it.
 */
export async function waitForActive(server: TestServer, callId: string): Promise<number> {
  const at = await waitFor(
    async () => {
      const { json } = await apiRequest(server.url, 'GET', '/api/sessions', admin(server));
      const items = (json.items ?? []) as Array<{ callId: string; state: string }>;
      return items.some((s) => s.callId === callId && s.state === 'active') ? Date.now() : null;
    },
    15_000,
    50,
  );
  if (at === null) {
    const lines = server
      .logs()
      .split('\n')
      .filter((l) => l.includes(callId) || l.includes('"level":50'))
      .slice(-10);
    throw new Error(`the call ${callId} never became active:\n${lines.join('\n')}`);
  }
  return at;
}

export interface CaptureFailure {
  callId: string;
  reason: string;
  detail: string;
  recordingIds: string[];
}

export async function captureFailuresOf(
  server: TestServer,
  callId: string,
): Promise<CaptureFailure[]> {
  const { status, json } = await apiRequest(server.url, 'GET', '/api/sessions', admin(server));
  if (status !== 200) throw new Error(`GET /api/sessions answered ${status}`);
  return ((json.failures ?? []) as CaptureFailure[]).filter((f) => f.callId === callId);
}

/** The recording of a call (by the SRC's Call-ID in its metadata), or null. */
export async function recordingOf(server: TestServer, callId: string): Promise<string | null> {
  const { status, json } = await apiRequest(server.url, 'GET', '/api/recordings', admin(server));
  if (status !== 200) throw new Error(`GET /api/recordings answered ${status}`);
  for (const item of (json.items ?? []) as Array<{ id: string }>) {
    const meta = await apiRequest(
      server.url,
      'GET',
      `/v1/convergedRecordings/${item.id}/metadata`,
      admin(server),
    );
    if (meta.status === 200 && meta.json.serviceData?.callId === callId) return item.id;
  }
  return null;
}

/** Seconds of audio in a recording: downloaded as the compliance officer, measured by ffprobe. */
export async function audioSeconds(
  server: TestServer,
  recordingId: string,
  workDir: string,
): Promise<number> {
  const details = await apiRequest(
    server.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}`,
    server.seed.complianceOfficer.token,
  );
  const link = details.json.temporaryDirectDownloadLinks?.audioDownloadLink as string | undefined;
  if (!link) throw new Error(`no download link: ${JSON.stringify(details.json)}`);
  const audio = await fetch(link);
  if (audio.status !== 200) throw new Error(`audio download answered ${audio.status}`);
  const file = path.join(workDir, `${recordingId}.ogg`);
  fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const probe = execFileSync('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
  ]).toString();
  return Number(probe.trim());
}

/** One sample of a metric from /metrics (null when absent). */
export async function metricValue(server: TestServer, sample: string): Promise<number | null> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const escaped = sample.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

export async function health(server: TestServer): Promise<{
  status: number;
  json: { status: string; checks: Record<string, { status: string; detail: string }> };
}> {
  const res = await fetch(`${server.url}/api/health`);
  return { status: res.status, json: (await res.json()) as never };
}
