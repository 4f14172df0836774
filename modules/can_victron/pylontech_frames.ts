/**
 * Pylontech LV frames (victron-can.md §7, protocol v1.2): 0x359 protection/warning bits with the
 * module count and the 'P' 'N' tag (7 bytes), and 0x35C charge/discharge requests (2 bytes).
 */
type BitTable<N extends string> = readonly (readonly [N, number, number])[];

export type PylonProtectionName =
  | 'over_voltage'
  | 'under_voltage'
  | 'over_temperature'
  | 'under_temperature'
  | 'discharge_over_current'
  | 'charge_over_current'
  | 'system_error';

export type PylonWarningName =
  | 'high_voltage'
  | 'low_voltage'
  | 'high_temperature'
  | 'low_temperature'
  | 'discharge_high_current'
  | 'charge_high_current'
  | 'internal_comm_fail';

/** [name, byte, bit]; charge over-current is byte 1 bit 0 as in the Pylontech document. */
const PROTECTION_BITS: BitTable<PylonProtectionName> = Object.freeze([
  ['over_voltage', 0, 1],
  ['under_voltage', 0, 2],
  ['over_temperature', 0, 3],
  ['under_temperature', 0, 4],
  ['discharge_over_current', 0, 7],
  ['charge_over_current', 1, 0],
  ['system_error', 1, 3],
] as const);

const WARNING_BITS: BitTable<PylonWarningName> = Object.freeze([
  ['high_voltage', 2, 1],
  ['low_voltage', 2, 2],
  ['high_temperature', 2, 3],
  ['low_temperature', 2, 4],
  ['discharge_high_current', 2, 7],
  ['charge_high_current', 3, 0],
  ['internal_comm_fail', 3, 3],
] as const);

const MODULE_COUNT_BYTE = 4;
const TAG = [0x50, 0x4e]; // 'P', 'N'
const PROTECTION_FRAME_LENGTH = 7;

export interface PylonProtectionFrame {
  protection: Partial<Record<PylonProtectionName, boolean>>;
  warning: Partial<Record<PylonWarningName, boolean>>;
  module_count: number;
}

export interface DecodedPylonProtectionFrame {
  protection: Record<PylonProtectionName, boolean>;
  warning: Record<PylonWarningName, boolean>;
  module_count: number;
  tag: string;
}

export type PylonRequestName = 'charge_enable' | 'discharge_enable' | 'force_charge_request_1' | 'force_charge_request_2' | 'full_charge_request';
export type PylonRequestFrame = Record<PylonRequestName, boolean>;

const REQUEST_BITS: BitTable<PylonRequestName> = Object.freeze([
  ['charge_enable', 0, 7],
  ['discharge_enable', 0, 6],
  ['force_charge_request_1', 0, 5],
  ['force_charge_request_2', 0, 4],
  ['full_charge_request', 0, 3],
] as const);

function setBits<N extends string>(data: Uint8Array, table: BitTable<N>, flags: Partial<Record<N, boolean>>): void {
  for (const [name, byte, bit] of table) if (flags[name]) data[byte] |= 1 << bit;
}

function getBits<N extends string>(data: Uint8Array, table: BitTable<N>): Record<N, boolean> {
  const out = {} as Record<N, boolean>;
  for (const [name, byte, bit] of table) out[name] = byte < data.length && (data[byte] & (1 << bit)) !== 0;
  return out;
}

export function encodePylonProtection(frame: PylonProtectionFrame): Uint8Array {
  const data = new Uint8Array(PROTECTION_FRAME_LENGTH);
  setBits(data, PROTECTION_BITS, frame.protection);
  setBits(data, WARNING_BITS, frame.warning);
  data[MODULE_COUNT_BYTE] = Math.min(255, Math.max(0, Math.round(frame.module_count)));
  data.set(TAG, MODULE_COUNT_BYTE + 1);
  return data;
}

export function decodePylonProtection(data: Uint8Array): DecodedPylonProtectionFrame {
  const tag = data.length >= 7 ? String.fromCharCode(data[5], data[6]) : '';
  return {
    protection: getBits(data, PROTECTION_BITS),
    warning: getBits(data, WARNING_BITS),
    module_count: data.length > MODULE_COUNT_BYTE ? data[MODULE_COUNT_BYTE] : 0,
    tag,
  };
}

export function encodePylonRequest(frame: Partial<PylonRequestFrame>): Uint8Array {
  const data = new Uint8Array(2);
  setBits(data, REQUEST_BITS, frame);
  return data;
}

export function decodePylonRequest(data: Uint8Array): PylonRequestFrame {
  return getBits(data, REQUEST_BITS);
}
