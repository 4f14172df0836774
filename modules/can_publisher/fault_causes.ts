/**
 * Why the TinyBMS is in fault (status 0x9B) and what that allows (issue 12 item 1). The cause
 * comes from the live values against the BMS's cut-offs and from its event log (command 0x11,
 * tinybms-uart.md §4.6): a fault event stays active until its "recovered" event or a restart.
 * Pure. A fault nothing explains takes the safe side (no charge, no discharge) and says so.
 */
import type { LiveData } from '../uart_bms/live_data';
import type { BmsCutoffs } from './bms_bounds';

export type FaultCause =
  | 'under_voltage'
  | 'over_voltage'
  | 'over_temperature'
  | 'low_temperature'
  | 'charge_over_current'
  | 'discharge_over_current'
  | 'regeneration_over_current'
  | 'switch_error'
  | 'current_sensor'
  | 'unknown';

/** What each cause still allows: 'recovery' = charging at charge.recovery_charge_current_a. */
export const FAULT_POLICY: Readonly<Record<FaultCause, { charge: 'allow' | 'recovery' | 'block'; discharge: 'allow' | 'block' }>> = Object.freeze({
  under_voltage: { charge: 'recovery', discharge: 'block' },
  over_voltage: { charge: 'block', discharge: 'allow' },
  over_temperature: { charge: 'block', discharge: 'block' },
  low_temperature: { charge: 'block', discharge: 'allow' },
  charge_over_current: { charge: 'block', discharge: 'allow' },
  regeneration_over_current: { charge: 'block', discharge: 'allow' },
  discharge_over_current: { charge: 'allow', discharge: 'block' },
  // A stuck or failed switch, or no current measurement: nothing is known to be safe.
  switch_error: { charge: 'block', discharge: 'block' },
  current_sensor: { charge: 'block', discharge: 'block' },
  unknown: { charge: 'block', discharge: 'block' },
});

/** Fault event id → cause, and recovery event id → the cause it ends (RevD chapter 4). */
const FAULT_EVENTS: ReadonlyMap<number, FaultCause> = new Map([
  [0x02, 'under_voltage'],
  [0x03, 'over_voltage'],
  [0x04, 'over_temperature'],
  [0x05, 'discharge_over_current'],
  [0x06, 'charge_over_current'],
  [0x07, 'regeneration_over_current'],
  [0x0a, 'low_temperature'],
  [0x0b, 'switch_error'],
  [0x0c, 'switch_error'],
  [0x0d, 'switch_error'],
  [0x0e, 'current_sensor'],
]);
const RECOVERY_EVENTS: ReadonlyMap<number, FaultCause> = new Map([
  [0x7b, 'under_voltage'],
  [0x79, 'over_voltage'],
  [0x73, 'over_temperature'],
  [0x77, 'discharge_over_current'],
  [0x76, 'charge_over_current'],
  [0x78, 'regeneration_over_current'],
  [0x75, 'low_temperature'],
  [0x0f, 'current_sensor'],
  [0x7c, 'current_sensor'],
]);
const SYSTEM_STARTED = 0x61;

export interface LoggedEvent {
  timestampS: number;
  id: number;
}

/** Fault causes still open at the end of `events` (any order; sorted by BMS time here). */
export function openFaultCauses(events: readonly LoggedEvent[]): FaultCause[] {
  const open = new Set<FaultCause>();
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.timestampS - b.e.timestampS || a.i - b.i);
  for (const { e } of ordered) {
    if (e.id === SYSTEM_STARTED) open.clear();
    const fault = FAULT_EVENTS.get(e.id);
    if (fault) open.add(fault);
    const recovered = RECOVERY_EVENTS.get(e.id);
    if (recovered) open.delete(recovered);
  }
  return [...open];
}

/** Causes the live values show by themselves (a cut-off crossed right now). */
export function liveFaultCauses(data: LiveData, cutoffs: BmsCutoffs | undefined, cellTemperatures: readonly number[]): FaultCause[] {
  const causes: FaultCause[] = [];
  if (!cutoffs) return causes;
  const hot = cellTemperatures.length ? Math.max(...cellTemperatures) : NaN;
  if (cutoffs.overvoltage_mv !== undefined && data.max_cell_voltage_mv >= cutoffs.overvoltage_mv) causes.push('over_voltage');
  if (cutoffs.undervoltage_mv !== undefined && data.min_cell_voltage_mv <= cutoffs.undervoltage_mv) causes.push('under_voltage');
  if (cutoffs.overheat_c !== undefined && hot >= cutoffs.overheat_c) causes.push('over_temperature');
  if (cutoffs.charge_overcurrent_a !== undefined && data.pack_current_a >= cutoffs.charge_overcurrent_a) causes.push('charge_over_current');
  if (cutoffs.discharge_overcurrent_a !== undefined && -data.pack_current_a >= cutoffs.discharge_overcurrent_a) causes.push('discharge_over_current');
  return causes;
}

/** The causes of a fault status: live ∪ logged, or 'unknown' when neither explains it. */
export function faultCauses(data: LiveData, cutoffs: BmsCutoffs | undefined, cellTemperatures: readonly number[], logged: readonly FaultCause[]): FaultCause[] {
  if (data.online_status !== 'fault') return [];
  const causes = new Set<FaultCause>([...liveFaultCauses(data, cutoffs, cellTemperatures), ...logged]);
  causes.delete('unknown');
  return causes.size ? [...causes] : ['unknown'];
}
