import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import fs from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStreamFramer,
  getHeader,
  getTo,
  parseDatagram,
  parseFramedMessage,
  type SipResponse,
} from '../message/index.js';
import { createFakeUserAgentHandler } from '../dialog/fake-user-agent-handler.js';
import { createSipUserAgentCore } from '../dialog/sip-user-agent-core.js';
import { createSystemTimerService } from '../transaction/sip-timers.js';
import {
  createSipServer,
  listenOnUdpAndTcp,
  type SipParseErrorEvent,
  type SipServer,
  type SipServerOptions,
} from './sip-server.js';
import { listenSipTransport, SIP_TRANSPORT_FACTORIES } from './sip-transport-factory.js';

const SDP_ANSWER =
  'v=0\r\no=srs 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\na=recvonly\r\n';

function message(lines: string[], body = ''): Buffer {
  return Buffer.from(
    [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'),
  );
}

function options(transport: 'UDP' | 'TCP', sentBy: string, extra = ''): Buffer {
  return message([
    'OPTIONS sip:srs@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${transport} ${sentBy};branch=z9hG4bKopt${Math.random().toString(36).slice(2)}${extra}`,
    'Max-Forwards: 70',
    'To: <sip:srs@127.0.0.1>',
    'From: <sip:src@127.0.0.1>;tag=ot1',
    'Call-ID: options-1',
    'CSeq: 1 OPTIONS',
  ]);
}

const servers: SipServer[] = [];
const sockets: UdpSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function startServer(
  extra: Partial<
    Pick<SipServerOptions, 'isAdmissibleSource' | 'parseLimits' | 'onParseError' | 'onRefused'>
  > = {},
) {
  const handler = createFakeUserAgentHandler(() => ({
    status: 200,
    body: Buffer.from(SDP_ANSWER),
    contentType: 'application/sdp',
  }));
  const core = createSipUserAgentCore({ timers: createSystemTimerService(), handler });
  const errors: Error[] = [];
  const server = createSipServer({
    transports: listenOnUdpAndTcp('127.0.0.1', 0),
    core,
    onError: (e) => errors.push(e),
    ...extra,
  });
  servers.push(server);
  const bound = await server.start();
  return { server, handler, bound, port: bound[0]!.port, errors };
}

async function udpClient() {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const inbox: SipResponse[] = [];
  socket.on('message', (msg) => {
    const parsed = parseDatagram(msg);
    if (parsed.kind === 'response') inbox.push(parsed);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    inbox,
    send: (bytes: Buffer, port: number) => socket.send(bytes, port, '127.0.0.1'),
  };
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createSipServer over real sockets (RFC 3261 §18)', () => {
  it('listens for UDP and TCP on the same ephemeral port', async () => {
    const { bound } = await startServer();
    expect(bound.map((b) => b.transport)).toEqual(['udp', 'tcp']);
    expect(bound[0]!.port).toBeGreaterThan(0);
    expect(bound[1]!.port).toBe(bound[0]!.port);
  });

  it('RFC 3261 §11.2, RFC 3581 §4: an OPTIONS over UDP gets 200, sent to the source port when the client asks with rport', async () => {
    const { port, server } = await startServer();
    const client = await udpClient();
    // sent-by names a port nobody listens on; rport makes the answer come to the real one.
    client.send(options('UDP', '127.0.0.1:9', ';rport'), port);
    await waitFor(() => client.inbox.length === 1);
    const res = client.inbox[0]!;
    expect(res.status).toBe(200);
    expect(getHeader(res, 'Allow')).toBe('INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE');
    expect(getHeader(res, 'Via')).toContain(`;rport=${client.port};received=127.0.0.1`);
    expect(server.stats()).toMatchObject({ messagesIn: 1, messagesOut: 1, parseErrors: 0 });
  });

  it('RFC 3261 §18.2.2: without rport a UDP response goes to the sent-by port', async () => {
    const { port } = await startServer();
    const client = await udpClient();
    client.send(options('UDP', `127.0.0.1:${client.port}`), port);
    await waitFor(() => client.inbox.length === 1);
    expect(client.inbox[0]!.status).toBe(200);
  });

  it('RFC 3261 §18.2.2: an OPTIONS over TCP gets 200 on the same connection', async () => {
    const { port, server } = await startServer();
    const socket = connect({ host: '127.0.0.1', port });
    const framer = createStreamFramer();
    const inbox: SipResponse[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.kind !== 'message') continue;
        const parsed = parseFramedMessage(ev.bytes);
        if (parsed.kind === 'response') inbox.push(parsed);
      }
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(options('TCP', 'client.invalid:5060'));
    await waitFor(() => inbox.length === 1);
    expect(inbox[0]!.status).toBe(200);
    expect(getHeader(inbox[0]!, 'Accept')).toContain('application/rs-metadata+xml');
    expect(server.stats().connectionsOpen).toBe(1);
    socket.destroy();
  });

  it('RFC 3261 §13.3.1.4: an INVITE over UDP gets 100 and 200; the retransmitted INVITE is absorbed; ACK and BYE complete the call', async () => {
    const { port, server, handler } = await startServer();
    const client = await udpClient();
    const invite = message(
      [
        'INVITE sip:srs@127.0.0.1 SIP/2.0',
        `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bKinv1;rport`,
        'Max-Forwards: 70',
        'To: <sip:srs@127.0.0.1>',
        'From: <sip:src@127.0.0.1>;tag=ft1',
        'Call-ID: call-udp-1',
        'CSeq: 1 INVITE',
        `Contact: <sip:src@127.0.0.1:${client.port}>`,
        'Content-Type: application/sdp',
      ],
      'v=0\r\no=src 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
    );
    client.send(invite, port);
    await waitFor(() => client.inbox.some((r) => r.status === 200));
    client.send(invite, port);
    await waitFor(() => server.stats().retransmissionsAbsorbed === 1);
    const ok = client.inbox.find((r) => r.status === 200)!;
    const tag = getTo(ok)?.params.tag;
    expect(Buffer.from(ok.body).toString()).toBe(SDP_ANSWER);
    const inDialog = (method: string, cseq: number, branch: string) =>
      message([
        `${method} sip:srs@127.0.0.1 SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=${branch}`,
        'Max-Forwards: 70',
        `To: <sip:srs@127.0.0.1>;tag=${String(tag)}`,
        'From: <sip:src@127.0.0.1>;tag=ft1',
        'Call-ID: call-udp-1',
        `CSeq: ${cseq} ${method}`,
      ]);
    client.send(inDialog('ACK', 1, 'z9hG4bKack1'), port);
    client.send(inDialog('BYE', 2, 'z9hG4bKbye1'), port);
    await waitFor(() => client.inbox.some((r) => getHeader(r, 'CSeq') === '2 BYE'));
    expect(handler.events.map((e) => e.kind)).toEqual(['invite', 'ack', 'bye']);
    expect(server.stats().core).toMatchObject({ dialogs: 0, dialogsCreated: 1 });
  });

  it('RFC 3261 §8.2.2, RFC 4475 §3.1.2: a request that parses only partly gets the 400 built from it; garbage is dropped and counted', async () => {
    const { port, server } = await startServer();
    const client = await udpClient();
    const bad = options('UDP', `127.0.0.1:${client.port}`)
      .toString()
      .replace('Max-Forwards: 70', 'Max-Forwards: many');
    client.send(Buffer.from(bad), port);
    await waitFor(() => client.inbox.length === 1);
    expect(client.inbox[0]!.status).toBe(400);
    client.send(Buffer.from('\x00\x01 definitely not SIP\r\n\r\n'), port);
    client.send(Buffer.from('\r\n\r\n'), port);
    await waitFor(() => server.stats().messagesIn === 3);
    expect(server.stats()).toMatchObject({ parseErrors: 2, parseErrorResponses: 1, keepAlives: 1 });
    expect(client.inbox).toHaveLength(1);
  });

  it('RFC 3261 §8.2.2: a request with another SIP version gets 505', async () => {
    const { port } = await startServer();
    const client = await udpClient();
    const req = options('UDP', `127.0.0.1:${client.port}`)
      .toString()
      .replace('SIP/2.0\r\n', 'SIP/7.0\r\n');
    client.send(Buffer.from(req), port);
    await waitFor(() => client.inbox.length === 1);
    expect(client.inbox[0]!.status).toBe(505);
  });

  it('stop() closes every transport', async () => {
    const { server, port } = await startServer();
    servers.splice(servers.indexOf(server), 1);
    await server.stop();
    const socket = connect({ host: '127.0.0.1', port });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) =>
      socket.once('error', resolve),
    );
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('a transport the factories do not offer is refused by name', async () => {
    await expect(
      listenSipTransport(
        'tls',
        { host: '127.0.0.1', port: 0 },
        { udp: SIP_TRANSPORT_FACTORIES.udp },
      ),
    ).rejects.toThrow('no SIP transport "tls" is available');
  });

  it('RFC 3261 §26.2: the TLS transport does not start without a certificate', async () => {
    await expect(listenSipTransport('tls', { host: '127.0.0.1', port: 0 })).rejects.toThrow(
      'the TLS transport needs a certificate',
    );
  });
});

