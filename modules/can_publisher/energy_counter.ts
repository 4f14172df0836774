/**
 * Charged and discharged energy integrated from V·I over host time (tinybms-uart.md §7.4, improved):
 * trapezoids between consecutive samples, split at the zero crossing when the current reverses.
 * Unlike the C firmware, a gap longer than `maxGapMs` is not integrated: nobody knows what flowed.
 */
export interface EnergyTotals {
  charged_wh: number;
  discharged_wh: number;
}

export type EnergySampleOutcome = 'integrated' | 'started' | 'gap' | 'invalid' | 'out_of_order';

const MS_PER_HOUR = 3600 * 1000;
/** Below this the pack voltage is a reading error, not a battery (C firmware: 0.1 V). */
const MIN_VOLTAGE_V = 0.1;

export class EnergyCounter {
  #charged: number;
  #discharged: number;
  #last: { timeMs: number; powerW: number } | undefined;
  #maxGapMs: number;
  gaps = 0;

  constructor(initial: EnergyTotals, maxGapMs: number) {
    this.#charged = initial.charged_wh;
    this.#discharged = initial.discharged_wh;
    this.#maxGapMs = maxGapMs;
  }

  addSample(voltageV: number, currentA: number, timeMs: number): EnergySampleOutcome {
    if (!Number.isFinite(voltageV) || !Number.isFinite(currentA) || !Number.isFinite(timeMs) || voltageV <= MIN_VOLTAGE_V) {
      this.#last = undefined;
      return 'invalid';
    }
    const powerW = voltageV * currentA;
    const last = this.#last;
    if (last && timeMs <= last.timeMs) return 'out_of_order';
    this.#last = { timeMs, powerW };
    if (!last) return 'started';
    const dtMs = timeMs - last.timeMs;
    if (dtMs > this.#maxGapMs) {
      this.gaps++;
      return 'gap';
    }
    this.#integrate(last.powerW, powerW, dtMs / MS_PER_HOUR);
    return 'integrated';
  }

  /** Forget the last sample (the next one starts a new integration). */
  interrupt(): void {
    this.#last = undefined;
  }

  totals(): EnergyTotals {
    return { charged_wh: this.#charged, discharged_wh: this.#discharged };
  }

  #integrate(p0: number, p1: number, hours: number): void {
    if (p0 >= 0 && p1 >= 0) this.#charged += ((p0 + p1) / 2) * hours;
    else if (p0 <= 0 && p1 <= 0) this.#discharged -= ((p0 + p1) / 2) * hours;
    else {
      // Linear power crosses zero at t = p0 / (p0 − p1) of the interval.
      const share = p0 / (p0 - p1);
      const first = (p0 / 2) * hours * share;
      const second = (p1 / 2) * hours * (1 - share);
      if (p0 > 0) {
        this.#charged += first;
        this.#discharged -= second;
      } else {
        this.#discharged -= first;
        this.#charged += second;
      }
    }
  }
}
