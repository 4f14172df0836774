/**
 * Rules that span fields (min < max and friends). Each names the field to fix first and the
 * fields it was compared with; they run only on configs whose single fields are already valid.
 */
import type { GatewayConfig } from './config_types';
import { fieldLabel } from './labels';

/** The smallest cell voltage window the charge control accepts (see the rule below). */
const MIN_CELL_WINDOW_MV = 100;

export interface CrossFieldRule {
  /** The field the error is reported on (the one a user most likely mistyped). */
  field: string;
  related: string[];
  holds(config: GatewayConfig): boolean;
  message: string;
}

function lessThan(lower: string, upper: string, read: (c: GatewayConfig) => [number, number], orEqual = false): CrossFieldRule {
  return {
    field: lower,
    related: [upper],
    holds: (config) => {
      const [a, b] = read(config);
      return orEqual ? a <= b : a < b;
    },
    message: `${fieldLabel(lower)} must be ${orEqual ? 'at most' : 'below'} ${fieldLabel(upper)}`,
  };
}

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = Object.freeze([
  {
    field: 'mqtt.broker_uri',
    related: ['mqtt.enabled'],
    holds: (c) => !c.mqtt.enabled || c.mqtt.broker_uri !== '',
    message: `${fieldLabel('mqtt.enabled')} is on but ${fieldLabel('mqtt.broker_uri')} is empty`,
  },
  {
    field: 'mqtt.client_key',
    related: ['mqtt.client_cert'],
    holds: (c) => (c.mqtt.client_cert === '') === (c.mqtt.client_key === ''),
    message: `${fieldLabel('mqtt.client_cert')} and ${fieldLabel('mqtt.client_key')} go together: set both or neither`,
  },
  lessThan('bms.response_timeout_ms', 'bms.poll_interval_ms', (c) => [c.bms.response_timeout_ms, c.bms.poll_interval_ms]),
  lessThan('bms.poll_interval_ms', 'bms.stale_after_ms', (c) => [c.bms.poll_interval_ms, c.bms.stale_after_ms]),
  // Charge permission must drop before the link is even declared lost.
  lessThan('bms.stale_after_ms', 'alerts.comm_lost_after_ms', (c) => [c.bms.stale_after_ms, c.alerts.comm_lost_after_ms], true),
  lessThan('bms.soc_empty_pct', 'bms.soc_full_pct', (c) => [c.bms.soc_empty_pct, c.bms.soc_full_pct]),
  lessThan('alerts.cell_voltage_min_mv', 'alerts.cell_voltage_max_mv', (c) => [c.alerts.cell_voltage_min_mv, c.alerts.cell_voltage_max_mv]),
  {
    field: 'alerts.voltage_hysteresis_mv',
    related: ['alerts.cell_voltage_min_mv', 'alerts.cell_voltage_max_mv'],
    holds: (c) => 2 * c.alerts.voltage_hysteresis_mv < c.alerts.cell_voltage_max_mv - c.alerts.cell_voltage_min_mv,
    message: `twice ${fieldLabel('alerts.voltage_hysteresis_mv')} must fit between ${fieldLabel('alerts.cell_voltage_min_mv')} and ${fieldLabel('alerts.cell_voltage_max_mv')} (the alert bands would overlap)`,
  },
  lessThan('alerts.voltage_hysteresis_mv', 'alerts.imbalance_max_mv', (c) => [c.alerts.voltage_hysteresis_mv, c.alerts.imbalance_max_mv], true),
  lessThan('alerts.temperature_hysteresis_c', 'alerts.temperature_max_c', (c) => [c.alerts.temperature_hysteresis_c, c.alerts.temperature_max_c]),
  lessThan('alerts.current_hysteresis_a', 'alerts.current_max_a', (c) => [c.alerts.current_hysteresis_a, c.alerts.current_max_a]),
  lessThan('charge.cell_min_mv', 'charge.discharge_protect_start_mv', (c) => [c.charge.cell_min_mv, c.charge.discharge_protect_start_mv]),
  lessThan('charge.discharge_protect_start_mv', 'charge.float_cell_mv', (c) => [c.charge.discharge_protect_start_mv, c.charge.float_cell_mv]),
  lessThan('charge.float_cell_mv', 'charge.bulk_cell_mv', (c) => [c.charge.float_cell_mv, c.charge.bulk_cell_mv], true),
  lessThan('charge.bulk_cell_mv', 'charge.cell_protect_start_mv', (c) => [c.charge.bulk_cell_mv, c.charge.cell_protect_start_mv]),
  lessThan('charge.cell_protect_start_mv', 'charge.cell_max_mv', (c) => [c.charge.cell_protect_start_mv, c.charge.cell_max_mv]),
  {
    // The CVL is sent on a 0.1 V grid and must stay inside [cells × min, cells × max]: a window
    // narrower than one step may hold no grid point at all, and then no CVL would be in bounds.
    field: 'charge.cell_max_mv',
    related: ['charge.cell_min_mv'],
    holds: (c) => c.charge.cell_max_mv - c.charge.cell_min_mv >= MIN_CELL_WINDOW_MV,
    message: `${fieldLabel('charge.cell_max_mv')} must be at least ${MIN_CELL_WINDOW_MV} mV above ${fieldLabel('charge.cell_min_mv')}`,
  },
  lessThan('charge.low_temp_charge_c', 'charge.high_temp_charge_c', (c) => [c.charge.low_temp_charge_c, c.charge.high_temp_charge_c]),
  lessThan('charge.imbalance_release_mv', 'charge.imbalance_hold_mv', (c) => [c.charge.imbalance_release_mv, c.charge.imbalance_hold_mv]),
  lessThan('charge.float_exit_soc_pct', 'charge.float_enter_soc_pct', (c) => [c.charge.float_exit_soc_pct, c.charge.float_enter_soc_pct]),
]);
