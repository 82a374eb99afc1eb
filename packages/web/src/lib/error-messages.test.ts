import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { setTestLanguage } from '../i18n/testing.js';
import { describeError, describeLoginError } from './error-messages.js';

beforeEach(() => setTestLanguage('en'));
afterEach(() => setTestLanguage('en'));

const webexBody = (message: string, code: string) => ({
  message,
  // errorCode is Webex's integer; the console reads the string code.
  errors: [{ description: message, errorCode: 400000, code }],
  trackingId: 'CALLVAULT_test',
});

describe('describeLoginError', () => {
  it('says the credentials were rejected, by code', () => {
    const error = new ApiError(
      401,
      webexBody('whatever the server says', 'AUTH_INVALID_CREDENTIALS'),
    );
    expect(describeLoginError(error)).toBe('Invalid email or password');
  });
  it('asks to wait when the server limits attempts, whatever its wording', () => {
    const error = new ApiError(429, webexBody('Too many requests', 'RATE_LIMITED'));
    expect(describeLoginError(error)).toBe('Too many attempts, try again later');
    expect(describeLoginError(new ApiError(429, null))).toBe('Too many attempts, try again later');
  });
  it('falls back to the general description for other failures', () => {
    expect(describeLoginError(new ApiError(500, null))).toBe('The server answered HTTP 500.');
    expect(describeLoginError(new TypeError('Failed to fetch'))).toBe(
      'Cannot reach the Callvault server. Check your connection.',
    );
  });
});

describe('describeError', () => {
  it('says what a 403 means instead of echoing it', () => {
    expect(describeError(new ApiError(403, webexBody('Forbidden', 'FORBIDDEN')))).toBe(
      'You do not have permission to see this.',
    );
    expect(describeError(new ApiError(403, null))).toBe('You do not have permission to see this.');
  });
  it('shows why when the server refuses a change of your own roles', () => {
    const message =
      'You cannot change your own roles; another administrator can (or an operator with `callvault roles`)';
    expect(describeError(new ApiError(403, webexBody(message, 'OWN_ROLES_UNCHANGEABLE')))).toBe(
      message,
    );
  });
  it("keeps the server's detail for codes that name the problem", () => {
    expect(describeError(new ApiError(404, webexBody('Person not found', 'NOT_FOUND')))).toBe(
      'Person not found',
    );
    const invalid = 'body.name must NOT have more than 80 characters';
    expect(describeError(new ApiError(400, webexBody(invalid, 'VALIDATION_FAILED')))).toBe(invalid);
  });
  it('translates by code, not by the server message', () => {
    const error = new ApiError(
      507,
      webexBody('ENOSPC on /var/lib/callvault', 'INSUFFICIENT_STORAGE'),
    );
    expect(describeError(error)).toBe("The server's disk is full. Nothing was saved.");
  });
  it("shows the server's message for a code the console does not know", () => {
    const error = new ApiError(409, webexBody('A newer kind of conflict', 'SOMETHING_NEW'));
    expect(describeError(error)).toBe('A newer kind of conflict');
  });
});

describe('in Swedish', () => {
  beforeEach(() => setTestLanguage('sv'));

  it('translates every kind of failure', () => {
    expect(describeError(new ApiError(403, webexBody('Forbidden', 'FORBIDDEN')))).toBe(
      'Du har inte behörighet att se det här.',
    );
    expect(
      describeLoginError(
        new ApiError(401, webexBody('Invalid email or password', 'AUTH_INVALID_CREDENTIALS')),
      ),
    ).toBe('Ogiltig e-postadress eller ogiltigt lösenord');
    expect(describeLoginError(new ApiError(429, null))).toBe(
      'För många försök, försök igen senare',
    );
    expect(describeError(new ApiError(502, null))).toBe('Servern svarade med HTTP 502.');
    expect(describeError(new TypeError('Failed to fetch'))).toBe(
      'Det går inte att nå Callvault-servern. Kontrollera anslutningen.',
    );
  });
  it("wraps the server's detail in a Swedish sentence", () => {
    expect(describeError(new ApiError(404, webexBody('Person not found', 'NOT_FOUND')))).toBe(
      'Hittades inte: Person not found',
    );
  });
  it("falls back to the server's message for an unknown code", () => {
    const error = new ApiError(409, webexBody('A newer kind of conflict', 'SOMETHING_NEW'));
    expect(describeError(error)).toBe('A newer kind of conflict');
  });
  it('words a call-recording rule the server enforced as the form does, by its code', () => {
    const interval =
      'repeat.interval must be a whole number of seconds between 10 and 1800 (got 5)';
    expect(describeError(new ApiError(400, webexBody(interval, 'VALIDATION_FAILED')))).toBe(
      'Ange ett heltal mellan 10 och 1\u00a0800 sekunder.',
    );
    const delay = 'delayInSeconds must be a whole number of seconds between 1 and 20 (got 99)';
    expect(describeError(new ApiError(400, webexBody(delay, 'VALIDATION_FAILED')))).toBe(
      'Ange ett heltal mellan 1 och 20 sekunder.',
    );
  });
});
