import { describe, expect, it } from 'vitest';
import {
  formatNameAddr,
  formatVia,
  isRfc3261Branch,
  parseContacts,
  parseCSeq,
  parseDeltaSeconds,
  parseMaxForwards,
  parseMediaType,
  parseNameAddr,
  parseNameAddrList,
  parseOptionTags,
  parseSipDate,
  parseVia,
  SipParseError,
  splitHeaderList,
  formatSipDate,
} from './index.js';

describe('name-addr and addr-spec (RFC 3261 §20.10, §20.20, §20.39)', () => {
  it('RFC 3261 §20.20: a quoted display name is unquoted and unescaped', () => {
    const na = parseNameAddr('"A. G. Bell \\"Alec\\"" <sip:agb@bell-telephone.com> ;tag=a48s');
    expect(na.displayName).toBe('A. G. Bell "Alec"');
    expect(na.uri).toMatchObject({ user: 'agb', host: 'bell-telephone.com' });
    expect(na.uriText).toBe('sip:agb@bell-telephone.com');
    expect({ ...na.params }).toEqual({ tag: 'a48s' });
  });

  it('RFC 3261 §20.10: without <...>, parameters after the URI are header parameters', () => {
    const na = parseNameAddr('sip:+12125551212@server.phone2net.com;tag=887s');
    expect(na.displayName).toBeUndefined();
    expect(na.uri).toMatchObject({ user: '+12125551212', params: {} });
    expect({ ...na.params }).toEqual({ tag: '887s' });
  });

  it('RFC 3261 §20.10: inside <...>, parameters belong to the URI', () => {
    const na = parseNameAddr('<sip:alice@atlanta.com;transport=tcp>;expires=60;q=0.7');
    expect(na.uri).toMatchObject({ params: { transport: 'tcp' } });
    expect({ ...na.params }).toEqual({ expires: '60', q: '0.7' });
  });

  it('RFC 3261 §25.1: an unquoted display name is a sequence of tokens', () => {
    expect(parseNameAddr('Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8').displayName).toBe(
      'Anonymous',
    );
    expect(parseNameAddr('Bob   Smith <sip:bob@biloxi.com>').displayName).toBe('Bob Smith');
  });

  it.each([
    ['"unterminated <sip:a@b>', 'unterminated quoted-string'],
    ['<sip:a@b', 'unterminated <URI>'],
    ['< sip:a@b >', 'whitespace'],
    ['sip:a@b?x=y', 'must be enclosed'],
    ['Bell, Alexander <sip:a@b>', 'must be enclosed'],
    ['<sip:a@b>;;tag=1', 'empty or invalid parameter name'],
    ['<sip:a@b>;tag=', 'has no value'],
    ['<sip:a@b> junk', 'unexpected characters'],
    ['"name" sip:a@b', 'not followed by <URI>'],
  ])('RFC 3261 §25.1: %s is refused', (value, why) => {
    expect(() => parseNameAddr(value)).toThrow(new RegExp(why));
  });

  it('RFC 3261 §20.10 (liberal reading): a Contact whose "<" is never closed is read to the end of the value', () => {
    const contacts = parseContacts('"Src" <sip:src@192.0.2.10:5060;transport=tcp');
    expect(contacts).not.toBe('*');
    const [only] = contacts as ReturnType<typeof parseNameAddr>[];
    expect(only?.displayName).toBe('Src');
    expect(only?.uriText).toBe('sip:src@192.0.2.10:5060;transport=tcp');
    // From, To and Route stay strict: there the brackets separate URI and header parameters.
    expect(() => parseNameAddr('<sip:src@192.0.2.10;tag=1')).toThrow('unterminated <URI>');
  });

  it('RFC 3261 §20.10: Contact lists split at commas outside quotes and brackets; "*" is a wildcard', () => {
    const contacts = parseContacts(
      '"Mr. Watson, Jr." <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1',
    );
    expect(contacts).toHaveLength(2);
    expect(
      contacts !== '*' && contacts.map((c) => [c.displayName, c.uri.scheme, c.params.q]),
    ).toEqual([
      ['Mr. Watson, Jr.', 'sip', '0.7'],
      ['Mr. Watson', 'mailto', '0.1'],
    ]);
    expect(parseContacts(' * ')).toBe('*');
    expect(() => parseNameAddrList('<sip:a@b>, , <sip:c@d>')).toThrow(/empty element/);
  });

  it('formatNameAddr quotes the display name and keeps URI and header parameters apart', () => {
    const text = formatNameAddr({
      displayName: 'Bob "B"',
      uri: 'sip:bob@biloxi.com;transport=tcp',
      params: { tag: 'x1' },
    });
    expect(text).toBe('"Bob \\"B\\"" <sip:bob@biloxi.com;transport=tcp>;tag=x1');
    expect(parseNameAddr(text)).toMatchObject({ displayName: 'Bob "B"', params: { tag: 'x1' } });
  });

  it('RFC 3261 §7.3.1: splitHeaderList ignores commas in quotes and angle brackets', () => {
    expect(splitHeaderList('"a, b" <sip:x@y;p=1,2>, <sip:z@w>')).toEqual([
      '"a, b" <sip:x@y;p=1,2>',
      '<sip:z@w>',
    ]);
    expect(splitHeaderList('"escaped \\" quote, still quoted", x')).toEqual([
      '"escaped \\" quote, still quoted"',
      'x',
    ]);
  });
});

