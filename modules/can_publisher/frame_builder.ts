/**
 * Builds the data of one frame from the publisher's inputs (pure). Frames that describe the battery
 * (limits, SOC, V/I/T, cells) exist only for usable data; without it this returns undefined and the
 * frame is simply not sent — a GX then stops charging and discharging within 3 s of the last 0x351.
 */
import type { CanFrame } from '../../hosts/ports/can';
import { encodeAlarmFrame } from '../can_victron/alarms';
import { writeField } from '../can_victron/fields';
import { checkedCanFrame } from '../can_victron/frame';
import { CAN_ID } from '../can_victron/ids';
import { NUMERIC_LAYOUTS } from '../can_victron/layouts';
import { encodePylonProtection, encodePylonRequest } from '../can_victron/pylontech_frames';
import { TEXT_FRAME_LENGTH, encodeText } from '../can_victron/text_frames';
import type { GatewayConfig } from '../config_manager/config_types';
import type { LiveData } from '../uart_bms/live_data';
import { alarmFrameFor } from './alarm_flags';
import type { BankView } from './bank';
import type { ChargeDecision } from './charge_control';
import { CONVERSION_TABLE, type ConversionEntry, type SourceValues, TABLE_FRAME_IDS } from './conversion_table';
import type { EnergyTotals } from './energy_counter';

export interface FrameInputs {
  config: GatewayConfig;
  /** The snapshot the decision was computed from; undefined when there was no usable data. */
  data: LiveData | undefined;
  decision: ChargeDecision;
  energy: EnergyTotals;
  firmware: { major: number; minor: number };
  /** Installed capacity for 0x35F/0x379 (the BMS's own when known); charge.capacity_ah when absent. */
  capacity_ah?: number;
  /** The BMS serial for 0x380/0x381 (serialText of registers 504–509); neither frame is sent without it. */
  serial_number?: string;
  /** Several packs as one battery (bank.ts): module counts, temperature and extreme ids of the bank (its flags are in the decision). */
  bank?: Pick<BankView, 'modules' | 'battery_temperature_c' | 'ids'>;
  /** sourceValues(these inputs), when the caller made them once for all the frames of a cycle. */
  values?: SourceValues;
}

/** Frames that carry battery measurements or limits: never built from unusable data. */
const DATA_FRAMES: ReadonlySet<number> = new Set([
  CAN_ID.LIMITS,
  CAN_ID.SOC_SOH,
  CAN_ID.VOLTAGE_CURRENT_TEMPERATURE,
  CAN_ID.CELL_EXTREMES,
  CAN_ID.MIN_CELL_VOLTAGE_ID,
  CAN_ID.MAX_CELL_VOLTAGE_ID,
  CAN_ID.MIN_TEMPERATURE_ID,
  CAN_ID.MAX_TEMPERATURE_ID,
]);

/** Pylontech v1.2 data lengths (victron-can.md §7); Victron frames are 8 bytes. */
const PYLONTECH_LENGTH: ReadonlyMap<number, number> = new Map([
  [CAN_ID.SOC_SOH, 4],
  [CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, 6],
]);

/** 0x356 battery temperature: the warmest cell sensor (never the board sensor); NaN without one. */
function batteryTemperature(d: LiveData): number {
  return d.temp_sensor_count > 0 ? d.max_temperature_c : NaN;
}

/** The conversion table's rows of each frame, in table order (built once, read only). */
const TABLE_BY_ID: ReadonlyMap<number, readonly ConversionEntry[]> = new Map(
  TABLE_FRAME_IDS.map((id) => [id, Object.freeze(CONVERSION_TABLE.filter((entry) => entry.id === id))]),
);
const NO_ENTRIES: readonly ConversionEntry[] = Object.freeze([]);

/** 0x373 fields Victron allows to mark "not supported" (0xFFFF) instead of a value. */
const MAY_BE_UNSUPPORTED: ReadonlySet<string> = new Set(['min_temperature_c', 'max_temperature_c']);

