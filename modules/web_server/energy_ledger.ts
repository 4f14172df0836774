/**
 * Energy per day and per month, and the equivalent full cycles the pack has done, from the CAN
 * publisher's running energy counters (which restart at zero with the gateway). Once a minute
 * the counters' growth is added to the current UTC day and month; a counter that went backwards
 * (restart) only sets a new baseline. The ledger is saved to the store every few minutes and at
 * each day change, so a restart loses at most that much. Kept: 31 days, 24 months.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { KeyValueStore } from '../../hosts/ports/store';
import { dayOf, EARLIEST_PLAUSIBLE_WALL_MS } from '../history_logger/days';
import type { Logger } from '../util/logger';
import type { EnergyService } from './services';
import { errorMessage } from '../util/error_message';

/** Its own key: 'energy' holds the CAN publisher's running counters in the same store. */
export const ENERGY_LEDGER_KEY = 'energy_ledger';
const DAYS_KEPT = 31;
const MONTHS_KEPT = 24;
/** LiFePO4 nominal cell voltage: what turns Wh into an equivalent full cycle. */
export const NOMINAL_CELL_V = 3.2;

export interface EnergyBucket {
  charged_wh: number;
  discharged_wh: number;
}

interface LedgerState {
  days: Record<string, EnergyBucket>;
  months: Record<string, EnergyBucket>;
  lifetime: EnergyBucket;
}

export interface EnergyReport {
  today: { date: string } & EnergyBucket;
  this_month: { month: string } & EnergyBucket;
  days: ({ date: string } & EnergyBucket)[];
  months: ({ month: string } & EnergyBucket)[];
  lifetime: EnergyBucket;
  /** Lifetime discharged energy over one full discharge of the pack; null until capacity and cell count are known. */
  equivalent_full_cycles: number | null;
  cycle_basis: string;
}

const round = (wh: number) => Math.round(wh * 10) / 10;

export class EnergyLedger {
  #clock: ClockPort;
  #store: KeyValueStore;
  #energy: EnergyService | undefined;
  #log: Logger;
  #state: LedgerState = { days: {}, months: {}, lifetime: { charged_wh: 0, discharged_wh: 0 } };
  #last: EnergyBucket | undefined;
  #timer: TimerHandle | undefined;
  #dirtySamples = 0;
  #lastDay = '';

  constructor(options: { clock: ClockPort; store: KeyValueStore; energy?: EnergyService; logger: Logger }) {
    this.#clock = options.clock;
    this.#store = options.store;
    this.#energy = options.energy;
    this.#log = options.logger;
  }

  start(sampleEveryMs = 60_000): void {
    if (!this.#energy || this.#timer !== undefined) return;
    this.#load();
    this.sample();
    this.#timer = this.#clock.setInterval(sampleEveryMs, () => this.sample());
  }

  stop(): void {
    this.#clock.clear(this.#timer);
    this.#timer = undefined;
    if (this.#dirtySamples > 0) this.#save();
  }

  /** Adds the counters' growth since the last sample to today and this month. */
  sample(): void {
    if (!this.#energy) return;
    const wall = this.#clock.wallTime();
    // No calendar yet (before SNTP): keep the baseline, the growth lands on the first real day.
    if (wall < EARLIEST_PLAUSIBLE_WALL_MS) return;
    const now = this.#energy.energyTotals();
    const day = dayOf(wall);
    if (this.#last) {
      const charged = now.charged_wh - this.#last.charged_wh;
      const discharged = now.discharged_wh - this.#last.discharged_wh;
      // Backwards = the counters restarted: nothing to add, new baseline below.
      if (charged >= 0 && discharged >= 0) this.#add(day, charged, discharged);
    }
    this.#last = { charged_wh: now.charged_wh, discharged_wh: now.discharged_wh };
    const dayChanged = this.#lastDay !== '' && this.#lastDay !== day;
    this.#lastDay = day;
    if (dayChanged || this.#dirtySamples >= 5) this.#save();
  }

  report(capacityAh: number | undefined, cellCount: number | undefined): EnergyReport {
    const date = dayOf(this.#clock.wallTime());
    const bucket = (b: EnergyBucket | undefined) => ({ charged_wh: round(b?.charged_wh ?? 0), discharged_wh: round(b?.discharged_wh ?? 0) });
    const packWh = capacityAh && cellCount ? capacityAh * cellCount * NOMINAL_CELL_V : 0;
    return {
      today: { date, ...bucket(this.#state.days[date]) },
      this_month: { month: date.slice(0, 7), ...bucket(this.#state.months[date.slice(0, 7)]) },
      days: Object.keys(this.#state.days).sort().map((d) => ({ date: d, ...bucket(this.#state.days[d]) })),
      months: Object.keys(this.#state.months).sort().map((m) => ({ month: m, ...bucket(this.#state.months[m]) })),
      lifetime: bucket(this.#state.lifetime),
      equivalent_full_cycles: packWh > 0 ? Math.round((this.#state.lifetime.discharged_wh / packWh) * 100) / 100 : null,
      cycle_basis: packWh > 0 ? `discharged energy / (${capacityAh} Ah × ${cellCount} cells × ${NOMINAL_CELL_V} V), counted since the ledger started` : 'needs the pack capacity and cell count',
    };
  }

  #add(day: string, charged: number, discharged: number): void {
    if (charged === 0 && discharged === 0) return;
    const month = day.slice(0, 7);
    for (const [table, key, keep] of [[this.#state.days, day, DAYS_KEPT], [this.#state.months, month, MONTHS_KEPT]] as const) {
      const entry = (table[key] ??= { charged_wh: 0, discharged_wh: 0 });
      entry.charged_wh += charged;
      entry.discharged_wh += discharged;
      const keys = Object.keys(table).sort();
      for (const old of keys.slice(0, Math.max(0, keys.length - keep))) delete table[old];
    }
    this.#state.lifetime.charged_wh += charged;
    this.#state.lifetime.discharged_wh += discharged;
    this.#dirtySamples++;
  }

  #load(): void {
    try {
      const text = this.#store.get(ENERGY_LEDGER_KEY);
      if (text === undefined) return;
      const parsed = JSON.parse(text) as Partial<LedgerState>;
      if (parsed && typeof parsed === 'object' && parsed.days && parsed.months && parsed.lifetime) this.#state = parsed as LedgerState;
    } catch (error) {
      this.#log.warn(`energy ledger not read, starting afresh: ${errorMessage(error)}`);
    }
  }

  #save(): void {
    try {
      this.#store.put(ENERGY_LEDGER_KEY, JSON.stringify(this.#state));
      this.#dirtySamples = 0;
    } catch (error) {
      this.#log.warn(`energy ledger not saved: ${errorMessage(error)}`);
    }
  }
}
