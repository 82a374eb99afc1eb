// Owner-matching lookups planned from identifiers as SBCs send them (fixtures in
// test-fixtures/siprec-owners, see its README): national numbers read with a dial-plan country,
// SIP addresses compared per RFC 3261 §19.1.4, extensions only on the trunk's own hosts.
import fs from 'node:fs';
import { parseRecordingMetadata } from '@callvault/recorder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSipAddress } from '../org/sip-address.js';
import {
  canonicalOwnDomain,
  isOwnHost,
  nationalReadings,
  planPartyLookups,
  type DialContext,
} from './party-lookups.js';

const fixture = (name: string) =>
  parseRecordingMetadata(
    fs.readFileSync(new URL(`../../test-fixtures/siprec-owners/${name}`, import.meta.url)),
  );
const aors = (name: string) => fixture(name).participants.map((p) => p.aor ?? '');

const SE: DialContext = { ownDomains: [], countries: ['SE'] };
const US: DialContext = { ownDomains: [], countries: ['US'] };

describe('national numbers are read with the dial-plan country (libphonenumber-js)', () => {
  it('Connectel (SE): sip:0760516936@sip-cust1.connectel.io is +46760516936 in SE', () => {
    expect(aors('connectel-offer.metadata.xml')).toEqual([
      'sip:0771121212@52.57.92.239',
      'sip:0760516936@sip-cust1.connectel.io',
    ]);
    expect(planPartyLookups('sip:0760516936@sip-cust1.connectel.io', SE)).toEqual([
      {
        matchedBy: 'sip-address',
        ref: {
          sipAddress: '0760516936@sip-cust1.connectel.io',
          email: '0760516936@sip-cust1.connectel.io',
        },
      },
      { matchedBy: 'number', ref: { number: '+46760516936' }, country: 'SE' },
      { matchedBy: 'number', ref: { number: '0760516936' } },
      { matchedBy: 'number', ref: { number: '+0760516936' } },
    ]);
  });

  it('host-less sip:8638254725 (the host is the number) is +18638254725 in US, and may be an extension', () => {
    expect(aors('hostless-national-numbers.xml')).toEqual(['sip:8638254725', 'sip:7602922410']);
    expect(planPartyLookups('sip:8638254725', US)).toEqual([
      { matchedBy: 'extension', ref: { extension: '8638254725' } },
      { matchedBy: 'number', ref: { number: '+18638254725' }, country: 'US' },
      { matchedBy: 'number', ref: { number: '8638254725' } },
      { matchedBy: 'number', ref: { number: '+8638254725' } },
    ]);
  });

  it('BroadWorks callType numbers: 7602922410 and sip:8638254725@…;user=phone', () => {
    const bw = fixture('broadworks-national-numbers.xml').vendor?.broadworks;
    expect(bw?.callType).toMatchObject({
      kind: 'origCall',
      callingPartyNumber: '7602922410',
      calledPartyNumber: 'sip:8638254725@10.0.0.1;user=phone',
    });
    const numbers = (id: string) =>
      planPartyLookups(id, US).flatMap((l) => (l.country ? [l.ref.number] : []));
    expect(numbers(bw?.callType?.callingPartyNumber ?? '')).toEqual(['+17602922410']);
    expect(numbers(bw?.callType?.calledPartyNumber ?? '')).toEqual(['+18638254725']);
  });

  it('tries every country of the org, and only readings valid by that country’s numbering plan', () => {
    expect(nationalReadings('0760516936', ['US', 'SE'])).toEqual([
      { e164: '+46760516936', country: 'SE' },
    ]);
    expect(nationalReadings('7602922410', ['se', 'US'])).toEqual([
      { e164: '+17602922410', country: 'US' },
    ]);
    // Valid in both plans: both readings are tried (the entity's location decides).
    expect(nationalReadings('22345678', ['NO', 'DK'])).toEqual([
      { e164: '+4722345678', country: 'NO' },
      { e164: '+4522345678', country: 'DK' },
    ]);
    // The international prefix of the country (00 in Sweden, 011 in the US).
    expect(nationalReadings('0046760516936', ['SE'])).toEqual([
      { e164: '+46760516936', country: 'SE' },
    ]);
    expect(nationalReadings('011460760516936', ['US'])[0]?.e164).toBe('+46760516936');
    expect(nationalReadings('1002', ['SE', 'US'])).toEqual([]);
    expect(nationalReadings('0760516936', ['XX', ''])).toEqual([]);
  });

  it('E.164 as given is not read again', () => {
    expect(planPartyLookups('tel:+46-8-555-0102', SE)).toEqual([
      { matchedBy: 'number', ref: { number: '+4685550102' } },
    ]);
  });
});

