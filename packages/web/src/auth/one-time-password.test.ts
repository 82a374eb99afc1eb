import { afterEach, describe, expect, it } from 'vitest';
import {
  forgetOneTimePassword,
  recallOneTimePassword,
  rememberOneTimePassword,
} from './one-time-password.js';

afterEach(forgetOneTimePassword);

describe('the one-time password kept for the change-password page', () => {
  it('is recalled for the person who signed in with it, whatever the case of the address', () => {
    rememberOneTimePassword('First@Fresh.example', 'otp-1234');
    expect(recallOneTimePassword('first@fresh.example')).toBe('otp-1234');
  });

  it('is not recalled for anyone else', () => {
    rememberOneTimePassword('first@fresh.example', 'otp-1234');
    expect(recallOneTimePassword('other@fresh.example')).toBeNull();
  });

  it('is gone once forgotten', () => {
    rememberOneTimePassword('first@fresh.example', 'otp-1234');
    forgetOneTimePassword();
    expect(recallOneTimePassword('first@fresh.example')).toBeNull();
  });
});
