/** TinyBMS event IDs (spec tinybms-uart.md §4.6, RevD chapter 4): fault 0x01–0x30, warning 0x31–0x60, info 0x61–0x90. */
export const EVENT_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x02: 'under_voltage_cutoff',
  0x03: 'over_voltage_cutoff',
  0x04: 'over_temperature_cutoff',
  0x05: 'discharging_over_current_cutoff',
  0x06: 'charging_over_current_cutoff',
  0x07: 'regeneration_over_current_cutoff',
  0x0a: 'low_temperature_cutoff',
  0x0b: 'charger_switch_error',
  0x0c: 'load_switch_error',
  0x0d: 'single_port_switch_error',
  0x0e: 'external_current_sensor_disconnected',
  0x0f: 'external_current_sensor_connected',
  0x31: 'fully_discharged_cutoff',
  0x37: 'low_temperature_charging_cutoff',
  0x38: 'charging_done_charger_voltage_too_high',
  0x39: 'charging_done_charger_voltage_too_low',
  0x61: 'system_started',
  0x62: 'charging_started',
  0x63: 'charging_done',
  0x64: 'charger_connected',
  0x65: 'charger_disconnected',
  0x66: 'dual_port_mode_activated',
  0x67: 'single_port_mode_activated',
  0x73: 'recovered_from_over_temperature_fault',
  0x74: 'recovered_from_low_temperature_warning',
  0x75: 'recovered_from_low_temperature_fault',
  0x76: 'recovered_from_charging_over_current_fault',
  0x77: 'recovered_from_discharging_over_current_fault',
  0x78: 'recovered_from_regeneration_over_current_fault',
  0x79: 'recovered_from_over_voltage_fault',
  0x7a: 'recovered_from_fully_discharged_voltage_warning',
  0x7b: 'recovered_from_under_voltage_fault',
  0x7c: 'external_current_sensor_connected',
  0x7d: 'external_current_sensor_disconnected',
});

export type EventSeverity = 'fault' | 'warning' | 'info' | 'unknown';

export function eventSeverity(id: number): EventSeverity {
  if (id >= 0x01 && id <= 0x30) return 'fault';
  if (id >= 0x31 && id <= 0x60) return 'warning';
  if (id >= 0x61 && id <= 0x90) return 'info';
  return 'unknown';
}

export function eventName(id: number): string {
  return EVENT_NAMES[id] ?? `event_0x${id.toString(16).padStart(2, '0')}`;
}
