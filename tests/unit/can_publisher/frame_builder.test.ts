/**
 * Frame building from live data, charge decision and energy (pure): the conversion table, the
 * 0x35A flag thresholds, what is (not) sent without usable data, names, and the Pylontech set.
 */
import { computeChargeLimits } from '../../../modules/can_publisher/charge_control';
import { initialChargeState } from '../../../modules/can_publisher/charge_state';
import { CONVERSION_TABLE } from '../../../modules/can_publisher/conversion_table';
import { buildFrame, type FrameInputs } from '../../../modules/can_publisher/frame_builder';
import { chargeSettingsFrom } from '../../../modules/can_publisher/publisher';
import { SCHEDULES, frameSet } from '../../../modules/can_publisher/schedule';
import { decodeAlarmFrame } from '../../../modules/can_victron/alarms';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { encodeLimits } from '../../../modules/can_victron/encode';
import { CAN_ID } from '../../../modules/can_victron/ids';
import { NUMERIC_LAYOUTS } from '../../../modules/can_victron/layouts';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import { deepMerge } from '../../../modules/config_manager/merge';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { toHex } from '../../../modules/util/hex';
import { type DeepPartial, liveData } from '../can_victron/test_context';

const NOW = 50_000;

function inputs(overrides: Partial<LiveData> | undefined, configPatch: DeepPartial<GatewayConfig> = {}): FrameInputs {
  const config = deepMerge(defaultConfig(), configPatch) as GatewayConfig;
  const data = overrides ? liveData(NOW, overrides) : undefined;
  const decision = computeChargeLimits(data, NOW, chargeSettingsFrom(config), initialChargeState());
  return { config, data, decision, energy: { charged_wh: 123456, discharged_wh: 7890 }, firmware: { major: 1, minor: 4 } };
}

const bytes = (id: number, i: FrameInputs) => {
  const frame = buildFrame(id, i);
  return frame ? toHex(frame.data, ' ') : undefined;
};
const decoded = (id: number, i: FrameInputs) => {
  const frame = buildFrame(id, i);
  const result = frame && decodeCanFrame(frame.id, frame.data);
  if (!result || !result.ok) throw new Error(`frame ${id.toString(16)} not built or not decodable`);
  return result.frame.fields;
};

describe('conversion table', () => {
  it('fills every field of every numeric frame the publisher sends, once, with the layout’s bytes and scale', () => {
    const sent = new Set([...frameSet('victron'), ...frameSet('pylontech')].filter((id) => NUMERIC_LAYOUTS.has(id)));
    for (const id of sent) {
      const layout = NUMERIC_LAYOUTS.get(id)!;
      for (const field of layout.fields) {
        const entries = CONVERSION_TABLE.filter((e) => e.id === id && e.name === field.name);
        expect([id, field.name, entries.length]).toEqual([id, field.name, 1]);
        expect(entries[0]).toMatchObject({ start: field.start, bytes: field.bytes, scale: field.scale, offset: field.offset });
      }
    }
  });

  it('takes 0x351 from the charge decision and the rest from the snapshot', () => {
    // 0x356 carries the warmest cell sensor (issue 12 item 8), not a mean and never the board sensor.
    const i = inputs({ state_of_charge_pct: 75.25, temperatures_c: [20, 22, 27] });
    expect(bytes(CAN_ID.LIMITS, i)).toBe(toHex(encodeLimits(i.decision.limits), ' '));
    expect(decoded(CAN_ID.SOC_SOH, i)).toEqual({ state_of_charge_pct: 75, state_of_health_pct: 100, state_of_charge_hires_pct: 75.25 });
    expect(decoded(CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, i)).toEqual({ pack_voltage_v: 52.8, pack_current_a: 10, battery_temperature_c: 27 });
    expect(decoded(CAN_ID.ENERGY, i)).toEqual({ charged_energy_wh: 123500, discharged_energy_wh: 7900 });
    expect(decoded(CAN_ID.BATTERY_INFO, i)).toEqual({ battery_model_id: 0, firmware_major: 1, firmware_minor: 4, online_capacity_ah: 100 });
    expect(decoded(CAN_ID.INSTALLED_CAPACITY, i)).toEqual({ installed_capacity_ah: 100 });
    expect(decoded(CAN_ID.MODULES, i)).toEqual({ modules_ok: 1, modules_blocking_charge: 0, modules_blocking_discharge: 0, modules_offline: 0 });
  });
});

