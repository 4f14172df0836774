/**
 * The simulated battery: 16 LFP cells in series, four thermal zones, a CC-CV charger and a
 * load at the terminals, and the BMS deciding which of them may flow. Pure and stepped:
 * `step(dtS, inputs)` advances time in sub-steps of at most `maxSubstepS`.
 */
import { BmsLogic, type BmsDecision, type BmsMeasurements } from './bms_logic';
import { Cell, type CellParameters } from './cell';
import { CHARGER_OFF, chargerOutput, type ChargerOutput, type ChargerSetpoint } from './charger';
import type { BmsSettings } from './settings';
import { ambientTemperatureC, BOARD_ZONE, ThermalModel } from './thermal';

export interface PackInputs {
  /** What the load asks for, A (≥ 0); it only flows while the BMS allows discharge. */
  loadA: number;
  /** Present while a charger is connected. */
  charger?: ChargerSetpoint;
  /** Replaces the daily ambient cycle, °C. */
  ambientC?: number;
}

/** The three temperature inputs of a TinyBMS: board, external sensor 1 and 2 (regs 48, 42, 43). */
export const SENSOR_ZONES = Object.freeze({ internal: 0, external1: 1, external2: 3 });
export type SensorName = keyof typeof SENSOR_ZONES;

/** BMS faults with no measurement behind them (a failed switch, a lost current sensor, no cause at all). */
export type ForcedBmsFault = 'switch_error' | 'current_sensor_lost' | 'unexplained_fault';

/** Faults act on what the BMS measures: forced cell, sensor (null = unplugged) and current readings, and forced BMS faults. */
export interface MeasurementOverrides {
  cellMv: Map<number, number>;
  sensorC: Map<SensorName, number | null>;
  /** The current the shunt reports, A (+ = charge); undefined = the real one. */
  currentA?: number;
  forced: Set<ForcedBmsFault>;
}

export interface PackConfig {
  cells: CellParameters[];
  initialTemperatureC: number;
  /** Time of day at model time 0, s after midnight. */
  startTimeOfDayS: number;
  /** BMS lifetime counter at model time 0, s. */
  lifetimeS: number;
  /** The BMS's SOC estimate at start (defaults to the cells' mean). */
  bmsSocPct?: number;
  /** Passive-balancing bleed per cell, A. */
  balanceCurrentA?: number;
  /** Discharge FETs and shunt, ohm. */
  boardResistanceOhm?: number;
  maxSubstepS?: number;
}

export interface Measurements {
  cellMv: number[];
  sensors: Record<SensorName, number | null>;
}

export class BatteryModel {
  readonly cells: Cell[];
  readonly thermal: ThermalModel;
  readonly bms: BmsLogic;
  readonly overrides: MeasurementOverrides = { cellMv: new Map(), sensorC: new Map(), forced: new Set() };
  /** Model seconds since creation. */
  timeS = 0;
  /** Battery current of the last sub-step, A (+ = charge). */
  currentA = 0;
  /** The current the BMS measures (a fault may override the shunt reading). */
  get measuredCurrentA(): number {
    return this.overrides.currentA ?? this.currentA;
  }
  loadA = 0;
  /** What the charger delivers now: one object changed in place ('off' while none charges), so the model's heap is the same charging or not. */
  readonly charger: ChargerOutput = { ...CHARGER_OFF };
  ambientC = 0;
  measured: Measurements;
  #settings: () => BmsSettings;
  #startTimeOfDayS: number;
  #balanceCurrentA: number;
  #boardOhm: number;
  #maxSubstepS: number;
  #averageDischargeA = 0;
  // 1 − exp(−dt/300) for the last sub-step length (the same, tick after tick).
  #averagingDtS = NaN;
  #averagingGain = 0;
  // Scratch reused every sub-step (a day is 864 000 of them): nothing outside a sub-step keeps them.
  #temperatures: number[] = [];
  #heatW: number[];
  #bmsInputs: BmsMeasurements = { cellMv: [], currentA: 0, temperaturesC: [], chargerConnected: false };

