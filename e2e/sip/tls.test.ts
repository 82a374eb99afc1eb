// SIPREC over TLS (RFC 3261 §26) against the built `bin/callvault serve`, the test being the SBC
// with a Node TLS client (Debian's SIPp has no TLS) and sending each stream's RTP itself:
//   - the first start made a self-signed certificate in the data dir (key 0600) and the trunk
//     list shows the sips: URI;
//   - a mutual-TLS trunk (CA bundle + expected subject) records a call from an SBC whose
//     certificate meets it, the trunk chosen by that certificate; each wrong client (no
//     certificate, unknown CA, expired, wrong subject, wrong pin) is closed at the handshake,
//     never answered, logged with its reason and counted on /metrics;
//   - the certificate replaced and SIGHUP sent during a live call: new handshakes get the new
//     certificate, the call goes on over its connection and is recorded in full.
// Each channel of a recording is correlated (≥ 0.9) with the tone its party sent.
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTestCertificate,
  type TestCertificate,
} from '../../packages/server/src/testing/test-certificates.js';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { correlate, decode } from './audio.js';
import { linearToUlaw, toneSender, type ToneSender } from './rtp-tone.js';
import { sippFixtures } from './sipp.js';
import { answeredPorts, recordingOf } from './siprec-src.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-tls-e2e-'));
const OWNER_TONE = 440;
const OTHER_TONE = 1000;
const CALL_MS = 6_000;
const DAY = 86_400_000;
/** Loopback addresses of the mutual-TLS trunks (Linux routes all of 127/8 to lo). */
const MTLS_ADDRESS = '127.0.0.5';
const PINNED_ADDRESS = '127.0.0.6';

interface SipResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** Frames responses off a stream by Content-Length (RFC 3261 §18.3). */
function responseFramer(onResponse: (r: SipResponse) => void): (chunk: Buffer) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString('latin1');
    for (;;) {
      buffered = buffered.replace(/^(\r\n)+/, '');
      const split = buffered.indexOf('\r\n\r\n');
      if (split < 0) return;
      const head = buffered.slice(0, split);
      const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? '0');
      if (buffered.length < split + 4 + length) return;
      const body = buffered.slice(split + 4, split + 4 + length);
      buffered = buffered.slice(split + 4 + length);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const m = /^SIP\/2\.0 (\d{3})/.exec(statusLine);
      if (!m) continue;
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
      }
      onResponse({ status: Number(m[1]), headers, body });
    }
  };
}

/** A captured vendor body with the test's ports, address and owner filled in. */
function body(values: Record<string, string>): string {
  let text = fs.readFileSync(
    path.join(sippFixtures, 'interop', 'cisco-siprec-offer.body'),
    'latin1',
  );
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`[${name}]`, value);
  return text;
}

interface TlsSbc {
  readonly socket: tls.TLSSocket;
  /** Whether the recorder kept the connection after the handshake (a refused one is reset). */
  readonly accepted: boolean;
  readonly inbox: SipResponse[];
  readonly closed: Promise<void>;
}

/** Opens TLS from `localAddress`, with a client certificate when given, and waits to see it kept. */
async function connectSbc(localAddress: string, certificate?: TestCertificate): Promise<TlsSbc> {
  const sip = server.sip!;
  const socket = tls.connect({
    socket: net.connect({ host: sip.host, port: sip.tlsPort, localAddress }),
    // The SBC pins the recorder's certificate in the tests that look at it; here any is taken.
    rejectUnauthorized: false,
    ...(certificate ? { cert: certificate.cert, key: certificate.key } : {}),
  });
  const inbox: SipResponse[] = [];
  socket.on(
    'data',
    responseFramer((r) => inbox.push(r)),
  );
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await Promise.race([new Promise((resolve) => socket.once('secureConnect', resolve)), closed]);
  // TLS 1.3: the client's certificate is judged after the client's Finished; a refusal arrives
  // as a reset shortly after. A CRLF keep-alive ping (RFC 5626 §3.5.1) answered with a pong
  // proves the connection was kept.
  const pong = new Promise<boolean>((resolve) => {
    socket.once('data', (d: Buffer) => resolve(d.toString() === '\r\n'));
    void closed.then(() => resolve(false));
  });
  if (!socket.destroyed) socket.write('\r\n\r\n');
  const accepted = await Promise.race([
    pong,
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000)),
  ]);
  return { socket, accepted, inbox, closed };
}

