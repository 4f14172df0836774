/**
 * Persistence of the energy counters through the key/value store port (NVS on the ESP32).
 * A record that cannot be read is kept under a second key for inspection, never silently lost.
 */
import type { KeyValueStore } from '../../hosts/ports/store';
import type { EnergyTotals } from './energy_counter';

/** NVS keys are at most 15 characters. */
export const ENERGY_STORE_KEY = 'energy';
export const ENERGY_CORRUPT_KEY = 'energy_corrupt';
const RECORD_VERSION = 1;

export interface EnergyLoad {
  totals: EnergyTotals;
  /** Set when a stored record existed but could not be used. */
  problem?: string;
}

const ZERO: EnergyTotals = Object.freeze({ charged_wh: 0, discharged_wh: 0 });

function validCounter(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function loadEnergy(store: KeyValueStore, key = ENERGY_STORE_KEY): EnergyLoad {
  let text: string | undefined;
  try {
    text = store.get(key);
  } catch (error) {
    return { totals: { ...ZERO }, problem: `energy counters could not be read: ${String(error)}` };
  }
  if (text === undefined) return { totals: { ...ZERO } };
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = undefined;
  }
  const r = record as { v?: unknown; charged_wh?: unknown; discharged_wh?: unknown } | undefined;
  if (r && typeof r === 'object' && r.v === RECORD_VERSION && validCounter(r.charged_wh) && validCounter(r.discharged_wh)) {
    return { totals: { charged_wh: r.charged_wh, discharged_wh: r.discharged_wh } };
  }
  try {
    store.put(ENERGY_CORRUPT_KEY, text);
  } catch {
    // The original record is still under `key` until the first successful save.
  }
  return { totals: { ...ZERO }, problem: `stored energy counters are unreadable (kept under "${ENERGY_CORRUPT_KEY}"); starting from 0` };
}

/** Throws what the store throws; the previous record stays intact (the store's put is atomic). */
export function saveEnergy(store: KeyValueStore, totals: EnergyTotals, key = ENERGY_STORE_KEY): void {
  store.put(key, JSON.stringify({ v: RECORD_VERSION, charged_wh: totals.charged_wh, discharged_wh: totals.discharged_wh }));
}
