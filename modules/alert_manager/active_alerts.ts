/**
 * The set of alerts a user should see, with alarm-panel semantics: an alert whose condition
 * ended stays listed (latched, `active: false`) until someone acknowledges or clears it, so a
 * problem that came and went while nobody watched is not lost. An acknowledged alert leaves the
 * set as soon as its condition ends. Raising a latched alert again counts one more occurrence.
 */
import type { Alert, AlertCode } from './alert';
import { ALERT_CODES, alertCodeOrder, alertLevel } from './alert';

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

/** A record that is not listed: `count` 0 means "not in the set". */
function unlisted(code: AlertCode): ActiveAlert {
  return { timestamp: 0, level: alertLevel(code), code, message: '', first_seen: 0, last_seen: 0, count: 0, acknowledged: false, active: false };
}

/**
 * One record per code, changed in place: the records of the given codes (the gateway's, and each
 * configured pack's) are made at construction (a fixed table, as on the C firmware), so raising,
 * latching and clearing alerts allocates nothing that stays, and the heap of a gateway with every
 * alert listed is the heap it starts with. A code not given (a pack number restored from a
 * journal written with more packs) gets its record when first raised.
 */
export class ActiveAlerts {
  #records = new Map<AlertCode, ActiveAlert>();

  constructor(codes: readonly AlertCode[] = ALERT_CODES) {
    for (const code of codes) this.#records.set(code, unlisted(code));
  }

  raise(alert: Alert): ActiveAlert {
    let entry = this.#records.get(alert.code);
    if (!entry) this.#records.set(alert.code, (entry = unlisted(alert.code)));
    if (entry.count === 0) entry.first_seen = alert.timestamp;
    entry.timestamp = alert.timestamp;
    entry.level = alert.level;
    entry.message = alert.message;
    entry.last_seen = alert.timestamp;
    entry.count++;
    // A new occurrence needs a new acknowledgement.
    entry.acknowledged = false;
    entry.active = true;
    return entry;
  }

  /**
   * Entries saved by an earlier run: unacknowledged ones come back latched (whether their
   * condition still holds is observed anew), acknowledged ones are done with.
   */
  restore(saved: readonly ActiveAlert[]): void {
    for (const entry of saved) {
      if (entry.acknowledged || this.has(entry.code)) continue;
      const record = this.raise(entry);
      record.first_seen = entry.first_seen;
      record.last_seen = entry.last_seen;
      record.count = Number.isInteger(entry.count) && entry.count > 0 ? entry.count : 1;
      record.active = false;
    }
  }

  /** The condition was observed again while active. */
  touch(code: AlertCode, wallMs: number): void {
    const entry = this.#listed(code);
    if (entry?.active) entry.last_seen = wallMs;
  }

  /** The condition ended: acknowledged entries go, the others stay latched. */
  conditionEnded(code: AlertCode, wallMs: number): void {
    const entry = this.#listed(code);
    if (!entry) return;
    if (entry.acknowledged) unlist(entry);
    else {
      entry.active = false;
      entry.last_seen = wallMs;
    }
  }

  /** Acknowledge the given codes (all when omitted); latched ones leave. Returns the codes acknowledged. */
  acknowledge(codes: readonly AlertCode[] = this.#codes()): AlertCode[] {
    const done: AlertCode[] = [];
    for (const code of codes) {
      const entry = this.#listed(code);
      if (!entry || entry.acknowledged) continue;
      done.push(code);
      if (entry.active) entry.acknowledged = true;
      else unlist(entry);
    }
    return done;
  }

  /** Remove latched entries (all when omitted); alerts whose condition still holds stay. Returns the codes removed. */
  clearLatched(codes: readonly AlertCode[] = this.#codes()): AlertCode[] {
    const done: AlertCode[] = [];
    for (const code of codes) {
      const entry = this.#listed(code);
      if (entry && !entry.active) {
        unlist(entry);
        done.push(code);
      }
    }
    return done;
  }

  has(code: AlertCode): boolean {
    return this.#listed(code) !== undefined;
  }

  /** Copies, oldest raise first (ties in code order). */
  list(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const entry of this.#records.values()) if (entry.count > 0) out.push({ ...entry });
    return out.sort((a, b) => a.timestamp - b.timestamp || alertCodeOrder(a.code) - alertCodeOrder(b.code));
  }

  get size(): number {
    return this.countWhere(() => true);
  }

  countWhere(predicate: (entry: ActiveAlert) => boolean): number {
    let n = 0;
    for (const entry of this.#records.values()) if (entry.count > 0 && predicate(entry)) n++;
    return n;
  }

  #listed(code: AlertCode): ActiveAlert | undefined {
    const entry = this.#records.get(code);
    return entry && entry.count > 0 ? entry : undefined;
  }

  /** The listed codes in code order (per-pack codes after their bank code). */
  #codes(): AlertCode[] {
    const codes: AlertCode[] = [];
    for (const entry of this.#records.values()) if (entry.count > 0) codes.push(entry.code);
    return codes.sort((a, b) => alertCodeOrder(a) - alertCodeOrder(b));
  }
}

/** Out of the set; the record stays for the next raise (its message let go). */
function unlist(entry: ActiveAlert): void {
  entry.count = 0;
  entry.message = '';
  entry.acknowledged = false;
  entry.active = false;
}