/** A TCP client that frames and parses what the server sends back. */
async function tcpClient(port: number, localAddress = '127.0.0.1') {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  const framer = createStreamFramer();
  const inbox: SipResponse[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const ev of framer.push(chunk)) {
      if (ev.kind !== 'message') continue;
      const parsed = parseFramedMessage(ev.bytes);
      if (parsed.kind === 'response') inbox.push(parsed);
    }
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), closed]);
  return { socket, inbox, closed };
}

describe('createSipServer: refused messages and sources', () => {
  it('RFC 3261 §21.4.1, §20.43: a malformed Request-Line over TCP gets 400 naming the problem, with a Warning, and the connection stays', async () => {
    const events: SipParseErrorEvent[] = [];
    const { port, server } = await startServer({ onParseError: (e) => events.push(e) });
    const client = await tcpClient(port);
    client.socket.write(
      options('TCP', 'client.invalid:5060')
        .toString()
        .replace('OPTIONS sip:srs@127.0.0.1 SIP/2.0', 'OPTIONS  sip:srs@127.0.0.1 SIP/2.0'),
    );
    await waitFor(() => client.inbox.length === 1);
    const res = client.inbox[0]!;
    expect(`${res.status} ${res.reason}`).toBe('400 Bad Request-Line');
    expect(getHeader(res, 'Warning')).toBe(
      '399 callvault "Request-Line must be \\"Method SP Request-URI SP SIP-Version\\""',
    );
    expect(getHeader(res, 'CSeq')).toBe('1 OPTIONS');
    client.socket.write(options('TCP', 'client.invalid:5060'));
    await waitFor(() => client.inbox.length === 2);
    expect(client.inbox[1]!.status).toBe(200);
    expect(events).toMatchObject([{ reason: 'start-line', answered: 400 }]);
    expect(server.stats().parseErrorCounts).toEqual([
      { reason: 'start-line', header: '', count: 1 },
    ]);
    client.socket.destroy();
  });

  it('RFC 3261 §21.5.14: a message over the size limit over TCP gets 513 and the stream stays in sync', async () => {
    const { port, server } = await startServer({ parseLimits: { maxMessageBytes: 2048 } });
    const client = await tcpClient(port);
    const big = options('TCP', 'client.invalid:5060')
      .toString()
      .replace('Content-Length: 0\r\n\r\n', `Content-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
    client.socket.write(big);
    client.socket.write(options('TCP', 'client.invalid:5060'));
    await waitFor(() => client.inbox.length === 2);
    expect(client.inbox.map((r) => `${r.status} ${r.reason}`)).toEqual([
      '513 Message Too Large',
      '200 OK',
    ]);
    expect(server.stats().parseErrorCounts).toEqual([
      { reason: 'too-large', header: '', count: 1 },
    ]);
    client.socket.destroy();
  });

  it('RFC 3261 §18.3: a TCP message without Content-Length gets 400 naming it, then the connection is closed', async () => {
    const { port } = await startServer();
    const client = await tcpClient(port);
    client.socket.write(
      options('TCP', 'client.invalid:5060').toString().replace('Content-Length: 0\r\n', ''),
    );
    await client.closed;
    expect(client.inbox.map((r) => `${r.status} ${r.reason}`)).toEqual(['400 Bad Content-Length']);
  });

  it('RFC 3261 §21.5.14: an oversized UDP datagram gets 513 built from its head', async () => {
    const { port } = await startServer({ parseLimits: { maxHeaderLineBytes: 512 } });
    const client = await udpClient();
    const req = options('UDP', `127.0.0.1:${client.port}`)
      .toString()
      .replace('Max-Forwards: 70', `Max-Forwards: 70\r\nX-Pad: ${'p'.repeat(2000)}`);
    client.send(Buffer.from(req), port);
    await waitFor(() => client.inbox.length === 1);
    expect(`${client.inbox[0]!.status} ${client.inbox[0]!.reason}`).toBe('513 Message Too Large');
  });

  it('a UDP datagram from a source outside every trunk is dropped unanswered; a TCP one is reset', async () => {
    const refusals: string[] = [];
    const { port, server } = await startServer({
      isAdmissibleSource: (address) => address !== '127.0.0.1',
      onRefused: (r) => refusals.push(`${r.transport} ${r.reason} ${r.address}`),
    });
    const client = await udpClient();
    client.send(options('UDP', `127.0.0.1:${client.port}`), port);
    const tcp = await tcpClient(port);
    await tcp.closed;
    await waitFor(() => server.stats().transports.every((t) => t.refused['unknown-source'] === 1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.inbox).toHaveLength(0);
    expect(server.stats()).toMatchObject({ messagesIn: 0, messagesOut: 0 });
    expect(refusals.sort()).toEqual([
      'tcp unknown-source 127.0.0.1',
      'udp unknown-source 127.0.0.1',
    ]);
  });

  it('RFC 4475 §3.4.1: the RFC 2543-style INVITE (no Contact, branch, From tag, Max-Forwards or Content-Length) is answered 200', async () => {
    const { port, handler } = await startServer();
    const client = await udpClient();
    const fixture = fs.readFileSync(
      new URL('../../../test-fixtures/rfc4475/inv2543.dat', import.meta.url),
    );
    const invite = fixture
      .toString('latin1')
      .replace('Via: SIP/2.0/UDP iftgw.example.com', `Via: SIP/2.0/UDP 127.0.0.1:${client.port}`);
    client.send(Buffer.from(invite, 'latin1'), port);
    await waitFor(() => client.inbox.some((r) => r.status === 200));
    expect(handler.events.map((e) => e.kind)).toEqual(['invite']);
  });
});
