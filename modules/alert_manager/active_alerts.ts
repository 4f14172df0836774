/**
 * The set of alerts a user should see, with alarm-panel semantics: an alert whose condition
 * ended stays listed (latched, `active: false`) until someone acknowledges or clears it, so a
 * problem that came and went while nobody watched is not lost. An acknowledged alert leaves the
 * set as soon as its condition ends. Raising a latched alert again counts one more occurrence.
 */
import type { Alert, AlertCode } from './alert';
import { ALERT_CODES } from './alert';

export interface ActiveAlert extends Alert {
  /** Wall-clock ms of the first occurrence since the entry appeared. */
  first_seen: number;
  /** Wall-clock ms the condition was last observed. */
  last_seen: number;
  /** Occurrences (raises) since the entry appeared. */
  count: number;
  acknowledged: boolean;
  /** The condition still holds; false = latched. */
  active: boolean;
}

export class ActiveAlerts {
  #entries = new Map<AlertCode, ActiveAlert>();

  raise(alert: Alert): ActiveAlert {
    const old = this.#entries.get(alert.code);
    const entry: ActiveAlert = {
      ...alert,
      first_seen: old?.first_seen ?? alert.timestamp,
      last_seen: alert.timestamp,
      count: (old?.count ?? 0) + 1,
      // A new occurrence needs a new acknowledgement.
      acknowledged: false,
      active: true,
    };
    this.#entries.set(alert.code, entry);
    return entry;
  }

  /**
   * Entries saved by an earlier run: unacknowledged ones come back latched (whether their
   * condition still holds is observed anew), acknowledged ones are done with.
   */
  restore(saved: readonly ActiveAlert[]): void {
    for (const entry of saved) {
      if (entry.acknowledged || this.#entries.has(entry.code)) continue;
      this.#entries.set(entry.code, { ...entry, active: false });
    }
  }

  /** The condition was observed again while active. */
  touch(code: AlertCode, wallMs: number): void {
    const entry = this.#entries.get(code);
    if (entry?.active) entry.last_seen = wallMs;
  }

  /** The condition ended: acknowledged entries go, the others stay latched. */
  conditionEnded(code: AlertCode, wallMs: number): void {
    const entry = this.#entries.get(code);
    if (!entry) return;
    if (entry.acknowledged) this.#entries.delete(code);
    else {
      entry.active = false;
      entry.last_seen = wallMs;
    }
  }

  /** Acknowledge the given codes (all when omitted); latched ones leave. Returns the codes acknowledged. */
  acknowledge(codes: readonly AlertCode[] = ALERT_CODES): AlertCode[] {
    const done: AlertCode[] = [];
    for (const code of codes) {
      const entry = this.#entries.get(code);
      if (!entry || entry.acknowledged) continue;
      done.push(code);
      if (entry.active) entry.acknowledged = true;
      else this.#entries.delete(code);
    }
    return done;
  }

  /** Remove latched entries (all when omitted); alerts whose condition still holds stay. Returns the codes removed. */
  clearLatched(codes: readonly AlertCode[] = ALERT_CODES): AlertCode[] {
    const done: AlertCode[] = [];
    for (const code of codes) {
      const entry = this.#entries.get(code);
      if (entry && !entry.active) {
        this.#entries.delete(code);
        done.push(code);
      }
    }
    return done;
  }

  has(code: AlertCode): boolean {
    return this.#entries.has(code);
  }

  /** Copies, oldest raise first (ties in code order). */
  list(): ActiveAlert[] {
    const order = (code: AlertCode) => ALERT_CODES.indexOf(code);
    return [...this.#entries.values()].map((entry) => ({ ...entry })).sort((a, b) => a.timestamp - b.timestamp || order(a.code) - order(b.code));
  }

  get size(): number {
    return this.#entries.size;
  }

  countWhere(predicate: (entry: ActiveAlert) => boolean): number {
    let n = 0;
    for (const entry of this.#entries.values()) if (predicate(entry)) n++;
    return n;
  }
}
