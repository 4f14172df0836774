/**
 * Short-lived, single-use tickets that bind a WebSocket upgrade to a login. A browser cannot set
 * an Authorization header on a WebSocket, so the UI asks GET /api/security/ws-ticket (user level)
 * and opens `/ws/...?ticket=…` within TTL. The ticket carries the session key of the login that
 * asked for it, so signing out closes exactly that login's sockets.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { CryptoPort } from '../../hosts/ports/crypto';
import { toHex } from '../util/hex';
import { utf8Encode } from '../util/utf8';

export interface WebSocketIdentity {
  user: string;
  /** Stable for one Authorization header (HMAC under a per-start key): what sign-out ends. */
  sessionKey: string;
}

export class WebSocketTickets {
  readonly ttlMs: number;
  #crypto: CryptoPort;
  #clock: ClockPort;
  #key: Uint8Array;
  #max: number;
  #open = new Map<string, WebSocketIdentity & { until: number }>();
  issued = 0;
  refused = 0;

  constructor(crypto: CryptoPort, clock: ClockPort, options: { ttlMs?: number; max?: number } = {}) {
    this.#crypto = crypto;
    this.#clock = clock;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.#max = options.max ?? 16;
    this.#key = crypto.randomBytes(32);
  }

  /** The session key of an Authorization header (never the header itself). */
  sessionKey(authorization: string): string {
    return toHex(this.#crypto.hmacSha256(this.#key, utf8Encode(authorization))).toLowerCase().slice(0, 32);
  }

  issue(user: string, authorization: string): { ticket: string; expires_in_s: number } {
    this.#sweep();
    // Oldest first in a Map: a flood of requests only pushes out unredeemed tickets.
    while (this.#open.size >= this.#max) this.#open.delete(this.#open.keys().next().value as string);
    const ticket = toHex(this.#crypto.randomBytes(16)).toLowerCase();
    this.#open.set(ticket, { user, sessionKey: this.sessionKey(authorization), until: this.#clock.now() + this.ttlMs });
    this.issued++;
    return { ticket, expires_in_s: Math.floor(this.ttlMs / 1000) };
  }

  /** The identity of a valid ticket, which is used up; undefined when unknown or expired. */
  redeem(ticket: string): WebSocketIdentity | undefined {
    const entry = this.#open.get(ticket);
    this.#open.delete(ticket);
    if (!entry || entry.until <= this.#clock.now()) {
      this.refused++;
      return undefined;
    }
    return { user: entry.user, sessionKey: entry.sessionKey };
  }

  /** Drop the unredeemed tickets of one session (sign-out). */
  revokeSession(sessionKey: string): void {
    for (const [ticket, entry] of this.#open) if (entry.sessionKey === sessionKey) this.#open.delete(ticket);
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [ticket, entry] of this.#open) if (entry.until <= now) this.#open.delete(ticket);
  }
}
