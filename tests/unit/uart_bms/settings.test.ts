/** The register map as data and the settings-write checks built on it. */
import { ALL_REGISTERS, registerCovering } from '../../../modules/uart_bms/register_catalog';
import { SETTINGS_REGISTERS, settingAt, settingCovering } from '../../../modules/uart_bms/registers';
import { checkSettingsWrite } from '../../../modules/uart_bms/settings';

describe('register map', () => {
  it('has no two definitions on the same register and frozen tables', () => {
    const seen = new Set<number>();
    for (const def of ALL_REGISTERS) {
      for (let w = 0; w < def.words; w++) {
        expect(seen.has(def.address + w)).toBe(false);
        seen.add(def.address + w);
      }
    }
    expect(Object.isFrozen(ALL_REGISTERS)).toBe(true);
    expect(Object.isFrozen(ALL_REGISTERS[0])).toBe(true);
  });

  it('covers live 0–55, statistics 100–117, events 200–297, settings 300–343, versions 500–509', () => {
    for (const address of [0, 15, 32, 33, 36, 37, 53, 54, 55, 100, 113, 117, 200, 297, 300, 343, 500, 509]) expect(registerCovering(address)).toBeDefined();
    for (const address of [16, 31, 49, 110, 298, 302, 309, 324, 327, 344, 510]) expect(registerCovering(address)).toBeUndefined();
    expect(registerCovering(33)?.key).toBe('lifetime_s');
    expect(registerCovering(203)).toMatchObject({ key: 'event_1', type: 'event' });
  });

  it('the device-side lookup finds settings only (the full catalogue is the CLI\'s)', () => {
    expect(settingCovering(313)?.key).toBe('pulses_per_unit');
    expect(settingCovering(343)).toBe(registerCovering(343));
    for (const address of [0, 36, 100, 200, 302, 309, 344, 500]) expect(settingCovering(address)).toBeUndefined();
  });

  it('lists every writable setting of RevD §4.4 with a range or an option list', () => {
    const writable = SETTINGS_REGISTERS.filter((d) => d.writable);
    expect(writable.map((d) => d.address)).toEqual([300, 301, ...range(303, 308), 310, 311, 312, 314, ...range(315, 323), ...range(328, 343)]);
    for (const def of writable) expect(def.range ?? def.options ?? def.lowByte).toBeDefined();
    expect(settingAt(319)).toMatchObject({ type: 'int16', range: { min: 20, max: 90 } });
    expect(settingAt(320)).toMatchObject({ type: 'int16', range: { min: -40, max: 10 } });
    expect(settingAt(323)).toMatchObject({ scale: 0.002, range: { min: 0, max: 50000 } });
    expect(settingAt(313)).toBeUndefined();
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('checkSettingsWrite', () => {
  it('accepts values inside their ranges and gives the words to send', () => {
    expect(checkSettingsWrite(315, [4200, 2900, 60, 20])).toEqual({ ok: true, words: [4200, 2900, 60, 20] });
    expect(checkSettingsWrite(319, [60, -10])).toEqual({ ok: true, words: [60, 0xfff6] });
  });

  it('checks range edges exactly', () => {
    expect(checkSettingsWrite(307, [4]).ok).toBe(true);
    expect(checkSettingsWrite(307, [16]).ok).toBe(true);
    expect(checkSettingsWrite(307, [3]).ok).toBe(false);
    expect(checkSettingsWrite(307, [17]).ok).toBe(false);
    expect(checkSettingsWrite(320, [-41]).ok).toBe(false);
    expect(checkSettingsWrite(320, [65535]).ok).toBe(false);
  });

  it('lists every bad value, with register and reason', () => {
    const result = checkSettingsWrite(315, [5000, 100]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { address: 315, key: 'overvoltage_cutoff_mv', message: 'overvoltage_cutoff_mv: 5000 is outside 1200..4500 mV' },
        { address: 316, key: 'undervoltage_cutoff_mv', message: 'undervoltage_cutoff_mv: 100 is outside 800..3500 mV' },
      ],
    });
  });

  it('refuses reserved and read-only registers and registers past 343', () => {
    for (const address of [302, 309, 324, 50, 299, 344, 500]) {
      const result = checkSettingsWrite(address, [1]);
      expect(result.ok).toBe(false);
    }
  });

  it('checks options of enum settings and both bytes of 330', () => {
    expect(checkSettingsWrite(314, [2]).ok).toBe(true);
    expect(checkSettingsWrite(314, [6]).ok).toBe(false);
    expect(checkSettingsWrite(343, [2]).ok).toBe(true);
    expect(checkSettingsWrite(343, [3]).ok).toBe(false);
    expect(checkSettingsWrite(330, [(30 << 8) | 1]).ok).toBe(true);
    expect(checkSettingsWrite(330, [(31 << 8) | 1]).ok).toBe(false);
    expect(checkSettingsWrite(330, [3]).ok).toBe(false);
  });

  it('writes 32-bit settings whole and checks the combined value', () => {
    expect(checkSettingsWrite(312, [100000 & 0xffff, 1])).toEqual({ ok: true, words: [0x86a0, 1] });
    expect(checkSettingsWrite(312, [0x86a1, 1]).ok).toBe(false);
    expect(checkSettingsWrite(312, [0, 0]).ok).toBe(false);
    expect(checkSettingsWrite(312, [5]).ok).toBe(false);
    expect(checkSettingsWrite(313, [0]).ok).toBe(false);
  });

  it('refuses non-integers, empty and oversized writes', () => {
    expect(checkSettingsWrite(315, [4200.5]).ok).toBe(false);
    expect(checkSettingsWrite(315, []).ok).toBe(false);
    expect(checkSettingsWrite(300, new Array(101).fill(0)).ok).toBe(false);
    expect(checkSettingsWrite(Number.NaN, [1]).ok).toBe(false);
  });
});
