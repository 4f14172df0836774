/**
 * CAN identifiers of the Victron "CAN-bus BMS" protocol and its Pylontech LV variant
 * (../shared/spec/victron-can.md §2, §7). All are 11-bit standard identifiers.
 */
export const CAN_ID = Object.freeze({
  /** GX → BMS keep-alive, every second. The BMS must never transmit it. */
  INVERTER_KEEPALIVE: 0x305,
  /** GX → BMS identification: 12 34 56 78 'V' 'I' 'C' 00. */
  INVERTER_IDENTIFY: 0x307,
  LIMITS: 0x351,
  SOC_SOH: 0x355,
  VOLTAGE_CURRENT_TEMPERATURE: 0x356,
  PYLON_PROTECTION: 0x359,
  ALARMS: 0x35a,
  PYLON_REQUEST: 0x35c,
  MANUFACTURER: 0x35e,
  BATTERY_INFO: 0x35f,
  BATTERY_NAME_1: 0x370,
  BATTERY_NAME_2: 0x371,
  MODULES: 0x372,
  CELL_EXTREMES: 0x373,
  MIN_CELL_VOLTAGE_ID: 0x374,
  MAX_CELL_VOLTAGE_ID: 0x375,
  MIN_TEMPERATURE_ID: 0x376,
  MAX_TEMPERATURE_ID: 0x377,
  ENERGY: 0x378,
  INSTALLED_CAPACITY: 0x379,
  SERIAL_NUMBER_1: 0x380,
  SERIAL_NUMBER_2: 0x381,
  BATTERY_FAMILY: 0x382,
});

export const MAX_STANDARD_ID = 0x7ff;
export const MAX_DATA_LENGTH = 8;

/** "0x351": the spelling used by the API, the CAN monitor and the CLI. */
export function formatCanId(id: number): string {
  return '0x' + id.toString(16).toUpperCase().padStart(3, '0');
}
