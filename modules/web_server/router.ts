/**
 * Route tables: exact paths, one handler per method, each with its access level and body limit.
 * Hosts add tables (the Node host's /api/sim/*) without the core knowing about them.
 */
import type { HttpResponse } from '../../hosts/ports/http';
import type { RequestBody } from './request';

/** open: anyone · user: Basic auth · user_csrf: Basic auth and a valid X-CSRF-Token. */
export type AccessLevel = 'open' | 'user' | 'user_csrf';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext {
  method: string;
  path: string;
  query: ReadonlyMap<string, string>;
  headers: Readonly<Record<string, string>>;
  remoteAddress: string;
  /** The authenticated user on `user` and `user_csrf` routes. */
  user: string | undefined;
  body: RequestBody;
}

export interface Route {
  method: RouteMethod;
  path: string;
  access: AccessLevel;
  /** Largest accepted body in bytes; the server's default JSON limit when absent. */
  bodyLimitBytes?: number;
  handle(context: RouteContext): Promise<HttpResponse> | HttpResponse;
}

export type RouteTable = readonly Route[];

type Handler = Route['handle'];

function route(method: RouteMethod, path: string, access: AccessLevel, handle: Handler, bodyLimitBytes?: number): Route {
  return bodyLimitBytes === undefined ? { method, path, access, handle } : { method, path, access, bodyLimitBytes, handle };
}

/** A GET route of a table. */
export const get = (path: string, access: AccessLevel, handle: Handler): Route => route('GET', path, access, handle);
/** A POST route; `bodyLimitBytes` when it takes more (or less) than the default JSON limit. */
export const post = (path: string, access: AccessLevel, handle: Handler, bodyLimitBytes?: number): Route => route('POST', path, access, handle, bodyLimitBytes);
/** A DELETE route. */
export const del = (path: string, access: AccessLevel, handle: Handler): Route => route('DELETE', path, access, handle);

export type RouteMatch = { kind: 'found'; route: Route } | { kind: 'method_not_allowed'; allowed: string[] } | { kind: 'not_found' };

export class DuplicateRouteError extends Error {
  override name = 'DuplicateRouteError';
}

export class Router {
  #routes = new Map<string, Map<string, Route>>();

  /** Throws DuplicateRouteError when two tables claim the same method and path. */
  constructor(tables: readonly RouteTable[]) {
    for (const table of tables) {
      for (const route of table) {
        const byMethod = this.#routes.get(route.path) ?? new Map<string, Route>();
        if (byMethod.has(route.method)) throw new DuplicateRouteError(`${route.method} ${route.path} is registered twice`);
        byMethod.set(route.method, route);
        this.#routes.set(route.path, byMethod);
      }
    }
  }

  /** HEAD is answered by the GET route (the host sends no body for it). */
  match(method: string, path: string): RouteMatch {
    const byMethod = this.#routes.get(path);
    if (!byMethod) return { kind: 'not_found' };
    const route = byMethod.get(method === 'HEAD' ? 'GET' : method);
    if (route) return { kind: 'found', route };
    const allowed = [...byMethod.keys()];
    if (byMethod.has('GET')) allowed.push('HEAD');
    return { kind: 'method_not_allowed', allowed };
  }

  /** Every registered path (for the 404 page of the API and for tests). */
  paths(): string[] {
    return [...this.#routes.keys()];
  }
}