describe('0x35A from the live data', () => {
  it('reports the ten supported flags OK in normal operation (the V11 pattern)', () => {
    expect(bytes(CAN_ID.ALARMS, inputs({}))).toBe('A8 AA 82 02 A8 AA 82 02');
  });

  const cells = (special: number, others = 3300) => {
    const list = new Array<number>(16).fill(others);
    list[2] = special;
    return list;
  };
  const flags = (o: Partial<LiveData>) => decodeAlarmFrame(buildFrame(CAN_ID.ALARMS, inputs(o))!.data);

  it.each([
    ['a cell just below the protection start', 'high_voltage', 'ok', 'ok', { cell_voltage_mv: cells(3499, 3450) }],
    // Warnings begin where the limits start to fall (the tapers start just past the protection starts).
    ['a cell at the protection start', 'high_voltage', 'ok', 'ok', { cell_voltage_mv: cells(3500, 3450) }],
    ['a cell 1 mV past the protection start', 'high_voltage', 'ok', 'active', { cell_voltage_mv: cells(3501, 3450) }],
    ['a cell at the alert maximum', 'high_voltage', 'active', 'active', { cell_voltage_mv: cells(3650, 3600) }],
    ['a cell at the alert minimum', 'low_voltage', 'active', 'active', { cell_voltage_mv: cells(2800, 2850) }],
    ['a cell at the discharge protection start', 'low_voltage', 'ok', 'ok', { cell_voltage_mv: cells(3100, 3150) }],
    ['a cell 1 mV below the discharge protection start', 'low_voltage', 'ok', 'active', { cell_voltage_mv: cells(3099, 3150) }],
    ['the temperature maximum', 'high_temperature', 'active', 'active', { temperatures_c: [30, 55] }],
    ['too cold to charge', 'low_temp_charge', 'active', 'active', { temperatures_c: [0, 10] }],
    ['too hot to charge', 'high_temp_charge', 'active', 'active', { temperatures_c: [20, 50] }],
    ['a 150 A discharge', 'high_current', 'active', 'active', { pack_current_a: -150 }],
    ['a 120 A charge', 'high_charge_current', 'ok', 'active', { pack_current_a: 120 }],
    ['a BMS fault', 'bms_internal', 'active', 'active', { online_status: 'fault' as const }],
    ['a spread of 100 mV', 'cell_imbalance', 'active', 'active', { cell_voltage_mv: cells(3400) }],
    ['a spread of 49 mV', 'cell_imbalance', 'ok', 'ok', { cell_voltage_mv: cells(3349) }],
  ] as const)('%s → %s alarm %s, warning %s', (_name, flag, alarm, warning, o) => {
    const f = flags(o as Partial<LiveData>);
    expect([f.alarms[flag], f.warnings[flag]]).toEqual([alarm, warning]);
    expect([f.alarms.general, f.alarms.contactor, f.alarms.short_circuit, f.system_status]).toEqual(['unsupported', 'unsupported', 'unsupported', 'unsupported']);
  });
});

describe('without usable data', () => {
  const stale = inputs(undefined);

  it('builds no frame that carries measurements or limits', () => {
    for (const id of [CAN_ID.LIMITS, CAN_ID.SOC_SOH, CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, CAN_ID.CELL_EXTREMES, CAN_ID.MIN_CELL_VOLTAGE_ID, CAN_ID.MAX_TEMPERATURE_ID]) {
      expect(buildFrame(id, stale)).toBeUndefined();
    }
  });

  it('reports only a BMS-internal alarm in 0x35A, and the module as offline and blocking', () => {
    const f = decodeAlarmFrame(buildFrame(CAN_ID.ALARMS, stale)!.data);
    expect(f.alarms.bms_internal).toBe('active');
    expect(f.alarms.high_voltage).toBe('unsupported');
    expect(decoded(CAN_ID.MODULES, stale)).toEqual({ modules_ok: 0, modules_blocking_charge: 1, modules_blocking_discharge: 1, modules_offline: 1 });
  });

  it('still sends identity and energy frames', () => {
    expect(decoded(CAN_ID.MANUFACTURER, stale)).toEqual({ manufacturer: 'TinyBMS' });
    expect(decoded(CAN_ID.ENERGY, stale)).toEqual({ charged_energy_wh: 123500, discharged_energy_wh: 7900 });
  });
});

