/**
 * The simulator's state as plain JSON for the UI and `/api/sim/*`: the physics behind the
 * registers (true cell SOC and capacity, zone temperatures, charger phase) next to what the BMS
 * reports, plus active faults and UART counters. snake_case like the rest of the public API.
 */
import { onlineStatusName } from '../../../modules/uart_bms/index';
import type { BatteryModel } from './battery_model';
import type { ActiveFault } from './faults';
import type { ScenarioPhase } from './scenario';
import { ZONE_NAMES } from './thermal';
import type { UartDevice, UartDeviceCounters } from './uart_device';

export type SimMode = 'realistic' | 'test' | 'demo';

export interface CellSnapshot {
  cell: number;
  voltage_mv: number;
  soc_pct: number;
  capacity_ah: number;
  resistance_mohm: number;
  needs_balancing: boolean;
  balancing: boolean;
}

export interface SimSnapshot {
  mode: SimMode;
  speed: number;
  seed: number;
  running: boolean;
  phase: ScenarioPhase;
  model_time_s: number;
  time_of_day_s: number;
  lifetime_s: number;
  pack_voltage_v: number;
  pack_current_a: number;
  load_current_a: number;
  charger: { connected: boolean; phase: 'off' | 'cc' | 'cv'; current_a: number };
  state_of_charge_pct: number;
  true_state_of_charge_pct: number;
  state_of_health_pct: number;
  online_status: string;
  online_status_code: number;
  charge_done: boolean;
  protections: string[];
  cells: CellSnapshot[];
  zones: { zone: string; temperature_c: number }[];
  sensors: { internal: number | null; external1: number | null; external2: number | null };
  ambient_c: number;
  faults: { id: number; kind: string; started_at_ms: number; ends_at_ms: number | null; parameters: Record<string, unknown> }[];
  uart: UartDeviceCounters & { asleep: boolean };
}

export interface SnapshotSources {
  mode: SimMode;
  speed: number;
  seed: number;
  running: boolean;
  phase: ScenarioPhase;
  chargerConnected: boolean;
  model: BatteryModel;
  faults: readonly ActiveFault[];
  device: UartDevice;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

export function buildSnapshot(src: SnapshotSources): SimSnapshot {
  const { model } = src;
  const decision = model.bms.lastDecision;
  const trueSoc = model.cells.reduce((sum, c) => sum + c.socPct, 0) / model.cells.length;
  return {
    mode: src.mode,
    speed: src.speed,
    seed: src.seed,
    running: src.running,
    phase: src.phase,
    model_time_s: round(model.timeS, 1),
    time_of_day_s: Math.floor(model.timeOfDayS),
    lifetime_s: Math.floor(model.bms.lifetimeS),
    pack_voltage_v: round(model.packVoltageV, 3),
    pack_current_a: round(model.currentA, 2),
    load_current_a: round(model.loadA, 2),
    charger: { connected: src.chargerConnected, phase: model.charger.phase, current_a: round(model.charger.currentA, 2) },
    state_of_charge_pct: round(model.bms.socPct, 3),
    true_state_of_charge_pct: round(trueSoc, 3),
    state_of_health_pct: round(model.sohPct, 2),
    online_status: onlineStatusName(decision.status),
    online_status_code: decision.status,
    charge_done: model.bms.chargeDone,
    protections: model.bms.activeProtections(),
    cells: model.cells.map((cell, i) => ({
      cell: i + 1,
      voltage_mv: round(model.measured.cellMv[i], 1),
      soc_pct: round(cell.socPct, 3),
      capacity_ah: round(cell.capacityAh, 2),
      resistance_mohm: round(cell.resistance(model.thermal.temperaturesC[cell.zone]) * 1000, 3),
      needs_balancing: ((decision.needsBalancingBits >> i) & 1) === 1,
      balancing: ((decision.balancingBits >> i) & 1) === 1,
    })),
    zones: ZONE_NAMES.map((zone, z) => ({ zone, temperature_c: round(model.thermal.temperaturesC[z], 2) })),
    sensors: { ...model.measured.sensors },
    ambient_c: round(model.ambientC, 2),
    faults: src.faults.map((f) => {
      const { kind, ...parameters } = f.fault;
      return { id: f.id, kind, started_at_ms: f.startedAtMs, ends_at_ms: f.endsAtMs ?? null, parameters };
    }),
    uart: { ...src.device.counters, asleep: src.device.asleep },
  };
}
