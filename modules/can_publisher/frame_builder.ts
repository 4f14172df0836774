/**
 * Builds the data of one frame from the publisher's inputs (pure). Frames that describe the battery
 * (limits, SOC, V/I/T, cells) exist only for usable data; without it this returns undefined and the
 * frame is simply not sent — a GX then stops charging and discharging within 3 s of the last 0x351.
 */
import type { CanFrame } from '../../hosts/ports/can';
import { encodeAlarmFrame } from '../can_victron/alarms';
import { viewOf, writeField } from '../can_victron/fields';
import { createCanFrame } from '../can_victron/frame';
import { CAN_ID } from '../can_victron/ids';
import { NUMERIC_LAYOUTS } from '../can_victron/layouts';
import { encodePylonProtection, encodePylonRequest } from '../can_victron/pylontech_frames';
import { TEXT_FRAME_LENGTH, encodeText } from '../can_victron/text_frames';
import type { GatewayConfig } from '../config_manager/config_types';
import type { LiveData } from '../uart_bms/live_data';
import { alarmFrameFor, flagLevels } from './alarm_flags';
import type { BankView } from './bank';
import type { ChargeDecision } from './charge_control';
import { CONVERSION_TABLE, type SourceValues } from './conversion_table';
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
  /** Several packs as one battery (bank.ts): module counts, temperature, extreme ids and alarms of the bank. */
  bank?: Pick<BankView, 'modules' | 'battery_temperature_c' | 'ids' | 'alarms'>;
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

function batteryTemperature(d: LiveData): number {
  if (d.temperatures_c.length === 0) return (d.min_temperature_c + d.max_temperature_c) / 2;
  let sum = 0;
  for (const t of d.temperatures_c) sum += t;
  return sum / d.temperatures_c.length;
}

export function sourceValues(inputs: FrameInputs): SourceValues {
  const { limits } = inputs.decision;
  const d = inputs.data;
  const usable = inputs.decision.usable && d !== undefined;
  const measured = (read: (data: LiveData) => number) => (usable ? read(d) : NaN);
  const bank = inputs.bank;
  return {
    charge_voltage_limit_v: limits.charge_voltage_limit_v,
    charge_current_limit_a: limits.charge_current_limit_a,
    discharge_current_limit_a: limits.discharge_current_limit_a,
    discharge_voltage_limit_v: limits.discharge_voltage_limit_v,
    state_of_charge_pct: measured((x) => x.state_of_charge_pct),
    state_of_health_pct: measured((x) => x.state_of_health_pct),
    pack_voltage_v: measured((x) => x.pack_voltage_v),
    pack_current_a: measured((x) => x.pack_current_a),
    battery_temperature_c: bank ? (usable ? bank.battery_temperature_c : NaN) : measured(batteryTemperature),
    battery_model_id: 0,
    firmware_major: inputs.firmware.major,
    firmware_minor: inputs.firmware.minor,
    capacity_ah: inputs.capacity_ah ?? inputs.config.charge.capacity_ah,
    modules_ok: bank ? bank.modules.online : usable ? 1 : 0,
    modules_blocking_charge: bank ? bank.modules.blocking_charge : limits.charge_allowed ? 0 : 1,
    modules_blocking_discharge: bank ? bank.modules.blocking_discharge : limits.discharge_allowed ? 0 : 1,
    modules_offline: bank ? bank.modules.offline : usable ? 0 : 1,
    min_cell_voltage_mv: measured((x) => x.min_cell_voltage_mv),
    max_cell_voltage_mv: measured((x) => x.max_cell_voltage_mv),
    min_temperature_c: measured((x) => x.min_temperature_c),
    max_temperature_c: measured((x) => x.max_temperature_c),
    charged_energy_wh: inputs.energy.charged_wh,
    discharged_energy_wh: inputs.energy.discharged_wh,
  };
}

/** Encodes a numeric frame from the conversion table. */
export function encodeFromTable(id: number, values: SourceValues, length: number): Uint8Array {
  const data = new Uint8Array(length);
  const view = viewOf(data);
  for (const entry of CONVERSION_TABLE) {
    if (entry.id === id && entry.start + entry.bytes <= length) writeField(view, entry, values[entry.source]);
  }
  return data;
}

/** 1-based position of the extreme value, as "CELL05" / "TEMP2"; undefined without a list. */
function extremeId(prefix: string, values: readonly number[], pick: 'min' | 'max', digits: number): string | undefined {
  if (values.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < values.length; i++) if (pick === 'min' ? values[i] < values[best] : values[i] > values[best]) best = i;
  return prefix + String(best + 1).padStart(digits, '0');
}

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
          ? extremeId('TEMP', data.temperatures_c, 'min', 1)
          : id === CAN_ID.MAX_TEMPERATURE_ID
            ? extremeId('TEMP', data.temperatures_c, 'max', 1)
            : undefined;
  return idText === undefined ? undefined : encodeText(idText);
}

function pylonProtection(inputs: FrameInputs): Uint8Array {
  if (!inputs.decision.usable || !inputs.data) {
    return encodePylonProtection({ protection: { system_error: true }, warning: { internal_comm_fail: true }, module_count: 1 });
  }
  const level = flagLevels(inputs.data, inputs.config);
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
    const length = (pylontech && PYLONTECH_LENGTH.get(id)) || (NUMERIC_LAYOUTS.get(id)?.length ?? 8);
    data = encodeFromTable(id, sourceValues(inputs), length);
  } else if (id === CAN_ID.ALARMS) {
    data = encodeAlarmFrame(inputs.bank ? inputs.bank.alarms : alarmFrameFor(usable ? inputs.data : undefined, inputs.config));
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
  return data === undefined ? undefined : createCanFrame(id, data);
}
