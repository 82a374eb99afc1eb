// Byte-exact tests on real captures: the SIPREC INVITE our SIPp scenario sends, the SRS stub's
// 200 OK, an RFC 7866-style four-stream INVITE, and SIPREC offer bodies from real SBCs (drachtio
// test data, MIT). RFC 3261 §7 framing, RFC 2046 §5.1 multipart, RFC 7866 §8.1 SIPREC bodies.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildMultipart,
  createResponse,
  createStreamFramer,
  getCSeq,
  getContentType,
  getHeader,
  getHeaderValues,
  getPartContentType,
  getPartHeader,
  getTo,
  getVias,
  parseDatagram,
  parseFramedMessage,
  parseMultipart,
  serializeMessage,
  SipParseError,
  type SipMessage,
} from './index.js';

const FIXTURES = new URL('../../../test-fixtures/sip/', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function expectStable(message: SipMessage): Uint8Array {
  const once = serializeMessage(message);
  const twice = serializeMessage(parseDatagram(once));
  expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
  return once;
}

describe('SIPp SIPREC INVITE (sipp_siprec_uac_INVITE.sip)', () => {
  const raw = read('sipp_siprec_uac_INVITE.sip');

  it('RFC 3261 §7.1: the captured INVITE parses with its headers in order', () => {
    const msg = parseDatagram(raw);
    expect(msg.kind === 'request' && [msg.method, msg.uri]).toEqual([
      'INVITE',
      'sip:srs@127.0.0.1:5080',
    ]);
    expect(msg.headers.map((h) => h.name)).toEqual([
      'Via',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Contact',
      'Max-Forwards',
      'Require',
      'Allow',
      'Accept',
      'User-Agent',
      'Subject',
      'Content-Type',
      'Content-Length',
    ]);
    expect(getVias(msg)[0]).toMatchObject({
      transport: 'UDP',
      host: '127.0.0.1',
      port: 5060,
      branch: 'z9hG4bK-29448-1-0',
    });
    expect(getCSeq(msg)).toEqual({ seq: 1, method: 'INVITE' });
    expect(getHeaderValues(msg, 'Allow')).toEqual([
      'INVITE',
      'ACK',
      'CANCEL',
      'BYE',
      'OPTIONS',
      'UPDATE',
    ]);
    expect(msg.body.length).toBe(2490);
  });

  it('RFC 2046 §5.1.1: the multipart/mixed body splits into the SDP and the rs-metadata parts', () => {
    const msg = parseDatagram(raw);
    const multipart = parseMultipart(msg.body, getHeader(msg, 'Content-Type') ?? '');
    expect(multipart.boundary).toBe('siprec-boundary-7866');
    expect(multipart.closed).toBe(true);
    const [sdp, metadata] = multipart.parts;
    expect(multipart.parts).toHaveLength(2);
    expect(getPartContentType(sdp ?? { headers: [], body: new Uint8Array() })).toMatchObject({
      type: 'application',
      subtype: 'sdp',
    });
    expect(getPartHeader(metadata ?? { headers: [], body: new Uint8Array() }, 'content-type')).toBe(
      'application/rs-metadata+xml',
    );
    expect(
      getPartHeader(metadata ?? { headers: [], body: new Uint8Array() }, 'Content-Disposition'),
    ).toBe('recording-session');
    // The CRLF before each delimiter belongs to the delimiter: part bodies are exact slices.
    const text = latin1(raw);
    const sdpText = latin1(sdp?.body ?? new Uint8Array());
    expect(sdpText.startsWith('v=0\r\n')).toBe(true);
    expect(sdpText.endsWith('a=label:2\r\na=sendonly\r\n')).toBe(true);
    expect(text).toContain(`\r\n\r\n${sdpText}\r\n--siprec-boundary-7866\r\n`);
    const xml = latin1(metadata?.body ?? new Uint8Array());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\r\n<recording')).toBe(true);
    expect(xml.endsWith('</participantstreamassoc>\r\n</recording>')).toBe(true);
    expect(text).toContain(`\r\n\r\n${xml}\r\n--siprec-boundary-7866--\r\n`);
  });

  it('RFC 3261 §7.3.1: serialize(parse(x)) is x with the Content-Length spacing canonicalised, and stable', () => {
    const once = expectStable(parseDatagram(raw));
    const expected = Buffer.from(
      latin1(raw).replace('Content-Length:  2490', 'Content-Length: 2490'),
      'latin1',
    );
    expect(Buffer.from(once).equals(expected)).toBe(true);
  });

  it('RFC 3261 §18.3: the same INVITE cut into 7-octet TCP segments frames to the same message', () => {
    const framer = createStreamFramer();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < raw.length; i += 7) {
      for (const e of framer.push(raw.subarray(i, i + 7)))
        if (e.kind === 'message') frames.push(e.bytes);
    }
    expect(frames).toHaveLength(1);
    expect(Buffer.from(frames[0] ?? []).equals(raw)).toBe(true);
    expect(parseFramedMessage(frames[0] ?? new Uint8Array())).toEqual(parseDatagram(raw));
    expect(framer.bufferedBytes).toBe(0);
  });

  it('RFC 3261 §8.2.6: the SRS answer built from the INVITE copies Via, From, To (+tag), Call-ID, CSeq', () => {
    const msg = parseDatagram(raw);
    if (msg.kind !== 'request') throw new Error('request expected');
    const stub = parseDatagram(read('srs_stub_200OK.sip'));
    if (stub.kind !== 'response') throw new Error('response expected');
    const answer = createResponse(msg, 200, {
      toTag: 'srsjmd1703g',
      headers: [{ name: 'Contact', value: '<sip:srs@127.0.0.1:5080>;+sip.srs' }],
      contentType: 'application/sdp',
      body: stub.body,
    });
    // The stub 200 OK was written by hand after the same rules: ours must equal it octet for octet.
    expect(Buffer.from(serializeMessage(answer)).equals(read('srs_stub_200OK.sip'))).toBe(true);
  });
});

