/**
 * Attributes the XS engine's meters (computrons, slots, chunk bytes) to who ran: the gateway
 * core, the virtual clock, the simulated BMS, the mock host ports, or the bench harness itself.
 * The harness switches category at every boundary (port call, callback, timer); each switch
 * reads the engine's counters and books the difference to the category that was running.
 * Portable: on Node the engine meters read zero and only the structure runs.
 *
 * The meter's own code is the harness's: wrapping a port call's arguments and results runs as
 * 'harness', and the fixed cost of each metered call that no switch can separate (entering and
 * leaving the wrapper, ≈ 80 computrons on the caller's side, ≈ 30 on the callee's) is measured
 * once by `calibrate()` with an empty port and moved from both categories to the harness at every
 * call. Without this, each timer callback charged ≈ 250 computrons of meter code to the gateway.
 */
export const CATEGORIES = ['gateway', 'clock', 'bms', 'host', 'harness'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface EngineMeters {
  /** Computrons since the last call (and restart counting from zero). */
  takeComputrons(): number;
  /** [slots in use, chunk bytes in use] into `out`, allocating nothing. */
  memory(out: number[]): void;
  collectGarbage(): void;
}

export type Tally = Record<Category, number>;

export function emptyTally(): Tally {
  return { gateway: 0, clock: 0, bms: 0, host: 0, harness: 0 };
}

export class CategoryMeter {
  current: Category = 'harness';
  readonly computrons = emptyTally();
  readonly slots = emptyTally();
  readonly chunks = emptyTally();
  /** True once a garbage collection ran inside a metered span (its allocation figures are void). */
  collectedInside = false;
  readonly #engine: EngineMeters;
  readonly #memory = [0, 0, 0, 0];
  #lastSlots = 0;
  #lastChunks = 0;
  #callerCost = 0;
  #insideCost = 0;

  constructor(engine: EngineMeters) {
    this.#engine = engine;
    this.resync();
  }

  /** Book what ran since the last switch to the current category; return the previous one. */
  switchTo(next: Category): Category {
    const used = this.#engine.takeComputrons();
    this.#engine.memory(this.#memory);
    const previous = this.current;
    this.computrons[previous] += used;
    const slots = this.#memory[0] - this.#lastSlots;
    const chunks = this.#memory[1] - this.#lastChunks;
    // The slot count only falls when the collector ran: that span's allocation is unknown.
    // (Chunk bytes may fall without it: a shrinking array or string gives bytes back.)
    if (slots < 0) this.collectedInside = true;
    else {
      this.slots[previous] += slots;
      this.chunks[previous] += chunks;
    }
    this.#lastSlots = this.#memory[0];
    this.#lastChunks = this.#memory[1];
    this.current = next;
    // The bookkeeping above is the harness's, not the next category's.
    this.computrons.harness += this.#engine.takeComputrons();
    return previous;
  }

  /** Moves a metered call's fixed wrapper cost (calibrate()) from the two categories to the harness. */
  bookCall(caller: Category, inside: Category): void {
    this.computrons[caller] -= this.#callerCost;
    this.computrons[inside] -= this.#insideCost;
    this.computrons.harness += this.#callerCost + this.#insideCost;
  }

  /**
   * Measures the fixed cost of a metered call on each side: an empty port called from 'gateway'
   * against the same empty function called directly (the call itself stays the caller's, as on the
   * device). Then every tally starts from zero. No-op without engine meters.
   */
  calibrate(rounds = 256): { callerCost: number; insideCost: number } {
    this.#callerCost = this.#insideCost = 0;
    const empty = (): undefined => undefined;
    const probe = meteredFunction(this, empty, 'host', 'caller', true);
    const charged = (fn: () => unknown): [number, number] => {
      const gateway = this.computrons.gateway;
      const host = this.computrons.host;
      this.switchTo('gateway');
      for (let i = 0; i < rounds; i++) fn();
      this.switchTo('harness');
      return [this.computrons.gateway - gateway, this.computrons.host - host];
    };
    const [direct] = charged(empty);
    const [caller, inside] = charged(probe);
    this.#callerCost = Math.max(0, Math.floor((caller - direct) / rounds));
    this.#insideCost = Math.max(0, Math.floor(inside / rounds));
    for (const tally of [this.computrons, this.slots, this.chunks]) for (const category of CATEGORIES) tally[category] = 0;
    this.current = 'harness';
    this.resync();
    return { callerCost: this.#callerCost, insideCost: this.#insideCost };
  }

  /** Collect garbage outside every category and return the live [slots, chunk bytes]. */
  collect(): [number, number] {
    this.switchTo(this.current);
    this.#engine.collectGarbage();
    this.resync();
    return [this.#lastSlots, this.#lastChunks];
  }

  /** Forget what happened since the last switch (after harness-only work such as gc). */
  resync(): void {
    this.#engine.takeComputrons();
    this.#engine.memory(this.#memory);
    this.#lastSlots = this.#memory[0];
    this.#lastChunks = this.#memory[1];
    this.collectedInside = false;
  }

  snapshot(): { computrons: Tally; slots: Tally; chunks: Tally } {
    return { computrons: { ...this.computrons }, slots: { ...this.slots }, chunks: { ...this.chunks } };
  }
}

/** Node (no engine meters): switching keeps the current category and reads or books nothing. */
export class UnmeteredCategoryMeter extends CategoryMeter {
  override switchTo(next: Category): Category {
    const previous = this.current;
    this.current = next;
    return previous;
  }
}

type AnyFunction = (...args: unknown[]) => unknown;

/** `fn` run as `inside`; function arguments it receives are run as `callbacks` when called back. */
export function meteredFunction(meter: CategoryMeter, fn: AnyFunction, inside: Category, callbacks: Category | 'caller', wrapResults = false): AnyFunction {
  // Fixed arity (every port method takes at most four arguments): rest parameters would allocate.
  return function metered(a?: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
    const previous = meter.switchTo('harness');
    const back = callbacks === 'caller' ? previous : callbacks;
    const wa = wrapArgument(meter, a, back);
    const wb = wrapArgument(meter, b, back);
    const wc = wrapArgument(meter, c, back);
    const wd = wrapArgument(meter, d, back);
    let result: unknown;
    let thrown: { error: unknown } | undefined;
    meter.switchTo(inside);
    try {
      result = fn(wa, wb, wc, wd);
    } catch (error) {
      thrown = { error };
    }
    meter.switchTo('harness');
    meter.bookCall(previous, inside);
    if (!thrown && wrapResults) result = wrapResult(meter, result, inside);
    meter.switchTo(previous);
    if (thrown) throw thrown.error;
    return result;
  };
}

function wrapArgument(meter: CategoryMeter, value: unknown, category: Category): unknown {
  if (typeof value === 'function') return meteredFunction(meter, value as AnyFunction, category, 'host');
  // Handler objects ({ onConnect, onMessage }, { request, websocket }): their methods are callbacks.
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length && entries.every(([, v]) => typeof v === 'function')) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of entries) out[key] = meteredFunction(meter, v as AnyFunction, category, 'host');
      return out;
    }
  }
  return value;
}

/**
 * A host port whose every method runs as `inside` (default 'host'); callbacks and handler objects
 * handed to it run as the caller's category; objects it returns (connections) are metered too.
 */
export function meteredPort<T extends object>(meter: CategoryMeter, port: T, inside: Category = 'host'): T {
  const out: Record<string, unknown> = {};
  for (let proto: object | null = port; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || key in out) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (!descriptor) continue;
      if (typeof descriptor.value === 'function') {
        out[key] = meteredFunction(meter, (descriptor.value as AnyFunction).bind(port), inside, 'caller', true);
      } else if (descriptor.get) Object.defineProperty(out, key, { get: () => (port as Record<string, unknown>)[key], enumerable: true });
      else out[key] = descriptor.value;
    }
  }
  return out as T;
}

function wrapResult(meter: CategoryMeter, value: unknown, inside: Category): unknown {
  if (!value || typeof value !== 'object' || value instanceof Promise || ArrayBuffer.isView(value) || Array.isArray(value)) return value;
  if (Object.getPrototypeOf(value) === Object.prototype) return value;
  return meteredPort(meter, value, inside);
}
