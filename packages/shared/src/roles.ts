/** The roles of SPEC §1. A person may hold several. */
export const ROLES = [
  'fullAdmin',
  'readOnlyAdmin',
  'complianceOfficer',
  'user',
  'partnerAdmin',
] as const;
export type Role = (typeof ROLES)[number];

export const CALLING_LICENSES = ['professional', 'basic', 'none'] as const;
export type CallingLicense = (typeof CALLING_LICENSES)[number];

export const ADMIN_ROLES: readonly Role[] = ['fullAdmin', 'readOnlyAdmin', 'partnerAdmin'];
