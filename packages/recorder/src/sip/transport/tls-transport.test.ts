import { X509Certificate } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import {
  connect as tlsConnect,
  createSecureContext,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listenTlsTransport, type TlsTransportOptions } from './stream-transport.js';
import type { SipRefusal, SipSource, SipTlsPeer, SipTransport } from './sip-transport.js';

const OPTIONS = Buffer.from(
  [
    'OPTIONS sip:srs@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKs1',
    'Max-Forwards: 70',
    'To: <sip:srs@127.0.0.1>',
    'From: <sip:src@127.0.0.1>;tag=1',
    'Call-ID: tls-1',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
);

interface Pem {
  readonly cert: string;
  readonly key: string;
}

async function makeCertificate(commonName: string): Promise<Pem> {
  const made = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  return { cert: made.cert, key: made.private };
}

let serverA: Pem;
let serverB: Pem;
let client: Pem;
beforeAll(async () => {
  [serverA, serverB, client] = await Promise.all([
    makeCertificate('recorder-a'),
    makeCertificate('recorder-b'),
    makeCertificate('sbc.example.com'),
  ]);
});

function contextOf(pem: Pem): SecureContext {
  return createSecureContext({ cert: pem.cert, key: pem.key, minVersion: 'TLSv1.2' });
}

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function listen(options: Partial<TlsTransportOptions> = {}) {
  const transport = await listenTlsTransport({
    host: '127.0.0.1',
    port: 0,
    secureContext: () => contextOf(serverA),
    ...options,
  });
  open.push(transport);
  const received: Array<{ bytes: Buffer; source: SipSource }> = [];
  const refusals: SipRefusal[] = [];
  transport.on('message', (bytes, source) => received.push({ bytes: Buffer.from(bytes), source }));
  transport.on('refused', (refusal) => refusals.push(refusal));
  return { transport, received, refusals };
}

interface Client {
  readonly socket: TLSSocket;
  readonly data: Buffer[];
  readonly closed: Promise<void>;
  readonly secure: boolean;
}

async function dialTls(
  transport: SipTransport,
  options: { cert?: Pem; localAddress?: string; maxVersion?: 'TLSv1.1' | 'TLSv1.2' } = {},
): Promise<Client> {
  const socket = tlsConnect({
    socket: netConnect({
      host: '127.0.0.1',
      port: transport.local.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    }),
    rejectUnauthorized: false,
    ...(options.cert ? { cert: options.cert.cert, key: options.cert.key } : {}),
    ...(options.maxVersion
      ? {
          maxVersion: options.maxVersion,
          minVersion: 'TLSv1' as const,
          ciphers: 'DEFAULT:@SECLEVEL=0',
        }
      : {}),
  });
  const data: Buffer[] = [];
  socket.on('data', (d: Buffer) => data.push(d));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const secure = await Promise.race([
    new Promise<boolean>((resolve) => socket.once('secureConnect', () => resolve(true))),
    closed.then(() => false),
  ]);
  open.push({ close: () => void socket.destroy() });
  return { socket, data, closed, secure };
}

async function dialRaw(transport: SipTransport, localAddress = '127.0.0.1') {
  const socket: Socket = netConnect({
    host: '127.0.0.1',
    port: transport.local.port,
    localAddress,
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), closed]);
  open.push({ close: () => void socket.destroy() });
  return { socket, closed };
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TLS transport (RFC 3261 §26, RFC 8446, RFC 5246)', () => {
  it('RFC 3261 §26.2: a message over TLS 1.3 is framed and its source says tls, with the verified peer', async () => {
    const seen: SipTlsPeer[] = [];
    const { transport, received } = await listen({
      verifyPeer: (peer) => {
        seen.push(peer);
        return {
          ok: true,
          identity: { fingerprint: 'F', subject: 'CN=sbc.example.com', authorizedFor: ['trunk-1'] },
        };
      },
    });
    const c = await dialTls(transport, { cert: client });
    expect(c.socket.getProtocol()).toBe('TLSv1.3');
    c.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    expect(received[0]!.bytes.equals(OPTIONS)).toBe(true);
    expect(received[0]!.source).toMatchObject({
      transport: 'tls',
      address: '127.0.0.1',
      peer: { authorizedFor: ['trunk-1'] },
    });
    expect(seen).toHaveLength(1);
    const leaf = new X509Certificate(Buffer.from(seen[0]!.certificates[0]!));
    expect(leaf.fingerprint256).toBe(new X509Certificate(client.cert).fingerprint256);
    expect(seen[0]!.protocol).toBe('TLSv1.3');
  });

  it('RFC 5246: TLS 1.2 is accepted', async () => {
    const { transport, received } = await listen();
    const c = await dialTls(transport, { maxVersion: 'TLSv1.2' });
    expect(c.socket.getProtocol()).toBe('TLSv1.2');
    c.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
  });

  it('TLS 1.1 and older are refused at the handshake, and counted', async () => {
    const { transport, received, refusals } = await listen();
    const c = await dialTls(transport, { maxVersion: 'TLSv1.1' });
    expect(c.secure).toBe(false);
    await waitFor(() => refusals.length === 1);
    expect(refusals[0]!.reason).toBe('handshake-failed');
    expect(received).toHaveLength(0);
    expect(transport.stats().refused['handshake-failed']).toBe(1);
  });

  it('a client the verifier refuses is reset after the handshake; its SIP octets are never read', async () => {
    const { transport, received, refusals } = await listen({
      verifyPeer: (peer) =>
        peer.certificates.length === 0
          ? { ok: false, reason: 'no-certificate' }
          : { ok: true, identity: null },
    });
    const c = await dialTls(transport);
    c.socket.write(OPTIONS);
    await c.closed;
    await waitFor(() => refusals.length === 1);
    expect(refusals[0]).toMatchObject({ reason: 'peer-certificate', detail: 'no-certificate' });
    expect(received).toHaveLength(0);
    expect(transport.stats().bytesIn).toBe(0);
    expect(transport.stats().connectionsOpen).toBe(0);
  });

  it('a new certificate serves new handshakes while a live connection keeps working', async () => {
    let current = contextOf(serverA);
    const { transport, received } = await listen({ secureContext: () => current });
    const before = await dialTls(transport);
    const fingerprintA = new X509Certificate(serverA.cert).fingerprint256;
    expect(before.socket.getPeerX509Certificate()?.fingerprint256).toBe(fingerprintA);
    current = contextOf(serverB);
    const after = await dialTls(transport);
    expect(after.socket.getPeerX509Certificate()?.fingerprint256).toBe(
      new X509Certificate(serverB.cert).fingerprint256,
    );
    before.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    expect(received[0]!.source.connectionId).toBeDefined();
  });

  it('RFC 5626 §3.5.1: a CRLFCRLF ping over TLS is answered with a CRLF pong', async () => {
    const { transport } = await listen();
    const c = await dialTls(transport);
    c.socket.write('\r\n\r\n');
    await waitFor(() => Buffer.concat(c.data).toString() === '\r\n');
    expect(transport.stats().pings).toBe(1);
  });

  it('RFC 5923 §5: a connection aliased for its sent-by port carries requests sent to that port', async () => {
    const { transport, received } = await listen();
    const c = await dialTls(transport);
    c.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    const { connectionId } = received[0]!.source;
    // Another address cannot be aliased onto the connection.
    transport.addAlias?.(connectionId!, '127.0.0.9', 5999);
    transport.addAlias?.(connectionId!, '127.0.0.1', 5999);
    await transport.send(Buffer.from('BYE-bytes'), {
      transport: 'tls',
      address: '127.0.0.1',
      port: 5999,
    });
    await waitFor(() => Buffer.concat(c.data).toString() === 'BYE-bytes');
    expect(transport.stats().connectionsOpen).toBe(1);
  });

  it('a request to a TLS peer without a connection opens one, checked by the same verifier', async () => {
    const peer = await listen({ secureContext: () => contextOf(serverB) });
    const fingerprints: string[] = [];
    const { transport } = await listen({
      verifyPeer: (p) => {
        fingerprints.push(new X509Certificate(Buffer.from(p.certificates[0]!)).fingerprint256);
        return { ok: true, identity: null };
      },
    });
    await transport.send(OPTIONS, {
      transport: 'tls',
      address: '127.0.0.1',
      port: peer.transport.local.port,
    });
    await waitFor(() => peer.received.length === 1);
    expect(fingerprints).toEqual([new X509Certificate(serverB.cert).fingerprint256]);
  });
});

