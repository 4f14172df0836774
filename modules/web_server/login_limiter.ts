/**
 * Failed-login throttling per client address: after `maxFailures` wrong logins the address is
 * locked out for `lockoutMs`; each further lockout doubles, up to `maxLockoutMs`. A successful
 * login, or a quiet `forgetAfterMs` after the last failure, forgets the address.
 */
import type { ClockPort } from '../../hosts/ports/clock';

export interface LoginLimiterOptions {
  maxFailures?: number;
  lockoutMs?: number;
  maxLockoutMs?: number;
  forgetAfterMs?: number;
  /** Addresses remembered at most (memory bound on the ESP32). */
  maxClients?: number;
}

interface ClientRecord {
  failures: number;
  /** Lockouts so far: the next one lasts lockoutMs × 2^level. */
  level: number;
  lockedUntil: number;
  lastFailureAt: number;
}

export class LoginLimiter {
  readonly maxFailures: number;
  readonly lockoutMs: number;
  readonly maxLockoutMs: number;
  readonly forgetAfterMs: number;
  readonly maxClients: number;
  #clock: ClockPort;
  #clients = new Map<string, ClientRecord>();
  #lockouts = 0;

  constructor(clock: ClockPort, options: LoginLimiterOptions = {}) {
    this.#clock = clock;
    this.maxFailures = options.maxFailures ?? 5;
    this.lockoutMs = options.lockoutMs ?? 60_000;
    this.maxLockoutMs = options.maxLockoutMs ?? 3_600_000;
    this.forgetAfterMs = options.forgetAfterMs ?? 3_600_000;
    this.maxClients = options.maxClients ?? 64;
  }

  /** Milliseconds until `address` may try again; 0 when it is not locked out. */
  retryAfterMs(address: string): number {
    const record = this.#current(address);
    return record ? Math.max(0, record.lockedUntil - this.#clock.now()) : 0;
  }

  /** Count a wrong login; returns the lockout it started in ms, or 0. */
  recordFailure(address: string): number {
    const now = this.#clock.now();
    let record = this.#current(address);
    if (!record) {
      this.#makeRoom();
      record = { failures: 0, level: 0, lockedUntil: 0, lastFailureAt: now };
      this.#clients.set(address, record);
    }
    record.lastFailureAt = now;
    record.failures++;
    if (record.failures < this.maxFailures) return 0;
    const duration = Math.min(this.maxLockoutMs, this.lockoutMs * 2 ** record.level);
    record.level++;
    record.failures = 0;
    record.lockedUntil = now + duration;
    this.#lockouts++;
    return duration;
  }

  recordSuccess(address: string): void {
    this.#clients.delete(address);
  }

  get lockoutsTotal(): number {
    return this.#lockouts;
  }

  get lockedClients(): number {
    const now = this.#clock.now();
    let count = 0;
    for (const record of this.#clients.values()) if (record.lockedUntil > now) count++;
    return count;
  }

  #current(address: string): ClientRecord | undefined {
    const record = this.#clients.get(address);
    if (record && this.#forgettable(record, this.#clock.now())) {
      this.#clients.delete(address);
      return undefined;
    }
    return record;
  }

  #forgettable(record: ClientRecord, now: number): boolean {
    return record.lockedUntil <= now && now - Math.max(record.lastFailureAt, record.lockedUntil) >= this.forgetAfterMs;
  }

  /** Drop forgettable records, then the unlocked record idle longest, then the lock ending first. */
  #makeRoom(): void {
    if (this.#clients.size < this.maxClients) return;
    const now = this.#clock.now();
    for (const [address, record] of this.#clients) if (this.#forgettable(record, now)) this.#clients.delete(address);
    if (this.#clients.size < this.maxClients) return;
    let victim: string | undefined;
    let victimScore = Infinity;
    for (const [address, record] of this.#clients) {
      const locked = record.lockedUntil > now;
      // Unlocked records go first (score by idle time), locked ones only when all are locked.
      const score = locked ? record.lockedUntil : record.lastFailureAt - Number.MAX_SAFE_INTEGER;
      if (score < victimScore) [victim, victimScore] = [address, score];
    }
    if (victim !== undefined) this.#clients.delete(victim);
  }
}
