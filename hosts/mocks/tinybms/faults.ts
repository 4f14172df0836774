/**
 * Fault injection for the simulator (what `/api/sim/*` drives): validated fault specs with
 * defaults taken from the BMS settings, and the book of active faults with their expiry.
 * Cell and temperature faults act on what the BMS measures; silence and noise act on the UART.
 */
import type { MeasurementOverrides, SensorName } from './battery_model';
import { CELL_COUNT } from './pack_presets';
import type { BmsSettings } from './settings';

export type FaultKind = 'cell_overvoltage' | 'cell_undervoltage' | 'temp_sensor_failure' | 'over_temperature' | 'bms_silence' | 'uart_noise';
export const FAULT_KINDS: readonly FaultKind[] = ['cell_overvoltage', 'cell_undervoltage', 'temp_sensor_failure', 'over_temperature', 'bms_silence', 'uart_noise'];
const SENSORS: readonly SensorName[] = ['internal', 'external1', 'external2'];

/** What a caller asks for; omitted values get defaults (`durationS` omitted = until cleared). */
export type FaultSpec =
  | { kind: 'cell_overvoltage' | 'cell_undervoltage'; cell: number; voltageMv?: number; durationS?: number }
  | { kind: 'temp_sensor_failure'; sensor?: SensorName; durationS?: number }
  | { kind: 'over_temperature'; sensor?: SensorName; temperatureC?: number; durationS?: number }
  | { kind: 'bms_silence'; durationS?: number }
  | { kind: 'uart_noise'; rate?: number; durationS?: number };

/** A fault with every parameter filled in. */
export type Fault =
  | { kind: 'cell_overvoltage' | 'cell_undervoltage'; cell: number; voltageMv: number }
  | { kind: 'temp_sensor_failure'; sensor: SensorName }
  | { kind: 'over_temperature'; sensor: SensorName; temperatureC: number }
  | { kind: 'bms_silence' }
  | { kind: 'uart_noise'; rate: number };

export interface ActiveFault {
  id: number;
  fault: Fault;
  startedAtMs: number;
  /** Clock time it ends by itself, if it was given a duration. */
  endsAtMs?: number;
}

export type FaultCheck = { ok: true; fault: Fault; durationS?: number } | { ok: false; error: string };

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a fault request (possibly parsed JSON) and fills in its defaults. */
export function checkFault(input: unknown, s: BmsSettings): FaultCheck {
  if (typeof input !== 'object' || input === null) return { ok: false, error: 'fault must be an object with a "kind"' };
  const spec = input as Record<string, unknown>;
  const kind = spec.kind as FaultKind;
  if (!FAULT_KINDS.includes(kind)) return { ok: false, error: `unknown fault kind ${JSON.stringify(spec.kind)}; expected one of ${FAULT_KINDS.join(', ')}` };
  const durationS = spec.durationS;
  if (durationS !== undefined && !(isFiniteNumber(durationS) && durationS > 0)) return { ok: false, error: 'durationS must be a positive number of seconds' };
  const done = (fault: Fault): FaultCheck => (durationS === undefined ? { ok: true, fault } : { ok: true, fault, durationS: durationS as number });
  const sensor = spec.sensor ?? (kind === 'over_temperature' || kind === 'temp_sensor_failure' ? 'external1' : undefined);
  switch (kind) {
    case 'cell_overvoltage':
    case 'cell_undervoltage': {
      const cell = spec.cell;
      if (!(Number.isInteger(cell) && (cell as number) >= 1 && (cell as number) <= CELL_COUNT)) return { ok: false, error: `cell must be an integer 1..${CELL_COUNT}` };
      const fallback = kind === 'cell_overvoltage' ? s.overVoltageMv + 50 : s.underVoltageMv - 100;
      const voltageMv = spec.voltageMv ?? fallback;
      if (!(isFiniteNumber(voltageMv) && voltageMv >= 0 && voltageMv <= 6000)) return { ok: false, error: 'voltageMv must be a number 0..6000' };
      return done({ kind, cell: cell as number, voltageMv });
    }
    case 'temp_sensor_failure':
    case 'over_temperature': {
      if (!SENSORS.includes(sensor as SensorName)) return { ok: false, error: `sensor must be one of ${SENSORS.join(', ')}` };
      if (kind === 'temp_sensor_failure') return done({ kind, sensor: sensor as SensorName });
      const temperatureC = spec.temperatureC ?? s.overHeatC + 5;
      if (!(isFiniteNumber(temperatureC) && temperatureC >= -40 && temperatureC <= 150)) return { ok: false, error: 'temperatureC must be a number −40..150' };
      return done({ kind, sensor: sensor as SensorName, temperatureC });
    }
    case 'bms_silence':
      return done({ kind });
    case 'uart_noise': {
      const rate = spec.rate ?? 0.2;
      if (!(isFiniteNumber(rate) && rate > 0 && rate <= 1)) return { ok: false, error: 'rate must be a fraction of replies in (0, 1]' };
      return done({ kind, rate });
    }
  }
}

/** The active faults, in injection order. */
export class FaultBook {
  #active: ActiveFault[] = [];
  #nextId = 1;

  add(fault: Fault, nowMs: number, durationS?: number): ActiveFault {
    const entry: ActiveFault = durationS === undefined ? { id: this.#nextId++, fault, startedAtMs: nowMs } : { id: this.#nextId++, fault, startedAtMs: nowMs, endsAtMs: nowMs + durationS * 1000 };
    this.#active.push(entry);
    return entry;
  }

  /** Removes one fault (by id) or all of them; returns how many went. */
  clear(id?: number): number {
    const before = this.#active.length;
    this.#active = id === undefined ? [] : this.#active.filter((f) => f.id !== id);
    return before - this.#active.length;
  }

  /** Drops faults whose time is up; returns how many went. */
  expire(nowMs: number): number {
    const before = this.#active.length;
    this.#active = this.#active.filter((f) => f.endsAtMs === undefined || f.endsAtMs > nowMs);
    return before - this.#active.length;
  }

  list(): readonly ActiveFault[] {
    return this.#active;
  }

  /** Rewrites the measurement overrides from the active faults (later ones win). */
  applyTo(overrides: MeasurementOverrides): void {
    overrides.cellMv.clear();
    overrides.sensorC.clear();
    for (const { fault } of this.#active) {
      if (fault.kind === 'cell_overvoltage' || fault.kind === 'cell_undervoltage') overrides.cellMv.set(fault.cell - 1, fault.voltageMv);
      else if (fault.kind === 'temp_sensor_failure') overrides.sensorC.set(fault.sensor, null);
      else if (fault.kind === 'over_temperature') overrides.sensorC.set(fault.sensor, fault.temperatureC);
    }
  }

  get silent(): boolean {
    return this.#active.some((f) => f.fault.kind === 'bms_silence');
  }

  /** Fraction of replies to corrupt (the highest active rate). */
  get noiseRate(): number {
    let rate = 0;
    for (const { fault } of this.#active) if (fault.kind === 'uart_noise' && fault.rate > rate) rate = fault.rate;
    return rate;
  }
}
