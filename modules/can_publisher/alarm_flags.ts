/**
 * 0x35A (and Pylontech 0x359) flags from the live data, as a table of thresholds taken from the
 * configuration. Ten flags are supported (as in the spec's V11 example); general, contactor and
 * short-circuit are sent as "not supported". Without usable data only "BMS internal" is reported,
 * as an active alarm: stale values must not be shown as OK.
 */
import type { AlarmFlagName, AlarmFrame, AlarmFlagSet } from '../can_victron/alarms';
import type { GatewayConfig } from '../config_manager/config_types';
import type { LiveData } from '../uart_bms/live_data';

export type FlagLevel = 'ok' | 'warning' | 'alarm';

interface Threshold {
  flag: AlarmFlagName;
  /** The measured value, oriented so that larger is worse. */
  measure(d: LiveData): number;
  alarm(c: GatewayConfig): number;
  warning(c: GatewayConfig): number;
}

/** LiFePO4 keeps discharging well below freezing; these only report, they limit nothing. */
const LOW_TEMPERATURE_ALARM_C = -20;
const LOW_TEMPERATURE_WARNING_C = -10;
const CHARGE_TEMPERATURE_WARNING_MARGIN_C = 5;
const CURRENT_WARNING_SHARE = 0.8;

const THRESHOLDS: readonly Threshold[] = Object.freeze([
  { flag: 'high_voltage', measure: (d) => d.max_cell_voltage_mv, alarm: (c) => c.alerts.cell_voltage_max_mv, warning: (c) => c.charge.cell_protect_start_mv },
  { flag: 'low_voltage', measure: (d) => -d.min_cell_voltage_mv, alarm: (c) => -c.alerts.cell_voltage_min_mv, warning: (c) => -c.charge.discharge_protect_start_mv },
  {
    flag: 'high_temperature',
    measure: (d) => d.max_temperature_c,
    alarm: (c) => c.alerts.temperature_max_c,
    warning: (c) => c.alerts.temperature_max_c - c.alerts.temperature_hysteresis_c,
  },
  { flag: 'low_temperature', measure: (d) => -d.min_temperature_c, alarm: () => -LOW_TEMPERATURE_ALARM_C, warning: () => -LOW_TEMPERATURE_WARNING_C },
  {
    flag: 'high_temp_charge',
    measure: (d) => d.max_temperature_c,
    alarm: (c) => c.charge.high_temp_charge_c,
    warning: (c) => c.charge.high_temp_charge_c - CHARGE_TEMPERATURE_WARNING_MARGIN_C,
  },
  {
    flag: 'low_temp_charge',
    measure: (d) => -d.min_temperature_c,
    alarm: (c) => -c.charge.low_temp_charge_c,
    warning: (c) => -(c.charge.low_temp_charge_c + CHARGE_TEMPERATURE_WARNING_MARGIN_C),
  },
  { flag: 'high_current', measure: (d) => -d.pack_current_a, alarm: (c) => c.alerts.current_max_a, warning: (c) => c.alerts.current_max_a * CURRENT_WARNING_SHARE },
  { flag: 'high_charge_current', measure: (d) => d.pack_current_a, alarm: (c) => c.alerts.current_max_a, warning: (c) => c.alerts.current_max_a * CURRENT_WARNING_SHARE },
  { flag: 'bms_internal', measure: (d) => (d.online_status === 'fault' ? 1 : 0), alarm: () => 1, warning: () => 1 },
  {
    flag: 'cell_imbalance',
    measure: (d) => d.max_cell_voltage_mv - d.min_cell_voltage_mv,
    alarm: (c) => c.alerts.imbalance_max_mv,
    warning: (c) => c.alerts.imbalance_max_mv / 2,
  },
]);

/** Level of every supported flag for usable data. */
export function flagLevels(data: LiveData, config: GatewayConfig): Partial<Record<AlarmFlagName, FlagLevel>> {
  const levels: Partial<Record<AlarmFlagName, FlagLevel>> = {};
  for (const t of THRESHOLDS) {
    const value = t.measure(data);
    levels[t.flag] = value >= t.alarm(config) ? 'alarm' : value >= t.warning(config) ? 'warning' : 'ok';
  }
  return levels;
}

export function alarmFrameFor(data: LiveData | undefined, config: GatewayConfig): AlarmFrame {
  if (!data) return { alarms: { bms_internal: 'active' }, warnings: { bms_internal: 'active' } };
  const alarms: AlarmFlagSet = {};
  const warnings: AlarmFlagSet = {};
  const levels = flagLevels(data, config);
  for (const [flag, level] of Object.entries(levels) as [AlarmFlagName, FlagLevel][]) {
    alarms[flag] = level === 'alarm' ? 'active' : 'ok';
    warnings[flag] = level === 'ok' ? 'ok' : 'active';
  }
  return { alarms, warnings };
}
