/**
 * HTTP Basic credentials for user-level requests. Kept for the browser session only
 * (sessionStorage), sent as an Authorization header by the API client; a 401 forgets them
 * so the login form shows again.
 */
import { createStore } from '../state/store';

const STORAGE_KEY = 'tinybms-gw.auth';

export interface AuthState {
  /** The Authorization header value, or null when signed out. */
  header: string | null;
  username: string | null;
  /** Why the last attempt failed (shown by the login form). */
  error: string | null;
}

function readSaved(): AuthState {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as { header?: string; username?: string } | null;
    if (saved?.header && saved.username) return { header: saved.header, username: saved.username, error: null };
  } catch {
    // Storage unavailable or corrupt: start signed out.
  }
  return { header: null, username: null, error: null };
}

export const auth = createStore<AuthState>(readSaved());

/** Basic credentials are base64 of UTF-8 "user:password" (RFC 7617). */
export function basicHeader(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

export function signIn(username: string, header: string): void {
  auth.set({ header, username, error: null });
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ header, username }));
  } catch {
    // Private mode: credentials live in memory only.
  }
}

export function signOut(error: string | null = null): void {
  auth.set({ header: null, username: null, error });
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
