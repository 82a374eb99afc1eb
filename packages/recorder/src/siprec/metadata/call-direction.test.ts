import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitFixtureMessage } from '../fixture-multipart.test-helper.js';
import { pickSiprecBodyParts } from '../siprec-body-parts.js';
import { callDirectionOf } from './call-direction.js';
import { parseRecordingMetadata } from './recording-metadata-parser.js';

const fixture = (path: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../../test-fixtures/siprec/${path}`, import.meta.url)),
    'utf8',
  );

// The Acme Packet offer captured from a real SBC: 9000 (fSD3…) is the calling party.
const acme = parseRecordingMetadata(
  pickSiprecBodyParts(splitFixtureMessage(fixture('vendor-offers/acme-siprec-offer.txt')).parts)
    .metadata!,
);
const CALLER = 'fSD3PFErSjNTHLDiXCELjw==';
const CALLED = 'EbccNyypRlFYXTm4iw8hxw==';

const acmeDocument = (first: string, second: string) =>
  parseRecordingMetadata(
    `<recording xmlns='urn:ietf:params:xml:ns:recording'><datamode>complete</datamode>` +
      `<participant id="a"><nameID aor="sip:a@example.com"/>` +
      `<extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>${first}</apkt:callingParty></extensiondata></participant>` +
      `<participant id="b"><nameID aor="sip:b@example.com"/>` +
      `<extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>${second}</apkt:callingParty></extensiondata></participant>` +
      `</recording>`,
  );

describe('call direction from SRC metadata extensions', () => {
  it('Acme callingParty: the owner calling is outbound, being called is inbound', () => {
    expect(callDirectionOf(acme, CALLER, [CALLER])).toBe('outbound');
    expect(callDirectionOf(acme, CALLED, [CALLED])).toBe('inbound');
  });

  it('Acme callingParty: a call between two owners is internal, for both of them', () => {
    expect(callDirectionOf(acme, CALLER, [CALLER, CALLED])).toBe('internal');
    expect(callDirectionOf(acme, CALLED, [CALLER, CALLED])).toBe('internal');
  });

  it('Acme callingParty: two callers or none say nothing', () => {
    expect(callDirectionOf(acmeDocument('true', 'true'), 'a', ['a'])).toBeNull();
    expect(callDirectionOf(acmeDocument('false', 'false'), 'a', ['a'])).toBeNull();
    expect(callDirectionOf(acmeDocument(' TRUE ', 'false'), 'a', ['a'])).toBe('outbound');
  });

  it('BroadWorks callType: origCall is outbound, termCall inbound', () => {
    const orig = parseRecordingMetadata(fixture('reconstructed/broadworks-recording-metadata.xml'));
    expect(orig.vendor?.broadworks?.callType?.kind).toBe('origCall');
    expect(callDirectionOf(orig, orig.participants[0]!.id)).toBe('outbound');
    const term = parseRecordingMetadata(
      fixture('reconstructed/broadworks-recording-metadata.xml').replaceAll('origCall', 'termCall'),
    );
    expect(callDirectionOf(term, undefined)).toBe('inbound');
  });

  it('RFC 7865 metadata alone has no direction', () => {
    const rfc = parseRecordingMetadata(fixture('rfc-derived/rfc7865_8.1_complete_metadata.xml'));
    expect(callDirectionOf(rfc, rfc.participants[0]?.id, [])).toBeNull();
  });
});
