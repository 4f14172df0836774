/**
 * WebSocket channels (/ws/telemetry, /ws/events, ...): who is connected, broadcasting to them,
 * a total client limit (memory on the ESP32), and a per-channel message budget. A client whose
 * send buffer is backed up skips messages instead of growing memory.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { WebSocketConnection, WebSocketSession } from '../../hosts/ports/http';

export interface ChannelOptions {
  /** Messages per second the channel sends at most (token bucket); unlimited when absent. */
  maxPerSecond?: number;
}

export class WebSocketChannel {
  readonly path: string;
  #clients = new Set<WebSocketConnection>();
  #clock: ClockPort;
  #maxBufferedBytes: number;
  #maxPerSecond: number | undefined;
  #tokens: number;
  #refilledAt: number;
  sent = 0;
  dropped = 0;

  constructor(path: string, clock: ClockPort, maxBufferedBytes: number, options: ChannelOptions = {}) {
    this.path = path;
    this.#clock = clock;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#maxPerSecond = options.maxPerSecond;
    this.#tokens = options.maxPerSecond ?? 0;
    this.#refilledAt = clock.now();
  }

  get size(): number {
    return this.#clients.size;
  }

  add(connection: WebSocketConnection): void {
    this.#clients.add(connection);
  }

  remove(connection: WebSocketConnection): void {
    this.#clients.delete(connection);
  }

  /** Send to every client; `build` runs only when someone listens and the budget allows. */
  broadcast(build: () => unknown): void {
    if (this.#clients.size === 0) return;
    if (!this.#takeToken()) {
      this.dropped += this.#clients.size;
      return;
    }
    const text = JSON.stringify(build());
    for (const client of [...this.#clients]) {
      if (client.bufferedAmount() > this.#maxBufferedBytes) {
        this.dropped++;
        continue;
      }
      try {
        client.send(text);
        this.sent++;
      } catch {
        this.#clients.delete(client);
        client.close(1011, 'send failed');
      }
    }
  }

  closeAll(code: number, reason: string): void {
    for (const client of this.#clients) client.close(code, reason);
    this.#clients.clear();
  }

  #takeToken(): boolean {
    if (this.#maxPerSecond === undefined) return true;
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#maxPerSecond, this.#tokens + ((now - this.#refilledAt) * this.#maxPerSecond) / 1000);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export interface HubOptions {
  maxClients: number;
  maxBufferedBytes: number;
}

export class WebSocketHub {
  #channels = new Map<string, WebSocketChannel>();
  #clock: ClockPort;
  #options: HubOptions;
  refused = 0;

  constructor(clock: ClockPort, options: HubOptions) {
    this.#clock = clock;
    this.#options = options;
  }

  channel(path: string, options: ChannelOptions = {}): WebSocketChannel {
    const channel = new WebSocketChannel(path, this.#clock, this.#options.maxBufferedBytes, options);
    this.#channels.set(path, channel);
    return channel;
  }

  get clients(): number {
    let total = 0;
    for (const channel of this.#channels.values()) total += channel.size;
    return total;
  }

  /** The session for an upgrade to `path`, or undefined for an unknown path. */
  session(path: string, onOpen?: (channel: WebSocketChannel, connection: WebSocketConnection) => void): WebSocketSession | undefined {
    const channel = this.#channels.get(path);
    if (!channel) return undefined;
    let joined: WebSocketConnection | undefined;
    return {
      open: (connection) => {
        if (this.clients >= this.#options.maxClients) {
          this.refused++;
          connection.close(1013, 'too many WebSocket clients, try again later');
          return;
        }
        joined = connection;
        channel.add(connection);
        onOpen?.(channel, connection);
      },
      // Channels are server-to-client; a client's messages are ignored.
      message: () => {},
      closed: () => {
        if (joined) channel.remove(joined);
      },
    };
  }

  totals(): { sent: number; dropped: number } {
    let sent = 0;
    let dropped = 0;
    for (const channel of this.#channels.values()) {
      sent += channel.sent;
      dropped += channel.dropped;
    }
    return { sent, dropped };
  }

  closeAll(): void {
    for (const channel of this.#channels.values()) channel.closeAll(1001, 'server stopping');
  }
}
