// SIPREC with SDES-SRTP media (RFC 4568; RFC 3711 AES-CM and RFC 7714 AES-GCM) against
// `bin/callvault serve`: SIPp offers the two-party conversation as RTP/SAVP over UDP, each m=audio
// with its own a=crypto key, and replays a pcap whose RTP was protected under those keys by
// libsrtp2 (srtp-pcap.ts, an independent SRTP implementation). Each channel of the recording must
// be what its party said (correlation ≥ 0.9), the answer must stay RTP/SAVP with the offered
// suite, and since the keys travelled over cleartext SIP the recording's metadata says so and
// /metrics counts the sessions.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { correlate, decode } from './audio.js';
import { findFreePort, runSipp, sippFixtures, sippSuitePrerequisites } from './sipp.js';
import { buildLibsrtpTool, libsrtpProblem, protectPcap } from './srtp-pcap.js';

const missing = sippSuitePrerequisites('SRTP e2e suite', { extra: libsrtpProblem });

const suites = [
  { suite: 'AES_CM_128_HMAC_SHA1_80', keyBytes: 30 },
  { suite: 'AEAD_AES_128_GCM', keyBytes: 28 },
] as const;

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-srtp-e2e-'));
let server: TestServer;
let libsrtpTool = '';

interface Outcome {
  readonly sipp: { code: number | null; stdout: string; stderr: string };
  readonly recordingId: string | null;
  readonly metadata: any;
  readonly file: string | null;
}

/**
 * The fixture scenario with RTP/SAVP m-lines, one a=crypto line each (the stream's own key) and
 * the SRTP pcap in place of the plain one; everything else (INVITE, metadata, timing) as is.
 */
function srtpScenario(suite: string, keys: readonly [Buffer, Buffer], pcap: string): string {
  const plain = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'utf8');
  let line = 0;
  const withCrypto = plain.replace(
    /( *)m=audio (\[media_port(?:\+2)?\]) RTP\/AVP 0\n/g,
    (_, indent: string, port: string) =>
      `${indent}m=audio ${port} RTP/SAVP 0\n` +
      `${indent}a=crypto:1 ${suite} inline:${keys[line++]!.toString('base64')}\n`,
  );
  if (line !== 2) throw new Error('the fixture scenario no longer has two RTP/AVP m-lines');
  const scenario = withCrypto.replaceAll('audio/conv_2streams_pcmu.pcap', pcap);
  const file = path.join(workDir, `siprec_uac_${suite}.xml`);
  fs.writeFileSync(file, scenario);
  return file;
}

async function placeCall(suite: string, keyBytes: number, delayMs: number): Promise<Outcome> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const keys = [randomBytes(keyBytes), randomBytes(keyBytes)] as const;
  const pcap = path.join(workDir, `conv_2streams_pcmu_${suite}.pcap`);
  // The fixture's flows: Alice to port 6000 (label 1), Bob to 6002 (label 2).
  protectPcap({
    tool: libsrtpTool,
    input: path.join(sippFixtures, 'audio/conv_2streams_pcmu.pcap'),
    output: pcap,
    suite,
    keys: new Map([
      [6000, keys[0]],
      [6002, keys[1]],
    ]),
  });
  const scenario = srtpScenario(suite, keys, pcap);
  const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
  const inf = path.join(workDir, `ids-${suite}.csv`);
  fs.writeFileSync(inf, `SEQUENTIAL\n${ids[suites.findIndex((s) => s.suite === suite) + 1]}\n`);
  const callId = `cv-e2e-srtp-${suite}-${process.pid}@127.0.0.1`;
  const sip = server.sip!;
  const run = await runSipp({
    target: `${sip.host}:${sip.port}`,
    transport: 'udp',
    timeoutMs: 60_000,
    args: [
      ...['-sf', scenario, '-inf', inf, '-s', 'srs', '-cid_str', callId],
      ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
      ...['-m', '1', '-d', '29000', '-timeout', '50s', '-timeout_error', '-trace_msg'],
      ...['-message_file', path.join(workDir, `messages-${suite}.log`)],
    ],
  });
  if (run.code !== 0) return { sipp: run, recordingId: null, metadata: null, file: null };

  const byeAt = Date.now();
  let recordingId: string | null = null;
  // Polled once more after the deadline: the other suite's test decodes its audio synchronously
  // in this process, which can hold this loop past the 15 s while the recording is stored.
  for (let last = false; !recordingId && !last;) {
    last = Date.now() - byeAt >= 15_000;
    const { json } = await apiRequest(
      server.url,
      'GET',
      '/api/recordings',
      server.seed.admin.token,
    );
    for (const item of (json.items ?? []) as Array<{ id: string }>) {
      const meta = await apiRequest(
        server.url,
        'GET',
        `/v1/convergedRecordings/${item.id}/metadata`,
        server.seed.admin.token,
      );
      if (meta.json?.serviceData?.callId === callId) recordingId = item.id;
    }
    if (!recordingId) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!recordingId) return { sipp: run, recordingId, metadata: null, file: null };
  const details = await apiRequest(
    server.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}`,
    server.seed.complianceOfficer.token,
  );
  const audio = await fetch(details.json.temporaryDirectDownloadLinks.audioDownloadLink as string);
  const file = path.join(workDir, `call-${suite}.ogg`);
  fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const metadata = await apiRequest(
    server.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}/metadata`,
    server.seed.admin.token,
  );
  return { sipp: run, recordingId, metadata: metadata.json, file };
}

