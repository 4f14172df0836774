/**
 * A virtual CAN controller and bus for tests and the simulators: a TWAI-like TX queue of 10
 * frames drained one frame per `frameIntervalMs` on the clock, a recorder of what went out,
 * injected receive frames (the GX's 0x305 keep-alive), and error counters that reach
 * error-passive at 128 and bus-off at 256 (ISO 11898), with recovery timed on the clock.
 */
import type { CanBusState, CanFrame, CanPort, CanPortStatus, CanSendResult } from '../ports/can';
import type { ClockPort, TimerHandle } from '../ports/clock';

export interface SentFrame {
  id: number;
  data: Uint8Array;
  timestamp_ms: number;
}

export interface VirtualCanBusOptions {
  clock: ClockPort;
  txQueueDepth?: number;
  /** Time one frame takes on the wire (a full 8-byte frame is ~0.25 ms at 500 kbit/s). */
  frameIntervalMs?: number;
  /** Bus-off recovery: 128 × 11 recessive bits ≈ 2.8 ms at 500 kbit/s. */
  recoveryMs?: number;
  /** Recorded frames kept in a ring (oldest overwritten) so long simulations stay bounded (default 1000). */
  recordLimit?: number;
}

/** The GX's keep-alive identifier (victron-can.md §2, "Frames the GX sends"). */
export const INVERTER_KEEPALIVE_ID = 0x305;

export class VirtualCanBus implements CanPort {
  #clock: ClockPort;
  #depth: number;
  #frameMs: number;
  #recoveryMs: number;
  // Frames waiting: a ring of `txQueueDepth` slots made at once, oldest at #queueHead (shift() and
  // push() trimmed and regrew an array for every frame; a ring never grows).
  #queue: (CanFrame | undefined)[];
  #queueHead = 0;
  #queueCount = 0;
  /** Ring of the last recorded frames: no Array.shift() per frame, no growth. */
  #ring: (SentFrame | undefined)[];
  #ringStart = 0;
  #ringCount = 0;
  #receivers: ((frame: CanFrame) => void)[] = [];
  #state: CanBusState = 'running';
  #tec = 0;
  #rec = 0;
  #busErrors = 0;
  #drainTimer: TimerHandle | undefined;
  #wirePaused = false;
  /** Frames sent since creation, including any dropped from the record. */
  transmittedTotal = 0;
  busOffCount = 0;

