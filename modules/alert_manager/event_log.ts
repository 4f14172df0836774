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

/**
 * A ring of `capacity` records kept in columns made once at construction, as the C firmware's
 * fixed array of event records: recording allocates no object, and a full log holds no more slots
 * than an empty one (only the message texts vary). Entries come out as fresh copies.
 */
export class EventLog {
  readonly capacity: number;
  readonly #ids: Float64Array;
  readonly #timestamps: Float64Array;
  readonly #levels: AlertLevel[];
  readonly #types: SystemEventType[];
  readonly #messages: string[];
  readonly #codes: (AlertCode | undefined)[];
  /** The slot the next entry goes to; the oldest entry is there too once the ring is full. */
  #next = 0;
  #size = 0;
  #nextId = 1;
  #recorded = 0;

  constructor(capacity = DEFAULT_EVENT_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event log capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#ids = new Float64Array(capacity);
    this.#timestamps = new Float64Array(capacity);
    this.#levels = new Array<AlertLevel>(capacity).fill('info');
    this.#types = new Array<SystemEventType>(capacity).fill('config_updated');
    this.#messages = new Array<string>(capacity).fill('');
    this.#codes = new Array<AlertCode | undefined>(capacity).fill(undefined);
  }

  /** Entries from an earlier run (the journal), oldest first; ids continue after the highest. */
  restore(entries: readonly SystemEvent[]): void {
    for (const entry of entries.slice(-this.capacity)) this.#put(entry);
    for (const entry of entries) if (entry.id >= this.#nextId) this.#nextId = entry.id + 1;
  }

  record(event: Omit<SystemEvent, 'id'>): SystemEvent {
    const entry = { id: this.#nextId++, ...event };
    this.#recorded++;
    this.#put(entry);
    return entry;
  }

  /**
   * Newest first, at most `limit` (default 100; above the capacity means all).
   * Throws RangeError for a limit that is not a positive integer.
   */
  newest(limit = DEFAULT_EVENT_LOG_CAPACITY): SystemEvent[] {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const out: SystemEvent[] = [];
    for (let i = 1; i <= Math.min(limit, this.#size); i++) {
      const k = (this.#next - i + this.capacity) % this.capacity;
      const code = this.#codes[k];
      const entry: SystemEvent = { id: this.#ids[k], timestamp: this.#timestamps[k], level: this.#levels[k], type: this.#types[k], message: this.#messages[k] };
      if (code !== undefined) entry.code = code;
      out.push(entry);
    }
    return out;
  }

  get size(): number {
    return this.#size;
  }

  /** Events recorded since start, including those already pushed out. */
  get recorded(): number {
    return this.#recorded;
  }

  #put(entry: SystemEvent): void {
    const k = this.#next;
    this.#ids[k] = entry.id;
    this.#timestamps[k] = entry.timestamp;
    this.#levels[k] = entry.level;
    this.#types[k] = entry.type;
    this.#messages[k] = entry.message;
    this.#codes[k] = entry.code;
    this.#next = (k + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }
}
