/**
 * Physics sanity of the battery model: LFP OCV shape, CC-CV charging with a tapering CV
 * current, coulomb-counted SOC, passive balancing closing the gap, I²R heating, capacity fade.
 */
import { BatteryModel, DEFAULT_CHARGER, FreeRunningScenario, RegisterFile, STATUS, decodeBmsSettings, fixedPack, lfpOpenCircuitVoltage, type PackConfig } from '../../../hosts/mocks/tinybms';
import fc from 'fast-check';
import { Cell } from '../../../hosts/mocks/tinybms/cell';
import { lfpOpenCircuitVoltageNear } from '../../../hosts/mocks/tinybms/ocv';
import { ambientTemperatureC } from '../../../hosts/mocks/tinybms/thermal';
import { SeededRandom } from '../../../hosts/mocks/random';

function modelOf(config: PackConfig): BatteryModel {
  const registers = new RegisterFile();
  return new BatteryModel(config, () => decodeBmsSettings((a) => registers.read(a)));
}

/** 16 identical cells (no imbalance) at `socPct`. */
function balancedPack(socPct: number): PackConfig {
  const base = fixedPack(socPct);
  return { ...base, cells: base.cells.map((c) => ({ ...c, r0Ohm: 0.0004, initialFade: 0.01, initialSocPct: socPct })) };
}

const spread = (mv: readonly number[]) => Math.max(...mv) - Math.min(...mv);

