import { describe, expect, it } from 'vitest';
import { formatUri, parseUri, SipParseError } from './index.js';

describe('parseUri / formatUri', () => {
  it('RFC 3261 §19.1.1: a SIP URI has user, password, host, port, uri-parameters and headers', () => {
    const uri = parseUri(
      'sip:alice:secretword@atlanta.com:5061;transport=TCP;lr?subject=project%20x&priority=urgent',
    );
    expect(uri).toEqual({
      kind: 'sip',
      scheme: 'sip',
      user: 'alice',
      password: 'secretword',
      host: 'atlanta.com',
      port: 5061,
      params: { transport: 'TCP', lr: null },
      headers: [
        { name: 'subject', value: 'project x' },
        { name: 'priority', value: 'urgent' },
      ],
    });
  });

  it('RFC 3261 §19.1.3: sips, IPv4, IPv6 references and user=phone examples parse', () => {
    expect(parseUri('sips:1212@gateway.com')).toMatchObject({
      scheme: 'sips',
      user: '1212',
      host: 'gateway.com',
    });
    expect(parseUri('sip:alice@192.0.2.4')).toMatchObject({ host: '192.0.2.4' });
    expect(parseUri('sip:[2001:db8::10]:5070')).toMatchObject({
      host: '[2001:db8::10]',
      port: 5070,
    });
    expect(parseUri('sip:+1-212-555-1212:1234@gateway.com;user=phone')).toMatchObject({
      user: '+1-212-555-1212',
      password: '1234',
      params: { user: 'phone' },
    });
    expect(parseUri('sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com')).toMatchObject({
      host: 'atlanta.com',
      params: { method: 'REGISTER' },
      headers: [{ name: 'to', value: 'alice@atlanta.com' }],
    });
  });

  it('RFC 3261 §19.1.4: scheme and parameter names compare case-insensitively', () => {
    const uri = parseUri('SIP:carol@chicago.com;Transport=udp');
    expect(uri).toMatchObject({ scheme: 'sip', params: { transport: 'udp' } });
  });

  it('RFC 3966: tel URIs keep the number and parameters', () => {
    expect(parseUri('tel:+1-201-555-0123;ext=1234')).toEqual({
      kind: 'tel',
      scheme: 'tel',
      number: '+1-201-555-0123',
      params: { ext: '1234' },
    });
    expect(parseUri('tel:7042;phone-context=example.com')).toMatchObject({ number: '7042' });
  });

  it('RFC 3261 §25.1 absoluteURI: other schemes are kept opaque', () => {
    expect(parseUri('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toEqual({
      kind: 'opaque',
      scheme: 'urn',
      opaque: 'uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    });
  });

  it('RFC 3261 §25.1: a "%" must start a two-hex-digit escape in a SIP URI', () => {
    expect(() => parseUri('sip:a%4@example.com')).toThrow(SipParseError);
    expect(() => parseUri('sip:a%zz@example.com')).toThrow(/invalid %-escape/);
  });

  it.each([
    ['', 'no scheme'],
    ['example.com', 'no scheme'],
    ['sip:', 'empty after scheme'],
    ['sip:user@', 'bad host'],
    ['sip:@example.com', 'empty user'],
    ['sip:example.com:', 'bad port'],
    ['sip:example.com:70000', 'port out of range'],
    ['sip:[2001:db8::1', 'unterminated IPv6'],
    ['sip:exa mple.com', 'whitespace'],
    ['sip:example.com;;lr', 'empty uri-parameter'],
    ['sip:example.com?', 'empty headers'],
    ['sip:ex/ample.com', 'bad host'],
    ['tel:', 'empty after scheme'],
    ['tel:abc-xyz', 'telephone-subscriber'],
    ['1sip:x', 'bad scheme'],
  ])('RFC 3261 §25.1: "%s" is refused (%s)', (text, why) => {
    expect(() => parseUri(text)).toThrow(new RegExp(why));
  });

  it('RFC 3261 §19.1.2: formatUri escapes what the grammar reserves, and round-trips', () => {
    const uri = parseUri(
      'sip:I%20have%20spaces:p%40ss@example.net:5060;n%61me=v%61lue%25%34%31;lr?Route=%3Csip:sip.example.com%3E',
    );
    const text = formatUri(uri);
    expect(text).toBe(
      'sip:I%20have%20spaces:p%40ss@example.net:5060;name=value%2541;lr?Route=%3Csip:sip.example.com%3E',
    );
    expect(parseUri(text)).toEqual(uri);
    expect(formatUri(parseUri('tel:+1-201-555-0123;ext=1234'))).toBe(
      'tel:+1-201-555-0123;ext=1234',
    );
    expect(formatUri(parseUri('urn:x:y'))).toBe('urn:x:y');
  });

  it('RFC 4475 §3.1.1.4: an escaped NUL survives decoding and formatting', () => {
    const uri = parseUri('sip:null-%00-null@example.com');
    expect(uri.kind === 'sip' && uri.user).toBe('null-\u0000-null');
    expect(formatUri(uri)).toBe('sip:null-%00-null@example.com');
  });
});