  constructor(options: VirtualCanBusOptions) {
    this.#clock = options.clock;
    this.#depth = options.txQueueDepth ?? 10;
    if (!Number.isInteger(this.#depth) || this.#depth < 1) throw new RangeError(`txQueueDepth must be a whole number >= 1, got ${this.#depth}`);
    this.#frameMs = options.frameIntervalMs ?? 1;
    this.#recoveryMs = options.recoveryMs ?? 3;
    const limit = options.recordLimit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`recordLimit must be a whole number >= 1, got ${limit}`);
    this.#ring = new Array<SentFrame | undefined>(limit).fill(undefined);
    this.#queue = new Array<CanFrame | undefined>(this.#depth).fill(undefined);
  }

  send(frame: CanFrame): CanSendResult {
    if (this.#state === 'bus_off' || this.#state === 'recovering' || this.#state === 'stopped') return 'bus_off';
    if (this.queueLength >= this.#depth) return 'queue_full';
    this.#queue[(this.#queueHead + this.#queueCount++) % this.#depth] = { id: frame.id, data: frame.data.slice() };
    this.#scheduleDrain();
    return 'accepted';
  }

  onReceive(callback: (frame: CanFrame) => void): void {
    this.#receivers.push(callback);
  }

  status(): CanPortStatus {
    return { state: this.#state, txErrorCounter: this.#tec, rxErrorCounter: this.#rec, busErrorCount: this.#busErrors };
  }

  recover(): void {
    if (this.#state !== 'bus_off') return;
    this.#state = 'recovering';
    this.#clock.setTimer(this.#recoveryMs, () => {
      this.#state = 'running';
      this.#tec = 0;
      this.#rec = 0;
    });
  }

  // ——— test controls ———

  /** Deliver a frame from another node; receivers run from the clock, never inside this call. */
  inject(frame: CanFrame): void {
    const copy = { id: frame.id, data: frame.data.slice() };
    this.#clock.setTimer(0, () => {
      if (this.#state === 'bus_off' || this.#state === 'stopped') return;
      for (const receiver of this.#receivers) receiver(copy);
    });
  }

  injectKeepAlive(data: Uint8Array = new Uint8Array(8)): void {
    this.inject({ id: INVERTER_KEEPALIVE_ID, data });
  }

  /** Count `count` transmit errors (+8 each, as a missing ACK does); may go error-passive or bus-off. */
  simulateBusErrors(count: number): void {
    for (let i = 0; i < count && this.#state !== 'bus_off'; i++) {
      this.#busErrors++;
      this.#tec += 8;
      if (this.#tec >= 256) this.#enterBusOff();
      else if (this.#tec >= 128) this.#state = 'error_passive';
    }
  }

  simulateBusOff(): void {
    this.simulateBusErrors(Math.ceil((256 - this.#tec) / 8));
  }

  /** Stop (or resume) taking frames off the queue, like a bus with no other node to ACK. */
  pauseWire(paused: boolean): void {
    this.#wirePaused = paused;
    if (!paused) this.#scheduleDrain();
  }

  /** Frames put on the wire so far, oldest first (bounded by `recordLimit`). */
  get sent(): readonly SentFrame[] {
    const out: SentFrame[] = [];
    for (let i = 0; i < this.#ringCount; i++) out.push(this.#ring[(this.#ringStart + i) % this.#ring.length] as SentFrame);
    return out;
  }

  /** Returns and forgets the recorded frames. */
  takeSent(): SentFrame[] {
    const out = this.sent as SentFrame[];
    this.#ring.fill(undefined);
    this.#ringStart = 0;
    this.#ringCount = 0;
    return out;
  }

  #record(frame: SentFrame): void {
    const capacity = this.#ring.length;
    if (this.#ringCount < capacity) {
      this.#ring[(this.#ringStart + this.#ringCount) % capacity] = frame;
      this.#ringCount++;
    } else {
      this.#ring[this.#ringStart] = frame;
      this.#ringStart = (this.#ringStart + 1) % capacity;
    }
  }

  get queueLength(): number {
    return this.#queueCount;
  }

  #enterBusOff(): void {
    this.#state = 'bus_off';
    this.busOffCount++;
    // TWAI drops pending transmissions on bus-off.
    this.#queue.fill(undefined);
    this.#queueHead = this.#queueCount = 0;
    this.#clock.clear(this.#drainTimer);
    this.#drainTimer = undefined;
  }

  #scheduleDrain(): void {
    if (this.#drainTimer || this.#wirePaused || this.queueLength === 0) return;
    this.#drainTimer = this.#clock.setTimer(this.#frameMs, this.#drainOne);
  }

  /** One function for every frame's time on the wire (no closure per frame). */
  readonly #drainOne = (): void => {
    this.#drainTimer = undefined;
    if (this.#wirePaused || (this.#state !== 'running' && this.#state !== 'error_passive')) return;
    const frame = this.#takeQueued();
    if (frame) {
      this.transmittedTotal++;
      this.#record({ id: frame.id, data: frame.data, timestamp_ms: this.#clock.now() });
      // A successful transmission lowers the error counter by one (ISO 11898).
      if (this.#tec > 0) this.#tec--;
      if (this.#state === 'error_passive' && this.#tec < 128) this.#state = 'running';
    }
    this.#scheduleDrain();
  };

  #takeQueued(): CanFrame | undefined {
    if (this.#queueCount === 0) return undefined;
    const frame = this.#queue[this.#queueHead];
    this.#queue[this.#queueHead] = undefined;
    this.#queueHead = (this.#queueHead + 1) % this.#depth;
    this.#queueCount--;
    return frame;
  }
}
