// The built `bin/callvault serve` (recorder role, the demo seed's trunk 127.0.0.1/32) facing
// peers that are not a well-behaved SBC, with raw sockets: a TCP connection from an address
// outside every trunk is reset before anything is read; an oversized message gets 513 and a
// malformed Request-Line 400 with the problem named (Reason-Phrase and Warning 399); an RFC
// 2543-style INVITE without Contact is still a call (200, ACK, RTP, BYE 200); /metrics counts
// the refusals by reason; a trunk added through the API is admitted at once.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;

interface SipReply {
  status: number;
  reason: string;
  headers: Map<string, string>;
  body: string;
}

/** Status line, headers (first value of each, lower-case names) and body of one response. */
function parseReply(text: string): SipReply {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(statusLine);
  if (!m) throw new Error(`not a response: ${statusLine}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers, body: text.slice(split + 4) };
}

function sipMessage(lines: string[], body = ''): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

async function udpPeer() {
  const socket = dgram.createSocket('udp4');
  const inbox: SipReply[] = [];
  socket.on('message', (msg) => inbox.push(parseReply(msg.toString('latin1'))));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const sip = server.sip!;
  return {
    port: socket.address().port,
    inbox,
    send: (text: string) =>
      new Promise<void>((resolve) =>
        socket.send(Buffer.from(text), sip.port, sip.host, () => resolve()),
      ),
    sendTo: (bytes: Buffer, port: number) =>
      new Promise<void>((resolve) => socket.send(bytes, port, '127.0.0.1', () => resolve())),
    close: () => socket.close(),
  };
}

async function waitFor<T>(check: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function metricsText(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

function options(transport: 'UDP' | 'TCP', sentBy: string, requestLine?: string): string {
  const sip = server.sip!;
  return sipMessage([
    requestLine ?? `OPTIONS sip:callvault@${sip.host}:${sip.port} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${sentBy};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `To: <sip:callvault@${sip.host}>`,
    'From: <sip:probe@127.0.0.1>;tag=p1',
    `Call-ID: ${crypto.randomUUID()}`,
    'CSeq: 1 OPTIONS',
  ]);
}

beforeAll(async () => {
  server = await startServer({
    sip: true,
    extraEnv: { CALLVAULT_SIP_MAX_MESSAGE_BYTES: '16384', CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT: '2' },
  });
});
afterAll(async () => {
  await server?.stop();
});

