import { readLimit } from '../../../modules/alert_manager';
import fc from 'fast-check';
import { limitPosition, limitPositionFromParts, MEASURED_ALERT_CODES, MEASURED_POSITIONS } from '../../../modules/alert_manager/limits';
import { Condition } from '../../../modules/alert_manager/condition';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import { liveData } from './support/context';

const thresholds = defaultConfig().alerts;

describe('alert limits', () => {
  it('names the charge direction of an over-current', () => {
    expect(readLimit('OVER_CURRENT', liveData(0, { pack_current_a: 151 }), thresholds)).toEqual({
      beyond: true,
      backInside: false,
      message: 'Charge current 151.0 A exceeds 150.0 A',
      clearMessage: 'Charge current 151.0 A, back at or below 140.0 A',
    });
  });

  it('has no temperature reading without sensors and no cell reading without cells', () => {
    expect(readLimit('OVER_TEMP', liveData(0, { temperatures_c: [], temp_sensor_count: 0, max_temperature_c: NaN }), thresholds)).toBeUndefined();
    const noCells = liveData(0, { cell_count: 0, cell_voltage_mv: [] });
    expect(readLimit('OVER_VOLTAGE', noCells, thresholds)).toBeUndefined();
    expect(readLimit('CELL_IMBALANCE', noCells, thresholds)).toBeUndefined();
  });

  it('raises NO_CELL_TEMPERATURE when no cell sensor reads, whatever the board sensor says, and clears when one returns', () => {
    const none = readLimit('NO_CELL_TEMPERATURE', liveData(0, { temperatures_c: [], cell_temperatures_c: [null, null], temp_sensor_count: 0, min_temperature_c: NaN, max_temperature_c: NaN, internal_temperature_c: 31 }), thresholds);
    expect(none).toMatchObject({ beyond: true, backInside: false, message: 'No cell temperature sensor reads (BMS board 31.0 °C, not a cell temperature): charging stopped' });
    const one = readLimit('NO_CELL_TEMPERATURE', liveData(0, { temperatures_c: [22], cell_temperatures_c: [null, 22], temp_sensor_count: 1 }), thresholds);
    expect(one).toMatchObject({ beyond: false, backInside: true, clearMessage: 'Cell temperature back (1 sensor)' });
  });

  it('falls back to "Highest cell" when the cell array does not hold the maximum', () => {
    const data = liveData(0, { max_cell_voltage_mv: 3700, cell_voltage_mv: [] });
    expect(readLimit('OVER_VOLTAGE', data, thresholds)?.message).toBe('Highest cell at 3.700 V exceeds 3.650 V');
  });

  it('with zero hysteresis clears exactly at the limit', () => {
    const t = { ...thresholds, temperature_hysteresis_c: 0 };
    expect(readLimit('OVER_TEMP', liveData(0, { temperatures_c: [55] }), t)).toMatchObject({ beyond: false, backInside: true });
  });
});

describe('Condition', () => {
  it('raises and clears after the duration, and restarts the wait when interrupted', () => {
    const c = new Condition();
    expect(c.observe(0, true, false, 1000)).toBeUndefined();
    expect(c.observe(999, true, false, 1000)).toBeUndefined();
    expect(c.observe(1000, true, false, 1000)).toBe('raise');
    expect(c.observe(1500, false, true, 1000)).toBeUndefined();
    expect(c.observe(2000, false, false, 1000)).toBeUndefined();
    expect(c.observe(2900, false, true, 1000)).toBeUndefined();
    expect(c.observe(3899, false, true, 1000)).toBeUndefined();
    expect(c.observe(3900, false, true, 1000)).toBe('clear');
    expect(c.active).toBe(false);
  });

  it('set() changes state only once', () => {
    const c = new Condition();
    expect(c.set(true)).toBe('raise');
    expect(c.set(true)).toBeUndefined();
    expect(c.set(false)).toBe('clear');
  });
});

describe('the per-poll position functions', () => {
  it('agree with the checks\' parts (value, limit, clear point, direction) on random snapshots and thresholds', () => {
    // Around each default limit and its clear point (where a wrong bit shows), and the odd values.
    const near = (limit: number) => fc.oneof(fc.integer({ min: limit - 40, max: limit + 40 }), fc.double({ min: limit - 40, max: limit + 40, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0));
    fc.assert(
      fc.property(near(thresholds.cell_voltage_max_mv), near(thresholds.cell_voltage_min_mv), near(thresholds.temperature_max_c), fc.oneof(near(thresholds.current_max_a), near(-thresholds.current_max_a)), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 }), (maxCell, minCell, temperature, current, cells, sensors, imbalance, hysteresis) => {
        const data = liveData(0, { max_cell_voltage_mv: maxCell, min_cell_voltage_mv: minCell, max_temperature_c: temperature, pack_current_a: current, cell_count: cells, temp_sensor_count: sensors });
        const t = { ...thresholds, imbalance_max_mv: imbalance, voltage_hysteresis_mv: hysteresis, current_hysteresis_a: hysteresis / 2 };
        for (const code of MEASURED_ALERT_CODES) expect([code, limitPosition(code, data, t)]).toEqual([code, limitPositionFromParts(code, data, t)]);
        MEASURED_POSITIONS.forEach((position, i) => expect(position(data, t)).toBe(limitPosition(MEASURED_ALERT_CODES[i], data, t)));
      }),
      { numRuns: 2000 },
    );
  });
});
