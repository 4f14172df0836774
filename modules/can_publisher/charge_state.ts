/** What charge control remembers between runs: the phase, the protection latches and the last CVL. */
export type ChargePhase = 'bulk' | 'absorption' | 'float';

/** Each latch holds a protection on until its release threshold (hysteresis). */
export interface ProtectionLatches {
  cell_overvoltage: boolean;
  cell_undervoltage: boolean;
  charge_too_cold: boolean;
  charge_too_hot: boolean;
  discharge_too_hot: boolean;
  imbalance_hold: boolean;
}

export interface ChargeState {
  phase: ChargePhase;
  /** When the absorption phase began (host ms), for the absorption time limit. */
  absorption_since_ms: number | undefined;
  latches: ProtectionLatches;
  /** The CVL last put into the limits; undefined after start or after stale data. */
  applied_cvl_v: number | undefined;
  cvl_changed_ms: number;
}

export function initialChargeState(): ChargeState {
  return {
    phase: 'bulk',
    absorption_since_ms: undefined,
    latches: {
      cell_overvoltage: false,
      cell_undervoltage: false,
      charge_too_cold: false,
      charge_too_hot: false,
      discharge_too_hot: false,
      imbalance_hold: false,
    },
    applied_cvl_v: undefined,
    cvl_changed_ms: -Infinity,
  };
}
