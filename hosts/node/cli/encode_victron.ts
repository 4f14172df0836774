/**
 * `tinybms-gw encode victron <state.json>`: prints the Victron frame set for one battery state,
 * one line per frame: `0x351 2802E803DC05E001`. state.json holds live values with the gateway's
 * field names; charge_voltage_limit_v, charge_current_limit_a, discharge_current_limit_a and
 * discharge_voltage_limit_v, when present, are encoded as given instead of computed; an optional
 * "config" object is merged over the default configuration (and validated); charged_energy_wh and
 * discharged_energy_wh feed 0x378.
 */
import { readFileSync } from 'node:fs';
import { computeChargeLimits } from '../../../modules/can_publisher/charge_control';
import { initialChargeState } from '../../../modules/can_publisher/charge_state';
import { buildFrame } from '../../../modules/can_publisher/frame_builder';
import { chargeSettingsFrom } from '../../../modules/can_publisher/publisher';
import { pylontechRefusal } from '../../../modules/can_publisher/pylontech_guard';
import { frameSet } from '../../../modules/can_publisher/schedule';
import { formatCanId } from '../../../modules/can_victron/ids';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import { deepMerge } from '../../../modules/config_manager/merge';
import { isPlainObject, validate } from '../../../modules/config_manager/validate';
import type { ChargeLimits } from '../../../modules/event_bus/events';
import type { LiveData, OnlineStatusName } from '../../../modules/uart_bms/live_data';
import { toHex } from '../../../modules/util/hex';
import { EXIT_OK, InputError, UsageError, parseOptions, type Subcommand } from './command';

const REQUIRED = ['pack_voltage_v', 'pack_current_a', 'state_of_charge_pct', 'min_cell_voltage_mv', 'max_cell_voltage_mv', 'min_temperature_c', 'max_temperature_c'] as const;
const LIMIT_FIELDS = ['charge_voltage_limit_v', 'charge_current_limit_a', 'discharge_current_limit_a', 'discharge_voltage_limit_v'] as const;
const ONLINE_STATUSES: readonly OnlineStatusName[] = ['charging', 'fully_charged', 'discharging', 'regeneration', 'idle', 'fault', 'unknown'];

type State = Record<string, unknown>;

function numberField(state: State, name: string, fallback?: number): number {
  const value = state[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`${name} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function numberList(state: State, name: string): number[] {
  const value = state[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new InputError(`${name} must be an array of numbers`);
  return value as number[];
}

function liveDataOf(state: State): LiveData {
  const missing = REQUIRED.filter((name) => state[name] === undefined);
  if (missing.length > 0) throw new InputError(`state.json lacks ${missing.join(', ')}`);
  const status = state.online_status ?? 'idle';
  if (!ONLINE_STATUSES.includes(status as OnlineStatusName)) throw new InputError(`online_status must be one of ${ONLINE_STATUSES.join(', ')}`);
  const cells = numberList(state, 'cell_voltage_mv');
  const temperatures = numberList(state, 'temperatures_c');
  const voltage = numberField(state, 'pack_voltage_v');
  const current = numberField(state, 'pack_current_a');
  const min = numberField(state, 'min_cell_voltage_mv');
  const max = numberField(state, 'max_cell_voltage_mv');
  return {
    timestamp_ms: 0,
    data_valid: true,
    pack_voltage_v: voltage,
    pack_current_a: current,
    power_w: voltage * current,
    state_of_charge_pct: numberField(state, 'state_of_charge_pct'),
    state_of_health_pct: numberField(state, 'state_of_health_pct', 100),
    // 0 = not stated: no cell-count check.
    cell_count: numberField(state, 'cell_count', cells.length),
    cell_voltage_mv: cells,
    min_cell_voltage_mv: min,
    max_cell_voltage_mv: max,
    cell_delta_mv: max - min,
    temperatures_c: temperatures,
    temp_sensor_count: temperatures.length,
    min_temperature_c: numberField(state, 'min_temperature_c'),
    max_temperature_c: numberField(state, 'max_temperature_c'),
    internal_temperature_c: numberField(state, 'internal_temperature_c', numberField(state, 'max_temperature_c')),
    online_status: status as OnlineStatusName,
    online_status_code: 0,
    balancing_cells: [],
    balancing_bits: 0,
    needs_balancing_bits: 0,
    lifetime_s: 0,
    time_left_s: 0,
  };
}

function configOf(state: State): GatewayConfig {
  if (state.config === undefined) return defaultConfig();
  if (!isPlainObject(state.config)) throw new InputError('"config" must be an object');
  const result = validate(deepMerge(defaultConfig(), state.config));
  if (!result.ok) throw new InputError(`invalid config: ${result.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return result.config;
}

/** Limits given in state.json replace the computed ones, field by field. */
function withGivenLimits(computed: ChargeLimits, state: State): ChargeLimits {
  const limits = { ...computed };
  for (const name of LIMIT_FIELDS) if (state[name] !== undefined) limits[name] = numberField(state, name);
  limits.charge_allowed = limits.charge_current_limit_a > 0;
  limits.discharge_allowed = limits.discharge_current_limit_a > 0;
  return limits;
}

function readState(file: string): State {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(state)) throw new InputError(`${file} must hold a JSON object`);
  return state;
}

/** The frame lines for a state object (exported for tests and other tools). */
export function encodeVictronState(state: State): string[] {
  const given = configOf(state);
  const config: GatewayConfig = { ...given, can: { ...given.can, protocol: 'victron' } };
  const refusal = pylontechRefusal(config);
  if (refusal) throw new InputError(refusal);
  const data = liveDataOf(state);
  const decision = computeChargeLimits(data, data.timestamp_ms, chargeSettingsFrom(config), initialChargeState());
  if (!decision.usable) throw new InputError(`state.json cannot drive charge limits (${decision.limits.reasons.join(', ')})`);
  const inputs = {
    config,
    data,
    decision: { ...decision, limits: withGivenLimits(decision.limits, state) },
    energy: { charged_wh: numberField(state, 'charged_energy_wh', 0), discharged_wh: numberField(state, 'discharged_energy_wh', 0) },
    firmware: { major: 0, minor: 1 },
  };
  const lines: string[] = [];
  for (const id of frameSet('victron')) {
    let frame;
    try {
      frame = buildFrame(id, inputs);
    } catch (error) {
      throw new InputError(`${formatCanId(id)}: ${(error as Error).message}`);
    }
    if (frame) lines.push(`${formatCanId(frame.id)} ${toHex(frame.data)}`);
  }
  return lines;
}

export const encodeVictron: Subcommand = {
  path: ['encode', 'victron'],
  usage: '<state.json>',
  summary: 'print the Victron CAN frames (one "0x351 <hex>" line each) for the live values in state.json',
  run(args, io) {
    const { positional } = parseOptions(args, [], []);
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'missing the state file' : 'give exactly one state file');
    io.stdout(`${encodeVictronState(readState(positional[0])).join('\n')}\n`);
    return EXIT_OK;
  },
};
