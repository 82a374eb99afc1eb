import type { Location } from '@callvault/shared';
import { describe, expect, it } from 'vitest';
import { MAX_CSV_ROWS, parsePeopleCsv } from './people-csv.js';

const stockholm: Location = {
  id: 'loc-1',
  name: 'Stockholm',
  orgId: 'org',
  timeZone: 'Europe/Stockholm',
  announcementLanguage: 'sv_se',
  address: {},
};

describe('parsePeopleCsv', () => {
  it('reads each row into the body POST /v1/people takes, with the location by name', () => {
    const csv =
      '\uFEFFEmail,First name,firstName,lastName,Location,extension,phoneNumber,roles\r\n' +
      'ann@example.com,,Ann,Ek,stockholm,2001,+46855501,complianceOfficer;readOnlyAdmin\r\n' +
      '"bo@example.com",,"Bo, the second",Ek,,,,\r\n';
    const parsed = parsePeopleCsv(csv, [stockholm]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.ignoredColumns).toEqual(['First name']);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        email: 'ann@example.com',
        name: 'Ann Ek',
        problems: [],
        body: {
          emails: ['ann@example.com'],
          firstName: 'Ann',
          lastName: 'Ek',
          extension: '2001',
          phoneNumbers: [{ type: 'work', value: '+46855501' }],
          locationId: 'loc-1',
          roles: ['user', 'readOnlyAdmin', 'complianceOfficer'],
        },
      },
      {
        line: 3,
        email: 'bo@example.com',
        name: 'Bo, the second Ek',
        problems: [],
        body: {
          emails: ['bo@example.com'],
          firstName: 'Bo, the second',
          lastName: 'Ek',
          roles: ['user'],
        },
      },
    ]);
  });

  it('gives each bad row its problems by column: schema rules, unknown location and role, an email twice', () => {
    const csv = [
      'email,location,extension,roles,callingLicense',
      'not-an-email,,12a,,',
      'cy@example.com,Oslo,,boss,gold',
      'CY@example.com,,,,',
    ].join('\n');
    const parsed = parsePeopleCsv(csv, [stockholm]);
    if (!parsed.ok) throw new Error('expected rows');
    expect(parsed.rows.map((r) => r.problems)).toEqual([
      [
        { column: 'email', kind: 'schema', problem: { path: '/emails/0', rule: 'format' } },
        { column: 'extension', kind: 'schema', problem: { path: '/extension', rule: 'pattern' } },
      ],
      [
        { column: 'location', kind: 'unknownLocation', value: 'Oslo' },
        { column: 'roles', kind: 'unknownRole', value: 'boss' },
        {
          column: 'callingLicense',
          kind: 'schema',
          problem: { path: '/callingLicense', rule: 'allowedValues' },
        },
      ],
      [{ column: 'email', kind: 'duplicateEmail', firstLine: 3 }],
    ]);
  });

  it('refuses a file without an email column, without rows, or with too many rows', () => {
    expect(parsePeopleCsv('name\nAnn\n', [])).toEqual({
      ok: false,
      problem: { kind: 'noEmailColumn' },
    });
    expect(parsePeopleCsv('email\n\n', [])).toEqual({ ok: false, problem: { kind: 'empty' } });
    const many = ['email', ...Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => `p${i}@x.se`)];
    expect(parsePeopleCsv(many.join('\n'), [])).toEqual({
      ok: false,
      problem: { kind: 'tooManyRows', limit: MAX_CSV_ROWS },
    });
  });
});
