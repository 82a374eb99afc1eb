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
});
