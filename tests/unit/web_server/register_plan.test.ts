/** Register write plans: user units to raw words, checked by the register map before sending. */
import { SETTINGS_REGISTERS } from '../../../modules/uart_bms/registers';
import { planRegisterWrites } from '../../../modules/web_server/register_plan';
import { categoryOf, registerView, toUserValue } from '../../../modules/web_server/register_view';

const plan = (requests: unknown[], prefix = 'registers') => planRegisterWrites(SETTINGS_REGISTERS, requests, prefix);

describe('planRegisterWrites', () => {
  it('converts user units to raw by the scale', () => {
    const result = plan([{ key: 'battery_capacity_ah', value: 314.5 }, { key: 'state_of_charge_setting_pct', value: 50.002 }]);
    expect(result.ok && result.writes.map((w) => [w.def.address, w.raw, w.words])).toEqual([
      [306, 31450, [31450]],
      [328, 25001, [25001]],
    ]);
  });

  it('writes a 32-bit setting as its low and high words', () => {
    const result = plan([{ key: 'pulses_per_unit', value: 70_000 }]);
    expect(result.ok && result.writes[0].words).toEqual([70_000 & 0xffff, 1]);
  });

  it('keeps a negative INT16 value signed for the poller', () => {
    const result = plan([{ address: 320, value: -20 }]);
    expect(result.ok && result.writes[0].words).toEqual([-20]);
  });

  it.each([
    [{ key: 'battery_capacity_ah', value: 0.05 }, 'registers[0].value', 'out_of_range'],
    [{ key: 'battery_capacity_ah', value: 1.234 }, 'registers[0].value', 'step'],
    [{ key: 'overheat_cutoff_c', value: 19 }, 'registers[0].value', 'out_of_range'],
    [{ key: 'distance_unit', value: 6 }, 'registers[0].value', 'out_of_range'],
    [{ key: 'charger_type_and_oc_timeout', value: 31 * 256 + 1 }, 'registers[0].value', 'out_of_range'],
    [{ key: 'pulses_per_unit', value: 100_001 }, 'registers[0].value', 'out_of_range'],
    [{ address: 309, value: 1 }, 'registers[0].address', 'unknown_register'],
    [{ key: 'overvoltage_cutoff_mv', value: Number.NaN }, 'registers[0].value', 'invalid_type'],
    ['315=3700', 'registers[0]', 'invalid_type'],
  ])('refuses %j on %s', (request, field, code) => {
    const result = plan([request]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatchObject({ field, code });
  });

  it('refuses a register named twice, and reports every bad entry', () => {
    const result = plan([{ key: 'overvoltage_cutoff_mv', value: 3700 }, { address: 315, value: 3710 }, { key: 'nope', value: 1 }]);
    expect(!result.ok && result.errors.map((e) => [e.field, e.code])).toEqual([
      ['registers[1]', 'duplicate'],
      ['registers[2].key', 'unknown_register'],
    ]);
  });

  it('names a single write’s fields without an index', () => {
    const result = plan([{ key: 'overvoltage_cutoff_mv', value: 1 }], '');
    expect(!result.ok && result.errors[0].field).toBe('value');
  });
});

describe('registerView', () => {
  it('shows ranges and values in user units, with options and byte fields', () => {
    const capacity = SETTINGS_REGISTERS.find((r) => r.address === 306)!;
    expect(registerView(capacity, new Map([[306, 31450]]))).toMatchObject({ key: 'battery_capacity_ah', min: 0.1, max: 655, raw: 31450, value: 314.5, category: 'battery' });
    const chargerType = SETTINGS_REGISTERS.find((r) => r.address === 330)!;
    expect(registerView(chargerType, undefined)).toMatchObject({ low_byte: { label: 'charger type' }, high_byte: { min: 0, max: 30 } });
    expect(registerView(chargerType, undefined)).not.toHaveProperty('value');
    const pulses = SETTINGS_REGISTERS.find((r) => r.address === 312)!;
    expect(registerView(pulses, new Map([[312, 0x1170], [313, 1]])).value).toBe(70_000);
  });

  it('gives every settings register a category and tidy decimals', () => {
    expect(SETTINGS_REGISTERS.every((def) => typeof categoryOf(def) === 'string')).toBe(true);
    expect(toUserValue(3, 0.002)).toBe(0.006);
  });
});
