// The search box of the Control Hub lists. Typing filters the loaded rows at once (any word, any
// column); when the org is larger than one page the term also goes to the server, which knows the
// Webex filters only: `email` (exact) and `displayName` (starts with).
import type { DirectoryFilter } from '../api/directory.api.js';

/** Lower-cased words of the search term. */
function splitTerm(term: string): string[] {
  return term
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
}

/** True when every word of `term` occurs in one of `fields`; an empty term matches everything. */
export function matchesSearch(
  term: string,
  fields: readonly (string | null | undefined)[],
): boolean {
  const words = splitTerm(term);
  if (words.length === 0) return true;
  const haystack = fields
    .filter((f): f is string => typeof f === 'string')
    .map((f) => f.toLowerCase());
  return words.every((word) => haystack.some((field) => field.includes(word)));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The server filter that finds what the term can match, or null when only the client can search
 * for it (an extension, a number, part of an email address).
 */
export function toServerFilter(
  term: string,
): Pick<DirectoryFilter, 'email' | 'displayName'> | null {
  const trimmed = term.trim();
  if (trimmed === '') return null;
  if (EMAIL.test(trimmed)) return { email: trimmed };
  if (!trimmed.includes('@') && /\p{L}/u.test(trimmed)) return { displayName: trimmed };
  return null;
}