describe('Via (RFC 3261 §20.42, RFC 3581)', () => {
  it('RFC 3261 §20.42: sent-protocol, sent-by and parameters, several per line', () => {
    const vias = parseVia(
      'SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7, SIP/2.0/UDP 192.0.2.1:5060 ;received=192.0.2.207;branch=z9hG4bK77asjd',
    );
    expect(vias).toHaveLength(2);
    expect(vias[0]).toMatchObject({
      protocolName: 'SIP',
      protocolVersion: '2.0',
      transport: 'UDP',
      host: 'erlang.bell-telephone.com',
      port: 5060,
      branch: 'z9hG4bK87asdks7',
    });
    expect(vias[1]).toMatchObject({
      host: '192.0.2.1',
      received: '192.0.2.207',
      branch: 'z9hG4bK77asjd',
    });
  });

  it('RFC 3261 §7.3.1: LWS is allowed around "/" and ":" of a Via', () => {
    expect(
      parseVia('SIP / 2.0 / tcp  host.example.com : 5061 ; branch = z9hG4bKx')[0],
    ).toMatchObject({
      transport: 'TCP',
      host: 'host.example.com',
      port: 5061,
      branch: 'z9hG4bKx',
    });
  });

  it('RFC 3581 §3: rport without a value is a request, with a value an answer', () => {
    expect(parseVia('SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff')[0]?.rport).toBeNull();
    expect(
      parseVia('SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff')[0],
    ).toMatchObject({
      rport: 9988,
      received: '192.0.2.1',
    });
    expect(parseVia('SIP/2.0/UDP h;branch=z9hG4bKa')[0]?.rport).toBeUndefined();
    expect(() => parseVia('SIP/2.0/UDP h;rport=http')).toThrow(/rport/);
  });

  it('RFC 3261 §20.42: IPv6 sent-by and ttl 0-255', () => {
    expect(parseVia('SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas;ttl=16')[0]).toMatchObject({
      host: '[2001:db8::9:1]',
      port: 5060,
    });
    expect(() => parseVia('SIP/2.0/UDP [2001:db8::9:1]:5060;ttl=256')).toThrow(/ttl/);
  });

  it.each([
    ['SIP/2.0 host', 'name/version/transport'],
    ['SIP/2.0/UDP', 'no sent-by'],
    ['SIP/2.0/UDP host:99999', 'not host'],
    ['SIP/2.0/UDP 192.0.2.15;;,;,,', 'parameter'],
    ['SIP/2.0/UDP host junk', 'unexpected characters'],
  ])('RFC 3261 §25.1: Via "%s" is refused', (value, why) => {
    expect(() => parseVia(value)).toThrow(new RegExp(why));
  });

  it('RFC 3261 §8.1.1.7: a branch is an RFC 3261 transaction id only with text after the magic cookie', () => {
    expect(isRfc3261Branch('z9hG4bK776asdhds')).toBe(true);
    expect(isRfc3261Branch('z9hG4bK')).toBe(false);
    expect(isRfc3261Branch('776asdhds')).toBe(false);
    expect(isRfc3261Branch(undefined)).toBe(false);
  });

  it('formatVia writes SIP/2.0/transport sent-by;params', () => {
    expect(
      formatVia({
        transport: 'TCP',
        host: '192.0.2.1',
        port: 5060,
        params: { branch: 'z9hG4bKa', rport: null },
      }),
    ).toBe('SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKa;rport');
  });
});

