import { describe, expect, it } from 'vitest';
import { forbiddenAddressReason, validateTargetUrl } from './target-url.js';

const strict = { allowLoopback: false };
const tests = { allowLoopback: true };

describe('webhook target addresses (SSRF care)', () => {
  // [address, refused without the test allowance?, refused with it?]
  const table: Array<[string, boolean, boolean]> = [
    ['127.0.0.1', true, false],
    ['127.10.0.1', true, false],
    ['::1', true, false],
    ['::ffff:127.0.0.1', true, false],
    ['169.254.169.254', true, true],
    ['fe80::1', true, true],
    ['0.0.0.0', true, true],
    ['::', true, true],
    ['224.0.0.1', true, true],
    ['255.255.255.255', true, true],
    ['ff02::1', true, true],
    ['10.1.2.3', false, false],
    ['192.168.1.10', false, false],
    ['93.184.216.34', false, false],
    ['2001:db8::1', false, false],
  ];
  it.each(table)('%s: refused %s, with loopback allowed %s', (ip, refused, refusedInTests) => {
    expect(forbiddenAddressReason(ip, strict) !== null).toBe(refused);
    expect(forbiddenAddressReason(ip, tests) !== null).toBe(refusedInTests);
  });

  it.each([
    ['https://hooks.example.com/x', null],
    ['http://hooks.example.com:8080/x?y=1', null],
    ['ftp://hooks.example.com/', /http and https/],
    ['file:///etc/passwd', /http and https/],
    ['javascript:alert(1)', /http and https/],
    ['https://a:b@hooks.example.com/', /credentials/],
    ['http://localhost:9/', /loopback/],
    ['http://[::1]:9/', /loopback/],
    ['http://127.0.0.1:9/', /loopback/],
    ['http://169.254.169.254/', /link-local/],
    ['', /not a URL/],
  ] as const)('validateTargetUrl(%s)', (url, problem) => {
    if (problem === null) expect(validateTargetUrl(url, strict).href).toBe(new URL(url).href);
    else expect(() => validateTargetUrl(url, strict)).toThrow(problem);
  });

  it('allows loopback targets only with the test allowance', () => {
    expect(validateTargetUrl('http://127.0.0.1:9/', tests).port).toBe('9');
    expect(validateTargetUrl('http://localhost:9/', tests).hostname).toBe('localhost');
  });
});