describe('SRS stub 200 OK and RFC 7866-style INVITE', () => {
  it('RFC 3261 §7.2: the 200 OK parses and serializes back to the same octets', () => {
    const raw = read('srs_stub_200OK.sip');
    const msg = parseDatagram(raw);
    expect(msg.kind === 'response' && [msg.status, msg.reason]).toEqual([200, 'OK']);
    expect(getTo(msg)?.params.tag).toBe('srsjmd1703g');
    expect(Buffer.from(expectStable(msg)).equals(raw)).toBe(true);
  });

  it('RFC 3261 §7.3.1: folded Session-ID and Accept unfold; the four-stream body splits in two parts', () => {
    const raw = read('rfc7866_style_INVITE_4streams.sip');
    const msg = parseDatagram(raw);
    expect(getHeader(msg, 'Session-ID')).toBe(
      'ab30317f1a784dc48ff824d0d3715d86 ;remote=00000000000000000000000000000000',
    );
    expect(getHeaderValues(msg, 'Accept')).toEqual([
      'application/sdp',
      'application/rs-metadata',
      'application/rs-metadata-request',
    ]);
    const multipart = parseMultipart(msg.body, getContentType(msg) ?? 'text/plain');
    expect(multipart.parts.map((p) => getPartHeader(p, 'Content-Type'))).toEqual([
      'application/sdp',
      'application/rs-metadata+xml',
    ]);
    expect(latin1(multipart.parts[0]?.body ?? new Uint8Array()).match(/^m=/gm)).toHaveLength(4);
    const once = expectStable(msg);
    // Only folding differs from the original: the head is unfolded, the body octets are the same.
    const split = (b: Uint8Array): [string, string] => {
      const t = latin1(b);
      const i = t.indexOf('\r\n\r\n');
      return [t.slice(0, i), t.slice(i + 4)];
    };
    const [head, body] = split(once);
    const [rawHead, rawBody] = split(raw);
    expect(head).toBe(rawHead.replace(/\r\n[ \t]+/g, ' '));
    expect(body).toBe(rawBody);
  });
});

