/**
 * The signed-in session: WebSocket tickets (a browser's WebSocket cannot carry Basic credentials)
 * and sign-out, which ends what the server holds for that login: its remembered password check,
 * its WebSockets and unredeemed tickets, and every CSRF token issued so far.
 */
import type { Authenticator } from '../basic_auth';
import type { CsrfTokens } from '../csrf';
import { json } from '../responses';
import { get, post, type RouteTable } from '../router';
import type { WebSocketHub } from '../ws_hub';
import type { WebSocketTickets } from '../ws_tickets';

export interface SessionParts {
  tickets: WebSocketTickets;
  hub: WebSocketHub;
  authenticator: Authenticator;
  csrf: CsrfTokens;
  audit(level: 'info' | 'warn', message: string): void;
}

export function sessionRoutes(parts: SessionParts): RouteTable {
  return [
    get('/api/security/ws-ticket', 'user', ({ user, headers }) => json(200, parts.tickets.issue(user as string, headers.authorization ?? ''))),
    post('/api/security/logout', 'user_csrf', async ({ user, headers, body }) => {
      await body.json({ optional: true });
      const authorization = headers.authorization ?? '';
      const sessionKey = parts.tickets.sessionKey(authorization);
      parts.tickets.revokeSession(sessionKey);
      const sockets = parts.hub.closeSession(sessionKey);
      parts.authenticator.forget(authorization);
      parts.csrf.rotate();
      parts.audit('info', `${user} signed out`);
      return json(200, { status: 'signed_out', websockets_closed: sockets });
    }),
  ];
}
