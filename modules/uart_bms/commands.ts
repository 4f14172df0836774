/**
 * TinyBMS UART command codes and their names (spec tinybms-uart.md §2). Names are the `kind`
 * of decoded requests and responses and the `command` field of the CLI output.
 */
export const START_BYTE = 0xaa;

export const CMD = Object.freeze({
  NACK: 0x00,
  ACK: 0x01,
  CONTROL: 0x02,
  READ_HOLDING: 0x03,
  READ_BLOCK: 0x07,
  READ_INDIVIDUAL: 0x09,
  WRITE_BLOCK: 0x0b,
  WRITE_INDIVIDUAL: 0x0d,
  WRITE_MULTIPLE: 0x10,
  NEWEST_EVENTS: 0x11,
  ALL_EVENTS: 0x12,
  PACK_VOLTAGE: 0x14,
  PACK_CURRENT: 0x15,
  MAX_CELL_VOLTAGE: 0x16,
  MIN_CELL_VOLTAGE: 0x17,
  ONLINE_STATUS: 0x18,
  LIFETIME_COUNTER: 0x19,
  STATE_OF_CHARGE: 0x1a,
  TEMPERATURES: 0x1b,
  CELL_VOLTAGES: 0x1c,
  SETTINGS_VALUES: 0x1d,
  VERSION: 0x1e,
  EXTENDED_VERSION: 0x1f,
  SPEED_DISTANCE_TIME: 0x20,
});

/** Request commands whose frame is only `AA CMD CRC` (4 bytes). */
export const SIMPLE_READS = Object.freeze({
  read_newest_events: CMD.NEWEST_EVENTS,
  read_all_events: CMD.ALL_EVENTS,
  read_pack_voltage: CMD.PACK_VOLTAGE,
  read_pack_current: CMD.PACK_CURRENT,
  read_max_cell_voltage: CMD.MAX_CELL_VOLTAGE,
  read_min_cell_voltage: CMD.MIN_CELL_VOLTAGE,
  read_online_status: CMD.ONLINE_STATUS,
  read_lifetime_counter: CMD.LIFETIME_COUNTER,
  read_state_of_charge: CMD.STATE_OF_CHARGE,
  read_temperatures: CMD.TEMPERATURES,
  read_cell_voltages: CMD.CELL_VOLTAGES,
  read_version: CMD.VERSION,
  read_extended_version: CMD.EXTENDED_VERSION,
  read_speed_distance_time: CMD.SPEED_DISTANCE_TIME,
});
export type SimpleReadName = keyof typeof SIMPLE_READS;

const SIMPLE_BY_CODE = new Map<number, SimpleReadName>();
for (const name of Object.keys(SIMPLE_READS) as SimpleReadName[]) SIMPLE_BY_CODE.set(SIMPLE_READS[name], name);

/** The simple read named by a command code, if it is one. */
export function simpleReadName(code: number): SimpleReadName | undefined {
  return SIMPLE_BY_CODE.get(code);
}

/** Option byte of command 0x02 (RevD §1.1.8). */
export const CONTROL_OPTIONS = Object.freeze({ clear_events: 0x01, clear_statistics: 0x02, reset_bms: 0x05 });
export type ControlOption = keyof typeof CONTROL_OPTIONS;

/** Option byte of command 0x1D (RevD §1.1.20): which set of settings values to return. */
export const SETTINGS_OPTIONS = Object.freeze({ min: 0x01, max: 0x02, default: 0x03, current: 0x04 });
export type SettingsOption = keyof typeof SETTINGS_OPTIONS;

export function optionName<T extends Record<string, number>>(table: T, code: number): keyof T | undefined {
  for (const name of Object.keys(table) as (keyof T)[]) if (table[name] === code) return name;
  return undefined;
}

const NAMES: Record<number, string> = {
  [CMD.NACK]: 'nack',
  [CMD.ACK]: 'ack',
  [CMD.CONTROL]: 'control',
  [CMD.READ_HOLDING]: 'read_holding_registers',
  [CMD.READ_BLOCK]: 'read_register_block',
  [CMD.READ_INDIVIDUAL]: 'read_individual_registers',
  [CMD.WRITE_BLOCK]: 'write_register_block',
  [CMD.WRITE_INDIVIDUAL]: 'write_individual_registers',
  [CMD.WRITE_MULTIPLE]: 'write_multiple_registers',
  [CMD.SETTINGS_VALUES]: 'read_settings_values',
};

/** Human name of a command code ("read_holding_registers"), or "0x13" for an unknown one. */
export function commandName(code: number): string {
  return NAMES[code] ?? simpleReadName(code) ?? `0x${(code & 0xff).toString(16).padStart(2, '0')}`;
}

/** Codes a request may carry (what an ACK/NACK may refer to). */
export function isRequestCommand(code: number): boolean {
  return code >= CMD.CONTROL && code !== CMD.ACK && (NAMES[code] !== undefined || simpleReadName(code) !== undefined);
}