/** The SRC's side of one SIPREC dialog over a TLS connection. */
function srcDialog(sbc: TlsSbc, callId: string) {
  const sip = server.sip!;
  const local = `${sbc.socket.localAddress}:${sbc.socket.localPort}`;
  const fromTag = crypto.randomBytes(4).toString('hex');
  let toTag = '';
  let cseq = 0;
  const request = (method: string, number: number, content?: string): string =>
    [
      `${method} sips:srs@${sip.host}:${sip.tlsPort} SIP/2.0`,
      `Via: SIP/2.0/TLS ${local};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};alias`,
      `From: <sips:src@${local}>;tag=${fromTag}`,
      `To: <sips:srs@${sip.host}:${sip.tlsPort}>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      `Contact: <sips:src@${local};transport=tls>;+sip.src`,
      'Max-Forwards: 70',
      ...(method === 'INVITE' ? ['Require: siprec'] : []),
      ...(content === undefined ? [] : ['Content-Type: multipart/mixed;boundary=uniqueBoundary']),
      `Content-Length: ${content === undefined ? 0 : Buffer.byteLength(content, 'latin1')}`,
      '',
      content ?? '',
    ].join('\r\n');
  const transact = async (method: string, content?: string): Promise<SipResponse> => {
    const number = ++cseq;
    sbc.socket.write(request(method, number, content), 'latin1');
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline) {
      const final = sbc.inbox.find(
        (r) => r.status >= 200 && r.headers.get('cseq') === `${number} ${method}`,
      );
      if (final) {
        if (method === 'INVITE') {
          if (final.status < 300) {
            toTag ||= /;tag=([^;>\s]+)/.exec(final.headers.get('to') ?? '')?.[1] ?? '';
          }
          sbc.socket.write(request('ACK', number), 'latin1');
        }
        return final;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no final response to ${method}`);
  };
  return { transact };
}

/** What a party sent: the tone through G.711 µ-law and back, 8 kHz. */
function sentTone(frequency: number, ms: number): Int16Array {
  const out = new Int16Array((ms / 1000) * 8000);
  for (let i = 0; i < out.length; i++) {
    const u = linearToUlaw(Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / 8000)));
    out[i] = ulawToLinear(u);
  }
  return out;
}

function ulawToLinear(u: number): number {
  const x = ~u & 0xff;
  const t = (((x & 0x0f) << 3) + 0x84) << ((x & 0x70) >> 4);
  return x & 0x80 ? 0x84 - t : t - 0x84;
}

/** Each channel holds what its party sent (normalised cross-correlation ≥ 0.9), for the whole call. */
function expectRecorded(file: string, callMs: number): void {
  const owner = decode(file, 0);
  const other = decode(file, 1);
  expect(Math.abs(owner.length / 8000 - callMs / 1000)).toBeLessThan(0.5);
  expect(correlate(owner, sentTone(OWNER_TONE, callMs))).toBeGreaterThanOrEqual(0.9);
  expect(correlate(other, sentTone(OTHER_TONE, callMs))).toBeGreaterThanOrEqual(0.9);
  // A channel does not also correlate with the other party's tone.
  expect(correlate(owner, sentTone(OTHER_TONE, callMs))).toBeLessThan(0.5);
  // The last second too: the end of the call was recorded.
  const tail = owner.subarray(-8_000);
  expect(correlate(tail, sentTone(OWNER_TONE, 1_000), 400)).toBeGreaterThanOrEqual(0.9);
}

const senders: ToneSender[] = [];
async function sender(tone: number): Promise<ToneSender> {
  const s = await toneSender('127.0.0.1', tone, crypto.randomBytes(4).readUInt32BE(0));
  senders.push(s);
  return s;
}

