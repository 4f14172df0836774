/**
 * MQTT payloads from gateway values. Pure: data in, strings out. Units follow the topic table
 * (V, A, %, °C; cell voltages in V); numbers are rounded to what the BMS really resolves.
 */
import type { Alert } from '../alert_manager/alert';
import type { ChargeLimits } from '../event_bus/events';
import type { LiveData } from '../uart_bms/live_data';
import type { GatewayTopics } from './topics';

export interface TopicPayload {
  topic: string;
  payload: string;
}

/** Fixed decimals, as a number (JSON) — non-finite values become null rather than "NaN". */
export function rounded(value: number, decimals: number): number | null {
  return Number.isFinite(value) ? Number(value.toFixed(decimals)) : null;
}

/** Valid, and young enough to be shown as the battery's present state. */
export function isFresh(data: LiveData | undefined, nowMs: number, staleAfterMs: number): data is LiveData {
  return data !== undefined && data.data_valid && nowMs - data.timestamp_ms <= staleAfterMs;
}

/** `value` to `decimals` as a payload ("53.2", not "53.20"); non-finite values are left out. */
function pushValue(out: TopicPayload[], topic: string, value: number, decimals: number): void {
  const payload = rounded(value, decimals);
  if (payload !== null) out.push({ topic, payload: String(payload) });
}

/** The 1 s retained value topics. Temperatures are left out when no sensor is connected. */
export function valueMessages(data: LiveData, topics: GatewayTopics): TopicPayload[] {
  // Every second: straight into the result, no intermediate pairs.
  const out: TopicPayload[] = [];
  pushValue(out, topics.voltage, data.pack_voltage_v, 2);
  pushValue(out, topics.current, data.pack_current_a, 2);
  pushValue(out, topics.soc, data.state_of_charge_pct, 1);
  pushValue(out, topics.cellVoltageMax, data.max_cell_voltage_mv / 1000, 3);
  pushValue(out, topics.cellVoltageMin, data.min_cell_voltage_mv / 1000, 3);
  if (data.temp_sensor_count > 0) {
    pushValue(out, topics.temperatureMax, data.max_temperature_c, 1);
    pushValue(out, topics.temperatureMin, data.min_temperature_c, 1);
  }
  return out;
}

/** 1-based number of the first cell holding the highest (`sign` 1) or lowest (−1) voltage; null without cells. */
export function extremeCell(voltages: readonly number[], sign: 1 | -1): number | null {
  let best = -1;
  for (let i = 0; i < voltages.length; i++) if (best < 0 || (voltages[i] - voltages[best]) * sign > 0) best = i;
  return best < 0 ? null : best + 1;
}

/**
 * The 5 s status JSON; `sampledAtWallMs` is when the BMS was read (epoch ms); `capacityAh` the
 * pack's capacity (remaining Ah = SOC × capacity), undefined while unknown.
 */
export function statusPayload(data: LiveData, sampledAtWallMs: number, capacityAh?: number): string {
  let sum = 0;
  let sensors = 0;
  for (const t of data.temperatures_c) {
    if (!Number.isFinite(t)) continue;
    sum += t;
    sensors++;
  }
  const average = sensors > 0 ? sum / sensors : NaN;
  const hasTemperature = data.temp_sensor_count > 0;
  return JSON.stringify({
    timestamp: Math.round(sampledAtWallMs),
    battery: {
      voltage: rounded(data.pack_voltage_v, 2),
      current: rounded(data.pack_current_a, 2),
      power: rounded(data.power_w, 1),
      soc: rounded(data.state_of_charge_pct, 1),
      soh: rounded(data.state_of_health_pct, 1),
      remaining_ah: capacityAh !== undefined && capacityAh > 0 ? rounded((data.state_of_charge_pct / 100) * capacityAh, 1) : null,
      time_left_s: rounded(data.time_left_s, 0),
      online_status: data.online_status,
    },
    cells: {
      count: data.cell_count,
      voltage_max: rounded(data.max_cell_voltage_mv / 1000, 3),
      voltage_min: rounded(data.min_cell_voltage_mv / 1000, 3),
      voltage_delta: rounded(data.cell_delta_mv / 1000, 3),
      max_cell: extremeCell(data.cell_voltage_mv, 1),
      min_cell: extremeCell(data.cell_voltage_mv, -1),
      balancing: data.balancing_cells.length > 0,
    },
    temperature: {
      sensor_count: data.temp_sensor_count,
      max: hasTemperature ? rounded(data.max_temperature_c, 1) : null,
      min: hasTemperature ? rounded(data.min_temperature_c, 1) : null,
      avg: rounded(average, 1),
    },
  });
}

/** Every cell voltage in V (cell 1 first) and the 1-based numbers of cells being balanced. */
export function cellsPayload(data: LiveData): string {
  const cells = data.cell_voltage_mv;
  const voltages: (number | null)[] = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) voltages[i] = rounded(cells[i] / 1000, 3);
  return JSON.stringify({ count: cells.length, voltages, balancing: data.balancing_cells });
}

function alertFields(alert: Alert): Alert {
  return { timestamp: alert.timestamp, level: alert.level, code: alert.code, message: alert.message };
}

export function alertPayload(alert: Alert): string {
  return JSON.stringify(alertFields(alert));
}

export function alarmsPayload(active: readonly Alert[]): string {
  return JSON.stringify({ count: active.length, codes: active.map((a) => a.code), alerts: active.map(alertFields) });
}

export interface EnergyFigures {
  charged_wh: number;
  discharged_wh: number;
}

/** Nominal LiFePO4 cell voltage: equivalent full cycles = discharged energy / (capacity × cells × 3.2 V). */
export const NOMINAL_CELL_V = 3.2;

/** Energy counters to the Wh (HA's total_increasing: never rounded up past a later value) and equivalent full cycles. */
export function energyPayload(energy: EnergyFigures, capacityAh: number, seriesCells: number): string {
  const packWh = capacityAh * seriesCells * NOMINAL_CELL_V;
  return JSON.stringify({
    charged_wh: Math.floor(energy.charged_wh),
    discharged_wh: Math.floor(energy.discharged_wh),
    cycles: packWh > 0 ? Math.floor((energy.discharged_wh / packWh) * 10) / 10 : null,
  });
}

export interface DiagnosticsFigures {
  uptime_s: number;
  wifi_rssi_dbm: number | null;
  firmware: string;
  can_state: string;
}

export function diagnosticsPayload(figures: DiagnosticsFigures): string {
  return JSON.stringify(figures);
}

export function limitsPayload(limits: ChargeLimits): string {
  return JSON.stringify({
    charge_voltage_limit_v: rounded(limits.charge_voltage_limit_v, 2),
    charge_current_limit_a: rounded(limits.charge_current_limit_a, 1),
    discharge_current_limit_a: rounded(limits.discharge_current_limit_a, 1),
    discharge_voltage_limit_v: rounded(limits.discharge_voltage_limit_v, 2),
    charge_allowed: limits.charge_allowed,
    discharge_allowed: limits.discharge_allowed,
    reasons: limits.reasons,
  });
}
