import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecordingMetadata } from './recording-metadata-parser.js';
import { SiprecMetadataError } from './siprec-metadata-error.js';
import type { SiprecMetadataErrorCode } from './siprec-metadata-error.js';
import { decodeXmlCharacterReferences, readSafeXmlDocument } from './safe-xml-reader.js';

const FIXTURES = fileURLToPath(new URL('../../../test-fixtures/siprec/', import.meta.url));
const RFC_EXAMPLE = readFileSync(
  `${FIXTURES}rfc-derived/rfc7865_8.1_complete_metadata.xml`,
  'utf8',
);

function codeOf(action: () => unknown): SiprecMetadataErrorCode | 'no error' | 'untyped error' {
  try {
    action();
    return 'no error';
  } catch (error) {
    return error instanceof SiprecMetadataError ? error.code : 'untyped error';
  }
}

const RECORDING_OPEN = "<recording xmlns='urn:ietf:params:xml:ns:recording:1'>";

describe('XML safety (RFC 7866 §9 bodies come from the network)', () => {
  it('refuses the billion-laughs internal subset with XML_DOCTYPE before parsing', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => {
        const prev = i === 0 ? 'lol' : `lol${i}`;
        return ` <!ENTITY lol${i + 1} "${`&${prev};`.repeat(10)}">`;
      }),
      ']>',
      `${RECORDING_OPEN}<datamode>&lol9;</datamode></recording>`,
    ].join('\n');
    expect(codeOf(() => parseRecordingMetadata(lol))).toBe('XML_DOCTYPE');
  });

  it('refuses an external entity (XXE) with XML_DOCTYPE', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      `${RECORDING_OPEN}<datamode>complete</datamode><participant participant_id="p"><nameID aor="&xxe;"/></participant></recording>`;
    expect(codeOf(() => parseRecordingMetadata(xxe))).toBe('XML_DOCTYPE');
  });

  it('refuses a DOCTYPE without subset, a stray ENTITY declaration and a lower-case doctype', () => {
    expect(
      codeOf(() => parseRecordingMetadata(`<!DOCTYPE recording>${RECORDING_OPEN}</recording>`)),
    ).toBe('XML_DOCTYPE');
    expect(
      codeOf(() => parseRecordingMetadata(`${RECORDING_OPEN}<!ENTITY a "b"></recording>`)),
    ).toBe('XML_DOCTYPE');
    expect(codeOf(() => parseRecordingMetadata(`<!doctype x>${RECORDING_OPEN}</recording>`))).toBe(
      'XML_DOCTYPE',
    );
  });

  it('never expands entity references: only predefined entities and character references are decoded', () => {
    const doc = readSafeXmlDocument(
      `<r a="x&amp;y&#x41;&#66;&custom;"><t>&lt;sip:a@b&gt; &custom; &#0; <![CDATA[&amp;]]></t></r>`,
    );
    expect(doc.root.attributes['a']).toBe('x&yAB&custom;');
    expect(doc.root.children[0]?.text).toBe('<sip:a@b> &custom; &#0; &amp;');
    expect(decodeXmlCharacterReferences('&quot;&apos;&#x1F600;')).toBe(`"'😀`);
  });

  it('refuses a body over the cap (default 256 KiB) with XML_TOO_LARGE, and the cap is configurable', () => {
    const padding = '<!--' + 'x'.repeat(256 * 1024) + '-->';
    expect(codeOf(() => parseRecordingMetadata(`${RECORDING_OPEN}${padding}</recording>`))).toBe(
      'XML_TOO_LARGE',
    );
    expect(codeOf(() => parseRecordingMetadata(RFC_EXAMPLE))).toBe('no error');
    expect(codeOf(() => parseRecordingMetadata(RFC_EXAMPLE, { maxBytes: 1024 }))).toBe(
      'XML_TOO_LARGE',
    );
    // The cap counts bytes, not characters.
    const multiByte = `${RECORDING_OPEN}<!--${'é'.repeat(600)}--></recording>`;
    expect(multiByte.length).toBeLessThan(1024);
    expect(codeOf(() => parseRecordingMetadata(multiByte, { maxBytes: 1024 }))).toBe(
      'XML_TOO_LARGE',
    );
  });

  it('refuses deep nesting with XML_TOO_DEEP', () => {
    const deep = `${RECORDING_OPEN}${'<x>'.repeat(200)}${'</x>'.repeat(200)}</recording>`;
    expect(codeOf(() => parseRecordingMetadata(deep))).toBe('XML_TOO_DEEP');
    const moderate = `${RECORDING_OPEN}${'<x>'.repeat(10)}${'</x>'.repeat(10)}</recording>`;
    expect(codeOf(() => parseRecordingMetadata(moderate))).toBe('no error');
    expect(codeOf(() => parseRecordingMetadata(moderate, { maxDepth: 5 }))).toBe('XML_TOO_DEEP');
  });

  it('refuses too many elements with XML_TOO_MANY_ELEMENTS', () => {
    const many = `${RECORDING_OPEN}${'<x/>'.repeat(20_000)}</recording>`;
    expect(codeOf(() => parseRecordingMetadata(many))).toBe('XML_TOO_MANY_ELEMENTS');
    expect(codeOf(() => parseRecordingMetadata(RFC_EXAMPLE, { maxElements: 20 }))).toBe(
      'XML_TOO_MANY_ELEMENTS',
    );
  });

  it.each([
    ['an unclosed element', `${RECORDING_OPEN}<datamode>complete</recording>`],
    ['two root elements', `${RECORDING_OPEN}</recording><recording/>`],
    ['text after the root', `${RECORDING_OPEN}</recording>trailing`],
    ['a repeated attribute', `<recording a="1" a="2"/>`],
    ['no element at all', `<?xml version="1.0"?>`],
    ['an empty body', ''],
  ])('refuses %s with XML_MALFORMED', (_, body) => {
    expect(codeOf(() => parseRecordingMetadata(body))).toBe('XML_MALFORMED');
  });

  it('refuses bytes that are not UTF-8 with XML_ENCODING, and reads UTF-16 with a byte order mark', () => {
    const bad = new Uint8Array([...Buffer.from(`${RECORDING_OPEN}<x>`), 0xff, 0xfe, 0xfd]);
    expect(codeOf(() => parseRecordingMetadata(bad))).toBe('XML_ENCODING');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(RFC_EXAMPLE, 'utf16le')]);
    const fromUtf16 = parseRecordingMetadata(new Uint8Array(utf16));
    expect(fromUtf16.participants.map((p) => p.aor)).toEqual([
      'sip:bob@biloxi.com',
      'sip:Paul@biloxi.com',
    ]);
  });

  it('keeps the character span of every element so extensions can be sliced verbatim', () => {
    const source = `<a xmlns:p="urn:p"><p:b k='v'>t</p:b><c/></a>`;
    const doc = readSafeXmlDocument(source);
    const [b, c] = doc.root.children;
    expect(source.slice(b?.start, b?.end)).toBe(`<p:b k='v'>t</p:b>`);
    expect(source.slice(c?.start, c?.end)).toBe('<c/>');
    expect(b?.namespace).toBe('urn:p');
    expect(b?.localName).toBe('b');
  });
});