describe('LFP open-circuit voltage', () => {
  it('has knees at both ends and a flat plateau around 3.30 V', () => {
    let previous = 0;
    for (let soc = 0; soc <= 100; soc += 0.5) {
      const v = lfpOpenCircuitVoltage(soc);
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
    expect(lfpOpenCircuitVoltage(50)).toBeCloseTo(3.3, 2);
    expect(lfpOpenCircuitVoltage(90) - lfpOpenCircuitVoltage(20)).toBeLessThan(0.1);
    expect(lfpOpenCircuitVoltage(20) - lfpOpenCircuitVoltage(2)).toBeGreaterThan(0.2);
    expect(lfpOpenCircuitVoltage(100) - lfpOpenCircuitVoltage(97)).toBeGreaterThan(0.08);
  });

  it('gives the same volts searched from any segment of the curve as from its start (the cells keep where they were)', () => {
    const near = { segment: 1 };
    fc.assert(
      fc.property(fc.double({ min: -5, max: 105, noNaN: true }), fc.integer({ min: 1, max: 19 }), (soc, from) => {
        near.segment = from;
        expect(lfpOpenCircuitVoltageNear(soc, near)).toBe(lfpOpenCircuitVoltageNear(soc, { segment: 1 }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CC-CV charging', () => {
  it('holds 25 A until the pack reaches 56.8 V, then the current tapers down to the cut-off', () => {
    const model = modelOf(balancedPack(96));
    const samples: { phase: string; current: number; volts: number }[] = [];
    for (let t = 0; t < 4 * 3600 && !model.bms.chargeDone; t += 10) {
      model.step(10, { loadA: 0, charger: DEFAULT_CHARGER });
      samples.push({ phase: model.charger.phase, current: model.currentA, volts: model.packVoltageV });
    }
    const cc = samples.filter((s) => s.phase === 'cc');
    const cv = samples.filter((s) => s.phase === 'cv');
    expect(cc.length).toBeGreaterThan(10);
    for (const s of cc) expect(s.current).toBeCloseTo(25, 6);
    expect(cv.length).toBeGreaterThan(10);
    for (let i = 1; i < cv.length; i++) expect(cv[i].current).toBeLessThanOrEqual(cv[i - 1].current + 1e-9);
    for (const s of cv) expect(Math.abs(s.volts - 56.8)).toBeLessThan(0.02);
    expect(cv[0].current).toBeGreaterThan(15);
    expect(cv[cv.length - 1].current).toBeLessThan(4);
    // CC comes first, then CV, then the BMS ends the charge.
    expect(samples.findIndex((s) => s.phase === 'cv')).toBeGreaterThan(samples.findIndex((s) => s.phase === 'cc'));
    expect(model.bms.chargeDone).toBe(true);
    model.step(1, { loadA: 0, charger: DEFAULT_CHARGER });
    expect(model.bms.lastDecision.status).toBe(STATUS.FULLY_CHARGED);
    expect(model.currentA).toBe(0);
  });

  it('cold cells are more resistive, so the same CC current shows a higher voltage', () => {
    const warm = modelOf(balancedPack(60));
    const cold = modelOf({ ...balancedPack(60), initialTemperatureC: 2 });
    warm.step(30, { loadA: 0, charger: DEFAULT_CHARGER, ambientC: 22 });
    cold.step(30, { loadA: 0, charger: DEFAULT_CHARGER, ambientC: 2 });
    expect(cold.packVoltageV).toBeGreaterThan(warm.packVoltageV + 0.05);
  });
});

describe('coulomb-counted SOC', () => {
  it('follows the physical charge moved within 1 % over hours of random household load', () => {
    const random = new SeededRandom(4);
    const model = modelOf(fixedPack(90));
    const scenario = new FreeRunningScenario(random);
    const trueSoc = () => model.cells.reduce((sum, c) => sum + c.socPct, 0) / model.cells.length;
    const bmsStart = model.bms.socPct;
    const trueStart = trueSoc();
    let ampereSeconds = 0;
    for (let t = 0; t < 5 * 3600; t++) {
      const step = scenario.next(1, { socPct: model.bms.socPct, chargeDone: model.bms.chargeDone });
      model.step(1, step.inputs);
      ampereSeconds += model.currentA;
    }
    const bmsDelta = model.bms.socPct - bmsStart;
    expect(bmsDelta).toBeLessThan(-20); // a real discharge happened
    const usableAh = 280 * (model.sohPct / 100);
    expect(Math.abs(bmsDelta - (100 * ampereSeconds) / 3600 / usableAh)).toBeLessThan(0.01);
    expect(Math.abs(bmsDelta - (trueSoc() - trueStart))).toBeLessThan(1);
  });
});

describe('passive balancing', () => {
  it('bleeds the high cell at the top of charge and shrinks the cell spread over hours', () => {
    const model = modelOf(fixedPack(99.4)); // cell 12 sits 0.6 % above the others
    model.step(600, { loadA: 0, ambientC: 20 });
    const spreadAfterRest = spread(model.measured.cellMv);
    expect(spreadAfterRest).toBeGreaterThan(20);
    expect(model.bms.lastDecision.balancingBits & (1 << 11)).not.toBe(0);
    const highSocBefore = model.cells[11].socPct;
    for (let h = 0; h < 8; h++) model.step(3600, { loadA: 0, ambientC: 20 });
    expect(model.cells[11].socPct).toBeLessThan(highSocBefore);
    expect(spread(model.measured.cellMv)).toBeLessThan(0.7 * spreadAfterRest);
  });

  it('does not bleed while discharging', () => {
    const model = modelOf(fixedPack(99.4));
    model.step(600, { loadA: 0, ambientC: 20 });
    expect(model.bms.lastDecision.balancingBits).not.toBe(0);
    model.step(60, { loadA: 30, ambientC: 20 });
    expect(model.bms.lastDecision.needsBalancingBits).not.toBe(0);
    expect(model.bms.lastDecision.balancingBits).toBe(0);
  });
});

describe('temperatures', () => {
  it('heavy current warms the cell blocks and the board above ambient; resting packs stay at ambient', () => {
    const loaded = modelOf({ ...fixedPack(90), initialTemperatureC: 20 });
    const resting = modelOf({ ...fixedPack(90), initialTemperatureC: 20 });
    for (let i = 0; i < 120; i++) {
      loaded.step(60, { loadA: 100, ambientC: 20 });
      resting.step(60, { loadA: 0, ambientC: 20 });
    }
    const [board, front, middle, rear] = loaded.thermal.temperaturesC;
    expect(Math.min(front, middle, rear)).toBeGreaterThan(20.5);
    expect(board).toBeGreaterThan(22);
    for (const t of resting.thermal.temperaturesC) expect(Math.abs(t - 20)).toBeLessThan(0.1);
  });

  it('ambient follows a daily cycle: warm mid-afternoon, cool before dawn', () => {
    expect(ambientTemperatureC(15 * 3600)).toBeCloseTo(26, 5);
    expect(ambientTemperatureC(3 * 3600)).toBeCloseTo(14, 5);
  });
});

describe('ageing', () => {
  it('capacity fades with cycling, faster when hot', () => {
    const params = { nominalCapacityAh: 280, initialFade: 0, r0Ohm: 0.0004, r1Ohm: 0.0008, tauS: 90, fadePerCycle: 0.2 / 5000, initialSocPct: 50, zone: 1 };
    const cool = new Cell(params);
    const hot = new Cell(params);
    // 100 equivalent full cycles: 2 × 280 Ah moved per cycle, at ±140 A.
    for (let i = 0; i < 100; i++) {
      for (const sign of [1, -1]) {
        cool.step(sign * 140, 7200, 25);
        hot.step(sign * 140, 7200, 45);
      }
    }
    expect(cool.health).toBeCloseTo(1 - 100 * (0.2 / 5000), 3);
    expect(hot.health).toBeLessThan(cool.health - 0.005);
  });
});
