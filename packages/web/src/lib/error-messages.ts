// Sentences for the person in front of the console, from whatever a request threw. A server error
// is translated by its stable code (packages/server/src/errors.ts); a code the console does not
// know yet shows the server's own message. Codes whose message names the specific problem (a
// field that failed validation, what was not found) keep that detail inside the translation.
import { readSettingsProblem } from '@callvault/shared';
import i18next from 'i18next';
import { ApiError } from '../api/client.js';
import { describeSettingsProblemText } from './recording-form.js';

/** Every code the console translates: the keys of `errors:code`. */
function isTranslatedCode(code: string): boolean {
  return i18next.exists(`errors:code.${code}`, { lng: 'en' });
}

/** The sentence for a server error code, or null for a code the console does not know. */
export function describeErrorCode(code: string, detail: string): string | null {
  if (!isTranslatedCode(code)) return null;
  // The key is checked at run time above; the typed `t` cannot know codes added to the server.
  return i18next.t(`errors:code.${code}` as 'errors:code.INTERNAL', { detail });
}

export function describeError(error: Error): string {
  if (error instanceof ApiError) {
    const code = error.errorCode;
    const detail = error.body?.message ?? '';
    // A call-recording setting the server refused by a shared rule: worded as the form words it.
    const problem = code === 'VALIDATION_FAILED' ? readSettingsProblem(detail) : null;
    if (problem !== null) return describeSettingsProblemText(problem);
    if (code !== null) {
      const translated = describeErrorCode(code, detail);
      if (translated !== null) return translated;
    }
    if (error.status === 403) return i18next.t('errors:forbidden');
    if (error.body !== null) return error.body.message;
    return i18next.t('errors:httpStatus', { status: error.status });
  }
  // fetch() rejects with a TypeError when no response arrived at all.
  if (error instanceof TypeError) return i18next.t('errors:unreachable');
  return error.message;
}

/** Why signing in failed: rejected credentials by code, a fixed sentence for 429. */
export function describeLoginError(error: Error): string {
  if (error instanceof ApiError && error.status === 429) {
    return i18next.t('errors:tooManyAttempts');
  }
  return describeError(error);
}