describe('property: random mutations of the fixtures', () => {
  const fixtures = [
    RFC_EXAMPLE,
    readFileSync(`${FIXTURES}rfc-derived/partial_update_hold.xml`, 'utf8'),
    readFileSync(`${FIXTURES}reconstructed/broadworks-recording-metadata.xml`, 'utf8'),
    readFileSync(`${FIXTURES}sipp_metadata_example.xml`, 'utf8'),
  ];
  const tokens = [
    '<',
    '>',
    '/>',
    '</',
    '&',
    '&amp;',
    '&#',
    '"',
    "'",
    '=',
    ':',
    'xmlns:x="u"',
    '<!--',
    ']]>',
    '<![CDATA[',
    '<!DOCTYPE',
    '\u0000',
    'é',
    '<participant>',
    '</stream>',
    'participant_id=',
  ];

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 8 })),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('duplicate' as const),
      at: fc.nat(),
      length: fc.nat({ max: 200 }),
    }),
  );

  type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

  function mutate(text: string, steps: readonly Mutation[]): string {
    let out = text;
    for (const step of steps) {
      const at = out.length === 0 ? 0 : step.at % (out.length + 1);
      switch (step.kind) {
        case 'delete':
          out = out.slice(0, at) + out.slice(at + step.length);
          break;
        case 'insert':
          out = out.slice(0, at) + step.text + out.slice(at);
          break;
        case 'truncate':
          out = out.slice(0, at);
          break;
        case 'duplicate':
          out = out.slice(0, at + step.length) + out.slice(at, at + step.length) + out.slice(at);
          break;
      }
    }
    return out;
  }

  it('RFC 7866 §9: whatever arrives, the reader returns a model or throws its typed error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (fixture, steps) => {
          const body = mutate(fixture, steps);
          try {
            const model = parseRecordingMetadata(body);
            expect(['complete', 'partial']).toContain(model.dataMode);
          } catch (error) {
            expect(error).toBeInstanceOf(SiprecMetadataError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
