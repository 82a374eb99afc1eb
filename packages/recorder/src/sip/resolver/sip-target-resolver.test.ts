import { describe, expect, it } from 'vitest';
import { parseUri, type SipUri } from '../message/index.js';
import { createFakeSipDns, type SipDnsZone } from './fake-sip-dns.js';
import { SipDnsError, type SrvRecord } from './sip-dns.js';
import {
  orderSrvRecords,
  resolveSipTargets,
  SipResolveError,
  type SipTarget,
} from './sip-target-resolver.js';

function sipUri(text: string): SipUri {
  const uri = parseUri(text);
  if (uri.kind !== 'sip') throw new Error('sip URI expected');
  return uri;
}

function brief(targets: readonly SipTarget[]): string[] {
  return targets.map((t) => `${t.transport} ${t.address}:${t.port}`);
}

const HOSTS: SipDnsZone['a'] = {
  'a.vendor.test': ['192.0.2.1'],
  'b.vendor.test': ['192.0.2.2'],
  'c.vendor.test': ['192.0.2.3'],
  'vendor.test': ['192.0.2.99'],
};

describe('RFC 3263 §4: locating the vendor recorder', () => {
  it('RFC 3263 §4.1/§4.2: a numeric IP without transport uses UDP and port 5060, with no DNS query', async () => {
    const dns = createFakeSipDns({});
    const targets = await resolveSipTargets(sipUri('sip:srs@198.51.100.7'), dns);
    expect(targets).toEqual([
      { transport: 'udp', address: '198.51.100.7', port: 5060, serverName: '198.51.100.7' },
    ]);
    expect(dns.queries).toEqual([]);
  });

  it('RFC 3263 §4.1: a SIPS URI with a numeric IPv6 address uses TLS on 5061', async () => {
    const targets = await resolveSipTargets(sipUri('sips:srs@[2001:db8::7]'), createFakeSipDns({}));
    expect(brief(targets)).toEqual(['tls 2001:db8::7:5061']);
  });

  it('RFC 3263 §4.1: the transport parameter is used as given, with the port of the URI', async () => {
    const targets = await resolveSipTargets(
      sipUri('sip:srs@198.51.100.7:5080;transport=TCP'),
      createFakeSipDns({}),
    );
    expect(brief(targets)).toEqual(['tcp 198.51.100.7:5080']);
  });

  it('RFC 3263 §4.2: with a port in the URI the host is looked up with A/AAAA only', async () => {
    const dns = createFakeSipDns({ a: HOSTS, aaaa: { 'vendor.test': ['2001:db8::99'] } });
    const targets = await resolveSipTargets(sipUri('sip:srs@vendor.test:5090'), dns);
    expect(brief(targets)).toEqual(['udp 192.0.2.99:5090', 'udp 2001:db8::99:5090']);
    expect(dns.queries).toEqual(['A/AAAA vendor.test']);
  });

  it('RFC 3263 §4.2: a transport parameter without port asks SRV for that transport', async () => {
    const dns = createFakeSipDns({
      srv: {
        '_sip._tcp.vendor.test': [{ priority: 0, weight: 0, port: 5070, target: 'a.vendor.test' }],
      },
      a: HOSTS,
    });
    const targets = await resolveSipTargets(sipUri('sip:srs@vendor.test;transport=tcp'), dns);
    expect(brief(targets)).toEqual(['tcp 192.0.2.1:5070']);
    expect(dns.queries).toEqual(['SRV _sip._tcp.vendor.test', 'A/AAAA a.vendor.test']);
  });

  it('RFC 3263 §4.2: with a transport parameter and no SRV records, A/AAAA with the default port', async () => {
    const targets = await resolveSipTargets(
      sipUri('sip:srs@vendor.test;transport=tls'),
      createFakeSipDns({ a: HOSTS }),
    );
    expect(brief(targets)).toEqual(['tls 192.0.2.99:5061']);
  });

  it('RFC 3263 §4.1: NAPTR records are used in order and preference, keeping only supported services with the "s" flag', async () => {
    const dns = createFakeSipDns({
      naptr: {
        'vendor.test': [
          {
            order: 90,
            preference: 50,
            flags: 's',
            service: 'SIP+D2U',
            regexp: '',
            replacement: '_sip._udp.vendor.test',
          },
          {
            order: 50,
            preference: 50,
            flags: 'S',
            service: 'SIP+D2T',
            regexp: '',
            replacement: '_sip._tcp.vendor.test',
          },
          {
            order: 10,
            preference: 10,
            flags: 's',
            service: 'SIP+D2S',
            regexp: '',
            replacement: '_sip._sctp.vendor.test',
          },
          {
            order: 20,
            preference: 10,
            flags: 'a',
            service: 'SIP+D2U',
            regexp: '',
            replacement: 'c.vendor.test',
          },
        ],
      },
      srv: {
        '_sip._udp.vendor.test': [{ priority: 0, weight: 0, port: 5060, target: 'b.vendor.test' }],
        '_sip._tcp.vendor.test': [{ priority: 0, weight: 0, port: 5062, target: 'a.vendor.test' }],
      },
      a: HOSTS,
    });
    const targets = await resolveSipTargets(sipUri('sip:srs@vendor.test'), dns);
    expect(brief(targets)).toEqual(['tcp 192.0.2.1:5062', 'udp 192.0.2.2:5060']);
  });

  it('RFC 3263 §4.1: for a SIPS URI only SIPS+D2T NAPTR records count', async () => {
    const dns = createFakeSipDns({
      naptr: {
        'vendor.test': [
          {
            order: 10,
            preference: 10,
            flags: 's',
            service: 'SIP+D2U',
            regexp: '',
            replacement: '_sip._udp.vendor.test',
          },
          {
            order: 20,
            preference: 10,
            flags: 's',
            service: 'SIPS+D2T',
            regexp: '',
            replacement: '_sips._tcp.vendor.test',
          },
        ],
      },
      srv: {
        '_sip._udp.vendor.test': [{ priority: 0, weight: 0, port: 5060, target: 'b.vendor.test' }],
        '_sips._tcp.vendor.test': [{ priority: 0, weight: 0, port: 5061, target: 'a.vendor.test' }],
      },
      a: HOSTS,
    });
    const targets = await resolveSipTargets(sipUri('sips:srs@vendor.test'), dns);
    expect(targets).toEqual([
      { transport: 'tls', address: '192.0.2.1', port: 5061, serverName: 'vendor.test' },
    ]);
  });

  it('RFC 3263 §4.1: without NAPTR records, SRV is asked for each supported transport in the client preference', async () => {
    const dns = createFakeSipDns({
      srv: {
        '_sip._udp.vendor.test': [{ priority: 0, weight: 0, port: 5060, target: 'b.vendor.test' }],
        '_sips._tcp.vendor.test': [{ priority: 0, weight: 0, port: 5061, target: 'a.vendor.test' }],
      },
      a: HOSTS,
    });
    const targets = await resolveSipTargets(sipUri('sip:srs@vendor.test'), dns, {
      transports: ['tls', 'tcp', 'udp'],
    });
    expect(brief(targets)).toEqual(['tls 192.0.2.1:5061', 'udp 192.0.2.2:5060']);
    expect(dns.queries.slice(0, 4)).toEqual([
      'NAPTR vendor.test',
      'SRV _sips._tcp.vendor.test',
      'A/AAAA a.vendor.test',
      'SRV _sip._tcp.vendor.test',
    ]);
  });

  it('RFC 3263 §4.1/§4.2: without NAPTR and SRV records, UDP (SIP) or TLS (SIPS) on the A/AAAA addresses and the default port', async () => {
    const dns = createFakeSipDns({ a: HOSTS });
    expect(brief(await resolveSipTargets(sipUri('sip:srs@vendor.test'), dns))).toEqual([
      'udp 192.0.2.99:5060',
    ]);
    expect(brief(await resolveSipTargets(sipUri('sips:srs@vendor.test'), dns))).toEqual([
      'tls 192.0.2.99:5061',
    ]);
  });

  it('RFC 2782: an SRV target of "." means the service is decidedly not available: no A/AAAA fallback', async () => {
    const dns = createFakeSipDns({
      srv: { '_sip._udp.vendor.test': [{ priority: 0, weight: 0, port: 0, target: '.' }] },
      a: HOSTS,
    });
    expect(await resolveSipTargets(sipUri('sip:srs@vendor.test;transport=udp'), dns)).toEqual([]);
  });

  it('RFC 3263 §4.1: a name DNS does not know gives no targets', async () => {
    expect(await resolveSipTargets(sipUri('sip:srs@nowhere.test'), createFakeSipDns({}))).toEqual(
      [],
    );
  });

  it('a DNS failure propagates as SipDnsError rather than an empty list', async () => {
    const dns = createFakeSipDns({ failing: ['vendor.test'] });
    await expect(resolveSipTargets(sipUri('sip:srs@vendor.test'), dns)).rejects.toBeInstanceOf(
      SipDnsError,
    );
  });

  it('a transport parameter this client does not support is a SipResolveError', async () => {
    const dns = createFakeSipDns({});
    await expect(
      resolveSipTargets(sipUri('sip:srs@198.51.100.7;transport=sctp'), dns),
    ).rejects.toBeInstanceOf(SipResolveError);
    await expect(
      resolveSipTargets(sipUri('sip:srs@198.51.100.7;transport=udp'), dns, { transports: ['tcp'] }),
    ).rejects.toBeInstanceOf(SipResolveError);
  });
});

