/**
 * Active alerts for the whole UI (the nav badge and the alerts page): GET /api/alarms every few
 * seconds and at once when /ws/events says an alert was raised or cleared; the live feed keeps
 * the raise/clear messages seen in this session.
 */
import { apiGet } from '../api/client';
import { listOf } from '../api/normalize';
import { openLiveSocket } from '../api/socket';
import type { ActiveAlert, Alert } from '../api/types';
import { createStore } from './store';

const POLL_MS = 5_000;
const FEED_LENGTH = 50;

export const activeAlerts = createStore<ActiveAlert[] | null>(null);
export const alertsError = createStore<string | null>(null);
/** Alert raise/clear messages, newest first; `active` false = the alert cleared. */
export type AlertFeedEntry = Alert & { active?: boolean };
export const alertFeed = createStore<AlertFeedEntry[]>([]);

export async function refreshAlerts(): Promise<void> {
  try {
    const list = listOf<ActiveAlert>(await apiGet<unknown>('/api/alarms'), 'alerts', 'alarms', 'active');
    activeAlerts.set(list.filter((a) => a && typeof a.code === 'string'));
    alertsError.set(null);
  } catch (error) {
    alertsError.set(error instanceof Error ? error.message : String(error));
  }
}

function isAlert(value: unknown): value is AlertFeedEntry {
  const v = value as Partial<Alert> | null;
  return !!v && typeof v.code === 'string' && typeof v.message === 'string';
}

let started = false;
let pending: ReturnType<typeof setTimeout> | undefined;

/** Several messages in a burst cause one refresh. */
function refreshSoon(): void {
  clearTimeout(pending);
  pending = setTimeout(() => void refreshAlerts(), 150);
}

/** Alerts carried by a /ws/events message: `new_alarms` (a list) raises, `alarm_cleared` (one) clears. */
function alertsIn(message: unknown): AlertFeedEntry[] {
  const { type, data } = (message ?? {}) as { type?: string; data?: unknown };
  if (type === 'new_alarms') return (Array.isArray(data) ? data : [data]).filter(isAlert).map((a) => ({ ...a, active: true }));
  if (type === 'alarm_cleared' && isAlert(data)) return [{ ...data, active: false }];
  return [];
}

/**
 * One socket (/ws/events) instead of also /ws/alerts: the ESP32 serves few WebSocket clients,
 * and every open tab holds its sockets.
 */
export function startAlerts(): void {
  if (started) return;
  started = true;
  openLiveSocket('/ws/events', (message) => {
    const alerts = alertsIn(message);
    if (alerts.length === 0) return;
    alertFeed.update((feed) => [...alerts.reverse(), ...feed].slice(0, FEED_LENGTH));
    refreshSoon();
  });
  void refreshAlerts();
  setInterval(() => void refreshAlerts(), POLL_MS);
}
