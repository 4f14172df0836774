/**
 * Active alerts for the whole UI (the nav badge and the alerts page): GET /api/alarms every few
 * seconds and at once when /ws/alerts or /ws/events says something changed; the live feed keeps
 * the alert messages seen in this session.
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
/** /ws/alerts messages, newest first; `active` false = the alert cleared. */
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

export function startAlerts(): void {
  if (started) return;
  started = true;
  openLiveSocket('/ws/alerts', (message) => {
    const candidate = isAlert(message) ? message : isAlert((message as { data?: unknown })?.data) ? (message as { data: AlertFeedEntry }).data : null;
    if (candidate) alertFeed.update((feed) => [candidate, ...feed].slice(0, FEED_LENGTH));
    refreshSoon();
  });
  openLiveSocket('/ws/events', (message) => {
    const type = (message as { type?: string })?.type;
    if (type === 'new_alarms' || type === 'alarm_cleared') refreshSoon();
  });
  void refreshAlerts();
  setInterval(() => void refreshAlerts(), POLL_MS);
}
