/** Settings writes checked against related registers, the present readings and the 0x1D live bounds (issue 12 item 7). */
import { crossCheckSettings, type CrossCheckInput } from '../../../modules/uart_bms/settings_cross_check';

const CURRENT = new Map<number, number>([
  [300, 3600],
  [301, 2900],
  [303, 3400],
  [315, 3650],
  [316, 2800],
  [317, 150],
  [318, 60],
  [319, 60],
  [320, 0],
]);
const PRESENT = { max_cell_mv: 3350, min_cell_mv: 3300, max_temperature_c: 25, current_a: 20 };

const check = (writes: [number, number][], extra: Partial<CrossCheckInput> = {}) =>
  crossCheckSettings({ current: CURRENT, writes: new Map(writes), present: PRESENT, ...extra }).map((e) => `${e.key}: ${e.message}`);

describe('settings cross-check', () => {
  it('accepts consistent writes', () => {
    expect(check([[315, 3700], [316, 2700]])).toEqual([]);
    expect(check([[300, 3550]])).toEqual([]);
  });

  it('refuses 315 = 2500 mV: below 316 + 200 mV, below fully charged, and below the cells right now', () => {
    const errors = check([[315, 2500]]);
    expect(errors.join('\n')).toMatch(/overvoltage_cutoff_mv: undervoltage_cutoff_mv 2800 \+ 200 must be below overvoltage_cutoff_mv 2500/);
    expect(errors.join('\n')).toMatch(/would trip the BMS at once: the highest cell reads 3350 mV/);
    expect(errors.join('\n')).toMatch(/fully_charged_voltage_mv 3600 must be at most overvoltage_cutoff_mv 2500/);
  });

  it('checks the values after the whole write together, so a pair moved at once passes', () => {
    expect(check([[316, 3000]])).toEqual(expect.arrayContaining([expect.stringMatching(/fully_discharged_voltage_mv 2900/)]));
    expect(check([[316, 2950], [301, 3000]])).toEqual([]);
  });

  it('refuses cut-offs the present readings already cross', () => {
    expect(check([[316, 3280]]).join()).toMatch(/lowest cell reads 3300 mV/);
    expect(check([[319, 28]]).join()).toMatch(/warmest cell reads 25 °C/);
    expect(check([[318, 20]]).join()).toMatch(/below the 20.0 A flowing now/);
    expect(check([[317, 10]], { present: { ...PRESENT, current_a: -12 } }).join()).toMatch(/below the 12.0 A flowing now/);
    // Without fresh readings only the register relations count.
    expect(check([[318, 20]], { present: undefined })).toEqual([]);
  });

  it('keeps 319 at least 10 °C above 320', () => {
    expect(check([[320, 5], [319, 14]], { present: undefined }).join()).toMatch(/over-heat cut-off must sit well above/);
    expect(check([[320, 5], [319, 15]], { present: undefined })).toEqual([]);
  });

  it('keeps each value inside the live min/max the BMS reports with 0x1D', () => {
    const liveMin = new Array<number>(44).fill(0);
    const liveMax = new Array<number>(44).fill(0);
    liveMin[18] = 1; // 318
    liveMax[18] = 50; // a 50 A current sensor
    expect(check([[318, 55]], { liveMin, liveMax }).join()).toMatch(/charge_overcurrent_cutoff_a 55 is outside 1..50/);
    expect(check([[318, 50]], { liveMin, liveMax })).toEqual([]);
  });

  it('does not block a write for an old inconsistency it does not touch', () => {
    const broken = new Map(CURRENT).set(319, 5);
    expect(crossCheckSettings({ current: broken, writes: new Map([[318, 70]]), present: PRESENT })).toEqual([]);
  });
});
