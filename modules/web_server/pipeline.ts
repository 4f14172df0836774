/**
 * One request from arrival to answer: parse the target, find the route (or a UI asset), enforce
 * the route's access level (Basic auth behind the login limiter, then CSRF), hand the body over
 * with its size limit, and turn any thrown ApiError into the contract's error answer. Every
 * answer, errors and 304s included, leaves with the security headers.
 */
import type { HttpRequest, HttpResponse } from '../../hosts/ports/http';
import type { Logger } from '../util/logger';
import { type AssetTable, assetResponse, resolveAsset } from './assets';
import type { Authenticator } from './basic_auth';
import { CSRF_HEADER, type CsrfTokens } from './csrf';
import { RequestBody, parseTarget } from './request';
import { ApiError, errorResponse, text } from './responses';
import type { Route, Router } from './router';
import { withSecurityHeaders } from './security_headers';

export const AUTH_REALM = 'TinyBMS-GW';

export interface PipelineCounters {
  requests: number;
  byClass: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  unauthorized: number;
  csrfRefused: number;
  rateLimited: number;
  bodyRefused: number;
  internalErrors: number;
  /** Clients that went away before their request body ended. */
  clientAborts: number;
}

/** The HTTP port's signal for a client that left mid-body (hosts/ports/http.ts). */
export function isClientAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export class RequestPipeline {
  readonly counters: PipelineCounters = {
    requests: 0,
    byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    unauthorized: 0,
    csrfRefused: 0,
    rateLimited: 0,
    bodyRefused: 0,
    internalErrors: 0,
    clientAborts: 0,
  };
  #router: Router;
  #authenticator: Authenticator;
  #csrf: CsrfTokens;
  #assets: () => AssetTable;
  #defaultBodyLimit: number;
  #log: Logger;
  #onLockout: (address: string, durationMs: number) => void;

  constructor(options: {
    router: Router;
    authenticator: Authenticator;
    csrf: CsrfTokens;
    assets: () => AssetTable;
    defaultBodyLimit: number;
    logger: Logger;
    onLockout(address: string, durationMs: number): void;
  }) {
    this.#router = options.router;
    this.#authenticator = options.authenticator;
    this.#csrf = options.csrf;
    this.#assets = options.assets;
    this.#defaultBodyLimit = options.defaultBodyLimit;
    this.#log = options.logger;
    this.#onLockout = options.onLockout;
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    this.counters.requests++;
    let response: HttpResponse;
    try {
      response = await this.#dispatch(request);
    } catch (error) {
      if (isClientAbort(error)) return this.#aborted(request);
      response = this.#failure(error, request);
    }
    const status = Math.floor(response.status / 100);
    if (status >= 2 && status <= 5) this.counters.byClass[`${status}xx` as '2xx']++;
    return withSecurityHeaders(response);
  }

  async #dispatch(request: HttpRequest): Promise<HttpResponse> {
    const target = parseTarget(request.url);
    if (!target) throw new ApiError(400, 'bad_request_target', 'the request path cannot be decoded');
    const match = this.#router.match(request.method, target.path);
    if (match.kind === 'method_not_allowed') {
      throw new ApiError(405, 'method_not_allowed', `${request.method} is not allowed on ${target.path}`, { headers: { Allow: match.allowed.join(', ') } });
    }
    if (match.kind === 'not_found') return this.#notRouted(request, target.path);
    const user = this.#checkAccess(match.route, request);
    const body = new RequestBody(request, match.route.bodyLimitBytes ?? this.#defaultBodyLimit);
    return match.route.handle({ method: request.method, path: target.path, query: target.query, headers: request.headers, remoteAddress: request.remoteAddress, user, body });
  }

  /** Unrouted GETs are UI files; everything else is a 404 (JSON under /api/). */
  #notRouted(request: HttpRequest, path: string): HttpResponse {
    const isApi = path === '/api' || path.startsWith('/api/') || path.startsWith('/ws/');
    if (!isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      const asset = resolveAsset(this.#assets(), path);
      if (asset) return assetResponse(asset, request.headers['if-none-match'], request.headers['accept-encoding']);
      return text(404, 'not found\n');
    }
    throw new ApiError(404, 'not_found', `no endpoint ${request.method} ${path}`);
  }

  /** The authenticated user (undefined on open routes), or an ApiError: 401, 429 or 403. */
  #checkAccess(route: Route, request: HttpRequest): string | undefined {
    if (route.access === 'open') return undefined;
    const outcome = this.#authenticator.authenticate(request.headers.authorization, request.remoteAddress);
    if (outcome.kind === 'locked') {
      this.counters.rateLimited++;
      if (outcome.started) this.#onLockout(request.remoteAddress, outcome.retryAfterMs);
      const seconds = Math.ceil(outcome.retryAfterMs / 1000);
      throw new ApiError(429, 'too_many_failed_logins', `too many failed logins from this address; try again in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });
    }
    if (outcome.kind !== 'ok') {
      this.counters.unauthorized++;
      const message = outcome.kind === 'missing' ? 'this needs a login (HTTP Basic)' : 'wrong user name or password';
      // A script that says so (X-Requested-With) gets no challenge, so the browser shows no login prompt of its own.
      const challenge = request.headers['x-requested-with'] === undefined ? { 'WWW-Authenticate': `Basic realm="${AUTH_REALM}", charset="UTF-8"` } : undefined;
      throw new ApiError(401, outcome.kind === 'missing' ? 'auth_required' : 'auth_failed', message, { headers: challenge });
    }
    if (route.access === 'user_csrf') {
      const verdict = this.#csrf.verify(outcome.user, request.headers[CSRF_HEADER]);
      if (verdict !== 'ok') {
        this.counters.csrfRefused++;
        throw new ApiError(403, `csrf_${verdict}`, `a valid X-CSRF-Token header is needed (token ${verdict}); get one from GET /api/security/csrf`);
      }
    }
    return outcome.user;
  }

  /** Nobody is left to read an answer: one log line, no stack, not a server error. */
  #aborted(request: HttpRequest): HttpResponse {
    this.counters.clientAborts++;
    this.#log.info(`${request.method} ${request.url.split('?')[0]}: client went away before the request body ended`);
    return { status: 400, headers: { Connection: 'close' }, body: '' };
  }

  #failure(error: unknown, request: HttpRequest): HttpResponse {
    if (error instanceof ApiError) {
      if (error.status === 413 || error.status === 415 || error.code === 'invalid_json') this.counters.bodyRefused++;
      return errorResponse(error);
    }
    this.counters.internalErrors++;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.#log.error(`${request.method} ${request.url.split('?')[0]} failed: ${detail}`);
    return errorResponse(new ApiError(500, 'internal_error', 'the gateway could not answer this request; see its log'));
  }
}