export function sourceValues(inputs: FrameInputs): SourceValues {
  const { limits } = inputs.decision;
  const d = inputs.data;
  const bank = inputs.bank;
  // Measurements only from usable data (NaN otherwise); plain reads, no closure per value.
  const m = inputs.decision.usable && d !== undefined ? d : undefined;
  return {
    charge_voltage_limit_v: limits.charge_voltage_limit_v,
    charge_current_limit_a: limits.charge_current_limit_a,
    discharge_current_limit_a: limits.discharge_current_limit_a,
    discharge_voltage_limit_v: limits.discharge_voltage_limit_v,
    state_of_charge_pct: m ? m.state_of_charge_pct : NaN,
    state_of_health_pct: m ? m.state_of_health_pct : NaN,
    pack_voltage_v: m ? m.pack_voltage_v : NaN,
    pack_current_a: m ? m.pack_current_a : NaN,
    battery_temperature_c: bank ? (m ? bank.battery_temperature_c : NaN) : m ? batteryTemperature(m) : NaN,
    battery_model_id: 0,
    firmware_major: inputs.firmware.major,
    firmware_minor: inputs.firmware.minor,
    capacity_ah: inputs.capacity_ah ?? inputs.config.charge.capacity_ah,
    modules_ok: bank ? bank.modules.online : m ? 1 : 0,
    modules_blocking_charge: bank ? bank.modules.blocking_charge : limits.charge_allowed ? 0 : 1,
    modules_blocking_discharge: bank ? bank.modules.blocking_discharge : limits.discharge_allowed ? 0 : 1,
    modules_offline: bank ? bank.modules.offline : m ? 0 : 1,
    min_cell_voltage_mv: m ? m.min_cell_voltage_mv : NaN,
    max_cell_voltage_mv: m ? m.max_cell_voltage_mv : NaN,
    min_temperature_c: m ? m.min_temperature_c : NaN,
    max_temperature_c: m ? m.max_temperature_c : NaN,
    charged_energy_wh: inputs.energy.charged_wh,
    discharged_energy_wh: inputs.energy.discharged_wh,
  };
}

/** Encodes a numeric frame from the conversion table. */
export function encodeFromTable(id: number, values: SourceValues, length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (const entry of TABLE_BY_ID.get(id) ?? NO_ENTRIES) {
    if (entry.start + entry.bytes > length) continue;
    const value = values[entry.source];
    if (Number.isNaN(value) && MAY_BE_UNSUPPORTED.has(entry.source)) data.fill(0xff, entry.start, entry.start + entry.bytes);
    else writeField(data, entry, value);
  }
  return data;
}

/**
 * 1-based position of the extreme value, as "CELL05" / "TEMP2"; undefined without a value. Absent
 * entries (null: a sensor that dropped out) keep their place, so the other sensor keeps its id.
 */
function extremeId(prefix: string, values: readonly (number | null)[], pick: 'min' | 'max', digits: number): string | undefined {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) continue;
    const current = best < 0 ? null : values[best];
    if (current === null || (pick === 'min' ? v < current : v > current)) best = i;
  }
  return best < 0 ? undefined : prefix + String(best + 1).padStart(digits, '0');
}

/** 0x380 + 0x381: the serial's 16 characters, 0x381 all zero when it has 8 or fewer (victron-can.md §2). */
function serialFrame(id: number, serial: string | undefined): Uint8Array | undefined {
  if (!serial) return undefined;
  return id === CAN_ID.SERIAL_NUMBER_1 ? encodeText(serial.slice(0, TEXT_FRAME_LENGTH)) : encodeText(serial.slice(TEXT_FRAME_LENGTH, 2 * TEXT_FRAME_LENGTH));
}

/** Cell sensors by position (older snapshots without positions: the connected ones in order). */
const cellSensors = (d: LiveData): readonly (number | null)[] => d.cell_temperatures_c ?? d.temperatures_c;

