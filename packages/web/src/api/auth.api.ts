// Cookie sessions of the console (`/api/auth/*`). The session's CSRF token is handed to the client
// here, the only place sessions begin and end.
import { api, ApiError } from './client.js';
import type { ConsoleLanguage, LoginBody, SessionResponse } from '@callvault/shared';

export async function login(credentials: LoginBody): Promise<SessionResponse> {
  const session = await api.post<SessionResponse>('/api/auth/login', { body: credentials });
  api.setCsrfToken(session.csrfToken);
  return session;
}

/** The current session, or null when there is none (401). */
export async function fetchSession(signal?: AbortSignal): Promise<SessionResponse | null> {
  try {
    const session = await api.get<SessionResponse>('/api/auth/session', { signal });
    api.setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      api.setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export async function logout(): Promise<void> {
  try {
    await api.post<undefined>('/api/auth/logout');
  } catch (error) {
    // An expired session is already signed out; anything else is worth showing.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  } finally {
    api.setCsrfToken(null);
  }
}

/** Replaces the signed-in person's password (required after a one-time password). */
export async function changePassword(body: {
  currentPassword: string;
  newPassword: string;
}): Promise<void> {
  await api.post<undefined>('/api/auth/password', { body });
}

/** Remembers the console language on the signed-in person's profile (null forgets it). */
export async function saveConsoleLanguage(language: ConsoleLanguage | null): Promise<void> {
  await api.put<undefined>('/api/auth/language', { body: { language } });
}
