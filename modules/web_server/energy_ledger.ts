/**
 * Energy per day and per month, and the equivalent full cycles the pack has done, from the CAN
 * publisher's running energy counters (which restart at zero with the gateway). Once a minute
 * the counters' growth is added to the current UTC day and month; a counter that went backwards
 * (restart) only sets a new baseline. The ledger is saved to the store every few minutes and at
 * each day change, so a restart loses at most that much. Kept: 31 days, 24 months.
 *
 * Days and months live in fixed tables made at construction, never as properties named by a
 * date: on XS every property name made at run time stays in the machine's key table for good,
 * so a table keyed by date would grow the heap by one key per day for as long as the device runs.
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

/** The stored form (ENERGY_LEDGER_KEY), unchanged: dates and months as object keys. */
interface LedgerState {
  days: Record<string, EnergyBucket>;
  months: Record<string, EnergyBucket>;
  lifetime: EnergyBucket;
}

interface DatedBucket extends EnergyBucket {
  /** YYYY-MM-DD or YYYY-MM (they sort as text); '' = unused. */
  label: string;
}

/** The newest `capacity` buckets by label, in rows made once and reused (the oldest row goes first). */
export class DatedBuckets {
  /** Sorted by label, unused rows first. */
  readonly #rows: DatedBucket[] = [];

  constructor(capacity: number) {
    for (let i = 0; i < capacity; i++) this.#rows.push({ label: '', charged_wh: 0, discharged_wh: 0 });
  }

  /** Adds to the label's bucket, making it when new; a full table lets its oldest go (a label older than all kept is dropped). */
  add(label: string, charged: number, discharged: number): void {
    let row = this.#row(label);
    if (!row) {
      if (this.#rows[0].label > label) return;
      // The oldest (or an unused) row takes the label and moves to its place: the end for a new day.
      row = this.#rows.shift() as DatedBucket;
      row.label = label;
      row.charged_wh = row.discharged_wh = 0;
      const rows = this.#rows;
      const at = !rows.length || rows[rows.length - 1].label < label ? -1 : rows.findIndex((r) => r.label > label);
      rows.splice(at < 0 ? rows.length : at, 0, row);
    }
    row.charged_wh += charged;
    row.discharged_wh += discharged;
  }

  get(label: string): EnergyBucket | undefined {
    const row = this.#row(label);
    return row && { charged_wh: row.charged_wh, discharged_wh: row.discharged_wh };
  }

  /** Oldest first. */
  labels(): string[] {
    return this.#rows.slice(this.#oldest()).map((r) => r.label);
  }

  clear(): void {
    for (const row of this.#rows) row.label = '';
  }

  /** The stored form, `{"2026-06-21":{"charged_wh":…,"discharged_wh":…},…}`, written without an object keyed by date. */
  toJson(): string {
    const rows = this.#rows;
    let out = '';
    for (let i = this.#oldest(); i < rows.length; i++) {
      out += `${out ? ',' : ''}${JSON.stringify(rows[i].label)}:{"charged_wh":${rows[i].charged_wh},"discharged_wh":${rows[i].discharged_wh}}`;
    }
    return `{${out}}`;
  }

  /** Used rows are at the end, newest last: a scan from there stops at the first unused row. */
  #row(label: string): DatedBucket | undefined {
    const rows = this.#rows;
    for (let i = rows.length - 1; i >= 0 && rows[i].label; i--) if (rows[i].label === label) return rows[i];
    return undefined;
  }

  #oldest(): number {
    let i = this.#rows.length;
    while (i > 0 && this.#rows[i - 1].label) i--;
    return i;
  }
}

const finite = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

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
  #days = new DatedBuckets(DAYS_KEPT);
  #months = new DatedBuckets(MONTHS_KEPT);
  #lifetime: EnergyBucket = { charged_wh: 0, discharged_wh: 0 };
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
      today: { date, ...bucket(this.#days.get(date)) },
      this_month: { month: date.slice(0, 7), ...bucket(this.#months.get(date.slice(0, 7))) },
      days: this.#days.labels().map((d) => ({ date: d, ...bucket(this.#days.get(d)) })),
      months: this.#months.labels().map((m) => ({ month: m, ...bucket(this.#months.get(m)) })),
      lifetime: bucket(this.#lifetime),
      equivalent_full_cycles: packWh > 0 ? Math.round((this.#lifetime.discharged_wh / packWh) * 100) / 100 : null,
      cycle_basis: packWh > 0 ? `discharged energy / (${capacityAh} Ah × ${cellCount} cells × ${NOMINAL_CELL_V} V), counted since the ledger started` : 'needs the pack capacity and cell count',
    };
  }

  #add(day: string, charged: number, discharged: number): void {
    if (charged === 0 && discharged === 0) return;
    this.#days.add(day, charged, discharged);
    this.#months.add(day.slice(0, 7), charged, discharged);
    this.#lifetime.charged_wh += charged;
    this.#lifetime.discharged_wh += discharged;
    this.#dirtySamples++;
  }

  #load(): void {
    try {
      const text = this.#store.get(ENERGY_LEDGER_KEY);
      if (text === undefined) return;
      // Parsing makes the stored dates property names once per start: bounded by the tables' size.
      const parsed = JSON.parse(text) as Partial<LedgerState>;
      if (!parsed || typeof parsed !== 'object' || !parsed.days || !parsed.months || !parsed.lifetime) return;
      for (const [table, stored] of [[this.#days, parsed.days], [this.#months, parsed.months]] as const) {
        table.clear();
        for (const label of Object.keys(stored)) table.add(label, finite(stored[label]?.charged_wh), finite(stored[label]?.discharged_wh));
      }
      this.#lifetime = { charged_wh: finite(parsed.lifetime.charged_wh), discharged_wh: finite(parsed.lifetime.discharged_wh) };
    } catch (error) {
      this.#log.warn(`energy ledger not read, starting afresh: ${errorMessage(error)}`);
    }
  }

  #save(): void {
    try {
      this.#store.put(ENERGY_LEDGER_KEY, `{"days":${this.#days.toJson()},"months":${this.#months.toJson()},"lifetime":${JSON.stringify(this.#lifetime)}}`);
      this.#dirtySamples = 0;
    } catch (error) {
      this.#log.warn(`energy ledger not saved: ${errorMessage(error)}`);
    }
  }
}
