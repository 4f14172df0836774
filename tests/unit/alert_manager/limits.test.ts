import { readLimit } from '../../../modules/alert_manager';
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
