/**
 * `tinybms-gw encode victron <file.json>`: the Victron frames charge control would send.
 *
 * One state object (as before): one line per frame, `0x351 2802E803DC05E001`.
 * A sequence — `{ "config": {...}, "bms": {...}, "states": [ {...}, … ] }` or a plain array of
 * states — runs charge control over the states in order on a virtual clock, carrying its state
 * (latches, hysteresis, CCL ramp, bulk/absorption/float), and prints for every state one line
 * per frame prefixed by its time, `t=1000 0x351 …`, then `t=1000 why cvl=… ccl=… dcl=…`.
 * Per state: `t_ms` (required in a sequence, never decreasing); live values with the gateway's
 * field names; `null` for an absent sensor (`"temperatures_c": [24, null]`,
 * `"internal_temperature_c": null`); `"stale": true` = no new sample arrived (the previous one
 * ages); `"data_valid": false` = a failed poll. `bms.cutoffs` (registers 300/315–320 by name, as
 * in can_publisher/bms_bounds.ts) and `bms.fault_causes` (open causes from the event log) may be
 * given at the top or per state. Limits given in a single state replace the computed ones.
 * Bad input exits 2 with the reason.
 */
import { readFileSync } from 'node:fs';
import type { BmsCutoffs } from '../../../modules/can_publisher/bms_bounds';
import { type BmsContext, type ChargeDecision, computeChargeLimits } from '../../../modules/can_publisher/charge_control';
import { type ChargeState, initialChargeState } from '../../../modules/can_publisher/charge_state';
import { FAULT_POLICY, type FaultCause } from '../../../modules/can_publisher/fault_causes';
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
import { temperatureFields } from '../../../modules/uart_bms/live_decode';
import { toHex } from '../../../modules/util/hex';
import { EXIT_OK, InputError, UsageError, parseOptions, type Subcommand } from './command';

const REQUIRED = ['pack_voltage_v', 'pack_current_a', 'state_of_charge_pct', 'min_cell_voltage_mv', 'max_cell_voltage_mv'] as const;
const LIMIT_FIELDS = ['charge_voltage_limit_v', 'charge_current_limit_a', 'discharge_current_limit_a', 'discharge_voltage_limit_v'] as const;
const ONLINE_STATUSES: readonly OnlineStatusName[] = ['charging', 'fully_charged', 'discharging', 'regeneration', 'idle', 'fault', 'unknown'];
const CUTOFF_KEYS: readonly (keyof BmsCutoffs)[] = ['fully_charged_mv', 'overvoltage_mv', 'undervoltage_mv', 'discharge_overcurrent_a', 'charge_overcurrent_a', 'overheat_c', 'low_temp_charge_c'];
const FAULT_CAUSES = Object.keys(FAULT_POLICY) as FaultCause[];

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

/** Sensor readings by position; null = absent sensor. */
function sensorList(state: State, name: string): (number | null)[] | undefined {
  const value = state[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) throw new InputError(`${name} must be an array of numbers or null (absent sensor)`);
  return value as (number | null)[];
}

function nullableNumber(state: State, name: string): number | null | undefined {
  const value = state[name];
  if (value === undefined || value === null) return value;
  return numberField(state, name);
}

/** Temperatures: the sensor list (nulls kept in place), or min/max alone, or nothing = no cell temperature. */
function temperaturesOf(state: State): ReturnType<typeof temperatureFields> {
  const sensors = sensorList(state, 'temperatures_c') ?? sensorList(state, 'cell_temperatures_c');
  const internal = nullableNumber(state, 'internal_temperature_c');
  if (sensors) return temperatureFields(sensors, internal ?? null);
  const min = nullableNumber(state, 'min_temperature_c');
  const max = nullableNumber(state, 'max_temperature_c');
  if ((min === undefined || min === null) !== (max === undefined || max === null)) throw new InputError('give both min_temperature_c and max_temperature_c, or neither (no cell temperature)');
  if (min === undefined || min === null || max === undefined || max === null) return temperatureFields([], internal ?? null);
  if (min > max) throw new InputError(`min_temperature_c ${min} is above max_temperature_c ${max}`);
  return temperatureFields([min, max], internal ?? null);
}

