// Shapes of the server's API as the console uses them. Written by hand for now; they follow the
// Webex field names of SPEC §9.1 and will be generated from the server's OpenAPI file later.

export const ROLES = [
  'fullAdmin',
  'readOnlyAdmin',
  'complianceOfficer',
  'user',
  'partnerAdmin',
] as const;
export type Role = (typeof ROLES)[number];

export type CallingLicense = 'professional' | 'basic' | 'none';

/** The signed-in person, as `/api/auth/session` and `/api/auth/login` return it. */
export interface Me {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly roles: readonly Role[];
}

export interface Session {
  readonly user: Me;
  /** Echoed in `x-csrf-token` on every request that changes something. */
  readonly csrfToken: string;
}

export interface LoginRequest {
  readonly email: string;
  readonly password: string;
}

/** The Webex error body (SPEC §9.1) every failed request carries. */
export interface WebexErrorBody {
  readonly message: string;
  readonly errors: readonly { readonly description: string; readonly errorCode: string }[];
  readonly trackingId: string;
}

export interface PhoneNumber {
  readonly type: string;
  readonly value: string;
}

export interface Person {
  readonly id: string;
  readonly emails: readonly string[];
  readonly displayName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly extension: string | null;
  readonly phoneNumbers: readonly PhoneNumber[];
  readonly sipAddresses: readonly string[];
  readonly locationId: string | null;
  readonly orgId: string;
  readonly callingLicense: CallingLicense;
  readonly announcementLanguage: string;
  readonly roles: readonly string[];
  readonly created: string;
}

export interface Location {
  readonly id: string;
  readonly name: string;
  readonly orgId: string;
  readonly timeZone: string;
  readonly announcementLanguage: string;
}

export interface Workspace {
  readonly id: string;
  readonly displayName: string;
  readonly locationId: string | null;
  readonly extension: string | null;
  readonly phoneNumbers: readonly PhoneNumber[];
  readonly callingLicense: CallingLicense;
  readonly announcementLanguage: string;
}

export interface VirtualLine {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  readonly number: { readonly external: string | null; readonly extension: string | null };
  readonly location: { readonly id: string; readonly name: string };
}

/** `GET /v1/people`, `/v1/locations`, `/v1/workspaces`. */
export interface ItemsResponse<T> {
  readonly items: T[];
}

/** `GET /v1/telephony/config/virtualLines`. */
export interface VirtualLinesResponse {
  readonly virtualLines: VirtualLine[];
  readonly total: number;
}
