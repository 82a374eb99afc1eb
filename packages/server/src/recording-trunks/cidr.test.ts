import { describe, expect, it } from 'vitest';
import { formatCidr, matchesAnyCidr, parseCidr } from './cidr.js';

describe('trunk source networks', () => {
  it.each([
    ['127.0.0.1/32', '127.0.0.1/32'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.0.2.7', '192.0.2.7/32'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::1', '::1/128'],
  ])('parses %s', (text, formatted) => {
    expect(formatCidr(parseCidr(text)!)).toBe(formatted);
  });

  it.each([
    '',
    'localhost',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '1.2.3.4/8/9',
    '2001:db8::/129',
    '300.1.1.1/8',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });

  it('matches addresses, including IPv4-mapped IPv6 from dual-stack sockets', () => {
    const cidrs = ['10.1.0.0/16', '2001:db8::/32'].map((c) => parseCidr(c)!);
    expect(matchesAnyCidr('10.1.2.3', cidrs)).toBe(true);
    expect(matchesAnyCidr('::ffff:10.1.2.3', cidrs)).toBe(true);
    expect(matchesAnyCidr('10.2.0.1', cidrs)).toBe(false);
    expect(matchesAnyCidr('2001:db8::5', cidrs)).toBe(true);
    expect(matchesAnyCidr('2001:db9::5', cidrs)).toBe(false);
    expect(matchesAnyCidr('garbage', cidrs)).toBe(false);
  });
});
