/**
 * Four lumped thermal zones (the BMS board and three blocks of cells), each heated by its own
 * losses and cooling towards an ambient that follows a daily cycle. Zone update is the exact
 * solution of C·dT/dt = P − h·(T − T_ambient), so any step length is stable.
 */
export const ZONE_NAMES = ['bms_board', 'cells_front', 'cells_middle', 'cells_rear'] as const;
export type ZoneName = (typeof ZONE_NAMES)[number];
export const BOARD_ZONE = 0;

export interface ZoneParameters {
  /** Heat capacity, J/K. */
  heatCapacityJPerK: number;
  /** Heat loss to ambient, W/K. */
  coolingWPerK: number;
}

/** Defaults for a 280 Ah 16S pack in a cabinet: slow cell blocks (~4 h), a fast board (~2 min). */
export const DEFAULT_ZONES: readonly ZoneParameters[] = [
  { heatCapacityJPerK: 60, coolingWPerK: 0.5 },
  { heatCapacityJPerK: 27000, coolingWPerK: 2 },
  { heatCapacityJPerK: 32000, coolingWPerK: 1.8 },
  { heatCapacityJPerK: 27000, coolingWPerK: 2 },
];

export class ThermalModel {
  readonly temperaturesC: number[];
  #zones: readonly ZoneParameters[];
  // exp(−dt·h/C) per zone for the last step length: the pack steps with the same dt tick after tick.
  #decayDtS = NaN;
  #decay: number[];

  constructor(initialC: number, zones: readonly ZoneParameters[] = DEFAULT_ZONES) {
    this.#zones = zones;
    this.temperaturesC = zones.map(() => initialC);
    this.#decay = zones.map(() => 1);
  }

  /** Advances every zone by `dtS` with the heat `heatW[zone]` dissipated in it. */
  step(heatW: readonly number[], ambientC: number, dtS: number): void {
    if (dtS !== this.#decayDtS) {
      this.#decayDtS = dtS;
      for (let z = 0; z < this.#zones.length; z++) this.#decay[z] = Math.exp((-dtS * this.#zones[z].coolingWPerK) / this.#zones[z].heatCapacityJPerK);
    }
    for (let z = 0; z < this.#zones.length; z++) {
      const equilibrium = ambientC + (heatW[z] ?? 0) / this.#zones[z].coolingWPerK;
      this.temperaturesC[z] = equilibrium + (this.temperaturesC[z] - equilibrium) * this.#decay[z];
    }
  }
}

const DAY_S = 86400;

/** Ambient air temperature over the day: coolest before dawn, warmest mid-afternoon (15:00). */
export function ambientTemperatureC(timeOfDayS: number, meanC = 20, swingC = 6): number {
  const phase = (2 * Math.PI * (timeOfDayS - 9 * 3600)) / DAY_S;
  return meanC + swingC * Math.sin(phase);
}