/** One SIPREC call over `sbc`: offer, RTP for CALL_MS (`during` runs mid-call), BYE. */
async function recordCall(sbc: TlsSbc, callId: string, during?: () => Promise<void>) {
  const dialog = srcDialog(sbc, callId);
  const [owner, other] = [await sender(OWNER_TONE), await sender(OTHER_TONE)];
  const offer = body({
    media_ip: '127.0.0.1',
    owner_aor: 'sip:alice@example.com',
    version: '1',
    port_1: String(owner.port),
    port_2: String(other.port),
  });
  let answer = await dialog.transact('INVITE', offer);
  // A recorder busy starting up (event-loop delay on a loaded CI machine) answers 503 with
  // Retry-After: as an SBC does, offer again after it.
  for (let retry = 0; answer.status === 503 && retry < 5; retry++) {
    const after = Number(answer.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.min(after, 5) * 1000));
    answer = await dialog.transact('INVITE', offer);
  }
  expect(answer.status).toBe(200);
  const [ownerPort, otherPort] = answeredPorts(answer);
  const start = Date.now();
  const media = Promise.all([
    owner.send({ toPort: ownerPort!, until: start + CALL_MS, codecAt: () => 'PCMU' }),
    other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: () => 'PCMU' }),
  ]);
  if (during) {
    await new Promise((resolve) => setTimeout(resolve, CALL_MS / 3));
    await during();
  }
  await media;
  expect((await dialog.transact('BYE')).status).toBe(200);
}

