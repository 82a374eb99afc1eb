// Reading people from a CSV file for the bulk import: one person per row, checked with the same
// schema the server validates `POST /v1/people` with, plus what only the file can tell (a
// location name that does not exist, an email twice in the file). Papa Parse reads the CSV
// (quotes, separators, line endings, a byte-order mark).
import { findProblems, PersonCreate, type FieldProblem, type Location } from '@callvault/shared';
import Papa from 'papaparse';
import { rolesFromValue } from './entity-forms.js';

/** The largest file and the most rows one import takes: enough for an org, small for a browser. */
export const MAX_CSV_BYTES = 2 * 1024 * 1024;
export const MAX_CSV_ROWS = 2000;

/** The columns the import reads (header names, any case); only `email` is required. */
export const CSV_COLUMNS = [
  'email',
  'firstName',
  'lastName',
  'displayName',
  'location',
  'extension',
  'phoneNumber',
  'callingLicense',
  'roles',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export type RowProblem =
  | { readonly column: CsvColumn | null; readonly kind: 'schema'; readonly problem: FieldProblem }
  | { readonly column: 'location'; readonly kind: 'unknownLocation'; readonly value: string }
  | { readonly column: 'email'; readonly kind: 'duplicateEmail'; readonly firstLine: number }
  | { readonly column: 'roles'; readonly kind: 'unknownRole'; readonly value: string };

export interface ImportRow {
  /** The row's line in the file (the header is line 1). */
  readonly line: number;
  readonly email: string;
  readonly name: string;
  readonly body: PersonCreate;
  readonly problems: readonly RowProblem[];
}

export type FileProblem =
  | { readonly kind: 'tooLarge'; readonly limit: number }
  | { readonly kind: 'tooManyRows'; readonly limit: number }
  | { readonly kind: 'noEmailColumn' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'unreadable'; readonly message: string };

export type ParsedCsv =
  | { readonly ok: true; readonly rows: readonly ImportRow[]; readonly ignoredColumns: string[] }
  | { readonly ok: false; readonly problem: FileProblem };

const COLUMN_OF: ReadonlyMap<string, CsvColumn> = new Map(
  CSV_COLUMNS.map((c) => [c.toLowerCase(), c]),
);

/** Which column of the body a schema problem's path is, e.g. `/phoneNumbers/0/value`. */
function columnOfPath(path: string): CsvColumn | null {
  const top = path.split('/')[1] ?? '';
  switch (top) {
    case 'emails':
      return 'email';
    case 'phoneNumbers':
      return 'phoneNumber';
    case 'locationId':
      return 'location';
    case 'firstName':
    case 'lastName':
    case 'displayName':
    case 'extension':
    case 'callingLicense':
    case 'roles':
      return top;
    default:
      return null;
  }
}

/** Roles as a cell lists them: names separated by `;`, `,` or spaces; `user` may be left out. */
function rolesOfCell(cell: string): { roles: string[]; unknown: string[] } {
  const names = cell.split(/[;,\s]+/).filter((r) => r !== '');
  const roles = rolesFromValue(names.join(','));
  const unknown = names.filter((n) => n !== 'user' && !roles.includes(n as never));
  return { roles, unknown };
}

export function parsePeopleCsv(text: string, locations: readonly Location[]): ParsedCsv {
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim(),
  });
  const fatal = parsed.errors.find((e) => e.type === 'Quotes');
  if (fatal) return { ok: false, problem: { kind: 'unreadable', message: fatal.message } };
  const headers = parsed.meta.fields ?? [];
  const columnOfHeader = new Map<string, CsvColumn>();
  const ignoredColumns: string[] = [];
  for (const header of headers) {
    const column = COLUMN_OF.get(header.toLowerCase());
    if (column) columnOfHeader.set(header, column);
    else if (header !== '') ignoredColumns.push(header);
  }
  if (![...columnOfHeader.values()].includes('email')) {
    return { ok: false, problem: { kind: 'noEmailColumn' } };
  }
  if (parsed.data.length === 0) return { ok: false, problem: { kind: 'empty' } };
  if (parsed.data.length > MAX_CSV_ROWS) {
    return { ok: false, problem: { kind: 'tooManyRows', limit: MAX_CSV_ROWS } };
  }

  const locationByName = new Map(locations.map((l) => [l.name.trim().toLowerCase(), l.id]));
  const firstLineOfEmail = new Map<string, number>();
  const rows = parsed.data.map((record, index): ImportRow => {
    const cell = (column: CsvColumn): string => {
      for (const [header, c] of columnOfHeader) {
        if (c === column) return (record[header] ?? '').trim();
      }
      return '';
    };
    const line = index + 2;
    const problems: RowProblem[] = [];
    const email = cell('email');
    const locationName = cell('location');
    const locationId =
      locationName === '' ? undefined : locationByName.get(locationName.toLowerCase());
    if (locationName !== '' && locationId === undefined) {
      problems.push({ column: 'location', kind: 'unknownLocation', value: locationName });
    }
    const { roles, unknown } = rolesOfCell(cell('roles'));
    for (const value of unknown) problems.push({ column: 'roles', kind: 'unknownRole', value });
    const phone = cell('phoneNumber');
    const license = cell('callingLicense');
    const body = Object.fromEntries(
      Object.entries({
        emails: [email],
        firstName: cell('firstName') || undefined,
        lastName: cell('lastName') || undefined,
        displayName: cell('displayName') || undefined,
        extension: cell('extension') || undefined,
        phoneNumbers: phone === '' ? undefined : [{ type: 'work', value: phone }],
        locationId,
        callingLicense: license === '' ? undefined : license,
        roles,
      }).filter(([, v]) => v !== undefined),
    ) as PersonCreate;
    for (const problem of findProblems(PersonCreate, body)) {
      problems.push({ column: columnOfPath(problem.path), kind: 'schema', problem });
    }
    const key = email.toLowerCase();
    const first = firstLineOfEmail.get(key);
    if (email !== '' && first !== undefined) {
      problems.push({ column: 'email', kind: 'duplicateEmail', firstLine: first });
    } else if (email !== '') {
      firstLineOfEmail.set(key, line);
    }
    const name = cell('displayName') || `${cell('firstName')} ${cell('lastName')}`.trim() || email;
    return { line, email, name, body, problems };
  });
  return { ok: true, rows, ignoredColumns };
}
