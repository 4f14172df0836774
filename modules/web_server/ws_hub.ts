/**
 * WebSocket channels (/ws/telemetry, /ws/events, ...): who is connected, broadcasting to them,
 * and who may connect. Admission: a foreign Origin is refused; a client with a ticket (or Basic
 * credentials) is a signed-in client, anyone else anonymous. Anonymous clients share a small
 * pool and a per-address allowance, so sockets held by strangers can never take the places a
 * signed-in dashboard needs. A client that sends nothing for the idle time (the UI pings) or
 * stays backed up past the slow-client time is closed; a backed-up client skips messages
 * meanwhile instead of growing memory. Refusals are a close right after the upgrade (1008 policy,
 * 1013 try again later), which every host can do.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { WebSocketConnection, WebSocketSession } from '../../hosts/ports/http';
import type { WebSocketIdentity } from './ws_tickets';

export interface ChannelOptions {
  /** Messages per second the channel sends at most (token bucket); unlimited when absent. */
  maxPerSecond?: number;
}

export interface HubOptions {
  /** All clients together (memory on the ESP32). */
  maxClients: number;
  /** Clients without a login, all addresses together; the rest is kept for signed-in clients. */
  maxAnonymousClients: number;
  /** Clients without a login from one address. */
  maxAnonymousPerAddress: number;
  /** Clients of one signed-in session. */
  maxPerSession: number;
  maxBufferedBytes: number;
  /** A client that sent nothing for this long is closed (the UI sends a ping every 20 s). */
  idleTimeoutMs: number;
  /** A client whose send buffer stays over the limit this long is closed. */
  slowClientTimeoutMs: number;
}

export const DEFAULT_HUB_OPTIONS: Readonly<HubOptions> = Object.freeze({
  maxClients: 10,
  maxAnonymousClients: 4,
  maxAnonymousPerAddress: 3,
  maxPerSession: 6,
  maxBufferedBytes: 64 * 1024,
  idleTimeoutMs: 75_000,
  slowClientTimeoutMs: 15_000,
});

/** What the hub knows about a client when it asks to connect. */
export interface Admission {
  address: string;
  /** The signed-in identity, or undefined for an anonymous client. */
  identity?: WebSocketIdentity;
  /** Set when the upgrade must be refused (bad Origin, bad ticket): closed with 1008 and this reason. */
  refusal?: string;
}

interface Client {
  connection: WebSocketConnection;
  channel: WebSocketChannel;
  address: string;
  identity?: WebSocketIdentity;
  lastHeardAt: number;
  slowSince?: number;
}

export class WebSocketChannel {
  readonly path: string;
  #clients = new Set<Client>();
  #clock: ClockPort;
  #hub: WebSocketHub;
  #maxPerSecond: number | undefined;
  #tokens: number;
  #refilledAt: number;
  sent = 0;
  dropped = 0;
  /** Told when the first client joins (true) and the last one leaves (false): feeds subscribe only while someone listens. */
  onListening: ((listening: boolean) => void) | undefined;

