/**
 * The protections of charge control, each a pure function of a measurement, the configuration and
 * its previous latch (victron-can.md §6: cell over-/under-voltage tapers as in dbus-serialbattery,
 * temperature derating, SOC tapering, imbalance hold). Factors scale the configured maximum current.
 */
import type { ChargeConfig } from '../config_manager/config_types';
import { type CurvePoint, interpolate, latch, ramp } from './ramp';

export const CHARGE_CONSTANTS = Object.freeze({
  /** Temperatures must come back this far inside a limit before charging/discharging resumes. */
  temperature_hysteresis_c: 2,
  /** Current ramps from 0 at a temperature limit to full over this band. */
  temperature_derate_band_c: 10,
  /** Share of the maximum charge current allowed while cells are being balanced. */
  imbalance_hold_ccl_fraction: 0.1,
});

/**
 * Charge current vs SOC, in SOC points from bms.soc_full_pct (default 100 %): never 0 from SOC
 * alone (SOC is an estimate); stopping is CVL's job.
 */
export const SOC_CHARGE_TAPER: readonly CurvePoint[] = Object.freeze([
  [-10, 1],
  [-5, 0.5],
  [0, 0.2],
] as const);

/** Discharge current vs SOC, in SOC points from bms.soc_empty_pct (default 5 %); the hard stop comes from the cell under-voltage protection. */
export const SOC_DISCHARGE_TAPER: readonly CurvePoint[] = Object.freeze([
  [0, 0.2],
  [5, 0.5],
  [10, 1],
] as const);

export const DEFAULT_SOC_FULL_PCT = 100;
export const DEFAULT_SOC_EMPTY_PCT = 5;

const shifted = (curve: readonly CurvePoint[], by: number): CurvePoint[] => curve.map(([x, y]) => [x + by, y] as const);

export interface Protection {
  latched: boolean;
  /** 0…1 share of the configured maximum current. */
  factor: number;
}

/** CCL falls linearly from full at `cell_protect_start_mv` to 0 at `cell_max_mv`; at the max it latches off until the start level. */
export function cellOvervoltage(maxCellMv: number, c: ChargeConfig, wasLatched: boolean): Protection {
  const latched = latch(wasLatched, maxCellMv >= c.cell_max_mv, maxCellMv <= c.cell_protect_start_mv);
  return { latched, factor: latched ? 0 : ramp(maxCellMv, c.cell_protect_start_mv, 1, c.cell_max_mv, 0) };
}

/**
 * The CVL at which the highest cells would sit at `cell_protect_start_mv` (dbus-serialbattery's
 * "clipped sum"): Σ min(cell, start). Undefined while no cell is above the start level.
 * Without per-cell values, the overshoot of the highest cell is taken off the pack voltage.
 */
export function overvoltageCvlCeiling(cellsMv: readonly number[], seriesCells: number, maxCellMv: number, packVoltageV: number, c: ChargeConfig): number | undefined {
  if (maxCellMv <= c.cell_protect_start_mv) return undefined;
  if (cellsMv.length === seriesCells) {
    let sum = 0;
    for (const cell of cellsMv) sum += Math.min(cell, c.cell_protect_start_mv);
    return sum / 1000;
  }
  return packVoltageV - (maxCellMv - c.cell_protect_start_mv) / 1000;
}

/** DCL falls linearly from full at `discharge_protect_start_mv` to 0 at `cell_min_mv`; latches off until the start level. */
export function cellUndervoltage(minCellMv: number, c: ChargeConfig, wasLatched: boolean): Protection {
  const latched = latch(wasLatched, minCellMv <= c.cell_min_mv, minCellMv >= c.discharge_protect_start_mv);
  return { latched, factor: latched ? 0 : ramp(minCellMv, c.cell_min_mv, 0, c.discharge_protect_start_mv, 1) };
}

export interface ChargeTemperature {
  too_cold: boolean;
  too_hot: boolean;
  factor: number;
}

/** No charge at or below `low_temp_charge_c` nor at or above `high_temp_charge_c`; ramps between. */
export function chargeTemperature(minTempC: number, maxTempC: number, c: ChargeConfig, was: { too_cold: boolean; too_hot: boolean }): ChargeTemperature {
  const { temperature_hysteresis_c: hysteresis, temperature_derate_band_c: band } = CHARGE_CONSTANTS;
  const too_cold = latch(was.too_cold, minTempC <= c.low_temp_charge_c, minTempC >= c.low_temp_charge_c + hysteresis);
  const too_hot = latch(was.too_hot, maxTempC >= c.high_temp_charge_c, maxTempC <= c.high_temp_charge_c - hysteresis);
  const factor =
    too_cold || too_hot
      ? 0
      : Math.min(ramp(minTempC, c.low_temp_charge_c, 0, c.low_temp_charge_c + band, 1), ramp(maxTempC, c.high_temp_charge_c - band, 1, c.high_temp_charge_c, 0));
  return { too_cold, too_hot, factor };
}

/** No discharge at or above `high_temp_discharge_c`; ramps down over the band below it. */
export function dischargeTemperature(maxTempC: number, c: ChargeConfig, wasLatched: boolean): Protection {
  const { temperature_hysteresis_c: hysteresis, temperature_derate_band_c: band } = CHARGE_CONSTANTS;
  const latched = latch(wasLatched, maxTempC >= c.high_temp_discharge_c, maxTempC <= c.high_temp_discharge_c - hysteresis);
  return { latched, factor: latched ? 0 : ramp(maxTempC, c.high_temp_discharge_c - band, 1, c.high_temp_discharge_c, 0) };
}

/** The imbalance hold lets go this far below the knee. */
export const IMBALANCE_KNEE_HYSTERESIS_MV = 50;

/**
 * Holds charging at float voltage and a small current while the cells drift apart (balancer
 * time) — only near the top (highest cell above charge.imbalance_knee_mv): a spread at the
 * bottom knee is normal for LiFePO4 and must not throttle recharging an empty pack.
 */
export function imbalanceHold(deltaMv: number, maxCellMv: number, c: ChargeConfig, wasLatched: boolean): boolean {
  return latch(
    wasLatched,
    deltaMv > c.imbalance_hold_mv && maxCellMv > c.imbalance_knee_mv,
    deltaMv <= c.imbalance_release_mv || maxCellMv < c.imbalance_knee_mv - IMBALANCE_KNEE_HYSTERESIS_MV,
  );
}

/** DCL factor from the lowest cell temperature (the configured curve); latched off at 0 until 2 °C above the last 0 point. */
export function dischargeCold(minTempC: number, curve: readonly CurvePoint[], wasLatched: boolean): Protection & { full_from_c: number } {
  let zeroUpTo = -Infinity;
  for (const [x, y] of curve) if (y === 0) zeroUpTo = x;
  else break;
  const factor = interpolate(curve, minTempC);
  const latched = latch(wasLatched, factor === 0, minTempC >= zeroUpTo + CHARGE_CONSTANTS.temperature_hysteresis_c);
  const last = curve[curve.length - 1];
  return { latched, factor: latched ? 0 : factor, full_from_c: last[1] === 1 ? last[0] : Infinity };
}

export function socChargeFactor(socPct: number, fullPct = DEFAULT_SOC_FULL_PCT): number {
  return interpolate(shifted(SOC_CHARGE_TAPER, fullPct), socPct);
}

export function socDischargeFactor(socPct: number, emptyPct = DEFAULT_SOC_EMPTY_PCT): number {
  return interpolate(shifted(SOC_DISCHARGE_TAPER, emptyPct), socPct);
}
