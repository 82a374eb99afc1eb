// Sentences for the person in front of the console, from whatever a request threw.
import { ApiError } from '../api/client.js';

/**
 * Refusals whose reason the person can act on: the server's own sentence says what to do instead
 * (another administrator changes your roles; you do not manage that organisation).
 */
const EXPLAINED_REFUSALS: ReadonlySet<string> = new Set([
  'OWN_ROLES_UNCHANGEABLE',
  'ORG_NOT_MANAGED',
]);

export function describeError(error: Error): string {
  if (error instanceof ApiError) {
    if (error.status === 403) {
      const code = error.errorCode;
      if (code !== null && EXPLAINED_REFUSALS.has(code) && error.body !== null) {
        return error.body.message;
      }
      return 'You do not have permission to see this.';
    }
    if (error.body !== null) return error.body.message;
    return `The server answered HTTP ${error.status}.`;
  }
  // fetch() rejects with a TypeError when no response arrived at all.
  if (error instanceof TypeError)
    return 'Cannot reach the Callvault server. Check your connection.';
  return error.message;
}

/** Why signing in failed: the server's own words for bad credentials, a fixed sentence for 429. */
export function describeLoginError(error: Error): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return 'Too many attempts, try again later';
    if (error.status === 401) return error.body?.message ?? 'Invalid email or password';
  }
  return describeError(error);
}