describe('RFC 2782: SRV ordering', () => {
  const records: SrvRecord[] = [
    { priority: 20, weight: 0, port: 1, target: 'low.test' },
    { priority: 10, weight: 60, port: 2, target: 'heavy.test' },
    { priority: 10, weight: 40, port: 3, target: 'light.test' },
    { priority: 10, weight: 0, port: 4, target: 'zero.test' },
  ];

  it('RFC 2782: lower priority values come first, whatever the weights', () => {
    const ordered = orderSrvRecords(records, () => 0.99);
    expect(ordered.at(-1)?.target).toBe('low.test');
  });

  it.each<[number, string]>([
    [0, 'zero.test'],
    [0.5, 'heavy.test'],
    [0.99, 'light.test'],
  ])(
    'RFC 2782: within a priority, a random number %f picks %s first (running sums of weights, zero weights first)',
    (random, first) => {
      expect(orderSrvRecords(records, () => random)[0]?.target).toBe(first);
    },
  );

  it('RFC 2782: every usable record appears once; "." targets are dropped', () => {
    const ordered = orderSrvRecords(
      [...records, { priority: 0, weight: 0, port: 0, target: '.' }],
      () => 0.3,
    );
    expect(ordered.map((r) => r.target).sort()).toEqual([
      'heavy.test',
      'light.test',
      'low.test',
      'zero.test',
    ]);
  });
});
