/**
 * Encoders beyond the vectors: rounding (never truncation), two's complement, clamping to what the
 * spec allows, counter roll-over, clear errors for bad input, and decode(encode(x)) within one
 * scale step for every numeric field (fast-check).
 */
import fc from 'fast-check';
import { ALARM_FLAG_NAMES, decodeAlarmFrame, encodeAlarmFrame } from '../../../modules/can_victron/alarms';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import {
  encodeCellExtremes,
  encodeEnergy,
  encodeLimits,
  encodeSocSoh,
  encodeVoltageCurrentTemperature,
} from '../../../modules/can_victron/encode';
import { CanEncodeError, rawRange } from '../../../modules/can_victron/fields';
import { CanFrameError, createCanFrame, parseCanId } from '../../../modules/can_victron/frame';
import { NUMERIC_LAYOUTS, decodeNumeric, encodeNumeric } from '../../../modules/can_victron/layouts';
import { decodePylonRequest, encodePylonProtection, encodePylonRequest } from '../../../modules/can_victron/pylontech_frames';
import { decodeText, encodeLongText, encodeText } from '../../../modules/can_victron/text_frames';
import { toHex } from '../../../modules/util/hex';

const hex = (bytes: Uint8Array) => toHex(bytes, ' ');
const limits = (cvl: number, ccl: number, dcl: number, dvl = 0) =>
  encodeLimits({ charge_voltage_limit_v: cvl, charge_current_limit_a: ccl, discharge_current_limit_a: dcl, discharge_voltage_limit_v: dvl });

describe('rounding and scaling (victron-can.md §8 pitfalls)', () => {
  it('encodes every pack voltage 0.00…70.00 V to exactly its centivolt count', () => {
    const wrong: number[] = [];
    for (let cV = 0; cV <= 7000; cV++) {
      const data = encodeVoltageCurrentTemperature({ pack_voltage_v: cV / 100, pack_current_a: 0, battery_temperature_c: 0 });
      if (new DataView(data.buffer).getInt16(0, true) !== cV) wrong.push(cV);
    }
    expect(wrong).toEqual([]);
  });

  it('encodes every CVL 0.0…100.0 V to exactly its decivolt count', () => {
    const wrong: number[] = [];
    for (let dV = 0; dV <= 1000; dV++) if (new DataView(limits(dV / 10, 0, 0).buffer).getUint16(0, true) !== dV) wrong.push(dV);
    expect(wrong).toEqual([]);
  });

  it('writes negative currents in two’s complement (−0.7 A → F9 FF) and rounds halves away from zero', () => {
    expect(hex(encodeVoltageCurrentTemperature({ pack_voltage_v: 53.1, pack_current_a: -0.7, battery_temperature_c: 14 }))).toBe('BE 14 F9 FF 8C 00 00 00');
    const current = (a: number) => new DataView(encodeVoltageCurrentTemperature({ pack_voltage_v: 0, pack_current_a: a, battery_temperature_c: 0 }).buffer).getInt16(2, true);
    expect([current(0.05), current(-0.05), current(0.04), current(-0.04)]).toEqual([1, -1, 0, 0]);
  });

  it('converts cell temperatures to Kelvin with +273.15 then rounding', () => {
    const data = encodeCellExtremes({ min_cell_voltage_mv: 3321, max_cell_voltage_mv: 3345, min_temperature_c: 20, max_temperature_c: 23 });
    expect(hex(data)).toBe('F9 0C 11 0D 25 01 28 01');
  });
});

describe('clamping to what the protocol allows', () => {
  it('sends CCL and DCL as positive values: a negative request becomes 0', () => {
    expect(hex(limits(55.2, -5, -0.1))).toBe('28 02 00 00 00 00 00 00');
  });

  it('keeps SOC and SOH within 0–100 %', () => {
    const decoded = decodeNumeric(NUMERIC_LAYOUTS.get(0x355)!, encodeSocSoh({ state_of_charge_pct: 130, state_of_health_pct: -4, state_of_charge_hires_pct: 100.7 }));
    expect(decoded).toEqual({ state_of_charge_pct: 100, state_of_health_pct: 0, state_of_charge_hires_pct: 100 });
  });

  it('saturates values beyond the integer width instead of wrapping them', () => {
    expect(hex(limits(7000, 5000, 4000, -1))).toBe('FF FF FF 7F FF 7F 00 00');
    const vit = encodeVoltageCurrentTemperature({ pack_voltage_v: -400, pack_current_a: 9999, battery_temperature_c: -4000 });
    expect(hex(vit)).toBe('00 80 FF 7F 00 80 00 00');
  });

  it('rolls the 0x378 energy counters over at 2^32 × 100 Wh, as the spec says', () => {
    const top = 2 ** 32 * 100;
    expect(hex(encodeEnergy({ charged_energy_wh: top + 500, discharged_energy_wh: top - 100 }))).toBe('05 00 00 00 FF FF FF FF');
    expect(hex(encodeEnergy({ charged_energy_wh: 1234500, discharged_energy_wh: 1100000 }))).toBe('39 30 00 00 F8 2A 00 00');
  });
});

