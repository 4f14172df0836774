/**
 * The protections a TinyBMS applies, as data: what trips each one, what lets it recover, what it
 * blocks (charger switch, load switch), whether it is a fault (status 0x9B) or a warning, and the
 * event IDs and statistics counter it touches (tinybms-uart.md §4.2, §4.6).
 */
import type { ProtectionCounter } from './statistics';
import { EVENT } from './register_map';
import type { BmsSettings } from './settings';

export interface ProtectionInputs {
  maxCellMv: number;
  minCellMv: number;
  /** + = charge. */
  currentA: number;
  /** Connected sensors only; empty when none is connected. */
  temperaturesC: readonly number[];
}

export interface ProtectionRule {
  readonly name: string;
  readonly blocksCharge: boolean;
  readonly blocksDischarge: boolean;
  readonly fault: boolean;
  readonly tripEvent: number;
  readonly recoverEvent: number;
  readonly counter?: ProtectionCounter;
  /** The raw trip condition. */
  tripping(m: ProtectionInputs, s: BmsSettings): boolean;
  /** How long the condition must last before it trips, s. */
  tripDelayS?(s: BmsSettings): number;
  /** Recovery by condition; rules without it recover by time (`recoverAfterS`). */
  recovered?(m: ProtectionInputs, s: BmsSettings): boolean;
  recoverAfterS?(s: BmsSettings): number;
}

/** Below this the simulated BMS raises its low-temperature fault (0x0A), °C. */
export const LOW_TEMPERATURE_FAULT_C = -20;

// Loops, not Math.max(...values): a spread call allocates its arguments (three rules run these every sub-step).
function maxOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let max = values[0];
  for (let i = 1; i < values.length; i++) max = Math.max(max, values[i]);
  return max;
}

function minOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let min = values[0];
  for (let i = 1; i < values.length; i++) min = Math.min(min, values[i]);
  return min;
}

export const PROTECTIONS: readonly ProtectionRule[] = [
  {
    name: 'over_voltage',
    blocksCharge: true,
    blocksDischarge: false,
    fault: true,
    tripEvent: EVENT.OVER_VOLTAGE_CUTOFF,
    recoverEvent: EVENT.RECOVERED_OVER_VOLTAGE,
    counter: 'overVoltage',
    tripping: (m, s) => m.maxCellMv > s.overVoltageMv,
    recovered: (m, s) => m.maxCellMv < s.overVoltageMv - 50,
  },
  {
    name: 'under_voltage',
    blocksCharge: false,
    blocksDischarge: true,
    fault: true,
    tripEvent: EVENT.UNDER_VOLTAGE_CUTOFF,
    recoverEvent: EVENT.RECOVERED_UNDER_VOLTAGE,
    counter: 'underVoltage',
    tripping: (m, s) => m.minCellMv < s.underVoltageMv,
    recovered: (m, s) => m.minCellMv > s.underVoltageMv + 100,
  },
  {
    name: 'fully_discharged',
    blocksCharge: false,
    blocksDischarge: true,
    fault: false,
    tripEvent: EVENT.FULLY_DISCHARGED_CUTOFF,
    recoverEvent: EVENT.RECOVERED_FULLY_DISCHARGED,
    tripping: (m, s) => m.minCellMv < s.fullyDischargedMv,
    recovered: (m, s) => m.minCellMv > s.fullyDischargedMv + 100,
  },
  {
    name: 'over_temperature',
    blocksCharge: true,
    blocksDischarge: true,
    fault: true,
    tripEvent: EVENT.OVER_TEMPERATURE_CUTOFF,
    recoverEvent: EVENT.RECOVERED_OVER_TEMPERATURE,
    counter: 'overHeat',
    tripping: (m, s) => (maxOf(m.temperaturesC) ?? -Infinity) > s.overHeatC,
    recovered: (m, s) => (maxOf(m.temperaturesC) ?? -Infinity) < s.overHeatC - 5,
  },
  {
    // RevD gives this fault (0x0A) no setting; the simulator trips it well below the charge cut-off.
    name: 'low_temperature',
    blocksCharge: true,
    blocksDischarge: false,
    fault: true,
    tripEvent: EVENT.LOW_TEMPERATURE_CUTOFF,
    recoverEvent: EVENT.RECOVERED_LOW_TEMPERATURE_FAULT,
    tripping: (m) => (minOf(m.temperaturesC) ?? Infinity) < LOW_TEMPERATURE_FAULT_C,
    recovered: (m) => (minOf(m.temperaturesC) ?? Infinity) > LOW_TEMPERATURE_FAULT_C + 5,
  },
  {
    name: 'low_temperature_charge',
    blocksCharge: true,
    blocksDischarge: false,
    fault: false,
    tripEvent: EVENT.LOW_TEMPERATURE_CHARGING_CUTOFF,
    recoverEvent: EVENT.RECOVERED_LOW_TEMPERATURE_WARNING,
    tripping: (m, s) => (minOf(m.temperaturesC) ?? Infinity) < s.lowTempChargeC,
    recovered: (m, s) => (minOf(m.temperaturesC) ?? Infinity) > s.lowTempChargeC + 2,
  },
  {
    name: 'discharge_over_current',
    blocksCharge: false,
    blocksDischarge: true,
    fault: true,
    tripEvent: EVENT.DISCHARGE_OVER_CURRENT_CUTOFF,
    recoverEvent: EVENT.RECOVERED_DISCHARGE_OVER_CURRENT,
    counter: 'dischargeOverCurrent',
    tripping: (m, s) => -m.currentA > s.dischargeOverCurrentA,
    tripDelayS: (s) => s.overCurrentTimeoutS,
    recoverAfterS: (s) => s.automaticRecoveryS,
  },
  {
    name: 'charge_over_current',
    blocksCharge: true,
    blocksDischarge: false,
    fault: true,
    tripEvent: EVENT.CHARGE_OVER_CURRENT_CUTOFF,
    recoverEvent: EVENT.RECOVERED_CHARGE_OVER_CURRENT,
    counter: 'chargeOverCurrent',
    tripping: (m, s) => m.currentA > s.chargeOverCurrentA,
    tripDelayS: (s) => s.overCurrentTimeoutS,
    recoverAfterS: (s) => s.automaticRecoveryS,
  },
];