  constructor(config: PackConfig, settings: () => BmsSettings) {
    this.cells = config.cells.map((p) => new Cell(p));
    this.thermal = new ThermalModel(config.initialTemperatureC);
    this.#settings = settings;
    this.#startTimeOfDayS = config.startTimeOfDayS;
    this.#balanceCurrentA = config.balanceCurrentA ?? 0.1;
    this.#boardOhm = config.boardResistanceOhm ?? 0.0008;
    this.#maxSubstepS = config.maxSubstepS ?? 1;
    const meanSoc = this.cells.reduce((sum, c) => sum + c.socPct, 0) / this.cells.length;
    this.bms = new BmsLogic(config.bmsSocPct ?? meanSoc, config.lifetimeS);
    this.ambientC = config.initialTemperatureC;
    this.#heatW = this.thermal.temperaturesC.map(() => 0);
    this.measured = this.#measure();
  }

  get timeOfDayS(): number {
    return (this.#startTimeOfDayS + this.timeS) % 86400;
  }

  /** Pack state of health as the BMS reports it, %. */
  get sohPct(): number {
    let worst = Infinity;
    // Indexed (as every per-step loop here): read three times a tick, and a getter V8 may not inline.
    const cells = this.cells;
    for (let i = 0; i < cells.length; i++) worst = Math.min(worst, cells[i].health);
    return Math.min(100, Math.max(0, worst * 100 + this.bms.sohOffsetPct));
  }

  get packVoltageV(): number {
    const cellMv = this.measured.cellMv;
    let sum = 0;
    for (let i = 0; i < cellMv.length; i++) sum += cellMv[i];
    return sum / 1000;
  }

  /** Seconds to empty at the recent average discharge (large when resting, as on a real unit). */
  get timeLeftS(): number {
    return this.timeLeftSAt(this.sohPct);
  }

  /** timeLeftS for the pack's `sohPct` (already known: the register refresh reads both). */
  timeLeftSAt(sohPct: number): number {
    const remainingAh = (this.bms.socPct / 100) * this.#capacityAtSoh(this.#settings(), sohPct);
    return (3600 * remainingAh) / Math.max(0.1, this.#averageDischargeA);
  }

  /** Advances `dtS` seconds; `maxSubstepS` trades fidelity for speed on long fast-forwards. */
  step(dtS: number, inputs: PackInputs, maxSubstepS = this.#maxSubstepS): void {
    let left = dtS;
    while (left > 1e-9) {
      const dt = Math.min(left, maxSubstepS);
      this.#substep(dt, inputs);
      left -= dt;
    }
  }

  #substep(dt: number, inputs: PackInputs): void {
    const s = this.#settings();
    const measurements = this.#bmsInputs;
    measurements.cellMv = this.measured.cellMv;
    measurements.currentA = this.measuredCurrentA;
    measurements.temperaturesC = this.#connectedTemperatures();
    measurements.chargerConnected = inputs.charger !== undefined;
    measurements.forced = this.overrides.forced;
    const decision = this.bms.decide(measurements, s, dt);
    this.loadA = decision.dischargeEnabled ? Math.max(0, inputs.loadA) : 0;
    const charger = inputs.charger && decision.chargeEnabled ? this.#chargerFor(inputs.charger, dt) : CHARGER_OFF;
    this.charger.currentA = charger.currentA;
    this.charger.phase = charger.phase;
    const current = this.charger.currentA - this.loadA;
    this.#moveCharge(current, decision, dt);
    this.ambientC = inputs.ambientC ?? ambientTemperatureC(this.timeOfDayS);
    this.thermal.step(this.#heat(current, decision), this.ambientC, dt);
    this.bms.account(current, dt, this.#usableCapacityAh(s));
    const discharge = Math.max(0, -current);
    if (dt !== this.#averagingDtS) {
      this.#averagingDtS = dt;
      this.#averagingGain = 1 - Math.exp(-dt / 300);
    }
    this.#averageDischargeA += (discharge - this.#averageDischargeA) * this.#averagingGain;
    this.currentA = current;
    this.timeS += dt;
    this.measured = this.#measure();
  }

  #chargerFor(setpoint: ChargerSetpoint, dt: number): ChargerOutput {
    let sourceV = 0;
    let seriesOhm = 0;
    const cells = this.cells;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      sourceV += cell.stepSourceV(dt);
      seriesOhm += cell.stepResistance(dt, this.#cellTemperature(cell), setpoint.currentLimitA);
    }
    return chargerOutput(setpoint, sourceV, seriesOhm, this.loadA);
  }

  #moveCharge(current: number, decision: BmsDecision, dt: number): void {
    for (let i = 0; i < this.cells.length; i++) {
      const cell = this.cells[i];
      const bleed = (decision.balancingBits >> i) & 1 ? this.#balanceCurrentA : 0;
      cell.step(current - bleed, dt, this.#cellTemperature(cell));
    }
  }

  /** Heat per zone, W: I²R and polarisation losses in the cells; FETs, shunt and bleed resistors on the board. */
  #heat(current: number, decision: BmsDecision): number[] {
    const heat = this.#heatW;
    for (let z = 0; z < heat.length; z++) heat[z] = 0;
    heat[BOARD_ZONE] = current * current * this.#boardOhm;
    for (let i = 0; i < this.cells.length; i++) {
      const cell = this.cells[i];
      const r = cell.resistance(this.#cellTemperature(cell));
      heat[cell.zone] += current * current * r + (cell.polarizationV * cell.polarizationV) / cell.r1Ohm;
      if ((decision.balancingBits >> i) & 1) heat[BOARD_ZONE] += this.#balanceCurrentA * cell.openCircuitVoltage();
    }
    return heat;
  }

  #cellTemperature(cell: Cell): number {
    return this.thermal.temperaturesC[cell.zone];
  }

  #usableCapacityAh(s: BmsSettings): number {
    return this.#capacityAtSoh(s, this.sohPct);
  }

