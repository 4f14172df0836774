/**
 * Fault injection: each fault shows in the registers the gateway reads, the simulated BMS
 * reacts as a TinyBMS would (status 0x9B, events, counters, switches), faults end on request or
 * after their duration, and bad fault requests are refused without side effects.
 */
import { EVENT, REG, STATUS } from '../../../hosts/mocks/tinybms';
import { decodeResponse } from '../../../modules/uart_bms';
import { fromHex } from '../../../modules/util/hex';
import { createHarness, type Harness } from './support';

function eventIds(h: Harness): number[] {
  const decoded = decodeResponse(fromHex(h.exchange('AA 12 FF 1D')));
  if (!decoded.ok || decoded.value.kind !== 'read_all_events') throw new Error('no event list');
  return decoded.value.events.map((e) => e.id);
}

/** A test-mode simulator positioned in the charge phase of its cycle. */
function charging(): Harness {
  const h = createHarness({ mode: 'test', sleepAfterS: 0 });
  h.sim.start();
  h.clock.advance(300_000);
  expect(h.sim.snapshot().phase).toBe('charge');
  expect(h.sim.registers.read(REG.ONLINE_STATUS)).toBe(STATUS.CHARGING);
  return h;
}

describe('cell over-voltage', () => {
  it('shows the cell above the 315 cutoff, faults the BMS, stops the charge, counts and logs it', () => {
    const h = charging();
    const result = h.sim.injectFault({ kind: 'cell_overvoltage', cell: 7 });
    expect(result.ok).toBe(true);
    h.clock.advance(2000);
    const cutoff = h.sim.registers.read(315);
    expect(h.sim.registers.read(REG.CELL_FIRST + 6) / 10).toBeGreaterThan(cutoff);
    expect(h.sim.registers.read(REG.MAX_CELL_MV)).toBeGreaterThan(cutoff);
    expect(h.sim.registers.read(REG.ONLINE_STATUS)).toBe(STATUS.FAULT);
    expect(h.sim.registers.readFloat32(REG.PACK_CURRENT_F32)).toBeLessThanOrEqual(0); // charger switch open
    expect(h.sim.registers.read(REG.OVER_VOLTAGE_COUNT)).toBe(1);
    expect(eventIds(h)).toContain(EVENT.OVER_VOLTAGE_CUTOFF);
    expect(h.sim.snapshot().protections).toEqual(['over_voltage']);

    expect(h.sim.clearFaults()).toBe(1);
    h.clock.advance(10_000); // past the charger start-up delay
    expect(h.sim.registers.read(REG.MAX_CELL_MV)).toBeLessThan(cutoff);
    expect(eventIds(h)).toContain(EVENT.RECOVERED_OVER_VOLTAGE);
    expect(h.sim.registers.read(REG.ONLINE_STATUS)).toBe(STATUS.CHARGING);
  });
});

describe('cell under-voltage', () => {
  it('shows the cell below the 316 cutoff and opens the load switch', () => {
    const h = createHarness({ mode: 'test', sleepAfterS: 0 });
    h.sim.start();
    h.clock.advance(10_000); // discharging at 40 A
    expect(h.sim.registers.read(REG.ONLINE_STATUS)).toBe(STATUS.DISCHARGING);
    h.sim.injectFault({ kind: 'cell_undervoltage', cell: 3, voltageMv: 2500 });
    h.clock.advance(2000);
    expect(h.sim.registers.read(REG.CELL_FIRST + 2)).toBe(25000);
    expect(h.sim.registers.read(REG.MIN_CELL_MV)).toBe(2500);
    expect(h.sim.registers.read(REG.MIN_CELL_MV)).toBeLessThan(h.sim.registers.read(316));
    expect(h.sim.registers.read(REG.ONLINE_STATUS)).toBe(STATUS.FAULT);
    expect(h.sim.registers.readFloat32(REG.PACK_CURRENT_F32)).toBe(0);
    expect(h.sim.registers.read(REG.UNDER_VOLTAGE_COUNT)).toBe(1);
    expect(eventIds(h)).toEqual(expect.arrayContaining([EVENT.UNDER_VOLTAGE_CUTOFF, EVENT.FULLY_DISCHARGED_CUTOFF]));
  });
});

