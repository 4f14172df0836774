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

/**
 * When to save the counters: once `thresholdWh` moved, but not sooner than `minIntervalMs` after
 * the last save; and after `maxIntervalMs` whenever anything moved. The energy a power cut can
 * lose is at most min(P × maxInterval, thresholdWh + P × minInterval) for a power P, and a
 * gateway that resets every few minutes still advances them.
 *
 * Flash-wear budget (ESP32-S3, partitions.csv: NVS 64 KiB = 16 pages of 126 32-byte entries,
 * one page kept free for garbage collection): a record of ≤ 80 bytes takes 4 entries (header +
 * 3 data). With ~300 entries held by the config and other keys, 15 × 126 − 300 ≈ 1 590 entries
 * are free per rotation, ≈ 397 saves, and each rotation erases every page once. At the worst
 * case of one save per minIntervalMs (30 s: 1 051 200 saves a year) a page is erased
 * ≈ 2 650 times a year; at the flash's 100 000 erase cycles that is ≈ 37 years. The default
 * loss window is ≤ 60 s of energy (at 5 kW: 83 Wh; below 1.2 kW the 10 Wh threshold + 30 s).
 */
export interface EnergySavePolicy {
  thresholdWh: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

export const DEFAULT_ENERGY_SAVE_POLICY: Readonly<EnergySavePolicy> = Object.freeze({ thresholdWh: 10, minIntervalMs: 30_000, maxIntervalMs: 60_000 });

/** True when the counters should be saved now. */
export function energySaveDue(policy: EnergySavePolicy, saved: EnergyTotals, now: EnergyTotals, msSinceSave: number): boolean {
  const unsaved = Math.abs(now.charged_wh - saved.charged_wh) + Math.abs(now.discharged_wh - saved.discharged_wh);
  if (unsaved === 0) return false;
  return msSinceSave >= policy.maxIntervalMs || (unsaved >= policy.thresholdWh && msSinceSave >= policy.minIntervalMs);
}