describe('RFC 3261 §19.1.4: host case-insensitive, user part case-sensitive, the same on both sides', () => {
  it('stored and looked-up addresses have one canonical form', () => {
    expect(canonicalSipAddress('sip:Dana.Doe@Example.COM')).toBe('Dana.Doe@example.com');
    expect(canonicalSipAddress('Dana.Doe@EXAMPLE.com.')).toBe('Dana.Doe@example.com');
    expect(canonicalSipAddress('SIPS:Dana.Doe@example.com:5061;transport=tls')).toBe(
      'Dana.Doe@example.com',
    );
    expect(canonicalSipAddress('dana.doe@example.com')).not.toBe(
      canonicalSipAddress('Dana.Doe@example.com'),
    );
    const userId = fixture('broadworks-national-numbers.xml').vendor?.broadworks?.userId ?? '';
    expect(planPartyLookups(userId, SE, 'broadworks-user-id')[0]).toEqual({
      matchedBy: 'broadworks-user-id',
      ref: { sipAddress: 'Caller@democorp.com', email: 'caller@democorp.com' },
    });
  });

  it('canonical form is idempotent on any input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const once = canonicalSipAddress(s);
        expect(canonicalSipAddress(once)).toBe(once);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});

describe("extensions match only on the trunk's own hosts", () => {
  const ext = (aor: string, ownDomains: string[]) =>
    planPartyLookups(aor, { ownDomains, countries: ['SE'] }).some(
      (l) => l.ref.extension !== undefined,
    );

  it('Acme/Oracle: sip:1002@192.168.50.10 is an extension only when 192.168.50.10 is own', () => {
    const [, party] = aors('acme-siprec-offer.metadata.xml');
    expect(party).toBe('sip:1002@192.168.50.10');
    expect(ext(party!, [])).toBe(false);
    expect(ext(party!, ['192.168.50.10'])).toBe(true);
    expect(ext(party!, ['192.168.50.102'])).toBe(false);
  });

  it('Cisco CUBE: sip:7301@35.162.237.204 with the CUBE address, a wildcard domain, or *', () => {
    const [party] = aors('cisco-siprec-offer.metadata.xml');
    expect(ext(party!, ['35.162.237.204'])).toBe(true);
    expect(ext(party!, ['*'])).toBe(true);
    expect(ext('sip:1002@other-pbx.example', ['example.com', '*.example.com'])).toBe(false);
    expect(ext('sip:1002@PBX.Example.COM', ['*.example.com'])).toBe(true);
    expect(ext('sip:1002@example.com', ['*.example.com'])).toBe(false);
    expect(ext('sip:1002@[2001:DB8::1]', ['[2001:db8::1]'])).toBe(true);
    expect(ext('tel:1002;phone-context=pbx.example.com', ['pbx.example.com'])).toBe(true);
    expect(ext('tel:1002;phone-context=other.example', ['pbx.example.com'])).toBe(false);
  });

  it('own-domain entries are normalised, and nonsense refused', () => {
    expect(canonicalOwnDomain('PBX.Example.com.')).toBe('pbx.example.com');
    expect(canonicalOwnDomain('*.Example.com')).toBe('*.example.com');
    expect(canonicalOwnDomain('*')).toBe('*');
    expect(canonicalOwnDomain('no spaces.example')).toBeNull();
    expect(canonicalOwnDomain('')).toBeNull();
    expect(isOwnHost('Sub.Example.com', ['*.example.com'])).toBe(true);
  });
});
