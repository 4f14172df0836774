/**
 * 0x35A alarms and warnings, two bits per flag (victron-can.md §3). As the number
 * `(byte >> shift) & 3`: 0 = not supported, 1 = ACTIVE, 2 = OK, 3 = not supported.
 * (The C firmware had 1 and 2 the other way round, which a GX reads as "alarm = OK".)
 */
export type FlagState = 'unsupported' | 'active' | 'ok';

export const ALARM_FLAG_NAMES = Object.freeze([
  'general',
  'high_voltage',
  'low_voltage',
  'high_temperature',
  'low_temperature',
  'high_temp_charge',
  'low_temp_charge',
  'high_current',
  'high_charge_current',
  'contactor',
  'short_circuit',
  'bms_internal',
  'cell_imbalance',
] as const);

export type AlarmFlagName = (typeof ALARM_FLAG_NAMES)[number];
export type AlarmFlagSet = Partial<Record<AlarmFlagName, FlagState>>;

export interface AlarmFrame {
  alarms: AlarmFlagSet;
  warnings: AlarmFlagSet;
  /** Byte 7 bits 2–3 (Venus ≥ 2.40); its meaning is not established, so it is usually left unsupported. */
  system_status?: FlagState;
}

export interface DecodedAlarmFrame {
  alarms: Record<AlarmFlagName, FlagState>;
  warnings: Record<AlarmFlagName, FlagState>;
  system_status: FlagState;
}

/** Flag i sits in byte ⌊i/4⌋ at bit 2·(i mod 4); warnings are the same layout 4 bytes later. */
const WARNING_BYTE_OFFSET = 4;
const SYSTEM_STATUS = { byte: 7, shift: 2 };

const CODE_OF: Readonly<Record<FlagState, number>> = Object.freeze({ unsupported: 0, active: 1, ok: 2 });

export function flagStateOf(code: number): FlagState {
  if (code === 1) return 'active';
  if (code === 2) return 'ok';
  return 'unsupported';
}

function position(index: number): { byte: number; shift: number } {
  return { byte: index >> 2, shift: (index & 3) * 2 };
}

function put(data: Uint8Array, byte: number, shift: number, state: FlagState | undefined): void {
  data[byte] |= CODE_OF[state ?? 'unsupported'] << shift;
}

function take(data: Uint8Array, byte: number, shift: number): FlagState {
  return byte < data.length ? flagStateOf((data[byte] >> shift) & 3) : 'unsupported';
}

export function encodeAlarmFrame(frame: AlarmFrame): Uint8Array {
  const data = new Uint8Array(8);
  // Sent every second: a plain loop, no position object per flag.
  const { alarms, warnings } = frame;
  for (let index = 0; index < ALARM_FLAG_NAMES.length; index++) {
    const name = ALARM_FLAG_NAMES[index];
    const byte = index >> 2;
    const shift = (index & 3) * 2;
    const alarm = alarms[name];
    const warning = warnings[name];
    // Absent = not supported = 0: nothing to set.
    if (alarm !== undefined) data[byte] |= CODE_OF[alarm] << shift;
    if (warning !== undefined) data[byte + WARNING_BYTE_OFFSET] |= CODE_OF[warning] << shift;
  }
  put(data, SYSTEM_STATUS.byte, SYSTEM_STATUS.shift, frame.system_status);
  return data;
}

export function decodeAlarmFrame(data: Uint8Array): DecodedAlarmFrame {
  const alarms = {} as Record<AlarmFlagName, FlagState>;
  const warnings = {} as Record<AlarmFlagName, FlagState>;
  ALARM_FLAG_NAMES.forEach((name, index) => {
    const { byte, shift } = position(index);
    alarms[name] = take(data, byte, shift);
    warnings[name] = take(data, byte + WARNING_BYTE_OFFSET, shift);
  });
  return { alarms, warnings, system_status: take(data, SYSTEM_STATUS.byte, SYSTEM_STATUS.shift) };
}
