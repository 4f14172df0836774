/**
 * The TinyBMS settings registers 300–343 as data (spec tinybms-uart.md §4, RevD chapter 3): what
 * the gateway validates writes against and the register editor shows. Ranges and options are raw
 * register values; `scale` turns a raw value into `unit` (value = raw × scale). The rest of the
 * map (live data, statistics, events, versions) is register_catalog.ts, which only the CLI and the
 * frame monitors use: the device never describes those registers (issue 13, bundle size).
 */
export type RegisterGroup = 'live' | 'statistics' | 'events' | 'settings' | 'version';
/**
 * uint16/int16/uint32/float32: plain numbers. bits: a bit field. enum: one of `options`.
 * byte_pair: low and high byte carry separate values. event: timestamp + event ID (2 words).
 * bytes: raw bytes (the 96-bit serial number).
 */
export type RegisterType = 'uint16' | 'int16' | 'uint32' | 'float32' | 'bits' | 'enum' | 'byte_pair' | 'event' | 'bytes';

export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

export interface RegisterDef {
  readonly address: number;
  readonly words: number;
  /** snake_case with the unit suffix, as in the public API. */
  readonly key: string;
  readonly label: string;
  readonly group: RegisterGroup;
  readonly type: RegisterType;
  readonly unit: string;
  readonly scale: number;
  readonly writable: boolean;
  /** Allowed raw values (signed for int16; the whole value for uint32). */
  readonly range?: ValueRange;
  /** Allowed raw values with their meaning (enum registers). */
  readonly options?: Readonly<Record<number, string>>;
  /** byte_pair registers: what each byte holds and its allowed values. */
  readonly lowByte?: ByteField;
  readonly highByte?: ByteField;
}

export interface ByteField {
  readonly label: string;
  readonly range?: ValueRange;
  readonly options?: Readonly<Record<number, string>>;
}

type Extra = Partial<Pick<RegisterDef, 'range' | 'options' | 'lowByte' | 'highByte' | 'words'>>;

export function reg(group: RegisterGroup, writable: boolean) {
  return (address: number, key: string, label: string, type: RegisterType, unit = '', scale = 1, extra: Extra = {}): RegisterDef =>
    Object.freeze({ address, words: type === 'uint32' || type === 'float32' || type === 'event' ? 2 : 1, key, label, group, type, unit, scale, writable, ...extra });
}

const setting = reg('settings', true);

export const range = (min: number, max: number): ValueRange => Object.freeze({ min, max });
export const options = (entries: Record<number, string>) => Object.freeze(entries);

export const ONLINE_STATUS_CODES = options({ 0x91: 'charging', 0x92: 'fully_charged', 0x93: 'discharging', 0x96: 'regeneration', 0x97: 'idle', 0x9b: 'fault' });

const SWITCH_TYPES = options({ 0: 'FET', 1: 'AIDO1', 2: 'AIDO2', 3: 'DIDO1', 4: 'DIDO2', 5: 'AIHO1 active low', 6: 'AIHO1 active high', 7: 'AIHO2 active low', 8: 'AIHO2 active high' });