describe('the SIP side of bin/callvault serve against misbehaving peers', () => {
  it('a TCP connection from an address outside every trunk is closed at once, unanswered', async () => {
    const sip = server.sip!;
    const socket = net.connect({ host: sip.host, port: sip.port, localAddress: '127.0.0.2' });
    const data: Buffer[] = [];
    socket.on('data', (d: Buffer) => data.push(d));
    socket.on('error', () => {});
    socket.write(options('TCP', '127.0.0.2:5060'));
    const start = Date.now();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Date.now() - start).toBeLessThan(1000);
    expect(Buffer.concat(data).length).toBe(0);
    expect(await metricsText()).toMatch(
      /^callvault_sip_refused_total\{transport="tcp",reason="unknown-source"\} 1$/m,
    );
  });

  it('a trunk added through the API admits its network at once', async () => {
    const sip = server.sip!;
    const created = await fetch(`${server.url}/api/recording-trunks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.seed.admin.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'second SBC', allowedSources: ['127.0.0.2/32'] }),
    });
    expect(created.status).toBe(200);
    const socket = net.connect({ host: sip.host, port: sip.port, localAddress: '127.0.0.2' });
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(options('TCP', '127.0.0.2:5060'));
    await waitFor(() => received.includes('\r\n\r\n'));
    expect(parseReply(received).status).toBe(200);
    socket.destroy();
    const id = ((await created.json()) as { id: string }).id;
    await fetch(`${server.url}/api/recording-trunks/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.seed.admin.token}` },
    });
  });

  it('a TCP connection that never completes a message is closed after CALLVAULT_SIP_TCP_MESSAGE_TIMEOUT', async () => {
    const sip = server.sip!;
    const socket = net.connect({ host: sip.host, port: sip.port });
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('OPTIONS sip:callvault@127.0.0.1 SIP/2.0\r\n');
    const start = Date.now();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Date.now() - start).toBeGreaterThan(1500);
    expect(Date.now() - start).toBeLessThan(4000);
  });

  it('RFC 3261 §21.5.14: a message over CALLVAULT_SIP_MAX_MESSAGE_BYTES gets 513 Message Too Large', async () => {
    const sip = server.sip!;
    const socket = net.connect({ host: sip.host, port: sip.port });
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    await new Promise((resolve) => socket.once('connect', resolve));
    const big = options('TCP', '127.0.0.1:5060').replace(
      'Content-Length: 0\r\n\r\n',
      `Content-Type: text/plain\r\nContent-Length: 20000\r\n\r\n${'x'.repeat(20000)}`,
    );
    socket.write(big);
    await waitFor(() => received.includes('\r\n\r\n'));
    const reply = parseReply(received);
    expect(`${reply.status} ${reply.reason}`).toBe('513 Message Too Large');
    expect(reply.headers.get('warning')).toMatch(/^399 \S+ "message of \d+ octets exceeds 16384"$/);
    socket.destroy();
  });

  it('RFC 3261 §21.4.1: a malformed Request-Line gets 400 naming it, with a Warning 399', async () => {
    const peer = await udpPeer();
    try {
      const sip = server.sip!;
      await peer.send(
        options(
          'UDP',
          `127.0.0.1:${peer.port}`,
          `OPTIONS  sip:callvault@${sip.host}:${sip.port} SIP/2.0`,
        ),
      );
      const reply = await waitFor(() => peer.inbox[0]);
      expect(`${reply.status} ${reply.reason}`).toBe('400 Bad Request-Line');
      expect(reply.headers.get('warning')).toBe(
        '399 callvault "Request-Line must be \\"Method SP Request-URI SP SIP-Version\\""',
      );
      const metrics = await metricsText();
      expect(metrics).toMatch(
        /^callvault_sip_parse_errors_total\{reason="start-line",header=""\} 1$/m,
      );
      expect(metrics).toMatch(
        /^callvault_sip_parse_errors_total\{reason="too-large",header=""\} 1$/m,
      );
    } finally {
      peer.close();
    }
  });

  it('RFC 4475 §3.4.1: an INVITE without Contact is a call: 200, ACK, RTP, BYE 200', async () => {
    const peer = await udpPeer();
    try {
      const sip = server.sip!;
      const callId = `${crypto.randomUUID()}@127.0.0.1`;
      const id = () => crypto.randomBytes(16).toString('base64');
      const [group, session, alice, bob, s1, s2] = [id(), id(), id(), id(), id(), id()];
      const sdp = [
        'v=0',
        'o=SRC 1 1 IN IP4 127.0.0.1',
        's=SIPREC',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${peer.port} RTP/AVP 0`,
        'a=label:1',
        'a=sendonly',
        `m=audio ${peer.port} RTP/AVP 0`,
        'a=label:2',
        'a=sendonly',
        '',
      ].join('\r\n');
      const metadata = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1">
  <datamode>complete</datamode>
  <group group_id="${group}"><associate-time>2024-06-03T09:30:00Z</associate-time></group>
  <session session_id="${session}"><group-ref>${group}</group-ref></session>
  <participant participant_id="${alice}"><nameID aor="sip:alice@example.com"><name>Alice Caller</name></nameID></participant>
  <participant participant_id="${bob}"><nameID aor="sip:bob@example.net"><name>Bob Trader</name></nameID></participant>
  <stream stream_id="${s1}" session_id="${session}"><label>1</label></stream>
  <stream stream_id="${s2}" session_id="${session}"><label>2</label></stream>
  <participantsessionassoc participant_id="${alice}" session_id="${session}"/>
  <participantsessionassoc participant_id="${bob}" session_id="${session}"/>
  <participantstreamassoc participant_id="${alice}"><send>${s1}</send><recv>${s2}</recv></participantstreamassoc>
  <participantstreamassoc participant_id="${bob}"><send>${s2}</send><recv>${s1}</recv></participantstreamassoc>
</recording>
`;
      const body = [
        '--b7866',
        'Content-Type: application/sdp',
        '',
        sdp,
        '--b7866',
        'Content-Type: application/rs-metadata+xml',
        'Content-Disposition: recording-session',
        '',
        metadata,
        '--b7866--',
        '',
      ].join('\r\n');
      const common = (method: string, cseq: number, toTag?: string) => [
        `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: "SRC" <sip:src@127.0.0.1>;tag=src1`,
        `To: <sip:callvault@${sip.host}:${sip.port}>${toTag ? `;tag=${toTag}` : ''}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
      ];
      const uri = `sip:callvault@${sip.host}:${sip.port}`;
      await peer.send(
        sipMessage(
          [
            `INVITE ${uri} SIP/2.0`,
            ...common('INVITE', 1),
            'Require: siprec',
            'Content-Type: multipart/mixed;boundary=b7866',
          ],
          body,
        ),
      );
      const ok = await waitFor(() => peer.inbox.find((r) => r.status >= 200), 10_000);
      expect(`${ok.status} ${ok.reason}`).toBe('200 OK');
      const toTag = /;tag=([^;>\s]+)/.exec(ok.headers.get('to') ?? '')?.[1];
      expect(toTag).toBeDefined();
      await peer.send(sipMessage([`ACK ${uri} SIP/2.0`, ...common('ACK', 1, toTag)]));

      // RTP on both answered streams for a second (PCMU silence, 20 ms frames).
      const ports = [...ok.body.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
      expect(ports).toHaveLength(2);
      for (let seq = 0; seq < 50; seq++) {
        for (const [i, port] of ports.entries()) {
          const packet = Buffer.alloc(12 + 160, 0xff);
          packet.writeUInt8(0x80, 0);
          packet.writeUInt8(0, 1);
          packet.writeUInt16BE(seq, 2);
          packet.writeUInt32BE(seq * 160, 4);
          packet.writeUInt32BE(0x1000 + i, 8);
          await peer.sendTo(packet, port);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const sessions = await fetch(`${server.url}/api/sessions`, {
        headers: { authorization: `Bearer ${server.seed.admin.token}` },
      });
      const list = (await sessions.json()) as { items: Array<{ state: string; callId: string }> };
      expect(list.items.map((s) => s.state)).toEqual(['active']);

      await peer.send(sipMessage([`BYE ${uri} SIP/2.0`, ...common('BYE', 2, toTag)]));
      const byeOk = await waitFor(() =>
        peer.inbox.find((r) => r.headers.get('cseq') === '2 BYE' && r.status >= 200),
      );
      expect(byeOk.status).toBe(200);
    } finally {
      peer.close();
    }
  });
});