function textFrame(id: number, inputs: FrameInputs): Uint8Array | undefined {
  const { config, data } = inputs;
  const name = config.can.battery_name;
  switch (id) {
    case CAN_ID.MANUFACTURER:
      return config.can.protocol === 'pylontech' ? encodeText('PYLON', 0x20) : encodeText(config.can.manufacturer);
    // Names of up to 8 characters go in 0x35E alone (victron-can.md §2).
    case CAN_ID.BATTERY_NAME_1:
      return name.length > TEXT_FRAME_LENGTH ? encodeText(name.slice(0, TEXT_FRAME_LENGTH)) : undefined;
    case CAN_ID.BATTERY_NAME_2:
      return name.length > TEXT_FRAME_LENGTH ? encodeText(name.slice(TEXT_FRAME_LENGTH)) : undefined;
    case CAN_ID.SERIAL_NUMBER_1:
    case CAN_ID.SERIAL_NUMBER_2:
      return serialFrame(id, inputs.serial_number);
  }
  if (!data) return undefined;
  const ids = inputs.bank?.ids;
  if (ids) {
    const bankId = { [CAN_ID.MIN_CELL_VOLTAGE_ID]: ids.min_cell, [CAN_ID.MAX_CELL_VOLTAGE_ID]: ids.max_cell, [CAN_ID.MIN_TEMPERATURE_ID]: ids.min_temperature, [CAN_ID.MAX_TEMPERATURE_ID]: ids.max_temperature }[id];
    return bankId ? encodeText(bankId) : undefined;
  }
  const idText =
    id === CAN_ID.MIN_CELL_VOLTAGE_ID
      ? extremeId('CELL', data.cell_voltage_mv, 'min', 2)
      : id === CAN_ID.MAX_CELL_VOLTAGE_ID
        ? extremeId('CELL', data.cell_voltage_mv, 'max', 2)
        : id === CAN_ID.MIN_TEMPERATURE_ID
          ? extremeId('TEMP', cellSensors(data), 'min', 1)
          : id === CAN_ID.MAX_TEMPERATURE_ID
            ? extremeId('TEMP', cellSensors(data), 'max', 1)
            : undefined;
  return idText === undefined ? undefined : encodeText(idText);
}

function pylonProtection(inputs: FrameInputs): Uint8Array {
  if (!inputs.decision.usable || !inputs.data) {
    return encodePylonProtection({ protection: { system_error: true }, warning: { internal_comm_fail: true }, module_count: 1 });
  }
  const level = inputs.decision.flags;
  const alarm = (...flags: (keyof typeof level)[]) => flags.some((f) => level[f] === 'alarm');
  const warn = (...flags: (keyof typeof level)[]) => flags.some((f) => level[f] !== undefined && level[f] !== 'ok');
  return encodePylonProtection({
    protection: {
      over_voltage: alarm('high_voltage'),
      under_voltage: alarm('low_voltage'),
      over_temperature: alarm('high_temperature', 'high_temp_charge'),
      under_temperature: alarm('low_temperature', 'low_temp_charge'),
      discharge_over_current: alarm('high_current'),
      charge_over_current: alarm('high_charge_current'),
      system_error: alarm('bms_internal'),
    },
    warning: {
      high_voltage: warn('high_voltage'),
      low_voltage: warn('low_voltage'),
      high_temperature: warn('high_temperature', 'high_temp_charge'),
      low_temperature: warn('low_temperature', 'low_temp_charge'),
      discharge_high_current: warn('high_current'),
      charge_high_current: warn('high_charge_current'),
    },
    module_count: 1,
  });
}

/** The frame `id` for these inputs, or undefined when it must not (or cannot) be sent now. */
export function buildFrame(id: number, inputs: FrameInputs): CanFrame | undefined {
  const usable = inputs.decision.usable && inputs.data !== undefined;
  if (DATA_FRAMES.has(id) && !usable) return undefined;
  const pylontech = inputs.config.can.protocol === 'pylontech';
  let data: Uint8Array | undefined;
  if (NUMERIC_LAYOUTS.has(id)) {
    const values = inputs.values ?? sourceValues(inputs);
    let length = (pylontech && PYLONTECH_LENGTH.get(id)) || (NUMERIC_LAYOUTS.get(id)?.length ?? 8);
    // No cell temperature known: 0x356 without its temperature field rather than a made-up value.
    if (id === CAN_ID.VOLTAGE_CURRENT_TEMPERATURE && Number.isNaN(values.battery_temperature_c)) length = 4;
    data = encodeFromTable(id, values, length);
  } else if (id === CAN_ID.ALARMS) {
    data = encodeAlarmFrame(alarmFrameFor(usable ? inputs.decision.flags : undefined));
  } else if (id === CAN_ID.PYLON_PROTECTION) {
    data = pylonProtection(inputs);
  } else if (id === CAN_ID.PYLON_REQUEST) {
    const { limits } = inputs.decision;
    data = encodePylonRequest({
      charge_enable: limits.charge_allowed,
      discharge_enable: limits.discharge_allowed,
      force_charge_request_1: inputs.decision.force_charge_request,
    });
  } else {
    data = textFrame(id, inputs);
  }
  // `data` is this call's own new array: checked, not copied again.
  return data === undefined ? undefined : checkedCanFrame(id, data);
}