const outcomes = new Map<string, Promise<Outcome>>();

describe.skipIf(missing !== null)(
  'SRTP media (SDES) with SIPp and libsrtp against bin/callvault serve',
  () => {
    beforeAll(async () => {
      libsrtpTool = buildLibsrtpTool(workDir);
      server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
      suites.forEach(({ suite, keyBytes }, i) => {
        const outcome = placeCall(suite, keyBytes, i * 4_000);
        outcome.catch(() => undefined);
        outcomes.set(suite, outcome);
      });
    });
    afterAll(async () => {
      await Promise.allSettled(outcomes.values());
      await server?.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    it.each(suites)(
      '$suite over UDP: answered RTP/SAVP with the suite, each channel is what its party said',
      async ({ suite }) => {
        const { sipp: run, recordingId, metadata, file } = await outcomes.get(suite)!;
        expect(run.code, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toBe(0);
        const messages = fs.readFileSync(path.join(workDir, `messages-${suite}.log`), 'utf8');
        // The 200 OK's answer: both streams RTP/SAVP, each with the offered suite and our own key.
        const answer = messages.slice(messages.indexOf('SIP/2.0 200 OK'));
        expect(answer.match(/m=audio \d+ RTP\/SAVP 0/g)).toHaveLength(2);
        expect(answer.match(new RegExp(`a=crypto:1 ${suite} inline:`, 'g'))).toHaveLength(2);
        expect(recordingId, 'the call was not listed on /api/recordings').not.toBeNull();

        const alice = decode(path.join(sippFixtures, 'audio/conv_alice_8k.wav'));
        const bob = decode(path.join(sippFixtures, 'audio/conv_bob_8k.wav'));
        const first = decode(file!, 0);
        const second = decode(file!, 1);
        const scores = {
          alice: correlate(first, alice),
          bob: correlate(second, bob),
          cross: correlate(first, bob),
        };
        console.log(`${suite}: correlation ${JSON.stringify(scores)}`);
        expect(scores.alice).toBeGreaterThanOrEqual(0.9);
        expect(scores.bob).toBeGreaterThanOrEqual(0.9);
        expect(scores.cross).toBeLessThan(0.5);

        const service = metadata.serviceData;
        for (const stream of service.streams as Array<{ packets: number; counters: any }>) {
          expect(stream.packets).toBeGreaterThanOrEqual(1400);
          expect(stream.counters).toMatchObject({ srtpAuthFailures: 0, srtpReplayed: 0 });
        }
        // RFC 4568 §8.3: the keys came in the SDP over cleartext UDP.
        expect(service.mediaSecurity).toEqual({
          signalling: 'udp',
          srtpSuites: [suite],
          keysSentInClear: true,
        });
      },
      180_000,
    );

    it('counts each session whose SRTP keys were signalled without TLS on /metrics', async () => {
      await Promise.allSettled(outcomes.values());
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toMatch(/^callvault_srtp_keys_in_clear_total\{transport="udp"\} 2$/m);
    });

    it('decrypted the SRTP natively (the srtp-unprotect addon `make deps` builds)', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toMatch(/^callvault_capture_srtp_decryption\{kind="native"\} 1$/m);
    });
  },
);