/** Expected parts of each captured multipart offer: [Content-Type of each part], closed. */
const OFFERS: Record<string, { types: string[]; closed: boolean }> = {
  'acme-siprec-offer.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: true,
  },
  'broadworks-offer-2.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: true,
  },
  'broadworks-offer.txt': { types: ['application/ +xml', 'application/sdp'], closed: true },
  'cisco-siprec-offer.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml', 'application/gtd'],
    closed: false,
  },
  'connectel-offer.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: true,
  },
  'connectel-offer2.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: true,
  },
  'connectel-offer3.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: true,
  },
  'inactive-sdp-offer.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: true,
  },
  'procomm-siprec-offer.txt': {
    types: ['application/sdp', 'application/rs-metadata'],
    closed: false,
  },
  'sonus-siprec-offer.txt': {
    types: ['application/sdp', 'application/rs-metadata+xml'],
    closed: false,
  },
};

/** Wraps a captured body in an INVITE the way the SBC sent it (LF-only body, CRLF headers). */
function wrapInInvite(body: Buffer, contentType: string): Buffer {
  const head = [
    'INVITE sip:srs@192.0.2.10:5060 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK-vendor-1',
    'From: <sip:src@192.0.2.20>;tag=v1',
    'To: <sip:srs@192.0.2.10>',
    'Call-ID: vendor-offer-1@192.0.2.20',
    'CSeq: 1 INVITE',
    'Require: siprec',
    `Content-Type: ${contentType}`,
    `Content-Length: ${body.length}`,
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]);
}

describe('SIPREC offers captured from real SBCs (vendor-offers/)', () => {
  it('every captured multipart offer in the folder has an expectation here', () => {
    const files = readdirSync(new URL('vendor-offers/', FIXTURES)).filter((f) =>
      f.includes('-offer'),
    );
    expect(files.sort()).toEqual(Object.keys(OFFERS).sort());
  });

  for (const [file, expected] of Object.entries(OFFERS)) {
    it(`RFC 2046 §5.1.1 with LF-only line ends: ${file} splits into ${expected.types.length} parts`, () => {
      const body = read(`vendor-offers/${file}`);
      const boundary = /^--(\S+?)(?:--)?\s*$/m.exec(latin1(body))?.[1] ?? '';
      const invite = wrapInInvite(body, `multipart/mixed;boundary="${boundary}"`);
      const msg = parseDatagram(invite);
      expect(Buffer.from(msg.body).equals(body)).toBe(true);
      const multipart = parseMultipart(msg.body, getContentType(msg) ?? 'text/plain');
      expect(multipart.parts.map((p) => getPartHeader(p, 'Content-Type'))).toEqual(expected.types);
      expect(multipart.closed).toBe(expected.closed);
      for (const part of multipart.parts) {
        const content = latin1(part.body);
        // Each part body is an exact slice of the capture, never containing a delimiter.
        expect(latin1(body)).toContain(content);
        expect(content).not.toContain(`--${boundary}`);
        if (getPartHeader(part, 'Content-Type') === 'application/sdp')
          expect(content).toMatch(/^v=0\n[\s\S]*m=audio /);
      }
      // Rebuilt with CRLF by our builder, the parts come back identical.
      const rebuilt = buildMultipart(
        multipart.parts.map((p) => ({
          contentType: getPartHeader(p, 'Content-Type') ?? 'text/plain',
          headers: p.headers.filter((h) => h.name !== 'Content-Type'),
          body: p.body,
        })),
      );
      const again = parseMultipart(rebuilt.body, rebuilt.contentType);
      expect(again.closed).toBe(true);
      expect(again.parts.map((p) => latin1(p.body))).toEqual(
        multipart.parts.map((p) => latin1(p.body)),
      );
      expectStable(msg);
    });
  }

  it('RFC 2046 §5.1.1: a bare SDP labelled multipart has no boundary line and is refused', () => {
    const body = read('vendor-offers/non-siprec-payload.txt');
    const msg = parseDatagram(wrapInInvite(body, 'multipart/mixed;boundary=uniqueBoundary'));
    expect(() => parseMultipart(msg.body, getContentType(msg) ?? '')).toThrow(SipParseError);
    const asSdp = parseDatagram(wrapInInvite(body, 'application/sdp'));
    expect(Buffer.from(asSdp.body).equals(body)).toBe(true);
  });
});
