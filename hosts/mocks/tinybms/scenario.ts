/**
 * What happens around the battery: when the load draws and how much, when a charger is
 * plugged in. Two drivers: the test server's fixed 10-minute cycle (no randomness at all) and a
 * free-running day-to-day use with seeded random loads and spikes.
 */
import type { PackInputs } from './battery_model';
import type { ChargerSetpoint } from './charger';
import type { SeededRandom } from '../random';

export type ScenarioPhase = 'discharge' | 'idle' | 'charge' | 'balancing' | 'rest';

export interface ScenarioStep {
  phase: ScenarioPhase;
  inputs: PackInputs;
}

/** What a scenario may look at to decide its next move. */
export interface PackView {
  socPct: number;
  chargeDone: boolean;
}

export interface Scenario {
  readonly name: 'test_cycle' | 'free_running';
  /** Inputs for the next `dtS` seconds. */
  next(dtS: number, pack: PackView): ScenarioStep;
}

/** 25 A constant current, then 3.55 V per cell × 16 cells. */
export const DEFAULT_CHARGER: Readonly<ChargerSetpoint> = Object.freeze({ currentLimitA: 25, voltageV: 56.8 });

/** The test server's cycle: discharge 3 min, idle 1, charge 5, balancing 1 (charger off, BMS bleeding). */
export const TEST_CYCLE: readonly { phase: ScenarioPhase; durationS: number }[] = [
  { phase: 'discharge', durationS: 180 },
  { phase: 'idle', durationS: 60 },
  { phase: 'charge', durationS: 300 },
  { phase: 'balancing', durationS: 60 },
];
export const TEST_CYCLE_S = TEST_CYCLE.reduce((sum, p) => sum + p.durationS, 0);
export const TEST_DISCHARGE_A = 40;

export class TestCycleScenario implements Scenario {
  readonly name = 'test_cycle';
  #timeS = 0;

  next(dtS: number): ScenarioStep {
    let t = this.#timeS % TEST_CYCLE_S;
    this.#timeS += dtS;
    for (const { phase, durationS } of TEST_CYCLE) {
      if (t < durationS) return { phase, inputs: testInputs(phase) };
      t -= durationS;
    }
    return { phase: 'idle', inputs: { loadA: 0 } };
  }
}

function testInputs(phase: ScenarioPhase): PackInputs {
  if (phase === 'discharge') return { loadA: TEST_DISCHARGE_A };
  if (phase === 'charge') return { loadA: 0, charger: DEFAULT_CHARGER };
  return { loadA: 0 };
}

export interface FreeRunningOptions {
  /** Mean number of load spikes per hour of model time. */
  spikesPerHour?: number;
}

/**
 * Day-to-day use: discharge under a wandering household load with occasional spikes until the
 * SOC falls to a random floor, rest, charge CC-CV until the BMS calls it done, hold the charger
 * on a while (the BMS balances), rest, and start again. Every draw comes from the seeded source.
 */
export class FreeRunningScenario implements Scenario {
  readonly name = 'free_running';
  #random: SeededRandom;
  #spikesPerS: number;
  #phase: ScenarioPhase = 'discharge';
  #phaseLeftS = 0;
  // Number-initialised: V8 gives a field first left undefined a new heap box at every write.
  #socFloor = 0;
  #baseLoadA = 0;
  #targetLoadA = 0;
  #retargetInS = 0;
  #spikeA = 0;
  #spikeLeftS = 0;
  // 1 − exp(−dt/60) for the last step length (the same, tick after tick).
  #driftDtS = NaN;
  #driftGain = 0;
  // The steps `next` returns, one per shape of inputs (with and without a charger).
  #discharging: ScenarioStep = { phase: 'discharge', inputs: { loadA: 0 } };
  #charging: ScenarioStep = { phase: 'charge', inputs: { loadA: 0, charger: DEFAULT_CHARGER } };
  #resting: ScenarioStep = { phase: 'rest', inputs: { loadA: 0 } };

  constructor(random: SeededRandom, options: FreeRunningOptions = {}) {
    this.#random = random;
    this.#spikesPerS = (options.spikesPerHour ?? 6) / 3600;
    this.#socFloor = random.between(20, 40);
    this.#baseLoadA = random.between(5, 25);
    this.#targetLoadA = this.#baseLoadA;
  }

  /** The step returned is rewritten by the next call (one a tick): use it before asking again. */
  next(dtS: number, pack: PackView): ScenarioStep {
    this.#advancePhase(dtS, pack);
    const phase = this.#phase;
    let step: ScenarioStep;
    if (phase === 'discharge') {
      step = this.#discharging;
      step.inputs.loadA = this.#householdLoad(dtS);
    } else if (phase === 'charge' || phase === 'balancing') {
      step = this.#charging;
      step.inputs.loadA = this.#householdLoad(dtS) * 0.2;
    } else {
      step = this.#resting;
      step.inputs.loadA = 0;
    }
    step.phase = phase;
    return step;
  }

  #advancePhase(dtS: number, pack: PackView): void {
    this.#phaseLeftS -= dtS;
    switch (this.#phase) {
      case 'discharge':
        if (pack.socPct <= this.#socFloor) this.#enter('rest', this.#random.between(300, 1200));
        break;
      case 'rest':
        if (this.#phaseLeftS <= 0) this.#enter(pack.socPct < 60 ? 'charge' : 'discharge', 0);
        break;
      case 'charge':
        if (pack.chargeDone) this.#enter('balancing', this.#random.between(600, 1800));
        break;
      default:
        if (this.#phaseLeftS <= 0) {
          this.#socFloor = this.#random.between(20, 40);
          this.#enter('rest', this.#random.between(300, 1800));
        }
    }
  }

  #enter(phase: ScenarioPhase, durationS: number): void {
    this.#phase = phase;
    this.#phaseLeftS = durationS;
  }

  /** A base load drifting towards a new random target every few minutes, plus rare short spikes. */
  #householdLoad(dtS: number): number {
    this.#retargetInS -= dtS;
    if (this.#retargetInS <= 0) {
      this.#targetLoadA = this.#random.between(3, 45);
      this.#retargetInS = this.#random.between(60, 600);
    }
    if (dtS !== this.#driftDtS) {
      this.#driftDtS = dtS;
      this.#driftGain = 1 - Math.exp(-dtS / 60);
    }
    this.#baseLoadA += (this.#targetLoadA - this.#baseLoadA) * this.#driftGain;
    if (this.#spikeLeftS > 0) this.#spikeLeftS -= dtS;
    else if (this.#random.chance(this.#spikesPerS * dtS)) {
      this.#spikeA = this.#random.between(40, 95);
      this.#spikeLeftS = this.#random.between(1, 5);
    }
    const noise = this.#random.gaussian(0.5);
    return Math.max(0, this.#baseLoadA + noise + (this.#spikeLeftS > 0 ? this.#spikeA : 0));
  }
}