function liveDataOf(state: State, timestampMs: number): LiveData {
  const missing = REQUIRED.filter((name) => state[name] === undefined);
  if (missing.length > 0) throw new InputError(`the state lacks ${missing.join(', ')}`);
  const status = state.online_status ?? 'idle';
  if (!ONLINE_STATUSES.includes(status as OnlineStatusName)) throw new InputError(`online_status must be one of ${ONLINE_STATUSES.join(', ')}`);
  if (state.data_valid !== undefined && typeof state.data_valid !== 'boolean') throw new InputError('data_valid must be true or false');
  const cells = numberList(state, 'cell_voltage_mv');
  const voltage = numberField(state, 'pack_voltage_v');
  const current = numberField(state, 'pack_current_a');
  const min = numberField(state, 'min_cell_voltage_mv');
  const max = numberField(state, 'max_cell_voltage_mv');
  return {
    timestamp_ms: timestampMs,
    data_valid: state.data_valid !== false,
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
    ...temperaturesOf(state),
    online_status: status as OnlineStatusName,
    online_status_code: 0,
    balancing_cells: [],
    balancing_bits: 0,
    needs_balancing_bits: 0,
    lifetime_s: 0,
    time_left_s: 0,
  };
}

function configOf(file: State): GatewayConfig {
  if (file.config === undefined) return defaultConfig();
  if (!isPlainObject(file.config)) throw new InputError('"config" must be an object');
  const result = validate(deepMerge(defaultConfig(), file.config));
  if (!result.ok) throw new InputError(`invalid config: ${result.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return result.config;
}

/** `bms: { cutoffs: {...}, fault_causes: [...] }`, checked; `inherited` fills what is not given. */
function bmsContextOf(holder: State, inherited: BmsContext): BmsContext {
  if (holder.bms === undefined) return inherited;
  if (!isPlainObject(holder.bms)) throw new InputError('"bms" must be an object with "cutoffs" and/or "fault_causes"');
  const bms = holder.bms as State;
  const unknown = Object.keys(bms).filter((k) => k !== 'cutoffs' && k !== 'fault_causes');
  if (unknown.length) throw new InputError(`bms: unknown field ${unknown.join(', ')}`);
  const context: BmsContext = { ...inherited };
  if (bms.cutoffs !== undefined) {
    if (!isPlainObject(bms.cutoffs)) throw new InputError('bms.cutoffs must be an object');
    const cutoffs: BmsCutoffs = {};
    for (const key of Object.keys(bms.cutoffs)) {
      if (!CUTOFF_KEYS.includes(key as keyof BmsCutoffs)) throw new InputError(`bms.cutoffs.${key} is not one of ${CUTOFF_KEYS.join(', ')}`);
      cutoffs[key as keyof BmsCutoffs] = numberField(bms.cutoffs, key);
    }
    context.cutoffs = cutoffs;
  }
  if (bms.fault_causes !== undefined) {
    if (!Array.isArray(bms.fault_causes) || !bms.fault_causes.every((c) => FAULT_CAUSES.includes(c as FaultCause))) throw new InputError(`bms.fault_causes must list causes among ${FAULT_CAUSES.join(', ')}`);
    context.logged_fault_causes = bms.fault_causes as FaultCause[];
  }
  return context;
}

/** Limits given in the state replace the computed ones, field by field. */
function withGivenLimits(computed: ChargeLimits, state: State): ChargeLimits {
  const limits = { ...computed };
  for (const name of LIMIT_FIELDS) if (state[name] !== undefined) limits[name] = numberField(state, name);
  limits.charge_allowed = limits.charge_current_limit_a > 0;
  limits.discharge_allowed = limits.discharge_current_limit_a > 0;
  return limits;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

function victronConfig(file: State): GatewayConfig {
  const given = configOf(file);
  const config: GatewayConfig = { ...given, can: { ...given.can, protocol: 'victron' } };
  const refusal = pylontechRefusal(config);
  if (refusal) throw new InputError(refusal);
  return config;
}

function frameLines(config: GatewayConfig, data: LiveData | undefined, decision: ChargeDecision, state: State): string[] {
  const inputs = {
    config,
    data: decision.usable ? data : undefined,
    decision,
    energy: { charged_wh: numberField(state, 'charged_energy_wh', 0), discharged_wh: numberField(state, 'discharged_energy_wh', 0) },
    firmware: { major: 0, minor: 1 },
    serial_number: typeof state.serial_number === 'string' ? state.serial_number : undefined,
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

/** The frame lines for one state object (exported for tests and other tools). */
export function encodeVictronState(state: State): string[] {
  const config = victronConfig(state);
  const data = liveDataOf(state, 0);
  // One state is a snapshot, not a start-up: no CCL ramp from 0.
  const start: ChargeState = { ...initialChargeState(), applied_ccl_a: Infinity };
  const decision = computeChargeLimits(data, data.timestamp_ms, chargeSettingsFrom(config), start, bmsContextOf(state, {}));
  if (!decision.usable) throw new InputError(`the state cannot drive charge limits (${decision.limits.reasons.join(', ')})`);
  return frameLines(config, data, { ...decision, limits: withGivenLimits(decision.limits, state) }, state);
}

/** A sequence of timestamped states through charge control, carrying its state; lines prefixed `t=<ms>`. */
export function encodeVictronSequence(file: State | unknown[]): string[] {
  const holder: State = Array.isArray(file) ? { states: file } : file;
  if (!Array.isArray(holder.states) || holder.states.length === 0) throw new InputError('"states" must be a non-empty array of state objects');
  const unknown = Object.keys(holder).filter((k) => k !== 'states' && k !== 'config' && k !== 'bms');
  if (unknown.length) throw new InputError(`unknown top-level field ${unknown.join(', ')} (a sequence has "config", "bms" and "states")`);
  const config = victronConfig(holder);
  const settings = chargeSettingsFrom(config);
  const topBms = bmsContextOf(holder, {});
  let chargeState = initialChargeState();
  let latest: LiveData | undefined;
  let lastT = -Infinity;
  const lines: string[] = [];
  holder.states.forEach((entry, index) => {
    const where = `states[${index}]`;
    if (!isPlainObject(entry)) throw new InputError(`${where} must be an object`);
    const state = entry as State;
    const t = state.t_ms;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new InputError(`${where}.t_ms must be a time in ms ≥ 0`);
    if (t < lastT) throw new InputError(`${where}.t_ms ${t} goes back in time (previous ${lastT})`);
    lastT = t;
    if (state.stale !== undefined && typeof state.stale !== 'boolean') throw new InputError(`${where}.stale must be true or false`);
    try {
      if (state.stale === true) {
        if (!latest) throw new InputError('a stale state needs an earlier sample');
      } else {
        const sample = liveDataOf(state, t);
        // A failed poll keeps the last values and their time, marked invalid (as the poller does).
        latest = sample.data_valid ? sample : { ...(latest ?? sample), data_valid: false };
      }
      const decision = computeChargeLimits(latest, t, settings, chargeState, bmsContextOf(state, topBms));
      chargeState = decision.state;
      for (const line of frameLines(config, latest, decision, state)) lines.push(`t=${t} ${line}`);
      const l = decision.limits;
      lines.push(`t=${t} why cvl=${l.limiting?.cvl} ccl=${l.limiting?.ccl} dcl=${l.limiting?.dcl} phase=${chargeState.phase} reasons=${l.reasons.join(',')}`);
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${where}: ${error.message}`);
      throw error;
    }
  });
  return lines;
}

/** One state object, or a sequence (an array, or an object with "states"). */
export function encodeVictronFile(content: unknown): string[] {
  if (Array.isArray(content)) return encodeVictronSequence(content);
  if (!isPlainObject(content)) throw new InputError('the file must hold a JSON object (one state) or a sequence of states');
  return content.states !== undefined ? encodeVictronSequence(content) : encodeVictronState(content);
}

export const encodeVictron: Subcommand = {
  path: ['encode', 'victron'],
  usage: '<state.json | sequence.json>',
  summary: 'print the Victron CAN frames for one battery state, or for a timestamped sequence of states (see README)',
  run(args, io) {
    const { positional } = parseOptions(args, [], []);
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'missing the state file' : 'give exactly one state file');
    io.stdout(`${encodeVictronFile(readJson(positional[0])).join('\n')}\n`);
    return EXIT_OK;
  },
};