describe('names and cell ids', () => {
  it('splits a name longer than 8 characters over 0x370/0x371 and leaves short names to 0x35E', () => {
    const long = inputs({}, { can: { battery_name: 'TinyBMS-GW' } });
    expect(decoded(CAN_ID.BATTERY_NAME_1, long)).toEqual({ battery_name_part1: 'TinyBMS-' });
    expect(decoded(CAN_ID.BATTERY_NAME_2, long)).toEqual({ battery_name_part2: 'GW' });
    const short = inputs({}, { can: { battery_name: 'Pack A' } });
    expect(buildFrame(CAN_ID.BATTERY_NAME_1, short)).toBeUndefined();
    expect(buildFrame(CAN_ID.BATTERY_NAME_2, short)).toBeUndefined();
  });

  it('names the extreme cells and sensors by position', () => {
    const cells = new Array<number>(16).fill(3300);
    cells[4] = 3250;
    cells[11] = 3340;
    const i = inputs({ cell_voltage_mv: cells, temperatures_c: [21, 19, 25] });
    expect(decoded(CAN_ID.MIN_CELL_VOLTAGE_ID, i)).toEqual({ min_cell_voltage_id: 'CELL05' });
    expect(decoded(CAN_ID.MAX_CELL_VOLTAGE_ID, i)).toEqual({ max_cell_voltage_id: 'CELL12' });
    expect(decoded(CAN_ID.MIN_TEMPERATURE_ID, i)).toEqual({ min_temperature_id: 'TEMP2' });
    expect(decoded(CAN_ID.MAX_TEMPERATURE_ID, i)).toEqual({ max_temperature_id: 'TEMP3' });
    expect(decoded(CAN_ID.CELL_EXTREMES, i)).toEqual({ min_cell_voltage_mv: 3250, max_cell_voltage_mv: 3340, min_temperature_c: 18.85, max_temperature_c: 24.85 });
  });
});

describe('Pylontech frame set', () => {
  const pylon = { can: { protocol: 'pylontech' as const }, charge: { float_cell_mv: 3400 } };

  it('sends PYLON padded with spaces, 4-byte 0x355 and 6-byte 0x356, and the request bits', () => {
    const i = inputs({}, pylon);
    expect(bytes(CAN_ID.MANUFACTURER, i)).toBe('50 59 4C 4F 4E 20 20 20');
    expect(buildFrame(CAN_ID.SOC_SOH, i)!.data).toHaveLength(4);
    expect(buildFrame(CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, i)!.data).toHaveLength(6);
    expect(bytes(CAN_ID.PYLON_REQUEST, i)).toBe('C0 00');
    expect(bytes(CAN_ID.PYLON_PROTECTION, i)).toBe('00 00 00 00 01 50 4E');
    expect(SCHEDULES.pylontech.flatMap((g) => g.ids)).not.toContain(CAN_ID.ALARMS);
  });

  it('maps alarms onto 0x359 bits and blocked charging onto 0x35C', () => {
    const cells = new Array<number>(16).fill(3600);
    cells[0] = 3650;
    const i = inputs({ cell_voltage_mv: cells }, pylon);
    expect(bytes(CAN_ID.PYLON_PROTECTION, i)).toBe('02 00 02 00 01 50 4E');
    expect(bytes(CAN_ID.PYLON_REQUEST, i)).toBe('40 00');
  });

  it('withdraws both permissions and flags a system error without usable data', () => {
    const i = inputs(undefined, pylon);
    expect(bytes(CAN_ID.PYLON_REQUEST, i)).toBe('00 00');
    expect(bytes(CAN_ID.PYLON_PROTECTION, i)).toBe('00 08 00 08 01 50 4E');
    expect(buildFrame(CAN_ID.LIMITS, i)).toBeUndefined();
  });
});
