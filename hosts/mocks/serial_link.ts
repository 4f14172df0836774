/**
 * An in-memory UART cable: two SerialPort ends (gateway and device) whose bytes arrive through
 * the clock after a realistic delay (fixed latency + 10 bits per byte at the baud rate), in
 * order, never inside the write call. A cut cable drops bytes; flush() drops bytes in flight
 * towards that end, like flushing a UART receive buffer before a retry.
 */
import type { ClockPort, TimerHandle } from '../ports/clock';
import type { SerialPort } from '../ports/serial';
import { ByteSlab } from './byte_slab';

export interface SerialLinkOptions {
  clock: ClockPort;
  /** Line rate; TinyBMS is fixed at 115200 8N1 (10 bits per byte on the wire). */
  baud?: number;
  /** Extra delay per chunk (driver and FIFO latency), ms. */
  latencyMs?: number;
  /** Copies in flight, and the gateway framer's frame copies (its port's `copyOf`), carved from slabs of this many bytes (byte_slab.ts: for V8); 0 (default): each its own array. */
  copySlabBytes?: number;
}

/** A cable end that can also take bytes over without copying them. */
export interface SerialLinkEnd extends SerialPort {
  /** Sends bytes the caller hands over and never changes again (the simulated BMS's fresh answers): no copy at send. */
  writeOwned(bytes: Uint8Array): void;
}

export interface SerialLinkCounters {
  gatewayToDeviceBytes: number;
  deviceToGatewayBytes: number;
  droppedBytes: number;
}

export interface SerialLink {
  /** The end the gateway's uart_bms driver uses (the Host's `serial` port). */
  readonly gateway: SerialLinkEnd;
  /** The end the TinyBMS simulator (or a test playing the BMS) uses. */
  readonly device: SerialLinkEnd;
  /** Unplug (false) or plug (true) the cable; while unplugged every byte is lost. */
  setConnected(connected: boolean): void;
  readonly counters: Readonly<SerialLinkCounters>;
}

/** One direction of the cable. */
class Direction {
  #clock: ClockPort;
  #byteTimeMs: number;
  #latencyMs: number;
  #lineFreeAt = 0;
  // Chunks in flight, oldest first: they arrive in the order sent (due times never decrease and
  // ties fire in creation order), so a queue does what a map of timers would, with less work.
  // Slots #head to #end − 1 are in flight; emptied, both go back to 0 and the arrays keep their
  // store (shift() then push() would trim and regrow it on every chunk).
  #pendingTimers: (TimerHandle | undefined)[] = [];
  #pendingCopies: (Uint8Array | undefined)[] = [];
  #head = 0;
  #end = 0;
  #receivers: ((bytes: Uint8Array) => void)[] = [];
  #copies: ByteSlab;

  constructor(clock: ClockPort, byteTimeMs: number, latencyMs: number, copySlabBytes: number) {
    this.#clock = clock;
    this.#copies = new ByteSlab(copySlabBytes);
    this.#byteTimeMs = byteTimeMs;
    this.#latencyMs = latencyMs;
  }

  /** `owned`: the sender never touches `bytes` again, so they travel as they are. */
  send(bytes: Uint8Array, owned: boolean): void {
    const copy = owned ? bytes : this.#copies.copy(bytes);
    const now = this.#clock.now();
    // Bytes queue behind what is still on the wire, so chunks never overtake each other.
    const start = Math.max(now, this.#lineFreeAt);
    this.#lineFreeAt = start + copy.length * this.#byteTimeMs;
    const delay = Math.max(1, Math.ceil(this.#lineFreeAt + this.#latencyMs - now));
    this.#pendingTimers[this.#end] = this.#clock.setTimer(delay, this.#deliverOldest);
    this.#pendingCopies[this.#end++] = copy;
  }

  /** One function for every chunk (no closure per chunk): the oldest in flight is the one due. */
  readonly #deliverOldest = (): void => {
    const copy = this.#pendingCopies[this.#head] as Uint8Array;
    this.#pendingTimers[this.#head] = undefined;
    this.#pendingCopies[this.#head++] = undefined;
    if (this.#head === this.#end) this.#head = this.#end = 0;
    // The first receiver gets the copy made at send; any other gets its own.
    const receivers = this.#receivers;
    for (let i = 0; i < receivers.length; i++) receivers[i](i === 0 ? copy : this.#copies.copy(copy));
  };

  listen(callback: (bytes: Uint8Array) => void): void {
    this.#receivers.push(callback);
  }

  /** Drops every chunk not yet delivered; returns how many bytes were dropped. */
  drop(): number {
    this.#lineFreeAt = 0;
    // The gateway flushes before every poll, almost always with nothing in flight.
    if (this.#head === this.#end) return 0;
    let bytes = 0;
    for (let i = this.#head; i < this.#end; i++) {
      this.#clock.clear(this.#pendingTimers[i]);
      bytes += (this.#pendingCopies[i] as Uint8Array).length;
      this.#pendingTimers[i] = undefined;
      this.#pendingCopies[i] = undefined;
    }
    this.#head = this.#end = 0;
    return bytes;
  }
}

function copierFrom(slab: ByteSlab): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => slab.copy(bytes);
}

export function createSerialLink(options: SerialLinkOptions): SerialLink {
  const baud = options.baud ?? 115200;
  if (!(baud > 0)) throw new RangeError(`serial link baud must be positive, got ${baud}`);
  const byteTimeMs = (10 * 1000) / baud;
  const latencyMs = Math.max(0, options.latencyMs ?? 0.5);
  const slabBytes = options.copySlabBytes ?? 0;
  const toDevice = new Direction(options.clock, byteTimeMs, latencyMs, slabBytes);
  const toGateway = new Direction(options.clock, byteTimeMs, latencyMs, slabBytes);
  const counters: SerialLinkCounters = { gatewayToDeviceBytes: 0, deviceToGatewayBytes: 0, droppedBytes: 0 };
  let connected = true;

  const end = (outgoing: Direction, incoming: Direction, count: 'gatewayToDeviceBytes' | 'deviceToGatewayBytes'): SerialLinkEnd => {
    const send = (bytes: Uint8Array, owned: boolean): void => {
      if (!connected) {
        counters.droppedBytes += bytes.length;
        return;
      }
      // Named stores: counters[count] with two keys through one site is a megamorphic keyed store (two a poll).
      if (count === 'gatewayToDeviceBytes') counters.gatewayToDeviceBytes += bytes.length;
      else counters.deviceToGatewayBytes += bytes.length;
      outgoing.send(bytes, owned);
    };
    return {
      write(bytes: Uint8Array): void {
        send(bytes, false);
      },
      writeOwned(bytes: Uint8Array): void {
        send(bytes, true);
      },
      onReceive(callback: (bytes: Uint8Array) => void): void {
        incoming.listen(callback);
      },
      flush(): void {
        counters.droppedBytes += incoming.drop();
      },
    };
  };

  const gateway = end(toDevice, toGateway, 'gatewayToDeviceBytes');
  return {
    // With slabs (V8) the gateway's framer carves its frame copies from them too.
    gateway: slabBytes > 0 ? { ...gateway, copyOf: copierFrom(new ByteSlab(slabBytes)) } : gateway,
    device: end(toGateway, toDevice, 'deviceToGatewayBytes'),
    setConnected(value: boolean): void {
      connected = value;
      if (!connected) counters.droppedBytes += toDevice.drop() + toGateway.drop();
    },
    counters,
  };
}
