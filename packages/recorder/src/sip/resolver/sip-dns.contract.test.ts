// One contract for every SipDnsPort: the node:dns implementation (against a DNS server on
// loopback serving the zone below, encoded with dns-packet) and the in-memory fake.
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSipDns, type SipDnsZone } from './fake-sip-dns.js';
import { createNodeSipDns } from './node-sip-dns.js';
import { normalizeDnsName, SipDnsError, type SipDnsPort } from './sip-dns.js';

const ZONE: SipDnsZone = {
  naptr: {
    'example.test': [
      {
        order: 50,
        preference: 50,
        flags: 's',
        service: 'SIPS+D2T',
        regexp: '',
        replacement: '_sips._tcp.example.test',
      },
      {
        order: 90,
        preference: 50,
        flags: 's',
        service: 'SIP+D2T',
        regexp: '',
        replacement: '_sip._tcp.example.test',
      },
    ],
  },
  srv: {
    '_sip._tcp.example.test': [
      { priority: 0, weight: 10, port: 5060, target: 'host1.example.test' },
      { priority: 1, weight: 0, port: 5070, target: 'host2.example.test' },
    ],
  },
  a: { 'host1.example.test': ['192.0.2.10'], 'host2.example.test': ['192.0.2.20'] },
  aaaa: { 'host1.example.test': ['2001:db8::10'] },
  failing: ['broken.example.test'],
};

/** A loopback DNS server answering from ZONE: NXDOMAIN for unknown names, SERVFAIL for failing. */
async function startZoneServer(zone: SipDnsZone, silent: readonly string[]) {
  const socket: Socket = createSocket('udp4');
  const known = new Set(
    [zone.naptr, zone.srv, zone.a, zone.aaaa]
      .flatMap((t) => Object.keys(t ?? {}))
      .map(normalizeDnsName),
  );
  const find = <T>(table: Readonly<Record<string, readonly T[]>> | undefined, name: string) =>
    Object.entries(table ?? {}).find(([k]) => normalizeDnsName(k) === name)?.[1] ?? [];
  socket.on('message', (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const question = query.questions?.[0];
    if (!question) return;
    const name = normalizeDnsName(question.name);
    if (silent.includes(name)) return;
    let rcode = 0;
    const answers: dnsPacket.Answer[] = [];
    if ((zone.failing ?? []).includes(name)) rcode = 2;
    else if (!known.has(name)) rcode = 3;
    else if (question.type === 'NAPTR') {
      for (const r of find(zone.naptr, name)) {
        answers.push({
          type: 'NAPTR',
          name: question.name,
          ttl: 60,
          data: { ...r, services: r.service },
        });
      }
    } else if (question.type === 'SRV') {
      for (const r of find(zone.srv, name))
        answers.push({ type: 'SRV', name: question.name, ttl: 60, data: r });
    } else if (question.type === 'A') {
      for (const ip of find(zone.a, name))
        answers.push({ type: 'A', name: question.name, ttl: 60, data: ip });
    } else if (question.type === 'AAAA') {
      for (const ip of find(zone.aaaa, name))
        answers.push({ type: 'AAAA', name: question.name, ttl: 60, data: ip });
    }
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: query.questions,
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

let server: Awaited<ReturnType<typeof startZoneServer>>;
beforeAll(async () => {
  server = await startZoneServer(ZONE, ['silent.example.test']);
});
afterAll(async () => {
  await server.close();
});

const implementations: Array<[string, () => SipDnsPort]> = [
  ['fake', () => createFakeSipDns(ZONE)],
  [
    'node:dns',
    () => createNodeSipDns({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }),
  ],
];

describe.each(implementations)('SipDnsPort contract: %s', (_name, create) => {
  it('RFC 3403: NAPTR records come back with order, preference, flags, service and replacement', async () => {
    const records = await create().naptr('example.test');
    expect(records.sort((a, b) => a.order - b.order)).toEqual(ZONE.naptr?.['example.test']);
  });

  it('RFC 2782: SRV records come back with priority, weight, port and target', async () => {
    const records = await create().srv('_sip._tcp.example.test');
    expect(records.sort((a, b) => a.priority - b.priority)).toEqual(
      ZONE.srv?.['_sip._tcp.example.test'],
    );
  });

  it('addresses() gives the A addresses before the AAAA addresses', async () => {
    expect(await create().addresses('host1.example.test')).toEqual(['192.0.2.10', '2001:db8::10']);
  });

  it('names compare case-insensitively', async () => {
    expect(await create().addresses('HOST2.Example.Test')).toEqual(['192.0.2.20']);
  });

  it('a name without records of the type asked (NODATA) yields []', async () => {
    const dns = create();
    expect(await dns.naptr('host1.example.test')).toEqual([]);
    expect(await dns.srv('host2.example.test')).toEqual([]);
  });

  it('a name that does not exist (NXDOMAIN) yields []', async () => {
    const dns = create();
    expect(await dns.naptr('missing.example.test')).toEqual([]);
    expect(await dns.srv('_sip._udp.missing.example.test')).toEqual([]);
    expect(await dns.addresses('missing.example.test')).toEqual([]);
  });

  it('a server failure is a SipDnsError, not an empty answer', async () => {
    const dns = create();
    for (const lookup of [
      () => dns.naptr('broken.example.test'),
      () => dns.srv('broken.example.test'),
      () => dns.addresses('broken.example.test'),
    ]) {
      const error: unknown = await lookup().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SipDnsError);
      expect((error as SipDnsError).code).toBe('dns-failure');
    }
  });
});

describe('node:dns SipDnsPort', () => {
  it('a server that never answers is a SipDnsError with code dns-timeout', async () => {
    const dns = createNodeSipDns({
      servers: [`127.0.0.1:${server.port}`],
      timeoutMs: 200,
      tries: 1,
    });
    const error: unknown = await dns.srv('silent.example.test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SipDnsError);
    expect((error as SipDnsError).code).toBe('dns-timeout');
  });
});
