/**
 * A WebSocket that keeps itself open: JSON messages to a callback, reconnect with backoff
 * (1, 2, 4 … 30 s) after any close, until stop() is called.
 */
import { createStore, type Store } from '../state/store';

export type SocketState = 'connecting' | 'open' | 'closed';

export interface LiveSocket {
  readonly state: Store<SocketState>;
  stop(): void;
}

const MAX_BACKOFF_MS = 30_000;

export function socketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

export function openLiveSocket(path: string, onMessage: (message: unknown) => void): LiveSocket {
  const state = createStore<SocketState>('connecting');
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let backoff = 1000;
  let stopped = false;

  const connect = (): void => {
    state.set('connecting');
    socket = new WebSocket(socketUrl(path));
    socket.onopen = () => {
      backoff = 1000;
      state.set('open');
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // Not JSON: nothing the UI can show.
      }
      onMessage(message);
    };
    socket.onclose = () => {
      socket = null;
      state.set('closed');
      if (stopped) return;
      timer = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  };

  connect();
  return {
    state,
    stop() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