describe('bad input gets a clear error', () => {
  it.each([NaN, Infinity, -Infinity])('refuses %p instead of sending a made-up number', (value) => {
    expect(() => limits(value, 10, 10)).toThrow(CanEncodeError);
    expect(() => limits(value, 10, 10)).toThrow(/charge_voltage_limit_v: .* is not a finite number/);
  });

  it('refuses a frame with a missing value', () => {
    expect(() => encodeNumeric(NUMERIC_LAYOUTS.get(0x351)!, { charge_voltage_limit_v: 55 })).toThrow(/0x351: missing value for charge_current_limit_a/);
  });

  it('refuses text that is too long or not printable 7-bit ASCII', () => {
    expect(() => encodeText('TinyBMS-GW')).toThrow(/10 characters/);
    expect(() => encodeText('Ünicode')).toThrow(/outside printable 7-bit ASCII/);
    expect(() => encodeLongText('x'.repeat(17))).toThrow(/two CAN text frames hold 16/);
  });

  it('refuses ids beyond 11 bits and more than 8 data bytes', () => {
    expect(() => createCanFrame(0x800, new Uint8Array(8))).toThrow(CanFrameError);
    expect(() => createCanFrame(0x351, new Uint8Array(9))).toThrow(/9 data bytes/);
    expect(() => parseCanId('0x1000')).toThrow(CanFrameError);
    expect(() => parseCanId('hello')).toThrow(/not a hexadecimal CAN id/);
    expect(parseCanId('0x35a')).toBe(0x35a);
    expect(parseCanId('351')).toBe(0x351);
  });

  it('answers an unknown id or a long frame with an error value, not an exception', () => {
    expect(decodeCanFrame(0x123, new Uint8Array(8))).toEqual({ ok: false, error: 'CAN id 0x123 is not part of the Victron/Pylontech BMS protocol' });
    expect(decodeCanFrame(0x351, new Uint8Array(9))).toMatchObject({ ok: false, error: expect.stringMatching(/9 data bytes/) });
  });
});

describe('0x35A two-bit flags: 1 = active, 2 = OK (not the C firmware’s reading)', () => {
  it('puts a high-voltage alarm in byte 0 bits 2–3 as 01 and OK as 10', () => {
    expect(hex(encodeAlarmFrame({ alarms: { high_voltage: 'active' }, warnings: {} }))).toBe('04 00 00 00 00 00 00 00');
    expect(hex(encodeAlarmFrame({ alarms: { high_voltage: 'ok' }, warnings: {} }))).toBe('08 00 00 00 00 00 00 00');
  });

  it('reads the C firmware’s intended "alarms" (A2 32 FC FE …) as mostly OK — why that encoding was wrong', () => {
    const decoded = decodeAlarmFrame(new Uint8Array([0xa2, 0x32, 0xfc, 0xfe, 0xa2, 0x02, 0xfc, 0xf2]));
    expect(decoded.alarms.low_voltage).toBe('ok');
    expect(decoded.alarms.high_temperature).toBe('ok');
  });

  it('round-trips every combination of flag states', () => {
    const state = fc.constantFrom('unsupported' as const, 'active' as const, 'ok' as const);
    const flags = fc.record(Object.fromEntries(ALARM_FLAG_NAMES.map((n) => [n, state])) as Record<(typeof ALARM_FLAG_NAMES)[number], typeof state>);
    fc.assert(
      fc.property(flags, flags, state, (alarms, warnings, system_status) => {
        expect(decodeAlarmFrame(encodeAlarmFrame({ alarms, warnings, system_status }))).toEqual({ alarms, warnings, system_status });
      }),
    );
  });
});

describe('decode(encode(x)) within one scale step for every numeric field', () => {
  for (const layout of NUMERIC_LAYOUTS.values()) {
    it(`${layout.name} (0x${layout.id.toString(16)})`, () => {
      const arbitraries = Object.fromEntries(
        layout.fields.map((f) => {
          const [rawLow, rawHigh] = rawRange(f);
          const low = Math.max(f.min ?? -Infinity, rawLow / f.scale - f.offset);
          const high = Math.min(f.max ?? Infinity, rawHigh / f.scale - f.offset);
          return [f.name, fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true })];
        }),
      );
      fc.assert(
        fc.property(fc.record(arbitraries), (values) => {
          const decoded = decodeNumeric(layout, encodeNumeric(layout, values));
          for (const f of layout.fields) {
            expect(Math.abs(decoded[f.name] - values[f.name])).toBeLessThanOrEqual(1 / f.scale / 2 + 1e-6);
          }
        }),
      );
    });
  }
});

describe('text and Pylontech frames', () => {
  it('pads Victron text with 0x00 and Pylontech with spaces, and decodes both', () => {
    expect(hex(encodeText('TinyBMS'))).toBe('54 69 6E 79 42 4D 53 00');
    expect(hex(encodeText('PYLON', 0x20))).toBe('50 59 4C 4F 4E 20 20 20');
    expect(decodeText(encodeText('PYLON', 0x20))).toBe('PYLON   ');
    const [first, second] = encodeLongText('TinyBMS-Gateway1');
    expect(decodeText(first) + decodeText(second)).toBe('TinyBMS-Gateway1');
  });

  it('shows non-ASCII bytes escaped instead of trusting them', () => {
    expect(decodeText(new Uint8Array([0x41, 0xff, 0x42]))).toBe('A\\xffB');
  });

  it('builds 0x359 with the PN tag and clamps the module count to a byte', () => {
    expect(hex(encodePylonProtection({ protection: { over_voltage: true, charge_over_current: true }, warning: { high_temperature: true }, module_count: 1 }))).toBe('02 01 08 00 01 50 4E');
    expect(hex(encodePylonProtection({ protection: {}, warning: {}, module_count: 300 }))).toBe('00 00 00 00 FF 50 4E');
  });

  it('round-trips the 0x35C request bits', () => {
    const all = { charge_enable: true, discharge_enable: false, force_charge_request_1: true, force_charge_request_2: false, full_charge_request: true };
    expect(hex(encodePylonRequest(all))).toBe('A8 00');
    expect(decodePylonRequest(encodePylonRequest(all))).toEqual(all);
  });
});
