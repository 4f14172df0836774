/**
 * The CAN driver: a TX queue of 10 in front of the host CAN port, frames spaced a few ms apart,
 * success/failure counters and events, bus-off detection with backed-off recovery, and the GX's
 * 0x305 keep-alive / 0x307 identification on receive (inverter presence).
 *
 * Frames queued for the same id replace each other ("latest wins") and a frame that waited longer
 * than `maxFrameAgeMs` is dropped: an old CVL must never reach the bus after a stall.
 */
import type { CanFrame, CanPort } from '../../hosts/ports/can';
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { Logger } from '../util/logger';
import { createCanFrame } from './frame';
import { CAN_ID, formatCanId } from './ids';
import { decodeIdentify } from './inverter_frames';

export type CanDriverState = 'stopped' | 'running' | 'error_passive' | 'bus_off' | 'recovering';
export type CanTransmitResult = 'queued' | 'queue_full' | 'bus_off' | 'stopped';
type FailureReason = Exclude<CanTransmitResult, 'queued'>;

/** What the publisher needs from the driver. */
export interface CanTransmitter {
  transmit(frame: CanFrame): CanTransmitResult;
}

export interface CanDriverOptions {
  txQueueCapacity?: number;
  /** Gap between frames handed to the port ("space frames a few ms apart", victron-can.md §4). */
  txSpacingMs?: number;
  maxFrameAgeMs?: number;
  /** How often the port's state is checked for bus-off and the end of a recovery. */
  monitorIntervalMs?: number;
  /** First bus-off recovery delay; doubles on each bus-off within `busOffMemoryMs`, up to the max. */
  recoveryDelayMs?: number;
  maxRecoveryDelayMs?: number;
  busOffMemoryMs?: number;
  /** The GX sends 0x305 every second; it counts as present while one arrived within this time. */
  inverterTimeoutMs?: number;
}

const DEFAULTS: Required<CanDriverOptions> = Object.freeze({
  txQueueCapacity: 10,
  txSpacingMs: 2,
  maxFrameAgeMs: 1000,
  monitorIntervalMs: 100,
  recoveryDelayMs: 100,
  maxRecoveryDelayMs: 5000,
  busOffMemoryMs: 60000,
  inverterTimeoutMs: 10000,
});

export interface CanDriverStatus {
  state: CanDriverState;
  tx_ok: number;
  tx_failed: number;
  tx_dropped_queue_full: number;
  tx_dropped_bus_off: number;
  tx_dropped_stopped: number;
  tx_expired: number;
  tx_replaced: number;
  tx_queue_depth: number;
  /** The port refused a frame because its own hardware queue was full; the frame was retried. */
  port_queue_full: number;
  bus_off_count: number;
  recoveries: number;
  rx_frames: number;
  inverter_keepalives: number;
  inverter_present: boolean;
  inverter_last_seen_ms_ago: number | null;
  inverter_signature: string | null;
  tx_error_counter: number;
  rx_error_counter: number;
  bus_errors: number;
}

interface Pending {
  frame: CanFrame;
  queuedAt: number;
}

