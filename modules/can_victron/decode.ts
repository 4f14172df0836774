/**
 * One entry point to decode any frame of the protocol into gateway field names, for the CAN
 * monitor, the status API and `tinybms-gw decode can`. Errors are values, never throws.
 */
import { decodeAlarmFrame } from './alarms';
import { canFrameProblem } from './frame';
import { CAN_ID, formatCanId } from './ids';
import { decodeIdentify, decodeKeepAlive } from './inverter_frames';
import { NUMERIC_LAYOUTS, decodeNumeric } from './layouts';
import { decodePylonProtection, decodePylonRequest } from './pylontech_frames';
import { decodeText } from './text_frames';

export interface DecodedCanFrame {
  /** "0x351" */
  id: string;
  name: string;
  fields: Record<string, unknown>;
}

export type CanDecodeResult = { ok: true; frame: DecodedCanFrame } | { ok: false; error: string };

/** Text frames: id → [frame name, field name]. */
const TEXT_FRAMES: ReadonlyMap<number, readonly [string, string]> = new Map([
  [CAN_ID.MANUFACTURER, ['manufacturer', 'manufacturer']],
  [CAN_ID.BATTERY_NAME_1, ['battery_name_1', 'battery_name_part1']],
  [CAN_ID.BATTERY_NAME_2, ['battery_name_2', 'battery_name_part2']],
  [CAN_ID.MIN_CELL_VOLTAGE_ID, ['min_cell_voltage_id', 'min_cell_voltage_id']],
  [CAN_ID.MAX_CELL_VOLTAGE_ID, ['max_cell_voltage_id', 'max_cell_voltage_id']],
  [CAN_ID.MIN_TEMPERATURE_ID, ['min_temperature_id', 'min_temperature_id']],
  [CAN_ID.MAX_TEMPERATURE_ID, ['max_temperature_id', 'max_temperature_id']],
  [CAN_ID.SERIAL_NUMBER_1, ['serial_number_1', 'serial_number_part1']],
  [CAN_ID.SERIAL_NUMBER_2, ['serial_number_2', 'serial_number_part2']],
  [CAN_ID.BATTERY_FAMILY, ['battery_family', 'battery_family']],
] as [number, readonly [string, string]][]);

function decodeFields(id: number, data: Uint8Array): { name: string; fields: Record<string, unknown> } | undefined {
  const layout = NUMERIC_LAYOUTS.get(id);
  if (layout) return { name: layout.name, fields: decodeNumeric(layout, data) };
  const text = TEXT_FRAMES.get(id);
  if (text) return { name: text[0], fields: { [text[1]]: decodeText(data) } };
  switch (id) {
    case CAN_ID.ALARMS:
      return { name: 'alarms', fields: { ...decodeAlarmFrame(data) } };
    case CAN_ID.PYLON_PROTECTION:
      return { name: 'pylon_protection', fields: { ...decodePylonProtection(data) } };
    case CAN_ID.PYLON_REQUEST:
      return { name: 'pylon_request', fields: { ...decodePylonRequest(data) } };
    case CAN_ID.INVERTER_KEEPALIVE:
      return { name: 'inverter_keepalive', fields: { ...decodeKeepAlive(data) } };
    case CAN_ID.INVERTER_IDENTIFY:
      return { name: 'inverter_identify', fields: { ...decodeIdentify(data) } };
    default:
      return undefined;
  }
}

export function decodeCanFrame(id: number, data: Uint8Array): CanDecodeResult {
  const problem = canFrameProblem(id, data);
  if (problem) return { ok: false, error: problem };
  const decoded = decodeFields(id, data);
  if (!decoded) return { ok: false, error: `CAN id ${formatCanId(id)} is not part of the Victron/Pylontech BMS protocol` };
  return { ok: true, frame: { id: formatCanId(id), name: decoded.name, fields: decoded.fields } };
}
