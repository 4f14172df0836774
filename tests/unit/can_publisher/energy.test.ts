/**
 * Energy counters: V·I integrated over time (trapezoids, split at a current reversal), gaps and bad
 * samples not integrated, and persistence through the key/value store with a corrupt record kept.
 */
import { EnergyCounter } from '../../../modules/can_publisher/energy_counter';
import { ENERGY_CORRUPT_KEY, ENERGY_STORE_KEY, loadEnergy, saveEnergy } from '../../../modules/can_publisher/energy_store';
import { MemoryStore } from '../../../hosts/mocks/memory_store';

const HOUR = 3_600_000;

describe('EnergyCounter', () => {
  it('integrates a constant 500 W charge over an hour to 500 Wh', () => {
    const counter = new EnergyCounter({ charged_wh: 0, discharged_wh: 0 }, 5000);
    for (let t = 0; t <= HOUR; t += 1000) counter.addSample(50, 10, t);
    expect(counter.totals().charged_wh).toBeCloseTo(500, 9);
    expect(counter.totals().discharged_wh).toBe(0);
  });

  it('splits a current ramp from +10 A to −10 A at the zero crossing', () => {
    const counter = new EnergyCounter({ charged_wh: 0, discharged_wh: 0 }, HOUR);
    counter.addSample(50, 10, 0);
    expect(counter.addSample(50, -10, HOUR)).toBe('integrated');
    expect(counter.totals().charged_wh).toBeCloseTo(125, 9);
    expect(counter.totals().discharged_wh).toBeCloseTo(125, 9);
  });

  it('continues from restored totals', () => {
    const counter = new EnergyCounter({ charged_wh: 1000, discharged_wh: 200 }, 5000);
    counter.addSample(48, -25, 0);
    counter.addSample(48, -25, 1000);
    expect(counter.totals().discharged_wh).toBeCloseTo(200 + (1200 * 1) / 3600, 9);
    expect(counter.totals().charged_wh).toBe(1000);
  });

  it('does not integrate across a gap longer than the limit, and counts it', () => {
    const counter = new EnergyCounter({ charged_wh: 0, discharged_wh: 0 }, 5000);
    counter.addSample(50, 10, 0);
    expect(counter.addSample(50, 10, 60_000)).toBe('gap');
    expect(counter.addSample(50, 10, 61_000)).toBe('integrated');
    expect(counter.totals().charged_wh).toBeCloseTo(500 / 3600, 9);
    expect(counter.gaps).toBe(1);
  });

  it('skips NaN, ≤ 0.1 V and out-of-order samples and restarts after an interruption', () => {
    const counter = new EnergyCounter({ charged_wh: 0, discharged_wh: 0 }, 5000);
    counter.addSample(50, 10, 0);
    expect(counter.addSample(NaN, 10, 1000)).toBe('invalid');
    expect(counter.addSample(50, 10, 2000)).toBe('started');
    expect(counter.addSample(50, 10, 1500)).toBe('out_of_order');
    expect(counter.addSample(0.05, 10, 3000)).toBe('invalid');
    counter.addSample(50, 10, 4000);
    counter.interrupt();
    expect(counter.addSample(50, 10, 5000)).toBe('started');
    expect(counter.totals()).toEqual({ charged_wh: 0, discharged_wh: 0 });
  });
});

describe('energy persistence', () => {
  it('saves and restores both counters', () => {
    const store = new MemoryStore();
    saveEnergy(store, { charged_wh: 1234.5, discharged_wh: 99.25 });
    expect(loadEnergy(new MemoryStore({ entries: store.entries() }))).toEqual({ totals: { charged_wh: 1234.5, discharged_wh: 99.25 } });
  });

  it('starts from zero when nothing was stored', () => {
    expect(loadEnergy(new MemoryStore())).toEqual({ totals: { charged_wh: 0, discharged_wh: 0 } });
  });

  it.each([
    ['not JSON', '{"v":1,"charged'],
    ['a negative counter', '{"v":1,"charged_wh":-5,"discharged_wh":0}'],
    ['an unknown version', '{"v":9,"charged_wh":5,"discharged_wh":0}'],
    ['a string counter', '{"v":1,"charged_wh":"5","discharged_wh":0}'],
  ])('refuses %s, says why, and keeps the record under a second key', (_name, text) => {
    const store = new MemoryStore({ entries: [[ENERGY_STORE_KEY, text]] });
    const loaded = loadEnergy(store);
    expect(loaded.totals).toEqual({ charged_wh: 0, discharged_wh: 0 });
    expect(loaded.problem).toMatch(/unreadable .*energy_corrupt/);
    expect(store.get(ENERGY_CORRUPT_KEY)).toBe(text);
  });

  it('leaves the previous record intact when a save fails', () => {
    const store = new MemoryStore();
    saveEnergy(store, { charged_wh: 10, discharged_wh: 1 });
    store.failNextPut('flash write failed');
    expect(() => saveEnergy(store, { charged_wh: 20, discharged_wh: 2 })).toThrow(/flash write failed/);
    expect(loadEnergy(store).totals).toEqual({ charged_wh: 10, discharged_wh: 1 });
  });
});
