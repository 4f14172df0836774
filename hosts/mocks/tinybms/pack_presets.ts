/**
 * Ready-made 16S 280 Ah LFP packs: a fixed one (test mode: no randomness, same numbers every
 * run) and a seeded random one (realistic/demo: cell-to-cell spread in capacity, resistance,
 * ageing and charge, as in a real lot of cells after a few hundred cycles).
 */
import type { PackConfig } from './battery_model';
import type { CellParameters } from './cell';
import type { SeededRandom } from '../random';

export const CELL_COUNT = 16;
export const NOMINAL_CAPACITY_AH = 280;

/** Cells 1–5 sit in the front block, 6–11 in the middle, 12–16 at the rear (thermal zones 1–3). */
export function zoneOfCell(index: number): number {
  return index < 5 ? 1 : index < 11 ? 2 : 3;
}

const BASE: Omit<CellParameters, 'initialFade' | 'initialSocPct' | 'zone'> = {
  nominalCapacityAh: NOMINAL_CAPACITY_AH,
  r0Ohm: 0.0004,
  r1Ohm: 0.0008,
  tauS: 90,
  fadePerCycle: 0.2 / 5000,
};

/** Deterministic spread: small fixed offsets, cell 7 slightly weaker and cell 12 slightly fuller. */
const FIXED_CAPACITY_OFFSET = [0.2, -0.3, 0.5, 0.1, -0.2, 0.4, -1.2, 0.0, 0.3, -0.4, 0.2, 0.1, -0.1, 0.3, -0.2, 0.0];
const FIXED_SOC_OFFSET = [0.0, 0.05, -0.05, 0.1, 0.0, -0.1, 0.05, 0.0, 0.05, -0.05, 0.0, 0.6, 0.0, -0.05, 0.05, 0.0];
const FIXED_RESISTANCE_OFFSET = [0, 2, -1, 3, 0, -2, 5, 1, 0, -1, 2, 0, 1, -3, 0, 2];

export function fixedPack(initialSocPct: number): PackConfig {
  return {
    cells: FIXED_CAPACITY_OFFSET.map((capacityPct, i) => ({
      ...BASE,
      r0Ohm: BASE.r0Ohm * (1 + FIXED_RESISTANCE_OFFSET[i] / 100),
      initialFade: 0.01 - capacityPct / 100,
      initialSocPct: Math.min(100, initialSocPct + FIXED_SOC_OFFSET[i]),
      zone: zoneOfCell(i),
    })),
    initialTemperatureC: 22,
    startTimeOfDayS: 8 * 3600,
    lifetimeS: 1_000_000,
  };
}

export function randomPack(random: SeededRandom, initialSocPct: number): PackConfig {
  const cycles = random.integer(50, 600);
  return {
    cells: Array.from({ length: CELL_COUNT }, (_, i) => ({
      ...BASE,
      r0Ohm: BASE.r0Ohm * (1 + random.gaussian(0.04)),
      fadePerCycle: BASE.fadePerCycle * (1 + random.gaussian(0.15)),
      initialFade: Math.max(0, cycles * BASE.fadePerCycle * (1 + random.gaussian(0.15)) + random.gaussian(0.006)),
      initialSocPct: Math.min(100, Math.max(0, initialSocPct + random.gaussian(0.15))),
      zone: zoneOfCell(i),
    })),
    initialTemperatureC: random.between(15, 25),
    startTimeOfDayS: random.integer(0, 23) * 3600,
    lifetimeS: random.integer(100_000, 20_000_000),
  };
}
