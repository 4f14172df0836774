/**
 * What the UI's simulator panel needs to offer every fault kind the simulator knows: the kinds
 * come from the simulator's own list (FAULT_KINDS), the parameters from the table below. A kind
 * the table does not describe yet still appears (with a duration and free-form parameters), so a
 * new fault kind is usable from the panel the day it is added. Names are snake_case, as the API.
 */
import { FAULT_KINDS } from '../mocks/tinybms/faults';
import { CELL_COUNT } from '../mocks/tinybms/pack_presets';

export interface FaultParameter {
  name: string;
  label: string;
  kind: 'integer' | 'number' | 'choice';
  unit?: string;
  min?: number;
  max?: number;
  step?: number;
  choices?: string[];
  /** Required parameters have no default in the simulator. */
  required?: boolean;
  hint?: string;
}

export interface FaultKindInfo {
  kind: string;
  label: string;
  description: string;
  parameters: FaultParameter[];
  /** False for kinds this table does not describe: the panel offers a JSON field for their parameters. */
  described: boolean;
}

const SENSORS = ['internal', 'external1', 'external2'];
const DURATION: FaultParameter = { name: 'duration_s', label: 'Duration', kind: 'number', unit: 's', min: 1, max: 86_400, hint: 'until cleared' };
const CELL: FaultParameter = { name: 'cell', label: 'Cell', kind: 'integer', min: 1, max: CELL_COUNT, required: true };

const DESCRIBED: Readonly<Record<string, Omit<FaultKindInfo, 'kind' | 'described'>>> = Object.freeze({
  cell_overvoltage: { label: 'Cell over-voltage', description: 'One cell reads high (default: 50 mV above the BMS over-voltage cut-off).', parameters: [CELL, { name: 'voltage_mv', label: 'Voltage', kind: 'integer', unit: 'mV', min: 0, max: 6000 }] },
  cell_undervoltage: { label: 'Cell under-voltage', description: 'One cell reads low (default: 100 mV below the under-voltage cut-off).', parameters: [CELL, { name: 'voltage_mv', label: 'Voltage', kind: 'integer', unit: 'mV', min: 0, max: 6000 }] },
  temp_sensor_failure: { label: 'Temperature sensor failure', description: 'A sensor stops reading (reported as missing).', parameters: [{ name: 'sensor', label: 'Sensor', kind: 'choice', choices: SENSORS }] },
  over_temperature: { label: 'Over-temperature', description: 'A sensor reads hot (default: 5 °C above the over-heat cut-off).', parameters: [{ name: 'sensor', label: 'Sensor', kind: 'choice', choices: SENSORS }, { name: 'temperature_c', label: 'Temperature', kind: 'number', unit: '°C', min: -40, max: 150 }] },
  bms_silence: { label: 'BMS silent', description: 'The BMS stops answering on the UART (link lost, stale data).', parameters: [] },
  uart_noise: { label: 'UART noise', description: 'A share of the replies arrive corrupted (CRC errors).', parameters: [{ name: 'rate', label: 'Share corrupted', kind: 'number', min: 0.01, max: 1, step: 0.01 }] },
});

const titleOf = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1).replace(/_/g, ' ');

/** Every kind the simulator accepts, in its order. */
export function faultKindCatalogue(kinds: readonly string[] = FAULT_KINDS): FaultKindInfo[] {
  return kinds.map((kind) => {
    const known = DESCRIBED[kind];
    if (!known) return { kind, label: titleOf(kind), description: 'Parameters as the simulator documents them.', parameters: [DURATION], described: false };
    return { kind, ...known, parameters: [...known.parameters, DURATION], described: true };
  });
}
