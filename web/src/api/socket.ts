/**
 * A WebSocket that keeps itself open: JSON messages to a callback, reconnect with backoff until
 * stop() is called. Signed in, each connection carries a fresh single-use ticket from
 * /api/security/ws-ticket, so the gateway counts it against the login and not the small pool for
 * anonymous clients; signing in or out reconnects. The backoff (1, 2, 4 … 30 s, ±20 %) is only
 * reset once a connection has stayed up a while, so a server that accepts and closes at once
 * (full, 1013) is not hammered every second. A ping every 20 s tells the gateway we are alive.
 */
import { createStore, type Store } from '../state/store';
import { auth } from './auth';
import { apiGet } from './client';

export type SocketState = 'connecting' | 'open' | 'closed';

export interface LiveSocket {
  readonly state: Store<SocketState>;
  stop(): void;
}

export const BACKOFF_START_MS = 1000;
export const MAX_BACKOFF_MS = 30_000;
/** A connection that lasted this long was a real one: the next failure starts the backoff afresh. */
export const STABLE_AFTER_MS = 10_000;
/** The gateway closes clients silent for 75 s. */
const PING_EVERY_MS = 20_000;

export function socketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

/** The delay before reconnect attempt number `failures` (0 = first), with ±20 % jitter from `random`. */
export function backoffDelay(failures: number, closeCode: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_START_MS * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS);
  // 1013 (full) and 1008 (refused by policy) will not change in a second.
  const floor = closeCode === 1013 || closeCode === 1008 ? 5000 : 0;
  return Math.round(Math.max(base, floor) * (0.8 + 0.4 * random()));
}

async function ticketedPath(path: string): Promise<string> {
  if (!auth.get().header) return path;
  try {
    const { ticket } = await apiGet<{ ticket: string }>('/api/security/ws-ticket', { auth: true });
    return `${path}${path.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
  } catch {
    return path; // The login is being refused: connect as an anonymous client meanwhile.
  }
}

export function openLiveSocket(path: string, onMessage: (message: unknown) => void): LiveSocket {
  const state = createStore<SocketState>('connecting');
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  let failures = 0;
  let stopped = false;
  let signedInAs = auth.get().header;

  const connect = async (): Promise<void> => {
    state.set('connecting');
    const target = await ticketedPath(path);
    if (stopped) return;
    const current = new WebSocket(socketUrl(target));
    socket = current;
    let openedAt = 0;
    current.onopen = () => {
      openedAt = Date.now();
      state.set('open');
      pinger = setInterval(() => current.readyState === WebSocket.OPEN && current.send('{"type":"ping"}'), PING_EVERY_MS);
    };
    current.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // Not JSON: nothing the UI can show.
      }
      onMessage(message);
    };
    current.onclose = (event) => {
      clearInterval(pinger);
      if (socket === current) socket = null;
      state.set('closed');
      if (stopped) return;
      if (openedAt > 0 && Date.now() - openedAt >= STABLE_AFTER_MS) failures = 0;
      timer = setTimeout(() => void connect(), backoffDelay(failures, event.code));
      failures++;
    };
  };

  // Signing in or out changes who this socket is: reconnect at once with (or without) a ticket.
  const unsubscribe = auth.subscribe((value) => {
    if (value.header === signedInAs) return;
    signedInAs = value.header;
    if (stopped) return;
    clearTimeout(timer);
    failures = 0;
    const old = socket;
    socket = null;
    if (old) {
      old.onclose = null;
      clearInterval(pinger);
      old.close(1000, 'login changed');
    }
    void connect();
  });

  void connect();
  return {
    state,
    stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      clearInterval(pinger);
      socket?.close();
    },
  };
}
