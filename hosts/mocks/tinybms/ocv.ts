/**
 * Open-circuit voltage of one LiFePO4 cell against its state of charge: steep knee below
 * ~10 %, the long flat plateau around 3.30 V, and the rise in the last percent. Rested values:
 * the 3.5–3.6 V seen at the end of a charge is overpotential (see cell.ts), not OCV.
 * Points are typical of published LFP curves (rested cell, 25 °C); interpolation is linear.
 */
const SOC_PCT = [0, 1, 3, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 100];
const VOLTS = [2.5, 2.9, 3.05, 3.12, 3.2, 3.23, 3.25, 3.275, 3.29, 3.3, 3.31, 3.32, 3.33, 3.34, 3.35, 3.36, 3.37, 3.4, 3.43, 3.46];

/** OCV in volts for a state of charge in percent (clamped to 0–100). */
export function lfpOpenCircuitVoltage(socPct: number): number {
  return lfpOpenCircuitVoltageNear(socPct, { segment: 1 });
}

/**
 * The same, searching the curve from `near.segment` (a cell's SOC moves little from one step to
 * the next: the segment it was in last time is almost always the one) and leaving there the
 * segment it found: the first point at or above `socPct`, as a search from the start finds it.
 */
export function lfpOpenCircuitVoltageNear(socPct: number, near: { segment: number }): number {
  if (!(socPct > 0)) return VOLTS[0];
  if (socPct >= 100) return VOLTS[VOLTS.length - 1];
  let i = near.segment;
  while (i > 1 && SOC_PCT[i - 1] >= socPct) i--;
  while (SOC_PCT[i] < socPct) i++;
  near.segment = i;
  const span = SOC_PCT[i] - SOC_PCT[i - 1];
  return VOLTS[i - 1] + ((VOLTS[i] - VOLTS[i - 1]) * (socPct - SOC_PCT[i - 1])) / span;
}
