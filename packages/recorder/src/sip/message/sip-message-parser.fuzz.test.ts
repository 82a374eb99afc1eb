// Property-based fuzzing of the SIP message layer with fast-check. Seeds are the RFC 4475
// torture messages, the SIPREC captures and the vendor offers wrapped in INVITEs; mutations flip
// bits, truncate, duplicate and delete ranges, and insert CR, LF, NUL, folding, quotes and huge
// Content-Length values. Properties: the parsers throw nothing but SipParseError, finish fast,
// keep memory bounded (framer buffer, output sizes), and whatever they accept serializes to
// octets that parse back to the same message. FUZZ_RUNS sets the number of runs per property
// (default sized for about 25 s in the unit suite; `make fuzz` runs 200000).
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createResponse,
  createStreamFramer,
  getCallId,
  getContacts,
  getContentType,
  getCSeq,
  getFrom,
  getHeader,
  getMaxForwards,
  getRoutes,
  getTo,
  getVias,
  parseDatagram,
  parseFramedMessage,
  parseMultipart,
  serializeMessage,
  SipParseError,
  validateRequest,
  validateResponse,
  type SipMessage,
  type SipParseLimits,
} from './index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 50_000);
/** Generous per-property time limit that grows with the run count (`make fuzz`). */
const TIMEOUT_MS = Math.max(300_000, RUNS * 5);
/** Small limits so the size checks are reached by mutations, not only by giant inputs. */
const LIMITS: SipParseLimits = { maxMessageBytes: 6000, maxHeaders: 48, maxHeaderLineBytes: 1200 };
/** A single case may take this long before we call it a hang (generous: CI machines are slow). */
const MAX_CASE_MS = 2000;

const fixtures = new URL('../../../test-fixtures/', import.meta.url);
const readFixture = (path: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(path, fixtures)));

