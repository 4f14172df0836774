/**
 * Scenario driver and modes: the 10-minute test cycle visits discharge, idle, charge and
 * balancing in order and the registers show each; test mode has no randomness; realistic runs
 * replay from their seed; demo mode is accelerated; speed and mode are validated.
 */
import { REG, STATUS, TEST_CYCLE_S } from '../../../hosts/mocks/tinybms';
import { createHarness } from './support';

/** Register words 0–117 every `everyS` seconds of clock time. */
function recordRegisters(options: Parameters<typeof createHarness>[0], totalS: number, everyS: number): number[][] {
  const h = createHarness(options);
  h.sim.start();
  const frames: number[][] = [];
  for (let t = 0; t < totalS; t += everyS) {
    h.clock.advance(everyS * 1000);
    frames.push(Array.from(h.sim.registers.words.subarray(0, 118)));
  }
  return frames;
}

describe('the test-server 10-minute cycle', () => {
  it('reaches discharge, idle, charge and balancing in that order, each visible in the registers', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.start();
    const seen: { phase: string; status: number; current: number; balancing: number }[] = [];
    for (let t = 0; t < TEST_CYCLE_S; t += 5) {
      h.clock.advance(5000);
      seen.push({
        phase: h.sim.snapshot().phase,
        status: h.sim.registers.read(REG.ONLINE_STATUS),
        current: h.sim.registers.readFloat32(REG.PACK_CURRENT_F32),
        balancing: h.sim.registers.read(REG.BALANCING_REAL),
      });
    }
    const order = seen.map((s) => s.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    expect(order).toEqual(['discharge', 'idle', 'charge', 'balancing']);
    const during = (phase: string) => seen.filter((s) => s.phase === phase).slice(1); // skip the first tick of a phase
    for (const s of during('discharge')) expect([s.status, s.current]).toEqual([STATUS.DISCHARGING, -40]);
    for (const s of during('idle')) expect([s.status, s.current]).toEqual([STATUS.IDLE, 0]);
    for (const s of during('charge').slice(2)) expect([s.status, s.current]).toEqual([STATUS.CHARGING, 25]); // after the charger start-up delay
    const balancing = during('balancing');
    expect(balancing.length).toBeGreaterThan(5);
    for (const s of balancing) {
      expect(s.status).toBe(STATUS.IDLE);
      expect(s.balancing).not.toBe(0);
    }
    expect(during('idle').every((s) => s.balancing === 0)).toBe(true);
  });

  it('the register SOC drops by exactly the charge of the 3-minute 40 A discharge (within 1 %)', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.start();
    const soc = () => h.sim.registers.readUint32(REG.SOC_U32) / 1e6;
    const before = soc();
    h.clock.advance(180_000);
    const expectedDrop = (100 * 40 * 180) / 3600 / (280 * (h.sim.registers.read(REG.SOH) / 50000));
    expect(Math.abs(before - soc() - expectedDrop)).toBeLessThan(0.01 * expectedDrop);
  });
});

describe('modes', () => {
  it('test mode has no randomness: two runs with different seeds give identical registers', () => {
    const a = recordRegisters({ mode: 'test', seed: 1, speed: 2 }, 600, 10);
    const b = recordRegisters({ mode: 'test', seed: 999, speed: 2 }, 600, 10);
    expect(b).toEqual(a);
    expect(new Set(a.map((words) => words[REG.ONLINE_STATUS])).size).toBeGreaterThan(2); // and it is not standing still
  });

  it('realistic mode replays exactly from its seed and differs for another seed', () => {
    const a = recordRegisters({ mode: 'realistic', seed: 42, speed: 600 }, 120, 2);
    const again = recordRegisters({ mode: 'realistic', seed: 42, speed: 600 }, 120, 2);
    const other = recordRegisters({ mode: 'realistic', seed: 43, speed: 600 }, 120, 2);
    expect(again).toEqual(a);
    expect(other).not.toEqual(a);
    const currents = new Set(a.map((words) => words[REG.PACK_CURRENT_F32] + words[REG.PACK_CURRENT_F32 + 1] * 65536));
    expect(currents.size).toBeGreaterThan(20); // random loads, not a constant
  });

  it('realistic mode runs through discharge, charge and back over two simulated days', () => {
    const h = createHarness({ mode: 'realistic', seed: 5, speed: 1200, sleepAfterS: 0 });
    h.sim.start();
    const phases = new Set<string>();
    const statuses = new Set<number>();
    for (let i = 0; i < 288; i++) {
      h.clock.advance(500); // 10 model minutes
      phases.add(h.sim.snapshot().phase);
      statuses.add(h.sim.registers.read(REG.ONLINE_STATUS));
    }
    expect([...phases].sort()).toEqual(['balancing', 'charge', 'discharge', 'rest']);
    expect(statuses.has(STATUS.CHARGING) && statuses.has(STATUS.DISCHARGING)).toBe(true);
    expect(h.sim.registers.read(REG.FULL_CHARGE_COUNT)).toBeGreaterThanOrEqual(1);
    expect(h.sim.snapshot().protections).toEqual([]);
  });

  it('demo mode is accelerated: a minute of clock time is an hour of battery time', () => {
    const h = createHarness({ mode: 'demo', seed: 2 });
    expect(h.sim.speed).toBe(60);
    h.sim.start();
    const lifetime = h.sim.registers.readUint32(REG.LIFETIME_S);
    h.clock.advance(60_000);
    expect(h.sim.registers.readUint32(REG.LIFETIME_S) - lifetime).toBe(3600);
  });

  it('setSpeed and setMode validate their input and change nothing when refused', () => {
    const h = createHarness({ mode: 'test' });
    expect(h.sim.setSpeed(0)).toEqual({ ok: false, error: expect.stringContaining('speed') });
    expect(h.sim.setSpeed(Number.NaN).ok).toBe(false);
    expect(h.sim.setSpeed(1e9).ok).toBe(false);
    expect(h.sim.speed).toBe(1);
    expect(h.sim.setMode('turbo' as never)).toEqual({ ok: false, error: expect.stringContaining('unknown mode') });
    expect(h.sim.mode).toBe('test');
    expect(h.sim.setSpeed(10)).toEqual({ ok: true, speed: 10 });
    h.sim.start();
    const lifetime = h.sim.registers.readUint32(REG.LIFETIME_S);
    h.clock.advance(10_000);
    expect(h.sim.registers.readUint32(REG.LIFETIME_S) - lifetime).toBe(100);
    expect(h.sim.setMode('demo')).toEqual({ ok: true, mode: 'demo' });
    expect(h.sim.speed).toBe(60);
  });

  it('stop() freezes the battery; start() resumes it', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.start();
    h.clock.advance(10_000);
    h.sim.stop();
    const frozen = Array.from(h.sim.registers.words);
    h.clock.advance(60_000);
    expect(Array.from(h.sim.registers.words)).toEqual(frozen);
    h.sim.start();
    h.clock.advance(1000);
    expect(Array.from(h.sim.registers.words)).not.toEqual(frozen);
  });
});
