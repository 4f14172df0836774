/**
 * What the UI's simulator panel needs to offer every fault kind the simulator knows: the kinds,
 * their descriptions and parameter names come from the simulator's own FAULT_CATALOG; this adds
 * how to ask for each parameter (label, unit, range), looked up by parameter name. A parameter
 * this table does not know still appears as a plain number field, and a new fault kind shows up
 * in the panel the day it is added to the catalogue. Names are snake_case, as the API.
 */
import { FAULT_CATALOG } from '../mocks/tinybms/faults';
import { CELL_COUNT } from '../mocks/tinybms/pack_presets';
import { snakeCase } from '../../modules/util/case_keys';

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
  /** False when a parameter is not in the table below: the panel also offers a JSON field. */
  described: boolean;
}

const PARAMETERS: Readonly<Record<string, Omit<FaultParameter, 'name'>>> = Object.freeze({
  cell: { label: 'Cell', kind: 'integer', min: 1, max: CELL_COUNT, required: true },
  voltage_mv: { label: 'Voltage', kind: 'integer', unit: 'mV', min: 0, max: 6000 },
  sensor: { label: 'Sensor', kind: 'choice', choices: ['internal', 'external1', 'external2', 'all_external'] },
  temperature_c: { label: 'Temperature', kind: 'number', unit: '°C', min: -40, max: 150 },
  current_a: { label: 'Current', kind: 'number', unit: 'A', min: 0, max: 2000 },
  rate: { label: 'Share corrupted', kind: 'number', min: 0.01, max: 1, step: 0.01 },
  duration_s: { label: 'Duration', kind: 'number', unit: 's', min: 1, max: 86_400, hint: 'until cleared' },
});

const titleOf = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');

export interface CatalogEntry {
  kind: string;
  description: string;
  parameters: readonly string[];
}

/** Every kind the simulator accepts, in its order, with its parameters in snake_case. */
export function faultKindCatalogue(catalog: readonly CatalogEntry[] = FAULT_CATALOG): FaultKindInfo[] {
  return catalog.map((entry) => {
    const names = entry.parameters.map(snakeCase);
    const parameters = names.map((name): FaultParameter => ({ name, ...(PARAMETERS[name] ?? { label: titleOf(name), kind: 'number' }) }));
    return { kind: entry.kind, label: titleOf(entry.kind), description: entry.description, parameters, described: names.every((name) => PARAMETERS[name] !== undefined) };
  });
}
