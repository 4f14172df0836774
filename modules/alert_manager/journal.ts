/**
 * The alert manager's journal, so latched alerts and the event log survive a restart.
 *
 * Events are JSON lines appended to two files under journal/. Each holds at most `capacity`
 * lines; when the one being written is full, the other is emptied and takes over. The pair thus
 * always holds the newest `capacity` events and never more than twice that, and every write is
 * an append (cheap on LittleFS, no rewrite of old entries). A torn last line is skipped.
 *
 * The alerts a user has not acknowledged are one small value in the key/value store, rewritten
 * when the set changes (raise, clear, acknowledge), not when a condition is merely observed again.
 */
import type { FileStore } from '../../hosts/ports/files';
import type { KeyValueStore } from '../../hosts/ports/store';
import type { ActiveAlert } from './active_alerts';
import { isAlertCode } from './alert';
import type { SystemEvent } from './event_log';
import { errorMessage } from '../util/error_message';

export const JOURNAL_FILES = ['journal/events-0.log', 'journal/events-1.log'] as const;
/** NVS keys are at most 15 characters. */
export const ALERTS_STORE_KEY = 'alerts';

function parseLines(text: string | undefined): SystemEvent[] {
  const out: SystemEvent[] = [];
  if (!text) return out;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const event = JSON.parse(line) as SystemEvent;
      if (Number.isInteger(event.id) && typeof event.message === 'string' && typeof event.type === 'string') out.push(event);
    } catch {
      // A line torn by a power cut: the rest of the journal still counts.
    }
  }
  return out;
}

export class AlertJournal {
  readonly capacity: number;
  #files: FileStore;
  #store: KeyValueStore;
  #current = 0;
  #lines = 0;

  constructor(files: FileStore, store: KeyValueStore, capacity: number) {
    this.#files = files;
    this.#store = store;
    this.capacity = capacity;
  }

  /** The newest `capacity` events of earlier runs, oldest first. Throws what the files port throws. */
  loadEvents(): SystemEvent[] {
    const perFile = JOURNAL_FILES.map((file) => parseLines(this.#files.read(file)));
    const newest = perFile.map((events) => events.reduce((max, e) => Math.max(max, e.id), 0));
    this.#current = newest[1] > newest[0] ? 1 : 0;
    this.#lines = perFile[this.#current].length;
    const all = [...perFile[0], ...perFile[1]].sort((a, b) => a.id - b.id);
    return all.slice(-this.capacity);
  }

  /** Appends one event; throws what the files port throws (the caller counts and reports it). */
  appendEvent(event: SystemEvent): void {
    if (this.#lines >= this.capacity) {
      const next = 1 - this.#current;
      this.#files.delete(JOURNAL_FILES[next]);
      this.#current = next;
      this.#lines = 0;
    }
    this.#files.append(JOURNAL_FILES[this.#current], `${JSON.stringify(event)}\n`);
    this.#lines++;
  }

  /** Alerts saved by an earlier run; an unreadable record counts as none (and is reported). */
  loadAlerts(): { alerts: ActiveAlert[]; problem?: string } {
    const text = this.#store.get(ALERTS_STORE_KEY);
    if (text === undefined) return { alerts: [] };
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed)) throw new Error('not a list');
      return { alerts: parsed.filter((a: ActiveAlert) => a && isAlertCode(a.code) && typeof a.message === 'string' && Number.isFinite(a.timestamp)) };
    } catch (error) {
      return { alerts: [], problem: `the saved alerts are unreadable (${errorMessage(error)})` };
    }
  }

  saveAlerts(alerts: readonly ActiveAlert[]): void {
    this.#store.put(ALERTS_STORE_KEY, JSON.stringify(alerts));
  }
}
