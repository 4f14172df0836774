/**
 * Attributes the XS engine's meters (computrons, slots, chunk bytes) to who ran: the gateway
 * core, the virtual clock, the simulated BMS, the mock host ports, or the bench harness itself.
 * The harness switches category at every boundary (port call, callback, timer); each switch
 * reads the engine's counters and books the difference to the category that was running.
 * Portable: on Node the engine meters read zero and only the structure runs.
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
    return previous;
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

type AnyFunction = (...args: unknown[]) => unknown;

/** `fn` run as `inside`; function arguments it receives are run as `callbacks` when called back. */
export function meteredFunction(meter: CategoryMeter, fn: AnyFunction, inside: Category, callbacks: Category | 'caller', wrapResults = false): AnyFunction {
  // Fixed arity (every port method takes at most four arguments): rest parameters would allocate.
  return function metered(a?: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
    const back = callbacks === 'caller' ? meter.current : callbacks;
    const previous = meter.switchTo(inside);
    try {
      const result = fn(wrapArgument(meter, a, back), wrapArgument(meter, b, back), wrapArgument(meter, c, back), wrapArgument(meter, d, back));
      return wrapResults ? wrapResult(meter, result, inside) : result;
    } finally {
      meter.switchTo(previous);
    }
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
