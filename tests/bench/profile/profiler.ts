/**
 * A self-time profiler on the XS engine's meters: wrapped functions book the computrons, slots
 * and chunk bytes spent in their own body (callees that are wrapped too book theirs) to a label.
 * Tallies are kept per step and merged into the totals of the step's kind, so a poll-only step
 * can be broken down by who spent what. The profiler's own work is booked to 'profiler'.
 */
export interface ProfileRow {
  label: string;
  calls: number;
  computrons: number;
  slots: number;
  chunks: number;
}

interface Tally {
  calls: number;
  computrons: number;
  slots: number;
  chunks: number;
}

export interface ProfilerMeters {
  takeComputrons(): number;
  memory(out: number[]): void;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

export class Profiler {
  readonly #meters: ProfilerMeters;
  readonly #memory = [0, 0, 0, 0];
  #lastSlots = 0;
  #lastChunks = 0;
  readonly #stack: string[] = ['(unlabelled)'];
  #step = new Map<string, Tally>();
  readonly #totals = new Map<string, Map<string, Tally>>();
  readonly #steps = new Map<string, number>();
  readonly #maxTotals = new Map<string, number>();

  constructor(meters: ProfilerMeters) {
    this.#meters = meters;
    this.#sync();
  }

  /** Books what ran since the last call to the label on top, then `enter`s or leaves. */
  #book(): void {
    const computrons = this.#meters.takeComputrons();
    this.#meters.memory(this.#memory);
    const slots = this.#memory[0] - this.#lastSlots;
    const chunks = this.#memory[1] - this.#lastChunks;
    const tally = this.#tally(this.#stack[this.#stack.length - 1]);
    tally.computrons += computrons;
    // A garbage collection makes the slot delta negative: that span's allocation is unknown.
    if (slots >= 0) {
      tally.slots += slots;
      tally.chunks += chunks;
    }
    this.#sync();
  }

  #sync(): void {
    this.#meters.takeComputrons();
    this.#meters.memory(this.#memory);
    this.#lastSlots = this.#memory[0];
    this.#lastChunks = this.#memory[1];
  }

  #tally(label: string): Tally {
    let tally = this.#step.get(label);
    if (!tally) {
      tally = { calls: 0, computrons: 0, slots: 0, chunks: 0 };
      this.#step.set(label, tally);
    }
    return tally;
  }

  /** Runs `body` with its own cost booked to `label`. */
  run<T>(label: string, body: () => T): T {
    this.#book();
    this.#tally(label).calls++;
    this.#stack.push(label);
    this.#sync();
    try {
      return body();
    } finally {
      this.#book();
      this.#stack.pop();
      this.#sync();
    }
  }

  wrap<F extends AnyFunction>(label: string, fn: F): F {
    const profiler = this;
    return function profiled(this: unknown, ...args: unknown[]) {
      return profiler.run(label, () => fn.apply(this, args));
    } as F;
  }

  wrapMethod(target: object, key: string, label: string): void {
    const record = target as Record<string, AnyFunction>;
    record[key] = this.wrap(label, record[key]);
  }

  /** The stack of whoever called the function that calls this, as a label (skip = frames to drop). */
  callerLabel(skip: number, depth = 3): string {
    this.#book();
    const lines = String(new Error('where').stack).split('\n').slice(1 + skip, 1 + skip + depth);
    const label = lines.map((line) => line.trim().replace(/^at /, '').replace(/ \(.*\)$/, '').replace(/ \(\)$/, '')).join(' < ');
    this.#tally('profiler');
    const tally = this.#step.get('profiler') as Tally;
    tally.computrons += this.#meters.takeComputrons();
    this.#sync();
    return label;
  }

  /** Ends a step: its tallies join the totals of `kind` (or are dropped when kind is undefined). */
  endStep(kind: string | undefined): void {
    this.#book();
    if (kind !== undefined) {
      // The most expensive step of each kind is kept whole, as kind "<kind>:max".
      let total = 0;
      for (const [label, tally] of this.#step) if (label !== 'profiler') total += tally.computrons;
      if (total > (this.#maxTotals.get(kind) ?? -1)) {
        this.#maxTotals.set(kind, total);
        this.#totals.set(`${kind}:max`, this.#step);
        this.#steps.set(`${kind}:max`, 1);
      }
      this.#steps.set(kind, (this.#steps.get(kind) ?? 0) + 1);
      let totals = this.#totals.get(kind);
      if (!totals) this.#totals.set(kind, (totals = new Map()));
      for (const [label, tally] of this.#step) {
        const total = totals.get(label) ?? { calls: 0, computrons: 0, slots: 0, chunks: 0 };
        total.calls += tally.calls;
        total.computrons += tally.computrons;
        total.slots += tally.slots;
        total.chunks += tally.chunks;
        totals.set(label, total);
      }
    }
    this.#step = new Map();
    this.#sync();
  }

  /** Per-step means for `kind`, most expensive first. */
  report(kind: string): { steps: number; rows: ProfileRow[] } {
    const steps = this.#steps.get(kind) ?? 0;
    const rows: ProfileRow[] = [];
    for (const [label, t] of this.#totals.get(kind) ?? new Map<string, Tally>()) {
      const n = Math.max(1, steps);
      rows.push({ label, calls: t.calls / n, computrons: Math.round(t.computrons / n), slots: Math.round(t.slots / n), chunks: Math.round(t.chunks / n) });
    }
    rows.sort((a, b) => b.computrons - a.computrons);
    return { steps, rows };
  }
}
