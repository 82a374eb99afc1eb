import { describe, expect, it } from 'vitest';
import type { Role } from '@callvault/shared';
import {
  canEditRetention,
  canEditSettings,
  canManageHolds,
  canSeeArea,
  findAreaOfPath,
  findHomePath,
  resolveRedirect,
  type Area,
} from './access.js';

describe('legal holds and retention by role (SPEC §1, §6)', () => {
  it.each([
    [['fullAdmin'], true, true],
    [['partnerAdmin'], true, true],
    [['complianceOfficer'], true, false],
    [['readOnlyAdmin'], false, false],
    [['user'], false, false],
  ] as [Role[], boolean, boolean][])('%j: holds %s, retention %s', (roles, holds, retention) => {
    expect(canManageHolds(roles)).toBe(holds);
    expect(canEditRetention(roles)).toBe(retention);
  });
});

describe('console areas by role (SPEC §1)', () => {
  const table: [Role[], Record<Area, boolean>][] = [
    [['fullAdmin'], { controlHub: true, recordings: true, compliance: true, userHub: true }],
    [['readOnlyAdmin'], { controlHub: true, recordings: true, compliance: true, userHub: true }],
    [['partnerAdmin'], { controlHub: true, recordings: true, compliance: true, userHub: true }],
    [
      ['complianceOfficer'],
      { controlHub: false, recordings: true, compliance: true, userHub: true },
    ],
    [['user'], { controlHub: false, recordings: false, compliance: false, userHub: true }],
    [[], { controlHub: false, recordings: false, compliance: false, userHub: true }],
    [
      ['user', 'complianceOfficer'],
      { controlHub: false, recordings: true, compliance: true, userHub: true },
    ],
  ];
  for (const [roles, expected] of table) {
    it(`roles [${roles.join(', ')}] see ${JSON.stringify(expected)}`, () => {
      expect({
        controlHub: canSeeArea(roles, 'controlHub'),
        recordings: canSeeArea(roles, 'recordings'),
        compliance: canSeeArea(roles, 'compliance'),
        userHub: canSeeArea(roles, 'userHub'),
      }).toEqual(expected);
    });
  }

  it('lands each role on the first area it may see', () => {
    expect(findHomePath(['fullAdmin'])).toBe('/control-hub/people');
    expect(findHomePath(['complianceOfficer'])).toBe('/recordings');
    expect(findHomePath(['user'])).toBe('/user-hub');
  });

  it('maps paths to areas, not confusing look-alike prefixes', () => {
    expect(findAreaOfPath('/control-hub/people')).toBe('controlHub');
    expect(findAreaOfPath('/control-hubs')).toBeNull();
    expect(findAreaOfPath('/compliance/audit')).toBe('compliance');
    expect(findAreaOfPath('/compliances')).toBeNull();
    expect(findAreaOfPath('/recordings')).toBe('recordings');
    expect(findAreaOfPath('/login')).toBeNull();
  });

  it('honours a requested page only when the role may see it', () => {
    expect(resolveRedirect(['fullAdmin'], '/control-hub/locations?x=1')).toBe(
      '/control-hub/locations?x=1',
    );
    expect(resolveRedirect(['user'], '/control-hub/people')).toBe('/user-hub');
    expect(resolveRedirect(['user'], undefined)).toBe('/user-hub');
  });

  it('ignores redirects that would leave the console', () => {
    expect(resolveRedirect(['fullAdmin'], '//evil.example/control-hub/people')).toBe(
      '/control-hub/people',
    );
    expect(resolveRedirect(['fullAdmin'], 'https://evil.example/')).toBe('/control-hub/people');
  });
});

describe('who may change Control Hub settings (SPEC §1)', () => {
  const table: [Role[], boolean][] = [
    [['fullAdmin'], true],
    [['partnerAdmin'], true],
    [['readOnlyAdmin'], false],
    [['complianceOfficer'], false],
    [['user'], false],
    [['readOnlyAdmin', 'partnerAdmin'], true],
    [[], false],
  ];
  for (const [roles, expected] of table) {
    it(`roles [${roles.join(', ')}] ${expected ? 'may' : 'may not'} edit`, () => {
      expect(canEditSettings(roles)).toBe(expected);
    });
  }
});
