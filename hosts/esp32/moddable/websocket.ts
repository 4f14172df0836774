/**
 * One server-side WebSocket on the SDK's WebSocket client attached to a socket the HTTP server
 * detached after the 101 answer (server frames are not masked). Text messages only. Sends queue
 * and go out as the socket drains, fragmented when larger than the room there is; the core
 * watches `bufferedAmount()`, and a client that lets the queue pass `maxBufferedBytes` is closed.
 */
import type TCP from 'embedded:io/socket/tcp';
import WebSocketClient from 'embedded:network/websocket/client';
import type { ClockPort, TimerHandle } from '../../ports/clock';
import type { WebSocketConnection, WebSocketSession } from '../../ports/http';
import type { LogPort } from '../../ports/log';
import { utf8Encode } from '../../../modules/util/utf8';
import { utf8Decode } from '../../../modules/web_server/text_codecs';

export interface WebSocketLimits {
  /** Unsent bytes allowed before the client counts as too slow (default 32 KB). */
  maxBufferedBytes: number;
  /** Largest incoming message (default 4 KB). */
  maxMessageBytes: number;
  /** How long a close handshake may take before the socket is dropped (default 3 s). */
  closeTimeoutMs: number;
}

interface Outgoing {
  bytes: Uint8Array;
  offset: number;
  control: boolean;
}

const OPCODE_CLOSE = 8;

function closePayload(code: number, reason: string): Uint8Array {
  const text = utf8Encode(reason).subarray(0, 123);
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

export class SdkWebSocket implements WebSocketConnection {
  #client: WebSocketClient;
  #session: WebSocketSession;
  #clock: ClockPort;
  #log: LogPort;
  #limits: WebSocketLimits;
  #onFinished: () => void;
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  #writable = 0;
  #incoming: Uint8Array[] = [];
  #incomingBytes = 0;
  #closing = false;
  #finished = false;
  #closeTimer: TimerHandle | undefined;

  constructor(socket: TCP, session: WebSocketSession, options: { clock: ClockPort; log: LogPort } & Partial<WebSocketLimits>, onFinished: () => void) {
    this.#session = session;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#limits = {
      maxBufferedBytes: options.maxBufferedBytes ?? 32 * 1024,
      maxMessageBytes: options.maxMessageBytes ?? 4 * 1024,
      closeTimeoutMs: options.closeTimeoutMs ?? 3000,
    };
    this.#onFinished = onFinished;
    this.#client = new WebSocketClient({
      // The client only needs the socket's constructor to re-wrap it (`new attach.constructor({from})`).
      attach: socket as unknown as { constructor: new (options: unknown) => unknown },
      onReadable: (count, flags) => this.#onReadable(count, flags.more, flags.binary),
      onWritable: (count) => {
        this.#writable = count;
        this.#flush();
      },
      onClose: () => this.#finish(),
      onError: () => this.#finish(),
    });
    this.#clock.setTimer(0, () => {
      if (!this.#finished) this.#call(() => session.open(this));
    });
  }

  send(text: string): void {
    if (this.#closing || this.#finished) return;
    const bytes = utf8Encode(text);
    if (this.#queuedBytes + bytes.length > this.#limits.maxBufferedBytes) {
      this.#log.log('warn', 'http', `websocket client too slow (${this.#queuedBytes} bytes unsent): closing`);
      this.close(1008, 'client too slow');
      return;
    }
    this.#queue.push({ bytes, offset: 0, control: false });
    this.#queuedBytes += bytes.length;
    this.#flush();
  }

  bufferedAmount(): number {
    return this.#queuedBytes;
  }

  close(code = 1000, reason = ''): void {
    if (this.#closing || this.#finished) return;
    this.#closing = true;
    // Unsent data messages are dropped: the close frame goes out next.
    this.#queue = this.#queue.filter((item) => item.offset > 0);
    this.#queuedBytes = this.#queue.reduce((sum, item) => sum + item.bytes.length - item.offset, 0);
    this.#queue.push({ bytes: closePayload(code, reason), offset: 0, control: true });
    this.#closeTimer = this.#clock.setTimer(this.#limits.closeTimeoutMs, () => this.#finish());
    this.#flush();
  }

  #flush(): void {
    try {
      while (this.#queue.length > 0 && this.#writable > 0 && !this.#finished) {
        const item = this.#queue[0];
        const remaining = item.bytes.length - item.offset;
        if (item.control) {
          if (remaining > this.#writable) return;
          this.#writable = this.#client.write(item.bytes, { opcode: OPCODE_CLOSE });
          this.#queue.shift();
          continue;
        }
        const size = Math.min(remaining, this.#writable);
        const more = size < remaining;
        this.#writable = this.#client.write(item.bytes.subarray(item.offset, item.offset + size), { binary: false, more });
        item.offset += size;
        this.#queuedBytes -= size;
        if (!more) this.#queue.shift();
      }
    } catch (error) {
      this.#log.log('warn', 'http', `websocket write failed: ${String(error)}`);
      this.#finish();
    }
  }

  #onReadable(count: number, more: boolean, binary: boolean): void {
    const data = this.#client.read(count);
    if (this.#closing) return;
    this.#incomingBytes += data.byteLength;
    if (this.#incomingBytes > this.#limits.maxMessageBytes) {
      this.#incoming = [];
      this.close(1009, 'message too big');
      return;
    }
    this.#incoming.push(new Uint8Array(data));
    if (more) return;
    const parts = this.#incoming;
    this.#incoming = [];
    this.#incomingBytes = 0;
    if (binary) {
      this.close(1003, 'text messages only');
      return;
    }
    const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      whole.set(part, at);
      at += part.length;
    }
    const text = utf8Decode(whole);
    this.#call(() => this.#session.message?.(text));
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clock.clear(this.#closeTimer);
    this.#queue = [];
    this.#queuedBytes = 0;
    try {
      this.#client.close();
    } catch {
      // Already closed by the SDK.
    }
    this.#onFinished();
    this.#clock.setTimer(0, () => this.#call(() => this.#session.closed?.()));
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#log.log('error', 'http', `websocket session threw: ${String(error)}`);
    }
  }
}
