// RFC 4475 "SIP Torture Test Messages": every row of test-fixtures/rfc4475/expectations.tsv is
// fed as one UDP datagram. Rows the file says to accept must parse and round-trip; rows it says
// to reject must throw SipParseError; rows accepted syntactically but rejected semantically must
// make validateRequest answer 400. Each row also checks the element behaviour of its last column.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createStreamFramer,
  extractMessage,
  getCallId,
  getContacts,
  getCSeq,
  getFrom,
  getHeader,
  getHeaderValues,
  getMaxForwards,
  getTo,
  getVias,
  isRfc3261Branch,
  parseDatagram,
  parseMultipart,
  parseUri,
  serializeMessage,
  SipParseError,
  validateRequest,
  validateResponse,
  type SipMessage,
  type SipParseErrorCode,
  type SipRequest,
  type SipResponse,
  type UasCapabilities,
} from './index.js';

const FIXTURES = new URL('../../../test-fixtures/rfc4475/', import.meta.url);
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

interface Row {
  readonly file: string;
  readonly section: string;
  readonly title: string;
  readonly kind: string;
  readonly verdict: string;
  readonly behaviour: string;
}

const rows: Row[] = readFileSync(new URL('expectations.tsv', FIXTURES), 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line.trim().length > 0)
  .map((line) => {
    const [file = '', section = '', title = '', kind = '', verdict = '', behaviour = ''] =
      line.split('\t');
    return { file, section, title, kind, verdict, behaviour };
  });

/** The recorder as a UAS: a SIPREC SRS. */
const SRS: UasCapabilities = {
  allowedMethods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'UPDATE', 'INFO'],
  supportedOptionTags: ['siprec', 'timer', 'replaces'],
  acceptedContentTypes: ['application/sdp', 'multipart/mixed', 'application/rs-metadata+xml'],
  answerContentTypes: ['application/sdp'],
};
/** A registrar, for the REGISTER rows whose expectations speak of one. */
const REGISTRAR: UasCapabilities = { ...SRS, allowedMethods: [...SRS.allowedMethods, 'REGISTER'] };

const asRequest = (m: SipMessage): SipRequest => {
  if (m.kind !== 'request') throw new Error('expected a request');
  return m;
};
const asResponse = (m: SipMessage): SipResponse => {
  if (m.kind !== 'response') throw new Error('expected a response');
  return m;
};
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** What the parser must throw for rows marked "reject". */
const REJECTIONS: Record<string, { code: SipParseErrorCode; status?: number; header?: string }> = {
  'badinv01.dat': { code: 'HEADER_VALUE', status: 400, header: 'Via' },
  'clerr.dat': { code: 'CONTENT_LENGTH', status: 400, header: 'Content-Length' },
  'ncl.dat': { code: 'CONTENT_LENGTH', status: 400, header: 'Content-Length' },
  'scalar02.dat': { code: 'HEADER_VALUE', status: 400, header: 'CSeq' },
  'scalarlg.dat': { code: 'HEADER_VALUE', header: 'CSeq' },
  'quotbal.dat': { code: 'HEADER_VALUE', status: 400, header: 'To' },
  'ltgtruri.dat': { code: 'URI', status: 400 },
  'lwsruri.dat': { code: 'START_LINE' },
  'lwsstart.dat': { code: 'START_LINE' },
  'trws.dat': { code: 'START_LINE' },
  'escruri.dat': { code: 'URI', status: 400 },
  'baddate.dat': { code: 'HEADER_VALUE', status: 400, header: 'Date' },
  'regbadct.dat': { code: 'HEADER_VALUE', status: 400, header: 'Contact' },
  'badaspec.dat': { code: 'URI', status: 400, header: 'To' },
  'baddn.dat': { code: 'HEADER_VALUE', status: 400, header: 'From' },
  'badvers.dat': { code: 'VERSION', status: 505 },
  'mismatch01.dat': { code: 'CSEQ_METHOD', status: 400, header: 'CSeq' },
  'mismatch02.dat': { code: 'CSEQ_METHOD', status: 400, header: 'CSeq' },
  'bigcode.dat': { code: 'START_LINE' },
};