function wrapOffer(body: Uint8Array): Uint8Array {
  const text = Buffer.from(body).toString('latin1');
  const boundary = /^--(\S+?)(?:--)?\s*$/m.exec(text)?.[1] ?? 'none';
  const head =
    'INVITE sip:srs@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.20;branch=z9hG4bK-f\r\n' +
    'From: <sip:a@192.0.2.20>;tag=f\r\nTo: <sip:srs@192.0.2.10>\r\nCall-ID: fuzz@192.0.2.20\r\n' +
    `CSeq: 1 INVITE\r\nContent-Type: multipart/mixed;boundary="${boundary}"\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

const SEEDS: Uint8Array[] = [
  ...readdirSync(new URL('rfc4475/', fixtures))
    .filter((f) => f.endsWith('.dat'))
    .map((f) => readFixture(`rfc4475/${f}`)),
  readFixture('sip/sipp_siprec_uac_INVITE.sip'),
  readFixture('sip/srs_stub_200OK.sip'),
  readFixture('sip/rfc7866_style_INVITE_4streams.sip'),
  ...readdirSync(new URL('sip/vendor-offers/', fixtures))
    .filter((f) => f.includes('-offer'))
    .map((f) => wrapOffer(readFixture(`sip/vendor-offers/${f}`))),
];

const INSERTS = [
  '\r',
  '\n',
  '\0',
  '\r\n',
  '\r\n\r\n',
  '\r\n ',
  ' ',
  '\t',
  ':',
  ';',
  ',',
  '"',
  '\\',
  '<',
  '>',
  '%',
  '%0',
  '=',
  '@',
  '?',
  '[',
  ']',
  '/',
  '--',
  'SIP/2.0 ',
  '\r\nContent-Length: 99999999999999999999',
  '\r\nl: 4294967296',
  '\r\nContent-Length: -1',
  '\r\nContent-Length: 0',
  '\r\nVia: SIP/2.0/UDP [::1]:99999;rport',
  '\r\nContact: *',
  '\r\nCSeq: 4294967296 INVITE',
  ';tag=',
  ';branch=z9hG4bK',
  '\u00e9',
  '\xff\xfe',
].map((s) => Buffer.from(s, 'latin1'));

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; from: number; len: number; at: number }
  | { op: 'delete'; from: number; len: number }
  | { op: 'insert'; at: number; bytes: Uint8Array };

const position = fc.nat({ max: 1 << 16 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({
    op: fc.constant('duplicate' as const),
    from: position,
    len: fc.nat({ max: 400 }),
    at: position,
  }),
  fc.record({ op: fc.constant('delete' as const), from: position, len: fc.nat({ max: 40 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: position,
    bytes: fc.oneof(fc.constantFrom(...INSERTS), fc.uint8Array({ minLength: 1, maxLength: 12 })),
  }),
);

function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const n = b.length;
    const pos = (x: number): number => (n === 0 ? 0 : x % (n + 1));
    switch (m.op) {
      case 'flip':
        if (n > 0) b[m.at % n] = (b[m.at % n] ?? 0) ^ (1 << m.bit);
        break;
      case 'truncate':
        b = b.subarray(0, pos(m.at));
        break;
      case 'duplicate': {
        const from = pos(m.from);
        const slice = b.subarray(from, from + m.len);
        const at = pos(m.at);
        b = Buffer.concat([b.subarray(0, at), slice, b.subarray(at)]);
        break;
      }
      case 'delete': {
        const from = pos(m.from);
        b = Buffer.concat([b.subarray(0, from), b.subarray(from + m.len)]);
        break;
      }
      case 'insert': {
        const at = pos(m.at);
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      }
    }
  }
  return new Uint8Array(b);
}

const mutatedArb = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
  .map(([seed, mutations]) => mutate(seed, mutations));

/** Runs `fn`, allowing only SipParseError to escape. Returns the result or the error. */
function onlySipErrors<T>(fn: () => T): T | SipParseError {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    expect(typeof err.code).toBe('string');
    return err;
  }
}

function withoutContentLength(m: SipMessage): Array<{ name: string; value: string }> {
  return m.headers
    .filter((h) => h.name !== 'Content-Length')
    .map((h) => ({ name: h.name, value: h.value }));
}

/** Everything the layers above will call on an accepted message. */
function exercise(msg: SipMessage, input: Uint8Array): void {
  expect(msg.body.length).toBeLessThanOrEqual(input.length);
  expect(msg.headers.length).toBeLessThanOrEqual(LIMITS.maxHeaders);
  // Checked at parse time: these must not throw at all.
  getVias(msg);
  getFrom(msg);
  getTo(msg);
  getCallId(msg);
  getCSeq(msg);
  getMaxForwards(msg);
  getRoutes(msg, 'Route');
  getRoutes(msg, 'Record-Route');
  const contentType = getContentType(msg);
  onlySipErrors(() => getContacts(msg));
  if (msg.kind === 'request') {
    onlySipErrors(() =>
      validateRequest(msg, {
        allowedMethods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'],
        supportedOptionTags: ['siprec'],
        acceptedContentTypes: ['application/sdp', 'multipart/mixed'],
        answerContentTypes: ['application/sdp'],
      }),
    );
    serializeMessage(createResponse(msg, 400, { toTag: 'fuzz' }));
  } else {
    validateResponse(msg);
  }
  if (contentType?.type === 'multipart') {
    const multipart = onlySipErrors(() => parseMultipart(msg.body, contentType));
    if (!(multipart instanceof SipParseError)) {
      const total = multipart.parts.reduce((sum, p) => sum + p.body.length, 0);
      expect(total).toBeLessThanOrEqual(msg.body.length);
    }
  }
  // Accepted messages round-trip.
  const wire = serializeMessage(msg);
  const again = parseDatagram(wire, { limits: { ...LIMITS, maxMessageBytes: wire.length } });
  expect(again.kind).toBe(msg.kind);
  if (again.kind === 'request' && msg.kind === 'request')
    expect([again.method, again.uri]).toEqual([msg.method, msg.uri]);
  if (again.kind === 'response' && msg.kind === 'response')
    expect([again.status, again.reason]).toEqual([msg.status, msg.reason]);
  expect(withoutContentLength(again)).toEqual(withoutContentLength(msg));
  expect(Buffer.from(again.body).equals(Buffer.from(msg.body))).toBe(true);
  expect(getHeader(again, 'Content-Length')).toBe(String(msg.body.length));
}

function timed(fn: () => void): void {
  const start = performance.now();
  fn();
  expect(performance.now() - start).toBeLessThan(MAX_CASE_MS);
}

describe(`SIP parser fuzzing (${RUNS} runs per property)`, () => {
  it(
    'RFC 3261 §18.3 datagrams: mutated messages are parsed or refused with SipParseError only',
    () => {
      let accepted = 0;
      const codes = new Set<string>();
      fc.assert(
        fc.property(mutatedArb, (bytes) => {
          timed(() => {
            const result = onlySipErrors(() => parseDatagram(bytes, { limits: LIMITS }));
            if (result instanceof SipParseError) {
              codes.add(result.code);
              // An answerable error carries what is needed to build the answer.
              if (result.status !== undefined && result.partial?.kind === 'request') {
                serializeMessage(createResponse(result.partial, result.status));
              }
            } else {
              accepted++;
              exercise(result, bytes);
            }
          });
        }),
        { numRuns: RUNS },
      );
      // The mutations must reach both the accepting paths and the main refusal paths.
      if (RUNS >= 2000) {
        expect(accepted).toBeGreaterThan(RUNS / 20);
        for (const code of [
          'START_LINE',
          'HEADER_SYNTAX',
          'HEADER_VALUE',
          'CONTENT_LENGTH',
          'TOO_LARGE',
          'INCOMPLETE',
        ]) {
          expect(codes).toContain(code);
        }
      }
    },
    TIMEOUT_MS,
  );

  it(
    'RFC 3261 §18.3 streams: mutated messages in random segments frame with bounded buffering',
    () => {
      const streamArb = fc.tuple(
        fc.array(
          fc.oneof(mutatedArb, fc.constantFrom(...SEEDS), fc.constant(Buffer.from('\r\n\r\n'))),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
      );
      fc.assert(
        fc.property(streamArb, ([messages, cuts]) => {
          timed(() => {
            const stream = Buffer.concat(messages);
            const framer = createStreamFramer({ limits: LIMITS });
            let offset = 0;
            let k = 0;
            while (offset < stream.length) {
              const size = cuts[k++ % cuts.length] ?? 1;
              const chunk = stream.subarray(offset, offset + size);
              offset += size;
              const events = onlySipErrors(() => framer.push(chunk));
              if (events instanceof SipParseError) {
                // A failed framer stays failed: the connection is closed.
                expect(() => framer.push(new Uint8Array([0x41]))).toThrow(SipParseError);
                return;
              }
              expect(framer.bufferedBytes).toBeLessThanOrEqual(LIMITS.maxMessageBytes + size);
              for (const event of events) {
                if (event.kind !== 'message') continue;
                expect(event.bytes.length).toBeLessThanOrEqual(LIMITS.maxMessageBytes);
                const parsed = onlySipErrors(() =>
                  parseFramedMessage(event.bytes, { limits: LIMITS }),
                );
                if (!(parsed instanceof SipParseError)) exercise(parsed, event.bytes);
              }
            }
          });
        }),
        { numRuns: Math.max(1, Math.floor(RUNS / 3)) },
      );
    },
    TIMEOUT_MS,
  );
});
