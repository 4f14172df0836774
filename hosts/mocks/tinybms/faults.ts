/**
 * Fault injection for the simulator (what `/api/sim/*` drives): validated fault specs with
 * defaults taken from the BMS settings, and the book of active faults with their expiry.
 * Cell and temperature faults act on what the BMS measures; silence and noise act on the UART.
 */
import type { ForcedBmsFault, MeasurementOverrides, SensorName } from './battery_model';
import { CELL_COUNT } from './pack_presets';
import type { BmsSettings } from './settings';

/**
 * Every fault the simulator can inject, with what it does — the one list the UI's simulator panel
 * and POST /api/sim/faults read. Each BMS-side kind drives one of charge control's fault causes.
 */
export const FAULT_CATALOG = Object.freeze([
  { kind: 'cell_overvoltage', description: 'one cell reads above the over-voltage cut-off (BMS fault 0x03: no charging)', parameters: ['cell', 'voltageMv', 'durationS'] },
  { kind: 'cell_undervoltage', description: 'one cell reads below the under-voltage cut-off (BMS fault 0x02: no discharging, recovery charge)', parameters: ['cell', 'voltageMv', 'durationS'] },
  { kind: 'temp_sensor_failure', description: 'a temperature sensor reads "not connected" (−32768); sensor "all_external" loses both cell sensors', parameters: ['sensor', 'durationS'] },
  { kind: 'over_temperature', description: 'a sensor reads above the over-heat cut-off (BMS fault 0x04: no charging, no discharging)', parameters: ['sensor', 'temperatureC', 'durationS'] },
  { kind: 'under_temperature', description: 'a sensor reads below −20 °C (BMS fault 0x0A: no charging)', parameters: ['sensor', 'temperatureC', 'durationS'] },
  { kind: 'charge_over_current', description: 'the shunt reads a charge current above the cut-off (BMS fault 0x06)', parameters: ['currentA', 'durationS'] },
  { kind: 'discharge_over_current', description: 'the shunt reads a discharge current above the cut-off (BMS fault 0x05)', parameters: ['currentA', 'durationS'] },
  { kind: 'switch_error', description: 'charger switch error (BMS fault 0x0B, stays until cleared)', parameters: ['durationS'] },
  { kind: 'current_sensor_lost', description: 'external current sensor disconnected (BMS fault 0x0E)', parameters: ['durationS'] },
  { kind: 'unexplained_fault', description: 'status 0x9B with nothing in the event log or the live values to explain it', parameters: ['durationS'] },
  { kind: 'bms_silence', description: 'the BMS stops answering on the UART', parameters: ['durationS'] },
  { kind: 'uart_noise', description: 'a share of the replies is corrupted', parameters: ['rate', 'durationS'] },
] as const);

export type FaultKind = (typeof FAULT_CATALOG)[number]['kind'];
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze(FAULT_CATALOG.map((entry) => entry.kind));
/** temp_sensor_failure also takes 'all_external': both cell sensors at once. */
export type SensorChoice = SensorName | 'all_external';
const SENSORS: readonly SensorChoice[] = ['internal', 'external1', 'external2', 'all_external'];
const FORCED: readonly ForcedBmsFault[] = ['switch_error', 'current_sensor_lost', 'unexplained_fault'];

/** What a caller asks for; omitted values get defaults (`durationS` omitted = until cleared). */
export type FaultSpec =
  | { kind: 'cell_overvoltage' | 'cell_undervoltage'; cell: number; voltageMv?: number; durationS?: number }
  | { kind: 'temp_sensor_failure'; sensor?: SensorChoice; durationS?: number }
  | { kind: 'over_temperature' | 'under_temperature'; sensor?: SensorName; temperatureC?: number; durationS?: number }
  | { kind: 'charge_over_current' | 'discharge_over_current'; currentA?: number; durationS?: number }
  | { kind: ForcedBmsFault; durationS?: number }
  | { kind: 'bms_silence'; durationS?: number }
  | { kind: 'uart_noise'; rate?: number; durationS?: number };

/** A fault with every parameter filled in. */
export type Fault =
  | { kind: 'cell_overvoltage' | 'cell_undervoltage'; cell: number; voltageMv: number }
  | { kind: 'temp_sensor_failure'; sensor: SensorChoice }
  | { kind: 'over_temperature' | 'under_temperature'; sensor: SensorName; temperatureC: number }
  | { kind: 'charge_over_current' | 'discharge_over_current'; currentA: number }
  | { kind: ForcedBmsFault }
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
  const sensor = spec.sensor ?? (kind === 'over_temperature' || kind === 'under_temperature' || kind === 'temp_sensor_failure' ? 'external1' : undefined);
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
      if (!SENSORS.includes(sensor as SensorChoice)) return { ok: false, error: `sensor must be one of ${SENSORS.join(', ')}` };
      return done({ kind, sensor: sensor as SensorChoice });
    case 'over_temperature':
    case 'under_temperature': {
      if (sensor === 'all_external' || !SENSORS.includes(sensor as SensorChoice)) return { ok: false, error: `sensor must be one of ${SENSORS.slice(0, 3).join(', ')}` };
      const temperatureC = spec.temperatureC ?? (kind === 'over_temperature' ? s.overHeatC + 5 : -25);
      if (!(isFiniteNumber(temperatureC) && temperatureC >= -40 && temperatureC <= 150)) return { ok: false, error: 'temperatureC must be a number −40..150' };
      return done({ kind, sensor: sensor as SensorName, temperatureC });
    }
    case 'charge_over_current':
    case 'discharge_over_current': {
      const cutoff = kind === 'charge_over_current' ? s.chargeOverCurrentA : s.dischargeOverCurrentA;
      const currentA = spec.currentA ?? cutoff + 10;
      if (!(isFiniteNumber(currentA) && currentA > 0 && currentA <= 2000)) return { ok: false, error: 'currentA must be a number of amperes in (0, 2000] (its direction comes from the kind)' };
      return done({ kind, currentA });
    }
    case 'switch_error':
    case 'current_sensor_lost':
    case 'unexplained_fault':
      return done({ kind });
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
    overrides.forced.clear();
    overrides.currentA = undefined;
    for (const { fault } of this.#active) {
      if (fault.kind === 'cell_overvoltage' || fault.kind === 'cell_undervoltage') overrides.cellMv.set(fault.cell - 1, fault.voltageMv);
      else if (fault.kind === 'temp_sensor_failure') {
        for (const name of fault.sensor === 'all_external' ? (['external1', 'external2'] as const) : [fault.sensor]) overrides.sensorC.set(name, null);
      } else if (fault.kind === 'over_temperature' || fault.kind === 'under_temperature') overrides.sensorC.set(fault.sensor, fault.temperatureC);
      else if (fault.kind === 'charge_over_current') overrides.currentA = fault.currentA;
      else if (fault.kind === 'discharge_over_current') overrides.currentA = -fault.currentA;
      else if ((FORCED as readonly string[]).includes(fault.kind)) overrides.forced.add(fault.kind as ForcedBmsFault);
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
