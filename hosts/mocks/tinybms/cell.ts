/**
 * One LiFePO4 cell: stored charge, a first-order equivalent circuit (series resistance R0 plus
 * one RC polarisation branch) and capacity fade. Terminal voltage = OCV + V_rc + I·R0, with
 * I positive when charging. Near full, charging meets a steeply rising diffusion resistance, which
 * is what makes a CC-CV charge taper and what relaxes away once the current stops.
 * Pure state; the pack model drives it.
 */
import { lfpOpenCircuitVoltageNear } from './ocv';

export interface CellParameters {
  /** Capacity when new, Ah. */
  nominalCapacityAh: number;
  /** Capacity lost so far, as a fraction of nominal (0.02 = SOH 98 %). */
  initialFade: number;
  /** Series resistance at 25 °C, ohm. */
  r0Ohm: number;
  /** Polarisation resistance, ohm, and its time constant, s. */
  r1Ohm: number;
  tauS: number;
  /** Capacity lost per equivalent full cycle at 25 °C, as a fraction of nominal. */
  fadePerCycle: number;
  initialSocPct: number;
  /** Thermal zone index the cell sits in. */
  zone: number;
}

export class Cell {
  readonly nominalCapacityAh: number;
  readonly r0Ohm: number;
  readonly r1Ohm: number;
  readonly tauS: number;
  readonly fadePerCycle: number;
  readonly zone: number;
  // Number-initialised: V8 gives a field first left undefined a new heap box at every write (these change every step).
  capacityAh = 0;
  chargeAh = 0;
  polarizationV = 0;
  /** Charge moved in and out over the cell's life, Ah (two of these make one full cycle). */
  throughputAh = 0;
  // exp(−dt/τ) for the last step length: the pack steps with the same dt tick after tick.
  #decayDtS = NaN;
  #decay = 1;
  /** Where on the OCV curve this cell was last looked up (ocv.ts). */
  #ocvNear = { segment: 1 };

  constructor(p: CellParameters) {
    this.nominalCapacityAh = p.nominalCapacityAh;
    this.r0Ohm = p.r0Ohm;
    this.r1Ohm = p.r1Ohm;
    this.tauS = p.tauS;
    this.fadePerCycle = p.fadePerCycle;
    this.zone = p.zone;
    this.capacityAh = p.nominalCapacityAh * (1 - p.initialFade);
    this.chargeAh = (this.capacityAh * clamp(p.initialSocPct, 0, 100)) / 100;
  }

  get socPct(): number {
    return (100 * this.chargeAh) / this.capacityAh;
  }

  /** Fraction of nominal capacity still available (1 = new). */
  get health(): number {
    return this.capacityAh / this.nominalCapacityAh;
  }

  openCircuitVoltage(): number {
    return lfpOpenCircuitVoltageNear(this.socPct, this.#ocvNear);
  }

  /** Series resistance at a temperature: cold cells are markedly more resistive. */
  resistance(temperatureC: number): number {
    return this.r0Ohm * (1 + 0.02 * Math.max(0, 25 - temperatureC));
  }

  terminalVoltage(currentA: number, temperatureC: number): number {
    return this.openCircuitVoltage() + this.polarizationV + currentA * this.resistance(temperatureC);
  }

  /** Polarisation resistance for a current: charging a nearly full cell gets much harder. */
  polarizationResistance(currentA: number): number {
    if (currentA <= 0) return this.r1Ohm;
    return this.r1Ohm * (1 + 1 / Math.max(0.02, 100 - this.socPct));
  }

  /**
   * The terminal voltage a step of `dtS` at current I will end on is `stepSourceV + I·stepResistance`
   * (implicit in I), so a CV charger can hit its setpoint exactly and stay stable at any step.
   */
  stepSourceV(dtS: number): number {
    return this.openCircuitVoltage() + this.polarizationV * this.#decayOver(dtS);
  }

  stepResistance(dtS: number, temperatureC: number, chargingA: number): number {
    return this.resistance(temperatureC) + (1 - this.#decayOver(dtS)) * this.polarizationResistance(chargingA);
  }

  /** Moves `currentA` (+ = into the cell) for `dtS` seconds at `temperatureC`. */
  step(currentA: number, dtS: number, temperatureC: number): void {
    const movedAh = (currentA * dtS) / 3600;
    this.chargeAh = clamp(this.chargeAh + movedAh, 0, this.capacityAh);
    // Exact discretisation of the RC branch: stable for any step length.
    const target = currentA * this.polarizationResistance(currentA);
    this.polarizationV = target + (this.polarizationV - target) * this.#decayOver(dtS);
    this.throughputAh += Math.abs(movedAh);
    // Cycling fade, roughly doubling for every 10 K above 25 °C.
    const cycles = Math.abs(movedAh) / (2 * this.nominalCapacityAh);
    const heatFactor = temperatureC > 25 ? Math.pow(2, (temperatureC - 25) / 10) : 1;
    this.capacityAh -= this.nominalCapacityAh * this.fadePerCycle * cycles * heatFactor;
    if (this.chargeAh > this.capacityAh) this.chargeAh = this.capacityAh;
  }

  #decayOver(dtS: number): number {
    if (dtS !== this.#decayDtS) {
      this.#decayDtS = dtS;
      this.#decay = Math.exp(-dtS / this.tauS);
    }
    return this.#decay;
  }

  /** Sets the stored charge to a state of charge (used to seed scenarios). */
  setSoc(socPct: number): void {
    this.chargeAh = (this.capacityAh * clamp(socPct, 0, 100)) / 100;
  }
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
