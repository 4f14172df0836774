/**
 * The TinyBMS's own cut-offs (registers 300, 315–320, tinybms-uart.md §4.4) as bounds on charge
 * control: a GX that obeys our limits must never trip the BMS. Pure. The configured thresholds
 * are moved inside the cut-offs (less the configured margins), keeping each taper's width, and
 * the currents get caps; every bound that tightened something is named for the dashboard's "Why".
 */
import type { ChargeConfig } from '../config_manager/config_types';

/** Cut-offs as read from the BMS; a missing one (not read yet, out of range) bounds nothing. */
export interface BmsCutoffs {
  /** 300: the cell voltage at which the BMS calls the pack full and sets its SOC to 100 %. */
  fully_charged_mv?: number;
  /** 315, per cell. */
  overvoltage_mv?: number;
  /** 316, per cell. */
  undervoltage_mv?: number;
  /** 317. */
  discharge_overcurrent_a?: number;
  /** 318. */
  charge_overcurrent_a?: number;
  /** 319. */
  overheat_c?: number;
  /** 320. */
  low_temp_charge_c?: number;
}

export type BmsBoundName =
  | 'bms_overvoltage_cutoff'
  | 'bms_undervoltage_cutoff'
  | 'bms_charge_overcurrent_cutoff'
  | 'bms_discharge_overcurrent_cutoff'
  | 'bms_overheat_cutoff'
  | 'bms_low_temp_charge_cutoff';

export interface BoundedCharge {
  /** The configuration with every threshold inside the BMS's cut-offs. */
  config: ChargeConfig;
  /** Highest CVL per cell the BMS allows (over-voltage cut-off − margin); undefined when unknown. */
  cvl_cell_cap_mv?: number;
  ccl_cap_a?: number;
  dcl_cap_a?: number;
  /** BMS bounds that are tighter than the configuration. */
  active: BmsBoundName[];
}

/** The narrowest CCL taper (protection start → maximum) left when the over-voltage cut-off squeezes it. */
export const MIN_TAPER_MV = 50;

const known = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function boundByBms(c: ChargeConfig, cutoffs: BmsCutoffs | undefined): BoundedCharge {
  // The configuration itself until a cut-off tightens it; then a copy (`c` stays untouched). The
  // CAN cycle runs this every second, mostly with nothing to tighten: no 29-key copy for that.
  let b = c;
  const active: BmsBoundName[] = [];
  const out: BoundedCharge = { config: c, active };
  if (!cutoffs) return out;
  const vMargin = c.bms_voltage_margin_mv;
  const tMargin = c.bms_temperature_margin_c;
  const share = 1 - c.bms_current_margin_pct / 100;

  if (known(cutoffs.overvoltage_mv)) {
    const cap = cutoffs.overvoltage_mv - vMargin;
    out.cvl_cell_cap_mv = cap;
    if (b.cell_max_mv > cap) {
      if (b === c) out.config = b = { ...c };
      // The CCL taper ends at the new maximum and starts at most MIN_TAPER_MV below it.
      b.cell_max_mv = cap;
      b.cell_protect_start_mv = Math.min(b.cell_protect_start_mv, cap - MIN_TAPER_MV);
      b.bulk_cell_mv = Math.min(b.bulk_cell_mv, b.cell_protect_start_mv);
      b.float_cell_mv = Math.min(b.float_cell_mv, b.bulk_cell_mv);
      active.push('bms_overvoltage_cutoff');
    }
  }
  if (known(cutoffs.undervoltage_mv)) {
    const floor = cutoffs.undervoltage_mv + vMargin;
    if (b.cell_min_mv < floor) {
      if (b === c) out.config = b = { ...c };
      const shift = floor - b.cell_min_mv;
      b.cell_min_mv = floor;
      b.discharge_protect_start_mv += shift;
      active.push('bms_undervoltage_cutoff');
    }
  }
  if (known(cutoffs.charge_overcurrent_a)) {
    out.ccl_cap_a = Math.max(0, cutoffs.charge_overcurrent_a * share);
    if (out.ccl_cap_a < c.max_charge_current_a) active.push('bms_charge_overcurrent_cutoff');
  }
  if (known(cutoffs.discharge_overcurrent_a)) {
    out.dcl_cap_a = Math.max(0, cutoffs.discharge_overcurrent_a * share);
    if (out.dcl_cap_a < c.max_discharge_current_a) active.push('bms_discharge_overcurrent_cutoff');
  }
  if (known(cutoffs.overheat_c)) {
    const cap = cutoffs.overheat_c - tMargin;
    if (b.high_temp_charge_c > cap || b.high_temp_discharge_c > cap) {
      if (b === c) out.config = b = { ...c };
      b.high_temp_charge_c = Math.min(b.high_temp_charge_c, cap);
      b.high_temp_discharge_c = Math.min(b.high_temp_discharge_c, cap);
      active.push('bms_overheat_cutoff');
    }
  }
  if (known(cutoffs.low_temp_charge_c)) {
    const floor = cutoffs.low_temp_charge_c + tMargin;
    if (b.low_temp_charge_c < floor) {
      if (b === c) out.config = b = { ...c };
      b.low_temp_charge_c = floor;
      active.push('bms_low_temp_charge_cutoff');
    }
  }
  return out;
}