export class CanVictronDriver implements GatewayModule, CanTransmitter {
  readonly name = 'can_victron';
  #ctx: GatewayContext;
  #port: CanPort;
  #clock: ClockPort;
  #log: Logger;
  #options: Required<CanDriverOptions>;
  #queue: Pending[] = [];
  #started = false;
  /** Mirrors the port while started; 'stopped' also when the port itself is stopped. */
  #state: CanDriverState = 'stopped';
  #receiverInstalled = false;
  #pumpTimer: TimerHandle | undefined;
  #monitorTimer: TimerHandle | undefined;
  #recoveryTimer: TimerHandle | undefined;
  #recoveryDelay: number;
  #lastBusOffAt = -Infinity;
  #lastKeepAliveAt: number | undefined;
  #inverterSignature: string | null = null;
  #counts = {
    tx_ok: 0,
    tx_dropped_queue_full: 0,
    tx_dropped_bus_off: 0,
    tx_dropped_stopped: 0,
    tx_expired: 0,
    tx_replaced: 0,
    port_queue_full: 0,
    bus_off_count: 0,
    recoveries: 0,
    rx_frames: 0,
    inverter_keepalives: 0,
  };

  constructor(ctx: GatewayContext, options: CanDriverOptions = {}) {
    this.#ctx = ctx;
    this.#port = ctx.host.can;
    this.#clock = ctx.host.clock;
    this.#log = ctx.logger('can_victron');
    this.#options = { ...DEFAULTS, ...options };
    this.#recoveryDelay = this.#options.recoveryDelayMs;
  }

  start(): void {
    if (this.#started) return;
    if (!this.#receiverInstalled) {
      // The port has no way to remove a receiver, so it is installed once and gated by state.
      this.#port.onReceive((frame) => this.#onReceive(frame));
      this.#receiverInstalled = true;
    }
    this.#started = true;
    this.#state = 'running';
    this.#checkPort();
    this.#monitorTimer = this.#clock.setInterval(this.#options.monitorIntervalMs, () => this.#checkPort());
  }

  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#state = 'stopped';
    for (const timer of [this.#pumpTimer, this.#monitorTimer, this.#recoveryTimer]) this.#clock.clear(timer);
    this.#pumpTimer = this.#monitorTimer = this.#recoveryTimer = undefined;
    this.#dropQueue('stopped');
  }

  /** Queue a frame; never blocks. Throws CanFrameError for an invalid id or length (a programming error). */
  transmit(frame: CanFrame): CanTransmitResult {
    const copy = createCanFrame(frame.id, frame.data);
    if (this.#state === 'stopped') return this.#fail(copy.id, 'stopped');
    if (this.#state === 'bus_off' || this.#state === 'recovering') return this.#fail(copy.id, 'bus_off');
    const now = this.#clock.now();
    const queue = this.#queue;
    for (let i = 0; i < queue.length; i++) {
      if (queue[i].frame.id !== copy.id) continue;
      queue[i] = { frame: copy, queuedAt: now };
      this.#counts.tx_replaced++;
      return 'queued';
    }
    if (queue.length >= this.#options.txQueueCapacity) return this.#fail(copy.id, 'queue_full');
    queue.push({ frame: copy, queuedAt: now });
    this.#startPump();
    return 'queued';
  }

  get state(): CanDriverState {
    return this.#state;
  }

  /** True while a 0x305 keep-alive arrived within the inverter timeout. */
  inverterPresent(): boolean {
    return this.#lastKeepAliveAt !== undefined && this.#clock.now() - this.#lastKeepAliveAt <= this.#options.inverterTimeoutMs;
  }

  status(): CanDriverStatus {
    const port = this.#port.status();
    const c = this.#counts;
    return {
      state: this.#state,
      ...c,
      tx_failed: c.tx_dropped_queue_full + c.tx_dropped_bus_off + c.tx_dropped_stopped + c.tx_expired,
      tx_queue_depth: this.#queue.length,
      inverter_present: this.inverterPresent(),
      inverter_last_seen_ms_ago: this.#lastKeepAliveAt === undefined ? null : this.#clock.now() - this.#lastKeepAliveAt,
      inverter_signature: this.#inverterSignature,
      tx_error_counter: port.txErrorCounter,
      rx_error_counter: port.rxErrorCounter,
      bus_errors: port.busErrorCount,
    };
  }

  metrics(): ModuleMetrics {
    const { inverter_last_seen_ms_ago, inverter_signature, ...rest } = this.status();
    return { ...rest, inverter_last_seen_ms_ago: inverter_last_seen_ms_ago ?? -1, inverter_signature: inverter_signature ?? '' };
  }

  #fail(id: number, reason: FailureReason): FailureReason {
    if (reason === 'queue_full') this.#counts.tx_dropped_queue_full++;
    else if (reason === 'bus_off') this.#counts.tx_dropped_bus_off++;
    else this.#counts.tx_dropped_stopped++;
    this.#ctx.bus.publish('can.tx_failed', { id, reason });
    return reason;
  }

  #dropQueue(reason: FailureReason): void {
    const dropped = this.#queue;
    this.#queue = [];
    for (const pending of dropped) this.#fail(pending.frame.id, reason);
  }

  /**
   * A group queued at once (the publisher's 1 s burst) is paced by ONE interval timer, one frame
   * per tick txSpacingMs apart, which stops when the queue is empty: no timer per frame.
   */
  #startPump(): void {
    if (this.#pumpTimer || this.#queue.length === 0) return;
    this.#pumpTimer = this.#clock.setInterval(this.#options.txSpacingMs, () => this.#pumpOne());
  }

  #stopPump(): void {
    this.#clock.clear(this.#pumpTimer);
    this.#pumpTimer = undefined;
  }

  /** Hands the oldest frame to the port; one frame per tick so frames go out spaced. */
  #pumpOne(): void {
    if (this.#state !== 'running' && this.#state !== 'error_passive') {
      // #checkPort starts the pump again once the port runs.
      this.#stopPump();
      return;
    }
    const now = this.#clock.now();
    while (this.#queue.length > 0 && now - this.#queue[0].queuedAt > this.#options.maxFrameAgeMs) {
      const expired = this.#queue.shift() as Pending;
      this.#counts.tx_expired++;
      this.#ctx.bus.publish('can.tx_failed', { id: expired.frame.id, reason: 'queue_full' });
    }
    const head = this.#queue[0];
    if (!head) {
      this.#stopPump();
      return;
    }
    const result = this.#port.send(head.frame);
    if (result === 'accepted') {
      this.#queue.shift();
      this.#counts.tx_ok++;
      // Events only while someone listens (tx_ok is counted either way).
      const bus = this.#ctx.bus;
      if (bus.subscriberCount('can.tx_ok') > 0) bus.publish('can.tx_ok', { id: head.frame.id });
      if (bus.subscriberCount('can.frame') > 0) bus.publish('can.frame', { direction: 'tx', frame: head.frame, timestamp_ms: now });
      if (this.#queue.length === 0) this.#stopPump();
    } else if (result === 'queue_full') {
      // The port's own queue is full: the next tick tries again.
      this.#counts.port_queue_full++;
    } else {
      this.#enterBusOff();
    }
  }

  #checkPort(): void {
    if (!this.#started) return;
    const portState = this.#port.status().state;
    if (portState === 'bus_off') {
      if (this.#state !== 'bus_off') {
        if (this.#state === 'recovering') this.#log.warn('CAN bus still off after recovery; retrying');
        this.#enterBusOff();
      }
      return;
    }
    if (this.#state === 'bus_off') return; // waiting for the recovery timer
    if (portState === 'recovering') {
      this.#state = 'recovering';
      return;
    }
    if (this.#state === 'recovering' && (portState === 'running' || portState === 'error_passive')) {
      this.#counts.recoveries++;
      this.#log.info(`CAN bus recovered (${this.#counts.recoveries} recoveries so far)`);
    }
    this.#state = portState;
    this.#startPump();
  }

  #enterBusOff(): void {
    if (this.#state === 'bus_off' || !this.#started) return;
    const now = this.#clock.now();
    // A quiet minute since the last bus-off starts the backoff again from the shortest delay.
    if (now - this.#lastBusOffAt > this.#options.busOffMemoryMs) this.#recoveryDelay = this.#options.recoveryDelayMs;
    this.#lastBusOffAt = now;
    if (this.#state !== 'recovering') this.#counts.bus_off_count++;
    this.#state = 'bus_off';
    this.#stopPump();
    this.#dropQueue('bus_off');
    const delay = this.#recoveryDelay;
    this.#recoveryDelay = Math.min(this.#options.maxRecoveryDelayMs, this.#recoveryDelay * 2);
    this.#log.warn(`CAN bus-off; recovery in ${delay} ms`);
    this.#recoveryTimer = this.#clock.setTimer(delay, () => {
      this.#recoveryTimer = undefined;
      if (this.#state !== 'bus_off') return;
      this.#state = 'recovering';
      this.#port.recover();
    });
  }

  #onReceive(frame: CanFrame): void {
    if (!this.#started) return;
    const now = this.#clock.now();
    this.#counts.rx_frames++;
    if (frame.id === CAN_ID.INVERTER_KEEPALIVE) {
      if (this.#lastKeepAliveAt === undefined || now - this.#lastKeepAliveAt > this.#options.inverterTimeoutMs) {
        this.#log.info(`inverter keep-alive ${formatCanId(frame.id)} seen`);
      }
      this.#lastKeepAliveAt = now;
      this.#counts.inverter_keepalives++;
    } else if (frame.id === CAN_ID.INVERTER_IDENTIFY) {
      const identify = decodeIdentify(frame.data);
      if (identify.magic_ok) this.#inverterSignature = identify.signature;
    }
    // The frame monitor is the only reader: no copy, no event while nobody watches.
    if (this.#ctx.bus.subscriberCount('can.frame') > 0) this.#ctx.bus.publish('can.frame', { direction: 'rx', frame: { id: frame.id, data: frame.data.slice() }, timestamp_ms: now });
  }
}
