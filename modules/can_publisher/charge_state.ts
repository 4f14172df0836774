/** What charge control remembers between runs: the phase, the protection latches, the flags and the last limits. */
import type { AlarmFlagName } from '../can_victron/alarms';

export type ChargePhase = 'bulk' | 'absorption' | 'float';

/** Each latch holds a protection on until its release threshold (hysteresis). */
export interface ProtectionLatches {
  cell_overvoltage: boolean;
  cell_undervoltage: boolean;
  charge_too_cold: boolean;
  charge_too_hot: boolean;
  discharge_too_hot: boolean;
  discharge_too_cold: boolean;
  imbalance_hold: boolean;
}

export type FlagLevel = 'ok' | 'warning' | 'alarm';

/** A 0x35A flag's level, and since when the raw level has been lower (it drops only after a hold). */
export interface FlagMemory {
  level: FlagLevel;
  lower_since_ms: number | undefined;
}

export interface ChargeState {
  phase: ChargePhase;
  /** When the absorption phase began (host ms), for the absorption time limit. */
  absorption_since_ms: number | undefined;
  /** Since when the cell spread has been at or below the absorption exit spread. */
  balanced_since_ms: number | undefined;
  /** This charge cycle is a periodic full charge (to register 300). */
  full_charge: boolean;
  /** When the last full charge ended (or when counting began). */
  last_full_charge_ms: number | undefined;
  latches: ProtectionLatches;
  flags: Partial<Record<AlarmFlagName, FlagMemory>>;
  /** The CVL last put into the limits; undefined after start or after stale data. */
  applied_cvl_v: number | undefined;
  cvl_changed_ms: number;
  /** The CCL last put into the limits (0 after unusable data) and when, for the slew limit. */
  applied_ccl_a: number;
  ccl_at_ms: number | undefined;
}

export function initialChargeState(): ChargeState {
  return {
    phase: 'bulk',
    absorption_since_ms: undefined,
    balanced_since_ms: undefined,
    full_charge: false,
    last_full_charge_ms: undefined,
    latches: {
      cell_overvoltage: false,
      cell_undervoltage: false,
      charge_too_cold: false,
      charge_too_hot: false,
      discharge_too_hot: false,
      discharge_too_cold: false,
      imbalance_hold: false,
    },
    flags: {},
    applied_cvl_v: undefined,
    cvl_changed_ms: -Infinity,
    applied_ccl_a: 0,
    ccl_at_ms: undefined,
  };
}
