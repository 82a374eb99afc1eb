// The one byte range a player asks for (RFC 9110 §14.1.2): `bytes=first-last`, `bytes=first-` or
// a suffix `bytes=-length`. Several ranges in one header are answered with the whole first range
// only, as RFC 9110 allows a server to ignore ranges it does not want to serve.

export type ParsedRange =
  | { readonly kind: 'none' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/** Parses `header` for an object of `size` bytes; a header that does not parse is ignored. */
export function parseRangeHeader(header: string | undefined, size: number): ParsedRange {
  if (header === undefined) return { kind: 'none' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/i.exec(header);
  if (!match) return { kind: 'none' };
  const [, firstText = '', lastText = ''] = match;
  if (firstText === '' && lastText === '') return { kind: 'none' };
  if (firstText === '') {
    // Suffix: the last N bytes.
    const length = Number(lastText);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(size - length, 0), end: size - 1 };
  }
  const start = Number(firstText);
  const end = lastText === '' ? size - 1 : Math.min(Number(lastText), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  if (end < start) return { kind: 'none' };
  return { kind: 'range', start, end };
}
