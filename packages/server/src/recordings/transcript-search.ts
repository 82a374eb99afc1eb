// Search inside transcripts (SPEC §7), the pure part: a person's words become terms (letters
// and digits only, so nothing they type is ever FTS syntax), the terms become an SQLite FTS5 or a
// PostgreSQL tsquery expression, and a matching segment's text is cut to a snippet around the
// first hit. Every term must occur in the same segment; each term matches words it begins
// ("refund" finds "refunds"), the same on both databases.
import { invalid } from '../errors.js';

/** The query string's limit, also in the shared schema. */
export const MAX_TRANSCRIPT_QUERY_LENGTH = 200;
export const MAX_TRANSCRIPT_TERMS = 8;
const MAX_TERM_LENGTH = 40;
/** Words shown around the first hit. */
const SNIPPET_WORDS = 16;

const TERM = /[\p{L}\p{N}]+/gu;
const CONTROL = /\p{Cc}/u;

/** The search terms of a transcript query, lower case; throws VALIDATION_FAILED when unusable. */
export function parseTranscriptQuery(query: string): string[] {
  if (query.length > MAX_TRANSCRIPT_QUERY_LENGTH) {
    throw invalid(`transcript: at most ${MAX_TRANSCRIPT_QUERY_LENGTH} characters`);
  }
  if (CONTROL.test(query)) throw invalid('transcript: control characters are not allowed');
  const terms = [...new Set(query.normalize('NFC').toLowerCase().match(TERM) ?? [])];
  if (terms.length === 0) throw invalid('transcript: give at least one word (letters or digits)');
  if (terms.length > MAX_TRANSCRIPT_TERMS) {
    throw invalid(`transcript: at most ${MAX_TRANSCRIPT_TERMS} words`);
  }
  if (terms.some((t) => t.length > MAX_TERM_LENGTH)) {
    throw invalid(`transcript: a word may have at most ${MAX_TERM_LENGTH} characters`);
  }
  return terms;
}

/** SQLite FTS5: every term quoted as a string and matched as a prefix, all required. */
export function toFts5Query(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(' AND ');
}

/** PostgreSQL `to_tsquery('simple', …)`: every term as a prefix, all required. */
export function toTsQuery(terms: readonly string[]): string {
  // Terms hold letters and digits only; the quotes keep to_tsquery from reading any as syntax.
  return terms.map((t) => `'${t.replaceAll("'", "''")}':*`).join(' & ');
}

/**
 * Up to SNIPPET_WORDS words of `text` around the first word that a term begins, with "…" where
 * words were left out.
 */
export function snippetOf(text: string, terms: readonly string[]): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  if (words.length <= SNIPPET_WORDS) return words.join(' ');
  const hit = words.findIndex((w) =>
    (w.toLowerCase().match(TERM) ?? []).some((part) => terms.some((t) => part.startsWith(t))),
  );
  const first = Math.max(
    0,
    Math.min((hit < 0 ? 0 : hit) - Math.floor(SNIPPET_WORDS / 3), words.length - SNIPPET_WORDS),
  );
  const last = first + SNIPPET_WORDS;
  return `${first > 0 ? '… ' : ''}${words.slice(first, last).join(' ')}${last < words.length ? ' …' : ''}`;
}
