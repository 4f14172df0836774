/**
 * CSRF tokens without server-side storage: `<expiry>.<HMAC-SHA256(key, user, expiry)>` with a
 * random key per server start. A token is bound to the user it was issued to and expires after
 * `ttlMs` (5 minutes by the contract); a restart invalidates every token.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { CryptoPort } from '../../hosts/ports/crypto';
import { toHex } from '../util/hex';
import { utf8Encode } from '../util/utf8';

export const CSRF_HEADER = 'x-csrf-token';

export type CsrfVerdict = 'ok' | 'missing' | 'malformed' | 'expired' | 'invalid';

export interface CsrfToken {
  token: string;
  expires_in_s: number;
}

export class CsrfTokens {
  readonly ttlMs: number;
  #crypto: CryptoPort;
  #clock: ClockPort;
  #key: Uint8Array;

  constructor(crypto: CryptoPort, clock: ClockPort, ttlMs = 300_000) {
    this.#crypto = crypto;
    this.#clock = clock;
    this.ttlMs = ttlMs;
    this.#key = crypto.randomBytes(32);
  }

  /** Invalidates every token issued so far (sign-out). */
  rotate(): void {
    this.#key = this.#crypto.randomBytes(32);
  }

  issue(user: string): CsrfToken {
    const expiresAt = Math.ceil(this.#clock.now() + this.ttlMs);
    return { token: `${expiresAt}.${this.#mac(user, expiresAt)}`, expires_in_s: Math.floor(this.ttlMs / 1000) };
  }

  verify(user: string, token: string | undefined): CsrfVerdict {
    if (token === undefined || token === '') return 'missing';
    const match = /^(\d{1,15})\.([0-9a-f]{64})$/.exec(token);
    if (!match) return 'malformed';
    const expiresAt = Number(match[1]);
    if (!timingSafeTextEqual(this.#mac(user, expiresAt), match[2])) return 'invalid';
    return expiresAt <= this.#clock.now() ? 'expired' : 'ok';
  }

  #mac(user: string, expiresAt: number): string {
    return toHex(this.#crypto.hmacSha256(this.#key, utf8Encode(`${user}\n${expiresAt}`))).toLowerCase();
  }
}

/** Equal-length comparison that does not stop at the first difference. */
export function timingSafeTextEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return difference === 0;
}
