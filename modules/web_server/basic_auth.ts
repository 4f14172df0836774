/**
 * HTTP Basic authentication against the config manager's PBKDF2 credential, behind the login
 * limiter. PBKDF2 is slow on purpose (seconds on an ESP32), so a verified Authorization header
 * is remembered for a few minutes as an HMAC under a per-start random key, tied to the current
 * credential: a password change makes every remembered login miss. The password itself is
 * never stored or logged.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { CryptoPort } from '../../hosts/ports/crypto';
import type { WebConfig } from '../config_manager/config_types';
import { toHex } from '../util/hex';
import { utf8Encode } from '../util/utf8';
import type { LoginLimiter } from './login_limiter';
import { base64Decode, utf8Decode } from './text_codecs';

export interface Credentials {
  user: string;
  password: string;
}

/** Parses `Basic <base64(user:password)>` (RFC 7617); undefined for anything else. */
export function parseBasicAuthorization(header: string | undefined): Credentials | undefined {
  if (header === undefined) return undefined;
  const match = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) return undefined;
  const bytes = base64Decode(match[1]);
  if (!bytes) return undefined;
  const decoded = utf8Decode(bytes);
  const colonAt = decoded.indexOf(':');
  if (colonAt < 0) return undefined;
  return { user: decoded.slice(0, colonAt), password: decoded.slice(colonAt + 1) };
}

export interface CredentialSource {
  verifyWebPassword(user: string, password: string): boolean;
  /** The stored credential: remembered logins are only valid for the one they were checked against. */
  webCredential(): WebConfig;
}

export type AuthOutcome =
  | { kind: 'ok'; user: string }
  | { kind: 'missing' }
  | { kind: 'invalid' }
  /** `started`: this very attempt began the lockout (worth a log line). */
  | { kind: 'locked'; retryAfterMs: number; started: boolean };

export interface AuthenticatorOptions {
  rememberMs?: number;
  rememberMax?: number;
}

export class Authenticator {
  #source: CredentialSource;
  #limiter: LoginLimiter;
  #clock: ClockPort;
  #crypto: CryptoPort;
  #cacheKey: Uint8Array;
  #remembered = new Map<string, { user: string; until: number }>();
  #rememberMs: number;
  #rememberMax: number;
  #counters = { successes: 0, failures: 0, lockedRefusals: 0, rememberedHits: 0 };

  constructor(source: CredentialSource, limiter: LoginLimiter, clock: ClockPort, crypto: CryptoPort, options: AuthenticatorOptions = {}) {
    this.#source = source;
    this.#limiter = limiter;
    this.#clock = clock;
    this.#crypto = crypto;
    this.#cacheKey = crypto.randomBytes(32);
    this.#rememberMs = options.rememberMs ?? 300_000;
    this.#rememberMax = options.rememberMax ?? 16;
  }

  authenticate(authorization: string | undefined, address: string): AuthOutcome {
    const lockedFor = this.#limiter.retryAfterMs(address);
    if (lockedFor > 0) {
      this.#counters.lockedRefusals++;
      return { kind: 'locked', retryAfterMs: lockedFor, started: false };
    }
    if (authorization === undefined || authorization === '') return { kind: 'missing' };
    const fingerprint = this.#fingerprint(authorization);
    const remembered = this.#remembered.get(fingerprint);
    if (remembered && remembered.until > this.#clock.now()) {
      this.#counters.rememberedHits++;
      return this.#succeed(remembered.user, address);
    }
    const credentials = parseBasicAuthorization(authorization);
    if (credentials && this.#source.verifyWebPassword(credentials.user, credentials.password)) {
      this.#remember(fingerprint, credentials.user);
      return this.#succeed(credentials.user, address);
    }
    this.#counters.failures++;
    const lockout = this.#limiter.recordFailure(address);
    return lockout > 0 ? { kind: 'locked', retryAfterMs: lockout, started: true } : { kind: 'invalid' };
  }

  /** Sign-out: this header must pass the password check again (it does, if sent again; the UI forgets it). */
  forget(authorization: string): void {
    this.#remembered.delete(this.#fingerprint(authorization));
  }

  metrics(): Record<string, number> {
    return {
      auth_successes_total: this.#counters.successes,
      auth_failures_total: this.#counters.failures,
      auth_locked_refusals_total: this.#counters.lockedRefusals,
      auth_remembered_hits_total: this.#counters.rememberedHits,
      auth_lockouts_total: this.#limiter.lockoutsTotal,
      auth_locked_clients: this.#limiter.lockedClients,
    };
  }

  #succeed(user: string, address: string): AuthOutcome {
    this.#counters.successes++;
    this.#limiter.recordSuccess(address);
    return { kind: 'ok', user };
  }

  #fingerprint(authorization: string): string {
    const credential = this.#source.webCredential();
    const material = `${credential.username}\n${credential.password_hash}\n${credential.password_salt}\n${authorization}`;
    return toHex(this.#crypto.hmacSha256(this.#cacheKey, utf8Encode(material)));
  }

  #remember(fingerprint: string, user: string): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#remembered) if (entry.until <= now) this.#remembered.delete(key);
    // Oldest first in a Map: drop it when full.
    if (this.#remembered.size >= this.#rememberMax) this.#remembered.delete(this.#remembered.keys().next().value as string);
    this.#remembered.set(fingerprint, { user, until: now + this.#rememberMs });
  }
}