async function metricsText(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${server.seed.admin.token}` },
  });
  return res.text();
}

let ca: TestCertificate;
let goodSbc: TestCertificate;
let pinnedSbc: TestCertificate;
let mtlsTrunkId: string;
let pinnedTrunkId: string;

beforeAll(async () => {
  ca = await makeTestCertificate({ commonName: 'Callvault e2e SBC CA', ca: true });
  [goodSbc, pinnedSbc] = await Promise.all([
    makeTestCertificate({ commonName: 'sbc', dnsNames: ['sbc.example.com'], issuer: ca }),
    makeTestCertificate({ commonName: 'pinned-sbc.example.com' }),
  ]);
  server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
  const token = server.seed.admin.token;
  const mtls = await apiRequest(server.url, 'POST', '/api/recording-trunks', token, {
    name: 'mTLS SBC',
    allowedSources: [`${MTLS_ADDRESS}/32`],
    clientCertificate: { caBundle: ca.cert, subjects: ['sbc.example.com'] },
  });
  expect(mtls.status).toBe(200);
  mtlsTrunkId = mtls.json.id;
  const pinned = await apiRequest(server.url, 'POST', '/api/recording-trunks', token, {
    name: 'Pinned SBC',
    allowedSources: [`${PINNED_ADDRESS}/32`],
    clientCertificate: { fingerprints: [pinnedSbc.fingerprint] },
  });
  expect(pinned.status).toBe(200);
  pinnedTrunkId = pinned.json.id;
}, 60_000);

afterAll(async () => {
  for (const s of senders) s.close();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('SIPREC over TLS', () => {
  it('the first start made a self-signed certificate (key 0600); the trunk list shows the sips: URI', async () => {
    const keyFile = path.join(server.dataDir, 'tls', 'sip-key.pem');
    const certFile = path.join(server.dataDir, 'tls', 'sip-cert.pem');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const fingerprint = new X509Certificate(fs.readFileSync(certFile)).fingerprint256;
    expect(server.logs()).toContain(fingerprint);
    const sbc = await connectSbc('127.0.0.1');
    expect(sbc.socket.getPeerX509Certificate()?.fingerprint256).toBe(fingerprint);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(sbc.socket.getProtocol());
    sbc.socket.destroy();
    const list = await apiRequest(
      server.url,
      'GET',
      '/api/recording-trunks',
      server.seed.admin.token,
    );
    expect(list.json.siprecUris).toContainEqual({
      transport: 'tls',
      uri: `sips:callvault@127.0.0.1:${server.sip!.tlsPort}`,
    });
    const health = await apiRequest(server.url, 'GET', '/api/health', server.seed.admin.token);
    expect(health.json.checks.sipTlsCertificate.status).toBe('ok');
    expect(await metricsText()).toMatch(
      /callvault_sip_tls_certificate_expiry_timestamp_seconds \d+/,
    );
  });

  it('mutual TLS: an SBC with a certificate from the trunk CA records a call, on the trunk its certificate chose', async () => {
    const sbc = await connectSbc(MTLS_ADDRESS, goodSbc);
    expect(sbc.accepted).toBe(true);
    const callId = `cv-e2e-tls-mtls-${process.pid}@${MTLS_ADDRESS}`;
    await recordCall(sbc, callId);
    sbc.socket.destroy();
    const { file, metadata } = await recordingOf(server, workDir, callId, 30_000);
    expect(metadata.serviceData.trunk).toEqual({ id: mtlsTrunkId, name: 'mTLS SBC' });
    expectRecorded(file, CALL_MS);
  }, 90_000);

  it('mutual TLS: a pinned self-signed SBC certificate is accepted; each wrong client is closed at the handshake with its reason, counted and never answered', async () => {
    const pinned = await connectSbc(PINNED_ADDRESS, pinnedSbc);
    expect(pinned.accepted).toBe(true);
    pinned.socket.destroy();

    const otherCa = await makeTestCertificate({ commonName: 'Rogue CA', ca: true });
    const [stranger, expired, wrongName] = await Promise.all([
      makeTestCertificate({ commonName: 'sbc', dnsNames: ['sbc.example.com'], issuer: otherCa }),
      makeTestCertificate({
        commonName: 'sbc',
        dnsNames: ['sbc.example.com'],
        issuer: ca,
        notBefore: new Date(Date.now() - 60 * DAY),
        notAfter: new Date(Date.now() - DAY),
      }),
      makeTestCertificate({ commonName: 'sbc', dnsNames: ['intruder.example.com'], issuer: ca }),
    ]);
    const cases: Array<[string, string, TestCertificate | undefined]> = [
      ['no-certificate', MTLS_ADDRESS, undefined],
      ['unknown-ca', MTLS_ADDRESS, stranger],
      ['expired', MTLS_ADDRESS, expired],
      ['subject-mismatch', MTLS_ADDRESS, wrongName],
      ['pin-mismatch', PINNED_ADDRESS, goodSbc],
    ];
    for (const [reason, address, certificate] of cases) {
      const client = await connectSbc(address, certificate);
      expect(client.accepted, reason).toBe(false);
      client.socket.write(
        `OPTIONS sips:srs@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS ${address}:5061;branch=z9hG4bK${reason}\r\nCall-ID: ${reason}\r\nCSeq: 1 OPTIONS\r\nFrom: <sips:a@b>;tag=1\r\nTo: <sips:srs@127.0.0.1>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
      );
      await client.closed;
      expect(client.inbox, reason).toHaveLength(0);
    }
    const metrics = await metricsText();
    for (const [reason] of cases) {
      expect(metrics).toMatch(
        new RegExp(`callvault_sip_tls_client_refused_total\\{reason="${reason}"\\} [1-9]`),
      );
      expect(server.logs()).toContain(`SIP TLS client refused at the handshake: ${reason}`);
    }
    // The pinned trunk is not reachable over UDP/TCP at all, nor over TLS without its certificate.
    expect(pinnedTrunkId).toBeDefined();
  }, 60_000);

  it('a certificate replaced and SIGHUP sent during a live call: new handshakes get it, the call goes on and is recorded', async () => {
    const certFile = path.join(server.dataDir, 'tls', 'sip-cert.pem');
    const keyFile = path.join(server.dataDir, 'tls', 'sip-key.pem');
    const before = new X509Certificate(fs.readFileSync(certFile)).fingerprint256;
    const next = await makeTestCertificate({
      commonName: 'recorder-rotated',
      dnsNames: ['localhost'],
    });
    const sbc = await connectSbc('127.0.0.1');
    expect(sbc.socket.getPeerX509Certificate()?.fingerprint256).toBe(before);
    const callId = `cv-e2e-tls-reload-${process.pid}@127.0.0.1`;
    await recordCall(sbc, callId, async () => {
      fs.writeFileSync(keyFile, next.key, { mode: 0o600 });
      fs.writeFileSync(certFile, next.cert);
      server.process.kill('SIGHUP');
      const deadline = Date.now() + 5_000;
      let seen = before;
      while (seen !== next.fingerprint && Date.now() < deadline) {
        const probe = await connectSbc('127.0.0.1');
        seen = probe.socket.getPeerX509Certificate()?.fingerprint256 ?? '';
        probe.socket.destroy();
        if (seen !== next.fingerprint) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen).toBe(next.fingerprint);
    });
    expect(sbc.socket.destroyed).toBe(false);
    sbc.socket.destroy();
    expect(server.logs()).toContain('SIP TLS certificate reloaded');
    const { file, metadata } = await recordingOf(server, workDir, callId, 30_000);
    expect(metadata.serviceData.trunk.name).toBeDefined();
    expectRecorded(file, CALL_MS);
  }, 90_000);
});