  constructor(path: string, clock: ClockPort, hub: WebSocketHub, options: ChannelOptions = {}) {
    this.path = path;
    this.#clock = clock;
    this.#hub = hub;
    this.#maxPerSecond = options.maxPerSecond;
    this.#tokens = options.maxPerSecond ?? 0;
    this.#refilledAt = clock.now();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** @internal the hub's bookkeeping */
  add(client: Client): void {
    this.#clients.add(client);
    if (this.#clients.size === 1) this.onListening?.(true);
  }

  /** @internal */
  remove(client: Client): void {
    if (this.#clients.delete(client) && this.#clients.size === 0) this.onListening?.(false);
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
      if (!this.#hub.fitForSending(client)) {
        this.dropped++;
        continue;
      }
      try {
        client.connection.send(text);
        this.sent++;
      } catch {
        this.#hub.evict(client, 1011, 'send failed');
      }
    }
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

export interface HubCounters {
  refused: number;
  refusedPolicy: number;
  evictedIdle: number;
  evictedSlow: number;
}

export class WebSocketHub {
  #channels = new Map<string, WebSocketChannel>();
  #clients = new Set<Client>();
  #clock: ClockPort;
  #options: HubOptions;
  #sweeper: TimerHandle | undefined;
  readonly counters: HubCounters = { refused: 0, refusedPolicy: 0, evictedIdle: 0, evictedSlow: 0 };

  constructor(clock: ClockPort, options: Partial<HubOptions> = {}) {
    this.#clock = clock;
    this.#options = { ...DEFAULT_HUB_OPTIONS, ...options };
  }

  channel(path: string, options: ChannelOptions = {}): WebSocketChannel {
    const channel = new WebSocketChannel(path, this.#clock, this, options);
    this.#channels.set(path, channel);
    return channel;
  }

  hasChannel(path: string): boolean {
    return this.#channels.has(path);
  }

  /** Starts the idle/slow sweep. */
  start(): void {
    if (this.#sweeper !== undefined) return;
    const period = Math.max(1000, Math.min(this.#options.idleTimeoutMs, this.#options.slowClientTimeoutMs) / 3);
    this.#sweeper = this.#clock.setInterval(period, () => this.sweep());
  }

  stop(): void {
    this.#clock.clear(this.#sweeper);
    this.#sweeper = undefined;
  }

  get clients(): number {
    return this.#clients.size;
  }

  get anonymousClients(): number {
    let count = 0;
    for (const client of this.#clients) if (!client.identity) count++;
    return count;
  }

  /** The session for an upgrade to `path`, or undefined for an unknown path. */
  session(path: string, admission: Admission, onOpen?: (channel: WebSocketChannel, connection: WebSocketConnection) => void): WebSocketSession | undefined {
    const channel = this.#channels.get(path);
    if (!channel) return undefined;
    let joined: Client | undefined;
    return {
      open: (connection) => {
        if (admission.refusal !== undefined) {
          this.counters.refusedPolicy++;
          connection.close(1008, admission.refusal);
          return;
        }
        const full = this.#whyFull(admission);
        if (full) {
          this.counters.refused++;
          connection.close(1013, full);
          return;
        }
        joined = { connection, channel, address: admission.address, identity: admission.identity, lastHeardAt: this.#clock.now() };
        this.#clients.add(joined);
        channel.add(joined);
        onOpen?.(channel, connection);
      },
      // Channels are server-to-client; a client's message (the UI's ping) only shows it is alive.
      message: () => {
        if (joined) joined.lastHeardAt = this.#clock.now();
      },
      closed: () => {
        if (joined) this.#forget(joined);
      },
    };
  }

  /** False while the client's send buffer is over the limit (it skips this message); evicts when that lasts. */
  fitForSending(client: Client): boolean {
    if (client.connection.bufferedAmount() <= this.#options.maxBufferedBytes) {
      client.slowSince = undefined;
      return true;
    }
    const now = this.#clock.now();
    client.slowSince ??= now;
    if (now - client.slowSince >= this.#options.slowClientTimeoutMs) {
      this.counters.evictedSlow++;
      this.evict(client, 1008, 'too slow: messages piled up unread');
    }
    return false;
  }

  evict(client: Client, code: number, reason: string): void {
    this.#forget(client);
    client.connection.close(code, reason);
  }

  /** Closes idle clients and clients that stayed backed up (also checked on every broadcast). */
  sweep(): void {
    const now = this.#clock.now();
    for (const client of [...this.#clients]) {
      if (now - client.lastHeardAt >= this.#options.idleTimeoutMs) {
        this.counters.evictedIdle++;
        this.evict(client, 1008, `idle: nothing received for ${Math.round(this.#options.idleTimeoutMs / 1000)} s (send any text to stay connected)`);
      } else if (client.connection.bufferedAmount() > this.#options.maxBufferedBytes) {
        this.fitForSending(client);
      }
    }
  }

  /** Closes the sockets one signed-in session opened (sign-out). */
  closeSession(sessionKey: string): number {
    let closed = 0;
    for (const client of [...this.#clients]) {
      if (client.identity?.sessionKey === sessionKey) {
        this.evict(client, 1008, 'signed out');
        closed++;
      }
    }
    return closed;
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
    for (const client of [...this.#clients]) this.evict(client, 1001, 'server stopping');
  }

  #whyFull(admission: Admission): string | undefined {
    const o = this.#options;
    if (this.#clients.size >= o.maxClients) return 'too many WebSocket clients, try again later';
    let sameKind = 0;
    if (admission.identity) {
      for (const client of this.#clients) if (client.identity?.sessionKey === admission.identity.sessionKey) sameKind++;
      return sameKind >= o.maxPerSession ? 'too many WebSockets for this login' : undefined;
    }
    let fromAddress = 0;
    for (const client of this.#clients) {
      if (client.identity) continue;
      sameKind++;
      if (client.address === admission.address) fromAddress++;
    }
    if (sameKind >= o.maxAnonymousClients) return 'the places for clients without a login are taken; sign in or try again later';
    if (fromAddress >= o.maxAnonymousPerAddress) return 'too many WebSockets from this address without a login';
    return undefined;
  }

  #forget(client: Client): void {
    this.#clients.delete(client);
    client.channel.remove(client);
  }
}
