import { useQuery } from '@tanstack/react-query';
import { canEditSettings } from '../auth/access.js';
import { sessionQueryOptions } from '../auth/session.js';

/**
 * Whether the signed-in person may change Control Hub settings. The console route loaded the
 * session before any page renders; the server refuses the change anyway for anyone else.
 */
export function useCanEditSettings(): boolean {
  const { data: session } = useQuery(sessionQueryOptions);
  return session ? canEditSettings(session.user.roles) : false;
}
