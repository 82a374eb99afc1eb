import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { describeError, describeLoginError } from './error-messages.js';

const webexBody = (message: string, code: string) => ({
  message,
  // errorCode is Webex's integer; the console reads the string code.
  errors: [{ description: message, errorCode: 400000, code }],
  trackingId: 'CALLVAULT_test',
});

describe('describeLoginError', () => {
  it("shows the server's message for rejected credentials", () => {
    const error = new ApiError(
      401,
      webexBody('Invalid email or password', 'AUTH_INVALID_CREDENTIALS'),
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
  });
  it('shows why when the server refuses a change of your own roles', () => {
    const message =
      'You cannot change your own roles; another administrator can (or an operator with `callvault roles`)';
    expect(describeError(new ApiError(403, webexBody(message, 'OWN_ROLES_UNCHANGEABLE')))).toBe(
      message,
    );
  });
  it("uses the Webex body's message when there is one", () => {
    expect(describeError(new ApiError(404, webexBody('Person not found', 'NOT_FOUND')))).toBe(
      'Person not found',
    );
  });
});