export const SETTINGS_REGISTERS: readonly RegisterDef[] = Object.freeze([
  setting(300, 'fully_charged_voltage_mv', 'Fully charged voltage (per cell)', 'uint16', 'mV', 1, { range: range(1200, 4500) }),
  setting(301, 'fully_discharged_voltage_mv', 'Fully discharged voltage (per cell)', 'uint16', 'mV', 1, { range: range(1000, 3500) }),
  setting(303, 'early_balancing_threshold_mv', 'Early balancing threshold', 'uint16', 'mV', 1, { range: range(1000, 4500) }),
  // RevD: the BMS narrows 304/317/318 to the fitted current sensor; these are the widest limits.
  setting(304, 'charge_finished_current_ma', 'Charge finished current', 'uint16', 'mA', 1, { range: range(100, 5000) }),
  // RevD gives no range for 305.
  setting(305, 'peak_discharge_current_cutoff_a', 'Peak discharge current cutoff', 'uint16', 'A', 1, { range: range(0, 65535) }),
  setting(306, 'battery_capacity_ah', 'Battery capacity', 'uint16', 'Ah', 0.01, { range: range(10, 65500) }),
  setting(307, 'series_cell_count', 'Number of series cells', 'uint16', 'cells', 1, { range: range(4, 16) }),
  setting(308, 'allowed_disbalance_mv', 'Allowed disbalance', 'uint16', 'mV', 1, { range: range(15, 100) }),
  setting(310, 'charger_startup_delay_s', 'Charger startup delay', 'uint16', 's', 1, { range: range(5, 60) }),
  setting(311, 'charger_disable_delay_s', 'Charger disable delay', 'uint16', 's', 1, { range: range(0, 60) }),
  setting(312, 'pulses_per_unit', 'Speed sensor pulses per distance unit', 'uint32', 'pulses', 1, { range: range(1, 100000) }),
  setting(314, 'distance_unit', 'Distance unit name', 'enum', '', 1, { options: options({ 1: 'meter', 2: 'kilometer', 3: 'feet', 4: 'mile', 5: 'yard' }) }),
  setting(315, 'overvoltage_cutoff_mv', 'Over-voltage cutoff (per cell)', 'uint16', 'mV', 1, { range: range(1200, 4500) }),
  setting(316, 'undervoltage_cutoff_mv', 'Under-voltage cutoff (per cell)', 'uint16', 'mV', 1, { range: range(800, 3500) }),
  setting(317, 'discharge_overcurrent_cutoff_a', 'Discharge over-current cutoff', 'uint16', 'A', 1, { range: range(1, 750) }),
  setting(318, 'charge_overcurrent_cutoff_a', 'Charge over-current cutoff', 'uint16', 'A', 1, { range: range(1, 750) }),
  setting(319, 'overheat_cutoff_c', 'Over-heat cutoff', 'int16', '°C', 1, { range: range(20, 90) }),
  setting(320, 'low_temp_charge_cutoff_c', 'Low temperature charger cutoff', 'int16', '°C', 1, { range: range(-40, 10) }),
  setting(321, 'charge_restart_level_pct', 'Charge restart level', 'uint16', '%', 1, { range: range(60, 95) }),
  setting(322, 'battery_max_cycles', 'Battery maximum cycles count', 'uint16', 'cycles', 1, { range: range(10, 65000) }),
  // RevD: reads 0xFFFF once the BMS has taken the written value in; writes stay within 0–50000.
  setting(323, 'state_of_health_setting_pct', 'State of health (setting)', 'uint16', '%', 0.002, { range: range(0, 50000) }),
  setting(328, 'state_of_charge_setting_pct', 'State of charge (setting)', 'uint16', '%', 0.002, { range: range(0, 50000) }),
  setting(329, 'current_sensor_flags', 'bit 0 invert external current sensor, bit 1 disable switch diagnostics, bit 2 enable charge restart level', 'bits', '', 1, { range: range(0, 7) }),
  setting(330, 'charger_type_and_oc_timeout', 'Charger type (low byte), discharge over-current cutoff timeout s (high byte)', 'byte_pair', '', 1, {
    lowByte: { label: 'charger type', options: options({ 0: 'variable (reserved)', 1: 'CC/CV', 2: 'CAN (reserved)' }) },
    highByte: { label: 'discharge over-current cutoff timeout (s)', range: range(0, 30) },
  }),
  setting(331, 'load_switch_type', 'Load switch type', 'enum', '', 1, { options: SWITCH_TYPES }),
  setting(332, 'automatic_recovery_s', 'Automatic recovery', 'uint16', 's', 1, { range: range(1, 30) }),
  setting(333, 'charger_switch_type', 'Charger switch type', 'enum', '', 1, {
    options: options({ 1: 'charge FET', 2: 'AIDO1', 3: 'AIDO2', 4: 'DIDO1', 5: 'DIDO2', 6: 'AIHO1 active low', 7: 'AIHO1 active high', 8: 'AIHO2 active low', 9: 'AIHO2 active high' }),
  }),
  setting(334, 'ignition_source', 'Ignition', 'enum', '', 1, { options: options({ 0: 'disabled', 1: 'AIDO1', 2: 'AIDO2', 3: 'DIDO1', 4: 'DIDO2', 5: 'AIHO1', 6: 'AIHO2' }) }),
  setting(335, 'charger_detection_source', 'Charger detection', 'enum', '', 1, { options: options({ 1: 'internal', 2: 'AIDO1', 3: 'AIDO2', 4: 'DIDO1', 5: 'DIDO2', 6: 'AIHO1', 7: 'AIHO2' }) }),
  setting(336, 'speed_sensor_input', 'Speed sensor input', 'enum', '', 1, { options: options({ 0: 'disabled', 1: 'DIDO1', 2: 'DIDO2' }) }),
  // RevD lists 0x10 for "AIHO2 active high", probably a typo for 0x0A; both are accepted.
  setting(337, 'precharge_pin', 'Precharge pin', 'enum', '', 1, {
    options: options({ 0: 'disabled', 2: 'discharge FET', 3: 'AIDO1', 4: 'AIDO2', 5: 'DIDO1', 6: 'DIDO2', 7: 'AIHO1 active low', 8: 'AIHO1 active high', 9: 'AIHO2 active low', 10: 'AIHO2 active high', 16: 'AIHO2 active high (RevD code)' }),
  }),
  setting(338, 'precharge_duration', 'Precharge duration', 'enum', '', 1, { options: options({ 0: '0.1 s', 1: '0.2 s', 2: '0.5 s', 3: '1 s', 4: '2 s', 5: '3 s', 6: '4 s', 7: '5 s' }) }),
  setting(339, 'temperature_sensor_type', 'Temperature sensor type', 'enum', '', 1, { options: options({ 0: 'dual 10K NTC', 1: 'multipoint active sensor' }) }),
  setting(340, 'operation_mode', 'BMS operation mode', 'enum', '', 1, { options: options({ 0: 'dual port', 1: 'single port' }) }),
  setting(341, 'single_port_switch_type', 'Single-port switch type', 'enum', '', 1, { options: SWITCH_TYPES }),
  setting(342, 'broadcast_time', 'Broadcast time', 'enum', '', 1, { options: options({ 0: 'disabled', 1: '0.1 s', 2: '0.2 s', 3: '0.5 s', 4: '1 s', 5: '2 s', 6: '5 s', 7: '10 s' }) }),
  setting(343, 'communication_protocol', 'Protocol', 'enum', '', 1, { options: options({ 0: 'CA V3', 1: 'ASCII', 2: 'SOC BAR' }) }),
]);

/** Registers 0–55: everything live data needs, in one Modbus read. */
export const LIVE_COUNT = 56;
export const SETTINGS_FIRST = 300;
export const SETTINGS_LAST = 343;
export const VERSION_FIRST = 500;
export const VERSION_COUNT = 10;

const settingByAddress = new Map<number, RegisterDef>();
for (const def of SETTINGS_REGISTERS) for (let w = 0; w < def.words; w++) settingByAddress.set(def.address + w, def);

/** The setting whose words include `address` (the high word of a UINT32 finds its low word's definition). */
export function settingCovering(address: number): RegisterDef | undefined {
  return settingByAddress.get(address);
}

/** The writable setting that starts at `address`, if any. */
export function settingAt(address: number): RegisterDef | undefined {
  const def = settingByAddress.get(address);
  return def && def.writable && def.address === address ? def : undefined;
}
