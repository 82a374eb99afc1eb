import { describe, expect, it } from 'vitest';
import { anySourceAdmission, createOpenedPeers, normalizePeerAddress } from './opened-peers.js';

describe('opened peers: sources the recorder opened legs towards', () => {
  it('lets a peer in per transport while a leg is open, the last release taking it out', () => {
    const peers = createOpenedPeers();
    expect(peers.has('192.0.2.10', 'udp')).toBe(false);
    const first = peers.open({ transport: 'udp', address: '192.0.2.10' });
    const second = peers.open({ transport: 'udp', address: '192.0.2.10' });
    expect(peers.has('192.0.2.10', 'udp')).toBe(true);
    expect(peers.has('192.0.2.10', 'tcp')).toBe(false);
    expect(peers.has('192.0.2.11', 'udp')).toBe(false);
    expect(peers.size).toBe(1);
    first();
    first();
    expect(peers.has('192.0.2.10', 'udp')).toBe(true);
    second();
    expect(peers.has('192.0.2.10', 'udp')).toBe(false);
    expect(peers.size).toBe(0);
  });

  it('an IPv4 peer matches its IPv4-mapped IPv6 form; IPv6 compares case-insensitively', () => {
    const peers = createOpenedPeers();
    peers.open({ transport: 'udp', address: '198.51.100.7' });
    expect(peers.has('::ffff:198.51.100.7', 'udp')).toBe(true);
    peers.open({ transport: 'tcp', address: '2001:DB8::1' });
    expect(peers.has('2001:db8::1', 'tcp')).toBe(true);
    expect(normalizePeerAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizePeerAddress('::ffff:abcd')).toBe('::ffff:abcd');
  });

  it('combined with the trunk admission: either lets a source in', () => {
    const peers = createOpenedPeers();
    const trunks = (address: string) => address === '127.0.0.1';
    const admit = anySourceAdmission(trunks, (address, transport) => peers.has(address, transport));
    expect(admit('127.0.0.1', 'udp')).toBe(true);
    expect(admit('203.0.113.5', 'udp')).toBe(false);
    const release = peers.open({ transport: 'udp', address: '203.0.113.5' });
    expect(admit('203.0.113.5', 'udp')).toBe(true);
    release();
    expect(admit('203.0.113.5', 'udp')).toBe(false);
  });
});
