/**
 * The newest system events (link changes, alerts, configuration, logins, commands) in a bounded
 * ring, for GET /api/events and /ws/events. Entries carry no secrets: configuration events name
 * the changed fields, never their values.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { AlertLevel } from '../alert_manager/alert';

export interface JournalEntry {
  id: number;
  /** Wall-clock ms. */
  timestamp: number;
  type: string;
  level: AlertLevel;
  message: string;
  data?: Record<string, unknown>;
}

export class EventJournal {
  readonly capacity: number;
  #clock: ClockPort;
  #entries: JournalEntry[] = [];
  #nextId = 1;
  #listeners: ((entry: JournalEntry) => void)[] = [];

  constructor(clock: ClockPort, capacity = 100) {
    this.#clock = clock;
    this.capacity = capacity;
  }

  add(type: string, level: AlertLevel, message: string, data?: Record<string, unknown>): JournalEntry {
    const entry: JournalEntry = { id: this.#nextId++, timestamp: this.#clock.wallTime(), type, level, message };
    if (data) entry.data = data;
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.shift();
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }

  /** Newest first. */
  newest(limit: number): JournalEntry[] {
    return this.#entries.slice(-Math.max(0, limit)).reverse();
  }

  get size(): number {
    return this.#entries.length;
  }

  onAdd(listener: (entry: JournalEntry) => void): void {
    this.#listeners.push(listener);
  }
}
