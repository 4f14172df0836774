/**
 * Bounded log of system events for /api/events and /ws/events: alerts, link changes, config
 * updates, MQTT/Wi-Fi up and down, OTA. The oldest entry goes when the log is full.
 */
import type { AlertCode, AlertLevel } from './alert';

export type SystemEventType =
  | 'alert_raised'
  | 'alert_cleared'
  | 'alerts_acknowledged'
  | 'alerts_cleared_by_user'
  | 'bms_link'
  | 'config_updated'
  | 'mqtt_connected'
  | 'mqtt_disconnected'
  | 'wifi_connected'
  | 'wifi_disconnected'
  | 'ota_started'
  | 'ota_completed'
  | 'ota_failed'
  /** Something a user did through the web API (register writes, commands, restarts, config imports). */
  | 'user_action'
  | 'login_lockout'
  /** Storage failed or recovered, damaged data was repaired, a journal was restored. */
  | 'storage'
  | 'ota_rolled_back';

export interface SystemEvent {
  /** Increases by one per event since start; lets a client skip events it has seen. */
  id: number;
  /** Wall-clock ms. */
  timestamp: number;
  level: AlertLevel;
  type: SystemEventType;
  message: string;
  code?: AlertCode;
}

export const DEFAULT_EVENT_LOG_CAPACITY = 100;

export class EventLog {
  readonly capacity: number;
  #entries: SystemEvent[] = [];
  #nextId = 1;
  #recorded = 0;

  constructor(capacity = DEFAULT_EVENT_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event log capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Entries from an earlier run (the journal), oldest first; ids continue after the highest. */
  restore(entries: readonly SystemEvent[]): void {
    for (const entry of entries.slice(-this.capacity)) this.#entries.push({ ...entry });
    this.#entries.splice(0, Math.max(0, this.#entries.length - this.capacity));
    for (const entry of entries) if (entry.id >= this.#nextId) this.#nextId = entry.id + 1;
  }

  record(event: Omit<SystemEvent, 'id'>): SystemEvent {
    const entry = { id: this.#nextId++, ...event };
    this.#recorded++;
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.shift();
    return entry;
  }

  /**
   * Newest first, at most `limit` (default 100; above the capacity means all).
   * Throws RangeError for a limit that is not a positive integer.
   */
  newest(limit = DEFAULT_EVENT_LOG_CAPACITY): SystemEvent[] {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    return this.#entries.slice(-Math.min(limit, this.capacity)).reverse().map((entry) => ({ ...entry }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Events recorded since start, including those already pushed out. */
  get recorded(): number {
    return this.#recorded;
  }
}