/** The element behaviour column, checked on the parsed message of each accepted row. */
const BEHAVIOUR: Record<string, (m: SipMessage) => void> = {
  'wsinv.dat': (m) => {
    const req = asRequest(m);
    expect(req.uri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(getTo(req)?.params.tag).toBe('1918181833n');
    expect(getFrom(req)?.displayName).toBe('J Rosenberg \\"');
    expect(getFrom(req)?.params.tag).toBe('98asjd8');
    expect(getMaxForwards(req)).toBe(68);
    expect(getCSeq(req)).toEqual({ seq: 9, method: 'INVITE' });
    const vias = getVias(req);
    expect(vias.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(getHeader(req, 'Subject')).toBe('');
    expect(getHeader(req, 'NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(getHeader(req, 'UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    const contacts = getContacts(req);
    expect(contacts).not.toBe('*');
    const [contact] = contacts === '*' ? [] : contacts;
    expect(contact?.displayName).toBe('Quoted string ""');
    expect({ ...contact?.params }).toEqual({ newparam: 'newvalue', secondparam: null, q: '0.33' });
    expect(req.body.length).toBe(150);
    expect(validateRequest(req, SRS)).toBeNull();
  },
  'intmeth.dat': (m) => {
    const req = asRequest(m);
    expect(req.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = parseUri(req.uri);
    expect(uri.kind === 'sip' && [uri.user, uri.password, uri.host]).toEqual([
      "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
      "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
      'example.com',
    ]);
    expect(getTo(req)?.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(getFrom(req)?.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(getFrom(req)?.params["fromparam''~+*_!.-%"]).toBe('работающий');
    expect(getCallId(req)).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(getHeader(req, "extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
    expect(validateRequest(req, SRS)?.status).toBe(501);
  },
  'esc01.dat': (m) => {
    const req = asRequest(m);
    const ruri = parseUri(req.uri);
    expect(ruri.kind === 'sip' && [ruri.user, ruri.host]).toEqual([
      'sips:user@example.com',
      'example.net',
    ]);
    expect(getTo(req)?.uri).toMatchObject({ user: 'user', host: 'example.com' });
    expect(getFrom(req)?.uri).toMatchObject({ user: 'I have spaces' });
    const contacts = getContacts(req);
    const uri = contacts === '*' ? undefined : contacts[0]?.uri;
    expect(uri?.kind === 'sip' && [uri.user, { ...uri.params }]).toEqual([
      'caller',
      { lr: null, name: 'value%41' },
    ]);
    expect(validateRequest(req, SRS)).toBeNull();
  },
  'escnull.dat': (m) => {
    const req = asRequest(m);
    expect(getTo(req)?.uri).toMatchObject({ user: 'null-\x00-null' });
    const contacts = getContacts(req);
    expect(contacts === '*' ? [] : contacts.map((c) => c.uri.kind === 'sip' && c.uri.user)).toEqual(
      ['\x00', '\x00\x00'],
    );
    expect(validateRequest(req, REGISTRAR)).toBeNull();
  },
  'esc02.dat': (m) => {
    const req = asRequest(m);
    expect(req.method).toBe('RE%47IST%45R');
    const contacts = getContacts(req);
    expect(contacts === '*' ? 0 : contacts.length).toBe(2);
    expect(getHeader(req, 'C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
    expect(validateRequest(req, REGISTRAR)?.status).toBe(501);
  },
  'lwsdisp.dat': (m) => {
    expect(getFrom(m)?.displayName).toBe('caller');
    expect(validateRequest(asRequest(m), SRS)).toBeNull();
  },
  'longreq.dat': (m) => {
    const req = asRequest(m);
    expect(getTo(req)?.displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
    expect(getVias(req)).toHaveLength(34);
    expect(getCallId(req)).toMatch(/^longreq\.one(really){20}longcallid$/);
    expect(validateRequest(req, SRS)).toBeNull();
  },
  'dblreq.dat': (m) => {
    const req = asRequest(m);
    expect(req.method).toBe('REGISTER');
    expect(req.body.length).toBe(0);
    expect(validateRequest(req, REGISTRAR)).toBeNull();
    expect(validateRequest(req, SRS)?.status).toBe(405);
  },
  'semiuri.dat': (m) => {
    const uri = parseUri(asRequest(m).uri);
    expect(uri.kind === 'sip' && [uri.user, uri.host, Object.keys(uri.params)]).toEqual([
      'user;par=u@example.net',
      'example.com',
      [],
    ]);
    expect(getHeaderValues(m, 'Accept')).toHaveLength(6);
    expect(validateRequest(asRequest(m), SRS)).toBeNull();
  },
  'transports.dat': (m) => {
    expect(getVias(m).map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(validateRequest(asRequest(m), SRS)).toBeNull();
  },
  'mpart01.dat': (m) => {
    const req = asRequest(m);
    expect(req.body.length).toBe(553);
    const multipart = parseMultipart(req.body, getHeader(req, 'Content-Type') ?? '');
    expect(multipart.parts).toHaveLength(2);
    expect(text(multipart.parts[0]?.body ?? new Uint8Array())).toBe('Hello');
    expect(multipart.parts[1]?.body.includes(0)).toBe(true);
    expect(validateRequest(req, SRS)?.status).toBe(405);
  },
  'unreason.dat': (m) => {
    const res = asResponse(m);
    expect(res.status).toBe(200);
    expect(res.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(validateResponse(res)).toBeNull();
  },
  'noreason.dat': (m) => {
    const res = asResponse(m);
    expect([res.status, res.reason]).toEqual([100, '']);
    expect(validateResponse(res)).toBeNull();
  },
  'badbranch.dat': (m) => {
    expect(isRfc3261Branch(getVias(m)[0]?.branch)).toBe(false);
    expect(validateRequest(asRequest(m), SRS)).toBeNull();
  },
  'insuf.dat': (m) => {
    expect(validateRequest(asRequest(m), SRS)).toMatchObject({ status: 400, detail: 'missing To' });
  },
  'unkscm.dat': (m) => {
    expect(parseUri(asRequest(m).uri)).toEqual({
      kind: 'opaque',
      scheme: 'nobodyknowsthisscheme',
      opaque: 'totallyopaquecontent',
    });
    expect(validateRequest(asRequest(m), SRS)?.status).toBe(416);
  },
  'novelsc.dat': (m) => {
    expect(parseUri(asRequest(m).uri)).toMatchObject({ kind: 'opaque', scheme: 'soap.beep' });
    expect(validateRequest(asRequest(m), SRS)?.status).toBe(416);
  },
  'unksm2.dat': (m) => {
    const req = asRequest(m);
    expect(getTo(req)?.uri).toEqual({ kind: 'opaque', scheme: 'isbn', opaque: '2983792873' });
    expect(getFrom(req)?.uri).toMatchObject({ kind: 'opaque', scheme: 'http' });
    expect(validateRequest(req, REGISTRAR)?.status).toBe(400);
    expect(validateRequest(req, SRS)?.status).toBe(405);
  },
  'bext01.dat': (m) => {
    const rejection = validateRequest(asRequest(m), SRS);
    expect(rejection?.status).toBe(420);
    expect(rejection?.headers).toEqual([
      { name: 'Unsupported', value: 'nothingSupportsThis, nothingSupportsThisEither' },
    ]);
  },
  'invut.dat': (m) => {
    const rejection = validateRequest(asRequest(m), SRS);
    expect(rejection?.status).toBe(415);
    expect(rejection?.headers[0]?.name).toBe('Accept');
  },
  'regaut01.dat': (m) => {
    expect(validateRequest(asRequest(m), REGISTRAR)).toBeNull();
    expect(validateRequest(asRequest(m), SRS)?.status).toBe(405);
  },
  'multi01.dat': (m) => {
    expect(validateRequest(asRequest(m), SRS)?.status).toBe(400);
  },
  'mcl01.dat': (m) => {
    expect(validateRequest(asRequest(m), SRS)).toMatchObject({
      status: 400,
      detail: 'Content-Length appears more than once',
    });
  },
  'bcast.dat': (m) => {
    expect(getVias(m).map((v) => v.host)).toEqual(['192.0.2.198', '255.255.255.255']);
    expect(validateResponse(asResponse(m))?.discard).toBe(true);
  },
  'zeromf.dat': (m) => {
    expect(getMaxForwards(m)).toBe(0);
    expect(validateRequest(asRequest(m), SRS)).toBeNull();
  },
  'cparam01.dat': (m) => {
    const contacts = getContacts(m);
    const contact = contacts === '*' ? undefined : contacts[0];
    expect({ ...contact?.params }).toEqual({ unknownparam: null });
    expect(contact?.uri.kind === 'sip' && { ...contact.uri.params }).toEqual({});
    expect(validateRequest(asRequest(m), REGISTRAR)).toBeNull();
  },
  'cparam02.dat': (m) => {
    const contacts = getContacts(m);
    const contact = contacts === '*' ? undefined : contacts[0];
    expect({ ...contact?.params }).toEqual({});
    expect(contact?.uri.kind === 'sip' && { ...contact.uri.params }).toEqual({
      unknownparam: null,
    });
    expect(validateRequest(asRequest(m), REGISTRAR)).toBeNull();
  },
  'regescrt.dat': (m) => {
    const contacts = getContacts(m);
    const uri = contacts === '*' ? undefined : contacts[0]?.uri;
    expect(uri?.kind === 'sip' && uri.headers).toEqual([
      { name: 'Route', value: '<sip:sip.example.com>' },
    ]);
    expect(validateRequest(asRequest(m), REGISTRAR)).toBeNull();
  },
  'sdp01.dat': (m) => {
    expect(validateRequest(asRequest(m), SRS)?.status).toBe(406);
  },
  'inv2543.dat': (m) => {
    const req = asRequest(m);
    expect(getVias(req)[0]?.branch).toBeUndefined();
    expect(isRfc3261Branch(getVias(req)[0]?.branch)).toBe(false);
    expect(getFrom(req)?.params.tag).toBeUndefined();
    expect(getHeader(req, 'Content-Length')).toBeUndefined();
    expect(req.body.length).toBe(105);
    expect(validateRequest(req, SRS)).toBeNull();
  },
};

/** Framing the same octets on a stream, where RFC 4475 prescribes different behaviour. */
const STREAM_BEHAVIOUR: Record<string, (bytes: Uint8Array) => void> = {
  // §3.1.2.2: over TCP, a Content-Length beyond the data means "wait for more".
  'clerr.dat': (bytes) => expect(extractMessage(bytes).kind).toBe('need-more'),
  // §3.1.2.3 and §3.3.9: a negative or conflicting Content-Length loses the framing: close.
  'ncl.dat': (bytes) => expect(() => createStreamFramer().push(bytes)).toThrow(SipParseError),
  'mcl01.dat': (bytes) =>
    expect(() => createStreamFramer().push(bytes)).toThrow(/conflicting Content-Length/),
  // §3.1.1.8: on a stream the trailing INVITE is a second message, and the octets its
  // Content-Length leaves over are a broken third one.
  'dblreq.dat': (bytes) => {
    const first = extractMessage(bytes);
    expect(first.kind === 'message' && text(first.bytes).startsWith('REGISTER ')).toBe(true);
    const second = first.kind === 'message' ? extractMessage(first.rest) : first;
    expect(
      second.kind === 'message' && text(second.bytes).startsWith('INVITE sip:joe@example.com'),
    ).toBe(true);
    expect(second.kind === 'message' && text(second.rest)).toBe('C\r\n\r\n');
    expect(() => createStreamFramer().push(bytes)).toThrow(SipParseError);
  },
};

function withoutContentLength(m: SipMessage): Array<{ name: string; value: string }> {
  return m.headers.filter((h) => h.name !== 'Content-Length').map((h) => ({ ...h }));
}

function expectRoundTrip(m: SipMessage): void {
  const wire = serializeMessage(m);
  const again = parseDatagram(wire);
  expect(again.kind).toBe(m.kind);
  if (m.kind === 'request' && again.kind === 'request') {
    expect([again.method, again.uri]).toEqual([m.method, m.uri]);
  }
  if (m.kind === 'response' && again.kind === 'response') {
    expect([again.status, again.reason]).toEqual([m.status, m.reason]);
  }
  expect(withoutContentLength(again)).toEqual(withoutContentLength(m));
  expect(getHeader(again, 'Content-Length')).toBe(String(m.body.length));
  expect(Buffer.from(again.body).equals(Buffer.from(m.body))).toBe(true);
  expect(Buffer.from(serializeMessage(again)).equals(Buffer.from(wire))).toBe(true);
}

describe('RFC 4475 torture tests, driven by expectations.tsv', () => {
  it('RFC 4475: the fixtures are the 49 messages, byte-exact (SHA256SUMS)', () => {
    expect(rows).toHaveLength(49);
    const sums = readFileSync(new URL('SHA256SUMS', FIXTURES), 'utf8').trim().split('\n');
    expect(sums).toHaveLength(49);
    for (const line of sums) {
      const [hash, name = ''] = line.split(/\s+/);
      expect(createHash('sha256').update(read(name)).digest('hex'), name).toBe(hash);
    }
    const verdicts = new Set(rows.map((r) => r.verdict));
    expect([...verdicts].sort()).toEqual([
      'accept',
      'accept (must not break)',
      'accept syntax; reject semantically',
      'reject',
    ]);
    for (const row of rows) {
      const covered = row.verdict === 'reject' ? REJECTIONS[row.file] : BEHAVIOUR[row.file];
      expect(covered, `${row.file} has an expectation in this test`).toBeDefined();
    }
  });

  for (const row of rows) {
    it(`RFC 4475 §${row.section} ${row.title} (${row.file}): parser must ${row.verdict}`, () => {
      const bytes = read(row.file);
      if (row.verdict === 'reject') {
        let caught: unknown;
        try {
          parseDatagram(bytes);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(SipParseError);
        const err = caught as SipParseError;
        const expected = REJECTIONS[row.file];
        expect({ code: err.code, status: err.status, header: err.header }).toEqual({
          code: expected?.code,
          status: expected?.status,
          header: expected?.header,
        });
        // An error with a status can be answered: the framed message is there to build it from.
        if (err.status !== undefined) expect(err.partial?.kind).toBe('request');
      } else {
        const message = parseDatagram(bytes);
        expectRoundTrip(message);
        BEHAVIOUR[row.file]?.(message);
        if (row.verdict === 'accept syntax; reject semantically') {
          expect(validateRequest(asRequest(message), SRS)?.status).toBe(400);
        }
      }
      STREAM_BEHAVIOUR[row.file]?.(bytes);
    });
  }
});
