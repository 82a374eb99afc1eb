import type { Role } from '@callvault/shared';

/** Who is making a request, resolved once by the auth layer and passed to every service. */
export interface Actor {
  readonly personId: string;
  readonly email: string;
  readonly displayName: string;
  /** The org the person belongs to. */
  readonly homeOrgId: string;
  /** The org this request acts on: the home org, or a partner admin's customer (`?orgId=`). */
  readonly orgId: string;
  readonly roles: readonly Role[];
  readonly partnerId: string | null;
  readonly via: 'token' | 'session' | 'cli';
  readonly clientIp: string | null;
}