describe('TLS transport under abuse', () => {
  it('connections that never complete the handshake hit the per-source cap and are closed at the deadline; other peers are served', async () => {
    const { transport, received, refusals } = await listen({
      maxConnectionsPerSource: 4,
      handshakeTimeoutMs: 300,
    });
    const stalled = await Promise.all(Array.from({ length: 8 }, () => dialRaw(transport)));
    await waitFor(() => refusals.filter((r) => r.reason === 'source-limit').length === 4);
    const honest = await dialTls(transport, { localAddress: '127.0.0.2' });
    expect(honest.secure).toBe(true);
    honest.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    await Promise.all(stalled.map((s) => s.closed));
    expect(refusals.filter((r) => r.reason === 'handshake-timeout')).toHaveLength(4);
    await waitFor(() => transport.stats().connectionsOpen === 1);
  });

  it('a total cap counts connections still in their handshake', async () => {
    const { transport, refusals } = await listen({ maxConnections: 3, handshakeTimeoutMs: 5000 });
    await Promise.all(Array.from({ length: 3 }, () => dialRaw(transport)));
    const late = await dialTls(transport, { localAddress: '127.0.0.3' });
    expect(late.secure).toBe(false);
    await waitFor(() => refusals.some((r) => r.reason === 'connection-limit'));
  });

  it('a client sending one octet at a time after the handshake is closed at the message deadline', async () => {
    const { transport, received, refusals } = await listen({ messageTimeoutMs: 300 });
    const c = await dialTls(transport);
    let stop = false;
    void (async () => {
      for (const octet of OPTIONS) {
        if (stop || c.socket.destroyed) return;
        c.socket.write(Buffer.from([octet]));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await c.closed;
    stop = true;
    expect(refusals.map((r) => r.reason)).toEqual(['message-timeout']);
    expect(received).toHaveLength(0);
  });

  it('a handshake that sends garbage instead of a ClientHello is refused and counted', async () => {
    const { transport, refusals } = await listen();
    const raw = await dialRaw(transport);
    raw.socket.write('INVITE sip:x SIP/2.0\r\n\r\n');
    await raw.closed;
    await waitFor(() => refusals.length === 1);
    expect(refusals[0]!.reason).toBe('handshake-failed');
  });
});
