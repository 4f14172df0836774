/**
 * The one way the UI talks to the REST API: JSON in and out, Basic auth on user-level calls,
 * X-CSRF-Token on mutations (fetched once, refreshed before it expires and once more on 403).
 */
import { auth, signOut } from './auth';
import { ApiError, parseErrorBody } from './errors';
import type { CsrfToken } from './types';

/** Refresh this long before the server's expiry so a token never dies in flight. */
const CSRF_MARGIN_MS = 30_000;

let csrf: { token: string; expiresAt: number; forHeader: string } | null = null;

export interface GetOptions {
  /** Send the Basic credentials (user-level endpoints). */
  auth?: boolean;
  signal?: AbortSignal;
}

function authHeaders(): Record<string, string> {
  const header = auth.get().header;
  if (!header) throw new ApiError(401, [{ code: 'unauthorized', message: 'Sign in required' }]);
  // Lets the server answer 401 without WWW-Authenticate, so the browser's own prompt stays away.
  return { Authorization: header, 'X-Requested-With': 'fetch' };
}

async function readBody(response: Response): Promise<{ json: unknown; text: string }> {
  const text = await response.text();
  try {
    return { json: text ? JSON.parse(text) : null, text };
  } catch {
    return { json: null, text };
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const { json, text } = await readBody(response);
  const retry = Number(response.headers.get('Retry-After'));
  return new ApiError(response.status, parseErrorBody(response.status, json, text), Number.isFinite(retry) && retry > 0 ? retry : null);
}

/** The error of a failed call; a 401 also signs out, so the login form comes back. */
async function failure(response: Response): Promise<ApiError> {
  const error = await errorOf(response);
  if (response.status === 401) {
    csrf = null;
    signOut(auth.get().header ? 'Wrong username or password' : 'Sign in required');
  }
  return error;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, [{ code: 'network', message: 'Gateway unreachable' }]);
  }
}

export async function apiGet<T>(path: string, options: GetOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.auth ? authHeaders() : {}) };
  const response = await send(path, { headers, signal: options.signal ?? null });
  if (!response.ok) throw await failure(response);
  return (await readBody(response)).json as T;
}

function remember(answer: CsrfToken | null, header: string): string {
  if (!answer || typeof answer.token !== 'string') throw new ApiError(500, [{ code: 'csrf', message: 'No CSRF token from the gateway' }]);
  const lifetimeS = typeof answer.expires_in_s === 'number' ? answer.expires_in_s : 300;
  csrf = { token: answer.token, expiresAt: Date.now() + lifetimeS * 1000, forHeader: header };
  return answer.token;
}

async function csrfToken(force: boolean): Promise<string> {
  const header = auth.get().header ?? '';
  if (!force && csrf && csrf.forHeader === header && csrf.expiresAt - CSRF_MARGIN_MS > Date.now()) return csrf.token;
  return remember(await apiGet<CsrfToken>('/api/security/csrf', { auth: true }), header);
}

/**
 * Checks a Basic header before it is used anywhere (asking for a CSRF token with it, the
 * cheapest user-level call). A refusal throws and leaves the signed-in state alone.
 */
export async function verifyCredentials(header: string): Promise<void> {
  const response = await send('/api/security/csrf', { headers: { Authorization: header, 'X-Requested-With': 'fetch', Accept: 'application/json' } });
  if (!response.ok) throw await errorOf(response);
  remember((await readBody(response)).json as CsrfToken, header);
}

/** Headers for a mutation: credentials and a current CSRF token. */
export async function mutationHeaders(forceToken = false): Promise<Record<string, string>> {
  return { ...authHeaders(), 'X-CSRF-Token': await csrfToken(forceToken) };
}

/** POST/PUT/DELETE with a JSON body (or none); answers the parsed JSON. */
export async function apiSend<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const attempt = async (forceToken: boolean): Promise<Response> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...(await mutationHeaders(forceToken)) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return send(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  };
  let response = await attempt(false);
  // 403 = token expired or unknown (e.g. the gateway restarted): one retry with a fresh token.
  if (response.status === 403) response = await attempt(true);
  if (!response.ok) throw await failure(response);
  return (await readBody(response)).json as T;
}

/** Downloads a user-level file (export) through the browser's save dialog. */
export async function apiDownload(path: string, fallbackName: string): Promise<void> {
  const response = await send(path, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Forgets the CSRF token (sign-out, new credentials). */
export function forgetCsrfToken(): void {
  csrf = null;
}

/**
 * Sign-out that ends the session on the gateway too (its WebSockets, CSRF tokens, remembered
 * login), then forgets the credentials here. The local part happens even when the gateway is unreachable.
 */
export async function endSession(): Promise<void> {
  try {
    if (auth.get().header) await apiSend('POST', '/api/security/logout', {});
  } catch {
    // Unreachable or already refused: forgetting the credentials here is what matters.
  }
  csrf = null;
  signOut();
}
