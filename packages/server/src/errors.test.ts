// The integer error codes are part of the API: docs/errors.md must list exactly the codes,
// numbers and statuses of errors.ts, and the numbers must follow the documented rule.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_NUMBER, ERROR_STATUS, type ErrorCode } from './errors.js';

const DOC = fs.readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** The `| errorCode | code | status | meaning |` rows of docs/errors.md. */
function documentedRows(): Array<{ errorCode: number; code: string; status: number }> {
  return [...DOC.matchAll(/^\| (\d{6}) \| ([A-Z_]+) \| (\d{3}) \| [^|\n]+\|$/gm)].map((m) => ({
    errorCode: Number(m[1]),
    code: m[2] ?? '',
    status: Number(m[3]),
  }));
}

describe('error codes', () => {
  const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

  it('docs/errors.md lists every code with its number and status, and nothing else', () => {
    const expected = codes
      .map((code) => ({ errorCode: ERROR_NUMBER[code], code, status: ERROR_STATUS[code] }))
      .sort((a, b) => a.errorCode - b.errorCode);
    expect(documentedRows()).toEqual(expected);
  });

  it('each number is unique and is the status times 1000 plus a per-code number', () => {
    const numbers = codes.map((code) => ERROR_NUMBER[code]);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const code of codes) {
      expect(Math.floor(ERROR_NUMBER[code] / 1000), code).toBe(ERROR_STATUS[code]);
      expect(Number.isInteger(ERROR_NUMBER[code]), code).toBe(true);
    }
  });
});