describe('scalar headers', () => {
  it('RFC 3261 §20.16: CSeq is a 32-bit number and a method; leading zeros allowed', () => {
    expect(parseCSeq('4711 INVITE')).toEqual({ seq: 4711, method: 'INVITE' });
    expect(parseCSeq(' 0009   INVITE ')).toEqual({ seq: 9, method: 'INVITE' });
    expect(parseCSeq('4294967295 ACK')).toEqual({ seq: 4294967295, method: 'ACK' });
    expect(() => parseCSeq('4294967296 ACK')).toThrow(/out of range/);
    expect(() => parseCSeq('INVITE')).toThrow(SipParseError);
    expect(() => parseCSeq('1 INV<ITE')).toThrow(/token/);
  });

  it('RFC 3261 §20.22: Max-Forwards is 0-255', () => {
    expect(parseMaxForwards('0')).toBe(0);
    expect(parseMaxForwards('0068')).toBe(68);
    expect(() => parseMaxForwards('256')).toThrow(/out of range/);
    expect(() => parseMaxForwards('-1')).toThrow(/not a number/);
  });

  it('RFC 3261 §20.19: delta-seconds go up to 2**32-1', () => {
    expect(parseDeltaSeconds('3600')).toBe(3600);
    expect(() => parseDeltaSeconds('4294967296')).toThrow(/out of range/);
  });

  it('RFC 3261 §20.17: Date is an RFC 1123 date in GMT', () => {
    const ms = parseSipDate('Sat, 13 Nov 2010 23:29:00 GMT');
    expect(new Date(ms).toISOString()).toBe('2010-11-13T23:29:00.000Z');
    expect(formatSipDate(ms)).toBe('Sat, 13 Nov 2010 23:29:00 GMT');
    expect(() => parseSipDate('Fri, 01 Jan 2010 16:00:00 EST')).toThrow(/GMT/);
    expect(() => parseSipDate('Sat, 31 Feb 2010 23:29:00 GMT')).toThrow(/impossible/);
  });

  it('RFC 3261 §20.15: media types with quoted and unquoted parameters', () => {
    expect(parseMediaType('multipart/mixed;boundary=unique-boundary-1')).toEqual({
      type: 'multipart',
      subtype: 'mixed',
      params: { boundary: 'unique-boundary-1' },
    });
    expect(parseMediaType('Multipart/Mixed ; Boundary="----=_Part 1,2"')).toMatchObject({
      subtype: 'mixed',
      params: { boundary: '----=_Part 1,2' },
    });
    expect(() => parseMediaType('application')).toThrow(/"\/"/);
    expect(() => parseMediaType('application/')).toThrow(/subtype/);
  });

  it('RFC 3261 §20.32: Require and Supported hold option-tag tokens; Supported may be empty', () => {
    expect(parseOptionTags('siprec, timer ,100rel')).toEqual(['siprec', 'timer', '100rel']);
    expect(parseOptionTags('')).toEqual([]);
    expect(() => parseOptionTags('a b')).toThrow(/token/);
  });
});
