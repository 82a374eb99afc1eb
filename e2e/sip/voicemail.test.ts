// Voicemail deposits over SIPREC: SIPp (fixtures/siprec_uac_voicemail.xml, the PCMU conversation
// with its media) sends a BroadWorks-shaped session whose called participant is the voicemail
// server, named by an RFC 4458 voicemail URI whose `target` is Alice's mailbox. The built
// `bin/callvault serve` records it for Alice, as a voicemail, only while her
// recordVoicemailEnabled is on; with it off nothing is stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, uuidOfWebexId } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { findFreePort, runSipp, sippFixtures, sippSuitePrerequisites } from './sipp.js';

const missing = sippSuitePrerequisites('voicemail e2e suite');

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-voicemail-e2e-'));
const admin = () => server.seed.admin.token;
const api = (method: string, url: string, body?: unknown) =>
  apiRequest(server.url, method, url, admin(), body);
const CALLER = 'sip:+15550100@pstn.example';
/** Alice's mailbox as the voicemail URI's `target` carries it (RFC 4458: percent-encoded). */
const MAILBOX = 'sip:alice%40example.com';
let row = 0;

/** Sends one deposit into Alice's mailbox; resolves with its Call-ID. */
async function depositVoicemail(onActive?: () => Promise<void>): Promise<string> {
  const sip = server.sip!;
  for (let attempt = 1; ; attempt++) {
    row += 1;
    const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
    const inf = path.join(workDir, `row-${row}.csv`);
    fs.writeFileSync(inf, `SEQUENTIAL\n${ids[row] ?? ''};${CALLER};${MAILBOX}\n`);
    const callId = `cv-e2e-voicemail-${row}-${process.pid}@127.0.0.1`;
    const run = runSipp({
      target: `${sip.host}:${sip.port}`,
      transport: 'udp',
      timeoutMs: 30_000,
      args: [
        ...['-sf', 'siprec_uac_voicemail.xml', '-inf', inf, '-s', 'srs', '-cid_str', callId],
        ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
        ...['-m', '1', '-d', '4000', '-timeout', '25s', '-timeout_error'],
      ],
    });
    if (onActive) await onActive();
    const result = await run;
    // A loaded machine may answer 503 with Retry-After (event-loop delay); an SBC retries.
    const overloaded = /SIP\/2\.0 503[\s\S]*?Retry-After: (\d+)/.exec(
      result.stdout + result.stderr,
    );
    if (result.code !== 0 && overloaded && attempt < 8) {
      await new Promise((resolve) => setTimeout(resolve, Number(overloaded[1]) * 1000));
      continue;
    }
    expect(result.code, `${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).toBe(0);
    return callId;
  }
}

/** The recording (details and metadata) of the call, once listed; null after `timeoutMs`. */
async function recordingOf(
  callId: string,
  timeoutMs: number,
): Promise<{ details: any; meta: any } | null> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, any>();
  for (;;) {
    const { json } = await api('GET', '/api/recordings');
    for (const item of (json.items ?? []) as Array<{ id: string }>) {
      if (!seen.has(item.id)) {
        const meta = await api('GET', `/v1/convergedRecordings/${item.id}/metadata`);
        if (meta.status === 200) seen.set(item.id, meta.json);
      }
      if (seen.get(item.id)?.serviceData?.callId === callId) {
        const details = await api('GET', `/v1/convergedRecordings/${item.id}`);
        return { details: details.json, meta: seen.get(item.id) };
      }
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(missing !== null)('voicemail deposits over SIPREC (SIPp with media)', () => {
  const alice = () => server.seed.people.find((p) => p.email === 'alice@example.com')!.id;
  const setRecordVoicemail = async (on: boolean) => {
    const put = await api('PUT', `/v1/people/${alice()}/features/callRecording`, {
      recordVoicemailEnabled: on,
    });
    expect(put.status).toBe(204);
  };

  beforeAll(async () => {
    server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('recordVoicemailEnabled on: the deposit is recorded for the mailbox owner, as a voicemail', async () => {
    await setRecordVoicemail(true);
    const callId = await depositVoicemail();
    const found = await recordingOf(callId, 15_000);
    expect(found, 'no recording listed for the deposit').not.toBeNull();
    expect(found!.meta).toMatchObject({
      ownerId: uuidOfWebexId(alice()),
      ownerType: 'USER',
      serviceData: { recordingType: 'voicemail', remoteNumber: '+15550100' },
    });
    expect(found!.details.topic).toMatch(/^Voicemail from \+15550100-\d{8} \d\d:\d\d$/);
    expect(found!.meta.serviceData.streams).toHaveLength(2);
    for (const stream of found!.meta.serviceData.streams) {
      expect(stream.packets).toBeGreaterThan(100);
    }
  }, 120_000);

  it('recordVoicemailEnabled off: the same deposit has no owner and nothing is stored', async () => {
    await setRecordVoicemail(false);
    let during: any[] = [];
    const callId = await depositVoicemail(async () => {
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline) {
        during = (await api('GET', '/api/sessions')).json.items ?? [];
        if (during.some((s) => s.state === 'active')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    expect(during).toMatchObject([{ ownership: 'no-owner', owners: [] }]);
    expect(await recordingOf(callId, 3_000)).toBeNull();
  }, 120_000);
});
