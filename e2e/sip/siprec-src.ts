// The SRC's side of a SIPREC call over UDP for the SIP e2e suites that send vendor-shaped INVITEs
// and their RTP themselves: the dialog (INVITE, re-INVITE, BYE, with UDP retransmission; BYEs
// from the recorder answered 200), the answered RTP ports, a vendor body with the test's values
// filled in, and the call's recording (audio file and Webex metadata) once it is catalogued.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { apiRequest } from '../support/api.js';
import type { TestServer } from '../support/server.js';
import { sippFixtures } from './sipp.js';

export interface SipResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** A SIP response's status, headers (lower-case names, first value) and body; null for a request. */
export function parseResponse(text: string): SipResponse | null {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const m = /^SIP\/2\.0 (\d{3})/.exec(statusLine);
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), headers, body: text.slice(split + 4) };
}

/** A captured vendor body (fixtures/interop) with the test's `[name]` placeholders filled in. */
export function vendorBody(file: string, values: Record<string, string>): string {
  let text = fs.readFileSync(path.join(sippFixtures, 'interop', file), 'latin1');
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`[${name}]`, value);
  return text;
}

/** How the dialog's requests differ from a SIPREC SRC's defaults. */
export interface SrcDialogOptions {
  /** The To URI (default: the recorder's own URI). */
  readonly toUri?: string;
  /** Whether INVITEs say `Require: siprec` and the Contact `+sip.src` (default true). */
  readonly siprec?: boolean;
}

/** The SRC's side of one SIPREC dialog over UDP. */
export async function srcDialog(
  server: TestServer,
  callId: string,
  boundary: string,
  fromUri?: string,
  dialogOptions: SrcDialogOptions = {},
) {
  const siprec = dialogOptions.siprec ?? true;
  const sip = server.sip!;
  const socket = dgram.createSocket('udp4');
  const inbox: SipResponse[] = [];
  /** BYEs the recorder sent (each answered 200 as a live SRC would). */
  const byes: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (text.startsWith('BYE ')) {
      byes.push(text);
      const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      const copied = head.filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
      const ok = ['SIP/2.0 200 OK', ...copied, 'Content-Length: 0', '', ''].join('\r\n');
      socket.send(Buffer.from(ok, 'latin1'), rinfo.port, rinfo.address);
      return;
    }
    const response = parseResponse(text);
    if (response) inbox.push(response);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const local = `127.0.0.1:${socket.address().port}`;
  const fromTag = crypto.randomBytes(4).toString('hex');
  let toTag = '';
  let cseq = 0;
  const send = (text: string) =>
    new Promise<void>((resolve) =>
      socket.send(Buffer.from(text, 'latin1'), sip.port, sip.host, () => resolve()),
    );
  const request = (
    method: string,
    number: number,
    content?: string,
    contentType = `multipart/mixed;boundary=${boundary}`,
  ): string => {
    const lines = [
      `${method} sip:srs@${sip.host}:${sip.port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
      `From: <${fromUri ?? `sip:src@${local}`}>;tag=${fromTag}`,
      `To: <${dialogOptions.toUri ?? `sip:srs@${sip.host}:${sip.port}`}>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      `Contact: <sip:src@${local}>${siprec ? ';+sip.src' : ''}`,
      'Max-Forwards: 70',
      ...(method === 'INVITE' && siprec ? ['Require: siprec'] : []),
      ...(content === undefined ? [] : [`Content-Type: ${contentType}`]),
      `Content-Length: ${content === undefined ? 0 : Buffer.byteLength(content, 'latin1')}`,
      '',
      content ?? '',
    ];
    return lines.join('\r\n');
  };
  /** Sends a request (again every 500 ms, as RFC 3261 §17.1.1 does over UDP) until a final answer. */
  const transact = async (
    method: string,
    content?: string,
    options: {
      contentType?: string;
      /** The SDP answer the ACK carries (to an offer in the 2xx). */
      ackAnswer?: (final: SipResponse) => string;
    } = {},
  ): Promise<SipResponse> => {
    const number = ++cseq;
    const text = request(method, number, content, options.contentType);
    const deadline = Date.now() + 8_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt % 25 === 0) await send(text);
      const final = inbox.find(
        (r) => r.status >= 200 && r.headers.get('cseq') === `${number} ${method}`,
      );
      if (final) {
        if (method === 'INVITE') {
          toTag ||= /;tag=([^;>\s]+)/.exec(final.headers.get('to') ?? '')?.[1] ?? '';
          const answer = final.status < 300 ? options.ackAnswer?.(final) : undefined;
          await send(request('ACK', number, answer, 'application/sdp'));
        }
        return final;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no final response to ${method}`);
  };
  return { transact, byes, close: () => socket.close() };
}

/** The answered RTP ports of the SDP answer, in m-line order. */
export function answeredPorts(response: SipResponse): number[] {
  return [...response.body.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
}

/**
 * The recording of a call (found by its Call-ID in the metadata), its audio downloaded into
 * `workDir` through the compliance officer's signed link; waits up to `timeoutMs` (20 s) for finalize.
 */
export async function recordingOf(
  server: TestServer,
  workDir: string,
  callId: string,
  timeoutMs = 20_000,
): Promise<{ id: string; file: string; metadata: any; details: any }> {
  const token = server.seed.admin.token;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { json } = await apiRequest(server.url, 'GET', '/api/recordings', token);
    for (const item of (json.items ?? []) as Array<{ id: string }>) {
      const meta = await apiRequest(
        server.url,
        'GET',
        `/v1/convergedRecordings/${item.id}/metadata`,
        token,
      );
      if (meta.status !== 200 || meta.json.serviceData?.callId !== callId) continue;
      const details = await apiRequest(
        server.url,
        'GET',
        `/v1/convergedRecordings/${item.id}`,
        server.seed.complianceOfficer.token,
      );
      const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
      const audio = await fetch(link);
      const file = path.join(workDir, `${item.id}.ogg`);
      fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
      return { id: item.id, file, metadata: meta.json, details: details.json };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no recording of ${callId}`);
}
