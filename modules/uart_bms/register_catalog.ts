/**
 * The rest of the TinyBMS register map (spec tinybms-uart.md §4, RevD chapter 3): live data 0–55,
 * statistics 100–117, events 200–297 and versions 500–509 with their descriptions, next to the
 * settings of registers.ts. Only the CLI and the frame monitors' decoders (describe.ts) use it,
 * so it stays out of the device bundle (issue 13).
 */
import { ONLINE_STATUS_CODES, options, range, reg, SETTINGS_REGISTERS, type RegisterDef } from './registers';

const live = reg('live', false);
const stat = reg('statistics', false);
const version = reg('version', false);

function cellRegisters(): RegisterDef[] {
  const cells: RegisterDef[] = [];
  for (let i = 0; i < 16; i++) cells.push(live(i, `cell_register_${i}_mv`, `Cell voltage register ${i} (RevD "cell ${i + 1}")`, 'uint16', 'mV', 0.1));
  return cells;
}

export const LIVE_REGISTERS: readonly RegisterDef[] = Object.freeze([
  ...cellRegisters(),
  live(32, 'lifetime_s', 'BMS lifetime counter', 'uint32', 's'),
  live(34, 'time_left_s', 'Estimated time left', 'uint32', 's'),
  live(36, 'pack_voltage_v', 'Battery pack voltage', 'float32', 'V'),
  live(38, 'pack_current_a', 'Battery pack current (+ = charge)', 'float32', 'A'),
  live(40, 'min_cell_voltage_mv', 'Minimal cell voltage', 'uint16', 'mV'),
  live(41, 'max_cell_voltage_mv', 'Maximal cell voltage', 'uint16', 'mV'),
  live(42, 'external_temperature_1_c', 'External temperature sensor 1 (-32768 = not connected)', 'int16', '°C', 0.1),
  live(43, 'external_temperature_2_c', 'External temperature sensor 2 (-32768 = not connected)', 'int16', '°C', 0.1),
  live(44, 'distance_left_km', 'Distance left to empty', 'uint16', 'km'),
  live(45, 'state_of_health_pct', 'State of health', 'uint16', '%', 0.002, { range: range(0, 50000) }),
  live(46, 'state_of_charge_pct', 'State of charge', 'uint32', '%', 0.000001, { range: range(0, 100000000) }),
  live(48, 'internal_temperature_c', 'BMS internal temperature', 'int16', '°C', 0.1),
  live(50, 'online_status_code', 'Online status', 'enum', '', 1, { options: ONLINE_STATUS_CODES }),
  live(51, 'needs_balancing_bits', 'Balancing decision bits (bit 0 = first cell)', 'bits'),
  live(52, 'balancing_bits', 'Real balancing bits (bit 0 = first cell)', 'bits'),
  live(53, 'cell_count', 'Number of detected cells', 'uint16'),
  live(54, 'speed_kmh', 'Speed', 'float32', 'km/h'),
]);

export const STATISTICS_REGISTERS: readonly RegisterDef[] = Object.freeze([
  stat(100, 'total_distance_km', 'Total distance', 'uint32', 'km', 0.01),
  stat(102, 'max_discharge_current_recorded_a', 'Maximal discharge current (recorded)', 'uint16', 'A', 0.1),
  stat(103, 'max_charge_current_recorded_a', 'Maximal charge current (recorded)', 'uint16', 'A', 0.1),
  stat(104, 'max_cell_voltage_difference_recorded_mv', 'Maximal cell voltage difference (recorded)', 'uint16', 'mV', 0.1),
  stat(105, 'under_voltage_protection_count', 'Under-voltage protection count', 'uint16'),
  stat(106, 'over_voltage_protection_count', 'Over-voltage protection count', 'uint16'),
  stat(107, 'discharge_over_current_protection_count', 'Discharge over-current protection count', 'uint16'),
  stat(108, 'charge_over_current_protection_count', 'Charge over-current protection count', 'uint16'),
  stat(109, 'over_heat_protection_count', 'Over-heat protection count', 'uint16'),
  stat(111, 'charging_count', 'Charging count', 'uint16'),
  stat(112, 'full_charge_count', 'Full charge count', 'uint16'),
  stat(113, 'pack_temperature_recorded_c', 'Pack temperature recorded (low byte min, high byte max; INT8)', 'byte_pair', '°C', 1, {
    lowByte: { label: 'minimum (INT8)' },
    highByte: { label: 'maximum (INT8)' },
  }),
  stat(114, 'reset_and_wakeup_reason', 'Last reset reason (low byte) and wake-up reason (high byte)', 'byte_pair', '', 1, {
    lowByte: { label: 'last reset reason', options: options({ 0: 'unknown', 1: 'low-power reset', 2: 'window watchdog', 3: 'independent watchdog', 4: 'software reset', 5: 'POR/PDR', 6: 'PIN reset', 7: 'option-bytes loading reset' }) },
    highByte: { label: 'last wake-up reason', options: options({ 0: 'charger connected', 1: 'ignition', 2: 'discharging detected', 3: 'UART communication detected' }) },
  }),
  stat(116, 'statistics_cleared_at_s', 'Statistics last cleared at (BMS time)', 'uint32', 's'),
]);

/** 49 event slots: reg 200+2k = timestamp bits 0–15; reg 201+2k = timestamp bits 16–23 (low byte), event ID (high byte). */
export const EVENT_SLOT_COUNT = 49;
function eventRegisters(): RegisterDef[] {
  const slots: RegisterDef[] = [];
  for (let k = 0; k < EVENT_SLOT_COUNT; k++) slots.push(reg('events', false)(200 + 2 * k, `event_${k}`, `Event ${k} (24-bit timestamp, event ID)`, 'event', 's'));
  return slots;
}
export const EVENT_REGISTERS: readonly RegisterDef[] = Object.freeze(eventRegisters());

export const VERSION_REGISTERS: readonly RegisterDef[] = Object.freeze([
  version(500, 'hardware_version', 'Hardware version (low byte), hardware changes version (high byte)', 'byte_pair', '', 1, {
    lowByte: { label: 'hardware version' },
    highByte: { label: 'hardware changes version' },
  }),
  version(501, 'firmware_public_version', 'Public firmware version (low byte); bit 8 power type, bits 9–10 current sensor (high byte)', 'byte_pair', '', 1, {
    lowByte: { label: 'public firmware version' },
    highByte: { label: 'bit 0 power type (0 low, 1 high); bits 1–2 current sensor (0 internal resistor, 1 internal Hall, 2 external)' },
  }),
  version(502, 'internal_firmware_version', 'Internal firmware version', 'uint16'),
  version(503, 'bootloader_and_profile_version', 'Bootloader version (low byte), profile version (high byte)', 'byte_pair', '', 1, {
    lowByte: { label: 'bootloader version' },
    highByte: { label: 'profile version' },
  }),
  version(504, 'serial_number', 'Product serial number (96 bits, byte order not documented)', 'bytes', '', 1, { words: 6 }),
]);

export const ALL_REGISTERS: readonly RegisterDef[] = Object.freeze([...LIVE_REGISTERS, ...STATISTICS_REGISTERS, ...EVENT_REGISTERS, ...SETTINGS_REGISTERS, ...VERSION_REGISTERS]);

const byAddress = new Map<number, RegisterDef>();
for (const def of ALL_REGISTERS) for (let w = 0; w < def.words; w++) byAddress.set(def.address + w, def);

/** The register definition whose words include `address` (the high word of a UINT32 finds its low word's definition). */
export function registerCovering(address: number): RegisterDef | undefined {
  return byAddress.get(address);
}
