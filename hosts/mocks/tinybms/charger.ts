/**
 * A CC-CV charger at the pack terminals: constant current until the pack reaches the CV
 * setpoint, then just enough current to hold that voltage, which tapers as the cells fill.
 */
export interface ChargerSetpoint {
  /** Constant-current limit, A. */
  currentLimitA: number;
  /** Constant-voltage setpoint for the whole pack, V (e.g. 3.55 V × 16 = 56.8 V). */
  voltageV: number;
}

export type ChargerPhase = 'off' | 'cc' | 'cv';

export interface ChargerOutput {
  /** Current the charger delivers at the terminals, A (≥ 0); the load takes its share first. */
  currentA: number;
  phase: ChargerPhase;
}

export const CHARGER_OFF: ChargerOutput = Object.freeze({ currentA: 0, phase: 'off' });

/**
 * @param sourceV the pack's internal source voltage (sum of OCV and polarisation), V
 * @param seriesOhm the pack's series resistance, ohm
 * @param loadA what the load draws at the terminals, A
 */
export function chargerOutput(setpoint: ChargerSetpoint, sourceV: number, seriesOhm: number, loadA: number): ChargerOutput {
  const batteryCurrentAtCv = (setpoint.voltageV - sourceV) / seriesOhm;
  const needed = batteryCurrentAtCv + loadA;
  if (needed >= setpoint.currentLimitA) return { currentA: setpoint.currentLimitA, phase: 'cc' };
  return { currentA: Math.max(0, needed), phase: 'cv' };
}
