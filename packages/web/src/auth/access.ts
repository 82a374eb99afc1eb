// Which parts of the console each role sees (SPEC §1, §9.5). This only shapes navigation: the
// server authorises every request on its own.
import type { Role } from '@callvault/shared';

export type Area = 'controlHub' | 'recordings' | 'compliance' | 'userHub';

const ADMIN_ROLES: readonly Role[] = ['fullAdmin', 'readOnlyAdmin', 'partnerAdmin'];

/** Who may see each area: the roles that open it, or every signed-in person. */
const AREA_ROLES: Readonly<Record<Area, readonly Role[] | 'everyone'>> = {
  controlHub: ADMIN_ROLES,
  recordings: ['complianceOfficer', ...ADMIN_ROLES],
  compliance: ['complianceOfficer', ...ADMIN_ROLES],
  userHub: 'everyone',
};

export function canSeeArea(roles: readonly Role[], area: Area): boolean {
  const allowed = AREA_ROLES[area];
  return allowed === 'everyone' || roles.some((role) => allowed.includes(role));
}

export const AREA_HOME = {
  controlHub: '/control-hub/people',
  recordings: '/recordings',
  compliance: '/compliance/audit',
  userHub: '/user-hub',
} as const satisfies Record<Area, string>;

export type HomePath = (typeof AREA_HOME)[Area];

const AREA_ORDER: readonly Area[] = ['controlHub', 'recordings', 'compliance', 'userHub'];

/** The first page a person's roles allow, in navbar order: where signing in lands. */
export function findHomePath(roles: readonly Role[]): HomePath {
  const area = AREA_ORDER.find((a) => canSeeArea(roles, a)) ?? 'userHub';
  return AREA_HOME[area];
}

/** The area a path belongs to, or null for paths outside the signed-in console. */
export function findAreaOfPath(pathname: string): Area | null {
  if (pathname === '/control-hub' || pathname.startsWith('/control-hub/')) return 'controlHub';
  if (pathname === '/recordings' || pathname.startsWith('/recordings/')) return 'recordings';
  if (pathname === '/compliance' || pathname.startsWith('/compliance/')) return 'compliance';
  if (pathname === '/user-hub' || pathname.startsWith('/user-hub/')) return 'userHub';
  return null;
}

/**
 * Where to go after signing in: the page the person asked for when it is one of the console's own
 * pages they may see, otherwise their home page. Anything else (another origin, `//host`) is ignored
 * so the login page cannot be used as an open redirect.
 */
export function resolveRedirect(roles: readonly Role[], requested: string | undefined): string {
  if (requested && requested.startsWith('/') && !requested.startsWith('//')) {
    const area = findAreaOfPath(new URL(requested, 'http://callvault.invalid').pathname);
    if (area !== null && canSeeArea(roles, area)) return requested;
  }
  return findHomePath(roles);
}

/** Roles that may change settings in Control Hub; readOnlyAdmin sees the same forms disabled. */
const SETTINGS_EDITOR_ROLES: readonly Role[] = ['fullAdmin', 'partnerAdmin'];

export function canEditSettings(roles: readonly Role[]): boolean {
  return roles.some((role) => SETTINGS_EDITOR_ROLES.includes(role));
}

/** Roles that place and release legal holds (SPEC §6). */
const HOLD_MANAGER_ROLES: readonly Role[] = ['fullAdmin', 'partnerAdmin', 'complianceOfficer'];

export function canManageHolds(roles: readonly Role[]): boolean {
  return roles.some((role) => HOLD_MANAGER_ROLES.includes(role));
}

/** The retention period is a full administrator's setting; a partner administrator acts as one. */
export function canEditRetention(roles: readonly Role[]): boolean {
  return canEditSettings(roles);
}
