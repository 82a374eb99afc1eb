import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phoneNumberOfAor } from './party-lookups.js';

describe('phoneNumberOfAor: the number a SIPREC participant’s AOR names', () => {
  it.each([
    ['tel:+46701234567', '+46701234567'],
    ['tel:+1-555-010-0;phone-context=example.com', '+15550100'],
    ['sip:+15550100@pstn.example', '+15550100'],
    ['sips:0701234567@host;user=phone', '0701234567'],
    ['sip:%2B4685550102@sbc.example', '+4685550102'],
    ['SIP:1234@pbx.example', '1234'],
    ['sip:1@pbx.example', '1'],
    // A host-less SIP URI: the "host" is the number.
    ['sip:8638254725', '8638254725'],
    // Without a scheme, as Sonus/Ribbon metadata writes its AORs, or a bare number.
    ['2249888500@172.16.198.55', '2249888500'],
    ['8638254725', '8638254725'],
  ])('%s → %s', (aor, number) => {
    expect(phoneNumberOfAor(aor)).toBe(number);
  });

  it.each([
    [undefined],
    [''],
    ['sip:alice@example.com'],
    ['alice@example.com'],
    ['sip:pstn.example'],
    ['mailto:alice@example.com'],
    ['sip:+1234567890123456789012@x'],
    ['sip:%ZZ12@x'],
  ])('%s names no number', (aor) => {
    expect(phoneNumberOfAor(aor)).toBeNull();
  });
});

describe('phoneNumberOfAor on untrusted metadata', () => {
  it('never throws, and answers a number or null', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `sip:${s}@x`),
        ),
        (aor) => {
          const n = phoneNumberOfAor(aor);
          expect(n === null || /^\+?\d{1,20}$/.test(n)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
