import { describe, expect, it } from 'vitest';
import {
  buildMultipart,
  getMultipartBoundary,
  getPartContentType,
  getPartHeader,
  parseMultipart,
  SipParseError,
} from './index.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const str = (b: Uint8Array | undefined): string =>
  Buffer.from(b ?? new Uint8Array()).toString('latin1');

/** RFC 7866 §8.1.1-style SIPREC offer body. */
const OFFER = [
  'This is the preamble, to be ignored.',
  '--foobar',
  'Content-Type: application/sdp',
  '',
  'v=0',
  'm=audio 49170 RTP/AVP 0',
  'a=label:96',
  '',
  '--foobar',
  'Content-Type: application/rs-metadata+xml',
  'Content-Disposition: recording-session',
  '',
  '<recording/>',
  '--foobar--',
  'This is the epilogue, also ignored.',
].join('\r\n');

describe('parseMultipart (RFC 2046 §5.1)', () => {
  it('RFC 2046 §5.1.1: preamble and epilogue are ignored; the CRLF before a delimiter belongs to it', () => {
    const mp = parseMultipart(bytes(OFFER), 'multipart/mixed;boundary=foobar');
    expect(mp.closed).toBe(true);
    expect(mp.parts).toHaveLength(2);
    expect(str(mp.parts[0]?.body)).toBe('v=0\r\nm=audio 49170 RTP/AVP 0\r\na=label:96\r\n');
    expect(str(mp.parts[1]?.body)).toBe('<recording/>');
    expect(mp.parts[1]?.headers).toEqual([
      { name: 'Content-Type', value: 'application/rs-metadata+xml' },
      { name: 'Content-Disposition', value: 'recording-session' },
    ]);
  });

  it('RFC 2046 §5.1.1: the boundary may be quoted in Content-Type', () => {
    const body = bytes('--a b:c\r\nContent-Type: text/plain\r\n\r\nx\r\n--a b:c--');
    expect(getMultipartBoundary('multipart/mixed; boundary="a b:c"')).toBe('a b:c');
    expect(str(parseMultipart(body, 'multipart/mixed; boundary="a b:c"').parts[0]?.body)).toBe('x');
  });

  it('RFC 2046 §5.1.1: a boundary-like text inside a line is not a delimiter; padding after one is', () => {
    const body = bytes('--b\r\n\r\nsee --b here\r\n--bogus\r\n--b  \r\n\r\ntwo\r\n--b-- \t\r\n');
    const mp = parseMultipart(body, 'multipart/mixed;boundary=b');
    expect(mp.parts.map((p) => str(p.body))).toEqual(['see --b here\r\n--bogus', 'two']);
  });

  it('RFC 2046 §5.1.1: a part without headers defaults to text/plain', () => {
    const mp = parseMultipart(bytes('--b\r\n\r\nplain\r\n--b--'), 'multipart/mixed;boundary=b');
    expect(mp.parts[0]?.headers).toEqual([]);
    expect(
      getPartContentType(mp.parts[0] ?? { headers: [], body: new Uint8Array() }),
    ).toMatchObject({ type: 'text', subtype: 'plain' });
  });

  it('SBC tolerance: LF-only line ends, folded part headers, a missing close-delimiter', () => {
    const body = bytes(
      '\n--x\nContent-Type: application/sdp\nContent-Disposition: session;\n handling=required\n\nv=0\n\n--x\nContent-Type: application/rs-metadata\n\n<r/>\n',
    );
    const mp = parseMultipart(body, 'multipart/mixed;boundary=x');
    expect(mp.closed).toBe(false);
    expect(mp.parts.map((p) => str(p.body))).toEqual(['v=0\n', '<r/>\n']);
    expect(
      getPartHeader(mp.parts[0] ?? { headers: [], body: new Uint8Array() }, 'content-disposition'),
    ).toBe('session; handling=required');
  });

  it('RFC 4475 §3.1.1.11: binary parts keep every octet, NUL included', () => {
    const binary = Buffer.from([0x30, 0x82, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]);
    const body = Buffer.concat([
      Buffer.from('--b\r\nContent-Type: application/octet-stream\r\n\r\n'),
      binary,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const mp = parseMultipart(body, 'multipart/mixed;boundary=b');
    expect(Buffer.from(mp.parts[0]?.body ?? []).equals(binary)).toBe(true);
  });

  it.each([
    ['application/sdp', 'not multipart'],
    ['multipart/mixed', 'no boundary'],
    ['multipart/mixed;boundary=zzz', 'not found'],
    [`multipart/mixed;boundary=${'a'.repeat(201)}`, 'longer than 200'],
  ])('RFC 2046 §5.1.1: Content-Type %s is refused (%s)', (contentType, why) => {
    expect(() => parseMultipart(bytes(OFFER), contentType)).toThrow(new RegExp(why));
  });

  it('a part header line without a colon, and too many parts, are MULTIPART errors', () => {
    expect(() =>
      parseMultipart(bytes('--b\r\nnot a header\r\n\r\nx\r\n--b--'), 'multipart/mixed;boundary=b'),
    ).toThrow(SipParseError);
    const many = `${'--b\r\n\r\nx\r\n'.repeat(5)}--b--`;
    expect(
      parseMultipart(bytes(many), 'multipart/mixed;boundary=b', { maxParts: 5 }).parts,
    ).toHaveLength(5);
    expect(() =>
      parseMultipart(bytes(many), 'multipart/mixed;boundary=b', { maxParts: 4 }),
    ).toThrow(/more than 4 parts/);
  });
});

describe('buildMultipart', () => {
  it('RFC 7866 §8.1: builds an SDP + rs-metadata body that parses back to the same parts', () => {
    const built = buildMultipart([
      { contentType: 'application/sdp', body: 'v=0\r\n' },
      {
        contentType: 'application/rs-metadata+xml',
        headers: [{ name: 'Content-Disposition', value: 'recording-session' }],
        body: '<recording/>',
      },
    ]);
    expect(built.contentType).toMatch(/^multipart\/mixed;boundary=callvault-[0-9a-f]{8}$/);
    const mp = parseMultipart(built.body, built.contentType);
    expect(mp.closed).toBe(true);
    expect(mp.parts.map((p) => [getPartHeader(p, 'Content-Type'), str(p.body)])).toEqual([
      ['application/sdp', 'v=0\r\n'],
      ['application/rs-metadata+xml', '<recording/>'],
    ]);
    // Deterministic: the same parts give the same octets.
    expect(
      buildMultipart([
        { contentType: 'application/sdp', body: 'v=0\r\n' },
        {
          contentType: 'application/rs-metadata+xml',
          headers: [{ name: 'Content-Disposition', value: 'recording-session' }],
          body: '<recording/>',
        },
      ]).body,
    ).toEqual(built.body);
  });

  it('RFC 2046 §5.1.1: an explicit boundary is checked, quoted when not a token, and never inside a part', () => {
    const built = buildMultipart([{ contentType: 'text/plain', body: 'x' }], {
      boundary: 'a b',
      subtype: 'alternative',
    });
    expect(built.contentType).toBe('multipart/alternative;boundary="a b"');
    expect(str(parseMultipart(built.body, built.contentType).parts[0]?.body)).toBe('x');
    expect(() =>
      buildMultipart([{ contentType: 'text/plain', body: 'x' }], { boundary: 'bad\r\n' }),
    ).toThrow(RangeError);
    expect(() =>
      buildMultipart([{ contentType: 'text/plain', body: '--sep' }], { boundary: 'sep' }),
    ).toThrow(/contains the boundary/);
  });
});
