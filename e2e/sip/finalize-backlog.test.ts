// The finalize backlog's bound (CALLVAULT_MAX_FINALIZE_BACKLOG), against the built
// `bin/callvault serve` (recorder, worker and api roles): the test is the SRC over UDP, a plain
// call of the Cisco capture's SDP with its RTP. The blob store is an S3 endpoint nobody listens
// on, so the ended call's finalize cannot store and stays owed (retrying); with the bound at 1,
// the next call is answered 503 with Reason "finalize backlog" and Retry-After, as an SBC needs to
// send it elsewhere, instead of the backlog growing.
import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { toneSender, type ToneSender } from './rtp-tone.js';
import { srcDialog, vendorBody } from './siprec-src.js';

let server: TestServer;
const senders: ToneSender[] = [];

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then freed). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function backlog(): Promise<number> {
  const { json } = await apiRequest(server.url, 'GET', '/metrics', server.seed.admin.token);
  const m = /^callvault_capture_finalize_backlog (\d+)$/m.exec(String(json));
  return Number(m?.[1] ?? -1);
}

/** A plain (metadata-less) call: INVITE with the Cisco SDP; with `callMs`, its RTP and BYE. */
async function call(callId: string, callMs: number) {
  const dialog = await srcDialog(server, callId, 'unused', 'sip:+15550199@carrier.example', {
    toUri: 'sip:+15550288@carrier.example',
    siprec: false,
  });
  const pair = [
    await toneSender('127.0.0.1', 440, crypto.randomBytes(4).readUInt32BE(0)),
    await toneSender('127.0.0.1', 1000, crypto.randomBytes(4).readUInt32BE(0)),
  ] as const;
  senders.push(...pair);
  const sdp = vendorBody('cucm-delayed-offer-answer.sdp', {
    media_ip: '127.0.0.1',
    version: '1',
    port_1: String(pair[0].port),
    port_2: String(pair[1].port),
  });
  const answer = await dialog.transact('INVITE', sdp, { contentType: 'application/sdp' });
  if (answer.status === 200) {
    const ports = [...answer.body.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
    const until = Date.now() + callMs;
    await Promise.all(
      pair.map((s, i) => s.send({ toPort: ports[i]!, until, codecAt: () => 'PCMU' })),
    );
    expect((await dialog.transact('BYE')).status).toBe(200);
  }
  dialog.close();
  return answer;
}

beforeAll(async () => {
  const s3Port = await closedPort();
  server = await startServer({
    sip: true,
    extraEnv: {
      CALLVAULT_TRANSCRIBER: 'none',
      CALLVAULT_MAX_FINALIZE_BACKLOG: '1',
      CALLVAULT_STORAGE_URL: `s3://callvault-down?endpoint=${encodeURIComponent(`http://127.0.0.1:${s3Port}`)}&region=us-east-1`,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'testtesttest',
    },
  });
});
afterAll(async () => {
  for (const s of senders) s.close();
  await server?.stop();
});

describe('the finalize backlog is bounded', () => {
  it('while an ended call cannot be finalized and the backlog is at its bound, a new call gets 503 "finalize backlog"', async () => {
    const first = await call(`cv-e2e-backlog-1-${process.pid}@127.0.0.1`, 2_000);
    expect(first.status).toBe(200);
    // Its finalize cannot store (the S3 endpoint refuses): it stays owed.
    const deadline = Date.now() + 15_000;
    while ((await backlog()) !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await backlog()).toBe(1);

    const second = await call(`cv-e2e-backlog-2-${process.pid}@127.0.0.1`, 0);
    expect(second.status).toBe(503);
    expect(second.headers.get('reason')).toBe('SIP;cause=503;text="finalize backlog"');
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    // The call that ended is still owed, not dropped.
    expect(await backlog()).toBe(1);
  });
});
