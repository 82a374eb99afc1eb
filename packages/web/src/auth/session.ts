// The signed-in session as the console caches it: `null` means signed out. Route guards and the
// header read it from the query cache, so signing in or out updates every view at once.
import { queryOptions } from '@tanstack/react-query';
import { fetchSession } from '../api/auth.api.js';

export const sessionQueryOptions = queryOptions({
  queryKey: ['session'] as const,
  queryFn: ({ signal }) => fetchSession(signal),
  // The session changes only when we sign in or out (or the server says 401), never by itself.
  staleTime: Infinity,
  retry: false,
});
