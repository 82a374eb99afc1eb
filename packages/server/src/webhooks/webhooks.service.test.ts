import { describe, expect, it } from 'vitest';
import { signWebhookBody } from './webhook-delivery.service.js';
import { matchesWebhookFilter, parseWebhookFilter } from './webhooks.service.js';

describe('Webex webhook signature', () => {
  it('is HMAC-SHA1 of the raw body under the secret, lowercase hex (RFC 2202 test case 2)', () => {
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
  });
});

describe('webhook filters', () => {
  it('parses key=value pairs joined by & with URL-encoded values', () => {
    const f = parseWebhookFilter(
      'convergedRecordings',
      'ownerEmail=a%40example.com&status=available',
    );
    expect([...f]).toEqual([
      ['ownerEmail', 'a@example.com'],
      ['status', 'available'],
    ]);
  });

  it.each([
    ['color=red', /unknown key color/],
    ['ownerId', /not key=value/],
    ['ownerId=a&ownerId=b', /twice/],
    ['ownerId=%E0%A4%A', /URL-encoded/],
  ])('refuses %s', (text, why) => {
    expect(() => parseWebhookFilter('convergedRecordings', text)).toThrow(why);
  });

  it('storageQuota webhooks take no filter', () => {
    expect(() => parseWebhookFilter('storageQuota', 'ownerId=x')).toThrow(/no filter/);
    expect(parseWebhookFilter('storageQuota', '').size).toBe(0);
  });

  it('matches every pair; emails ignore case; a missing attribute does not match', () => {
    const f = parseWebhookFilter('convergedRecordings', 'ownerEmail=A@Example.com&ownerType=user');
    expect(matchesWebhookFilter(f, { ownerEmail: 'a@example.com', ownerType: 'user' })).toBe(true);
    expect(matchesWebhookFilter(f, { ownerEmail: 'a@example.com', ownerType: 'place' })).toBe(
      false,
    );
    expect(matchesWebhookFilter(f, { ownerEmail: null, ownerType: 'user' })).toBe(false);
    expect(matchesWebhookFilter(new Map(), {})).toBe(true);
  });

  it('an ownerId or locationId filter names its owner in either form: the Webex id or the plain UUID', () => {
    const uuid = '24683d6c-5529-4b60-a6c7-91e8b293bbab';
    const personId = Buffer.from(`ciscospark://us/PEOPLE/${uuid}`).toString('base64url');
    const other = Buffer.from(
      'ciscospark://us/PEOPLE/0e8b2b5e-1111-4b60-a6c7-91e8b293bbab',
    ).toString('base64url');
    for (const text of [
      `ownerId=${uuid}`,
      `ownerId=${personId}`,
      `ownerId=${uuid.replaceAll('-', '')}`,
    ]) {
      const f = parseWebhookFilter('convergedRecordings', text);
      expect(matchesWebhookFilter(f, { ownerId: personId })).toBe(true);
      expect(matchesWebhookFilter(f, { ownerId: other })).toBe(false);
    }
    const byLocation = parseWebhookFilter('convergedRecordings', `locationId=${uuid}`);
    const locationId = Buffer.from(`ciscospark://us/LOCATION/${uuid}`).toString('base64url');
    expect(matchesWebhookFilter(byLocation, { locationId })).toBe(true);
  });
});