describe('temperature faults', () => {
  it('a failed sensor reads −32768 in its register and in the 0x1B answer', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.injectFault({ kind: 'temp_sensor_failure', sensor: 'external2' });
    expect(h.sim.registers.readInt16(REG.EXT_TEMP_2)).toBe(-32768);
    expect(h.sim.registers.readInt16(REG.EXT_TEMP_1)).toBeGreaterThan(0);
    const answer = h.exchange('AA 1B 3F 1B');
    expect(answer.split(' ').slice(7, 9)).toEqual(['00', '80']);
    expect(h.sim.snapshot().sensors.external2).toBeNull();
    expect(h.sim.registers.read(REG.ONLINE_STATUS)).not.toBe(STATUS.FAULT); // an unplugged sensor is not a cutoff
  });

  it('over-temperature reads above the 319 cutoff and blocks both charge and discharge', () => {
    const h = charging();
    h.sim.injectFault({ kind: 'over_temperature', sensor: 'external1', temperatureC: 70 });
    h.clock.advance(2000);
    expect(h.sim.registers.readInt16(REG.EXT_TEMP_1)).toBe(700);
    expect(h.sim.registers.readInt16(REG.EXT_TEMP_1) / 10).toBeGreaterThan(h.sim.registers.readInt16(319));
    expect(h.sim.registers.read(REG.ONLINE_STATUS)).toBe(STATUS.FAULT);
    expect(h.sim.registers.readFloat32(REG.PACK_CURRENT_F32)).toBe(0);
    expect(h.sim.registers.read(REG.OVER_HEAT_COUNT)).toBe(1);
    expect(h.sim.registers.read(REG.BALANCING_REAL)).toBe(0);
    expect(eventIds(h)).toContain(EVENT.OVER_TEMPERATURE_CUTOFF);
  });
});

describe('fault lifetime and validation', () => {
  it('a fault with a duration ends by itself', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.start();
    const result = h.sim.injectFault({ kind: 'cell_overvoltage', cell: 16, voltageMv: 3900, durationS: 5 });
    expect(result.ok && result.fault.endsAtMs).toBe(5000);
    h.clock.advance(1000);
    expect(h.sim.registers.read(REG.CELL_FIRST + 15)).toBe(39000);
    h.clock.advance(5000);
    expect(h.sim.activeFaults()).toEqual([]);
    expect(h.sim.registers.read(REG.CELL_FIRST + 15)).toBeLessThan(36000);
  });

  it('clearFaults(id) ends only that fault', () => {
    const h = createHarness({ mode: 'test' });
    const a = h.sim.injectFault({ kind: 'temp_sensor_failure', sensor: 'external1' });
    const b = h.sim.injectFault({ kind: 'temp_sensor_failure', sensor: 'external2' });
    if (!a.ok || !b.ok) throw new Error('inject failed');
    expect(h.sim.clearFaults(a.fault.id)).toBe(1);
    expect(h.sim.registers.readInt16(REG.EXT_TEMP_1)).not.toBe(-32768);
    expect(h.sim.registers.readInt16(REG.EXT_TEMP_2)).toBe(-32768);
    expect(h.sim.snapshot().faults.map((f) => f.kind)).toEqual(['temp_sensor_failure']);
  });

  it.each([
    [{ kind: 'meltdown' }, 'unknown fault kind'],
    [{ kind: 'cell_overvoltage', cell: 17 }, 'cell must be'],
    [{ kind: 'cell_overvoltage' }, 'cell must be'],
    [{ kind: 'cell_undervoltage', cell: 2, voltageMv: 'low' }, 'voltageMv'],
    [{ kind: 'temp_sensor_failure', sensor: 3 }, 'sensor must be'],
    [{ kind: 'over_temperature', temperatureC: 900 }, 'temperatureC'],
    [{ kind: 'uart_noise', rate: 1.5 }, 'rate'],
    [{ kind: 'bms_silence', durationS: -1 }, 'durationS'],
    [null, 'must be an object'],
  ])('refuses %j with a clear error and changes nothing', (spec, message) => {
    const h = createHarness({ mode: 'test' });
    const before = Array.from(h.sim.registers.words);
    const result = h.sim.injectFault(spec);
    expect(result).toEqual({ ok: false, error: expect.stringContaining(message) });
    expect(h.sim.activeFaults()).toEqual([]);
    expect(Array.from(h.sim.registers.words)).toEqual(before);
  });

  it('defaults come from the BMS settings: over-voltage 50 mV above 315, over-temperature 5 °C above 319', () => {
    const h = createHarness({ mode: 'test' });
    const ov = h.sim.injectFault({ kind: 'cell_overvoltage', cell: 1 });
    const ot = h.sim.injectFault({ kind: 'over_temperature' });
    expect(ov.ok && ov.fault.fault).toEqual({ kind: 'cell_overvoltage', cell: 1, voltageMv: 3700 });
    expect(ot.ok && ot.fault.fault).toEqual({ kind: 'over_temperature', sensor: 'external1', temperatureC: 65 });
  });
});
