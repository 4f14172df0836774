/**
 * When each frame goes out (victron-can.md §4): a 1 s cycle with 0x351 and 0x35A in every cycle
 * (a GX stops charging after 3 s without 0x351), the identity and counter frames every 10 s.
 * Groups are offset within the cycle so no burst exceeds the driver's TX queue of 10.
 */
import { CAN_ID } from '../can_victron/ids';
import type { CanProtocol } from '../config_manager/config_types';

export const CYCLE_MS = 1000;

export interface FrameGroup {
  readonly name: string;
  readonly every_cycles: number;
  readonly offset_ms: number;
  readonly ids: readonly number[];
}

const group = (name: string, every_cycles: number, offset_ms: number, ids: number[]): FrameGroup => Object.freeze({ name, every_cycles, offset_ms, ids: Object.freeze(ids) });

export const SCHEDULES: Readonly<Record<CanProtocol, readonly FrameGroup[]>> = Object.freeze({
  victron: Object.freeze([
    group('fast', 1, 0, [CAN_ID.LIMITS, CAN_ID.ALARMS, CAN_ID.SOC_SOH, CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, CAN_ID.MODULES, CAN_ID.CELL_EXTREMES]),
    group('cells', 10, 250, [CAN_ID.MIN_CELL_VOLTAGE_ID, CAN_ID.MAX_CELL_VOLTAGE_ID, CAN_ID.MIN_TEMPERATURE_ID, CAN_ID.MAX_TEMPERATURE_ID, CAN_ID.ENERGY]),
    group('identity', 10, 500, [CAN_ID.MANUFACTURER, CAN_ID.BATTERY_INFO, CAN_ID.BATTERY_NAME_1, CAN_ID.BATTERY_NAME_2, CAN_ID.INSTALLED_CAPACITY, CAN_ID.SERIAL_NUMBER_1, CAN_ID.SERIAL_NUMBER_2]),
  ]),
  // Pylontech LV v1.2: every frame every second (victron-can.md §7).
  pylontech: Object.freeze([
    group('fast', 1, 0, [CAN_ID.LIMITS, CAN_ID.SOC_SOH, CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, CAN_ID.PYLON_PROTECTION, CAN_ID.PYLON_REQUEST, CAN_ID.MANUFACTURER]),
  ]),
});

/** Every id of a protocol's frame set, in schedule order (for `encode victron`). */
export function frameSet(protocol: CanProtocol): number[] {
  return SCHEDULES[protocol].flatMap((g) => g.ids);
}