  #capacityAtSoh(s: BmsSettings, sohPct: number): number {
    return Math.max(0.1, s.capacityAh * (sohPct / 100));
  }

  /**
   * The connected sensors' readings (internal, external 1, external 2), in a reused array
   * overwritten in place: `length = 0` would drop V8's backing store and each push regrow it.
   */
  #connectedTemperatures(): number[] {
    const out = this.#temperatures;
    const { internal, external1, external2 } = this.measured.sensors;
    const count = (internal !== null ? 1 : 0) + (external1 !== null ? 1 : 0) + (external2 !== null ? 1 : 0);
    if (out.length !== count) out.length = count;
    let at = 0;
    if (internal !== null) out[at++] = internal;
    if (external1 !== null) out[at++] = external1;
    if (external2 !== null) out[at] = external2;
    return out;
  }

  /** Rewrites `measured` in place (every sub-step): readers use it at once and keep nothing. */
  #measure(): Measurements {
    const measured = this.measured ?? { cellMv: [], sensors: { internal: null, external1: null, external2: null } };
    const cellMv = measured.cellMv;
    if (cellMv.length !== this.cells.length) cellMv.length = this.cells.length;
    const forced = this.overrides.cellMv;
    for (let i = 0; i < this.cells.length; i++) {
      const cell = this.cells[i];
      cellMv[i] = (forced.size > 0 ? forced.get(i) : undefined) ?? 1000 * cell.terminalVoltage(this.currentA, this.#cellTemperature(cell));
    }
    const sensors = measured.sensors;
    sensors.internal = this.#sensor('internal');
    sensors.external1 = this.#sensor('external1');
    sensors.external2 = this.#sensor('external2');
    return measured;
  }

  #sensor(name: SensorName): number | null {
    const forced = this.overrides.sensorC.size > 0 ? this.overrides.sensorC.get(name) : undefined;
    return forced !== undefined ? forced : this.thermal.temperaturesC[SENSOR_ZONES[name]];
  }

  /** Re-reads the measurements now (after overrides change) without moving time. */
  remeasure(): void {
    this.measured = this.#measure();
  }
}
