/**
 * The gateway's live state for every page: battery values from /ws/telemetry (with /api/data
 * polling while the socket is down), link states and limits from /api/status, and the last
 * hour of samples for the live charts. Started once by main.tsx.
 */
import { apiGet } from '../api/client';
import { openLiveSocket, type SocketState } from '../api/socket';
import { normalizeHistorySamples } from '../api/normalize';
import type { BatteryData, GatewayStatus, HistorySample, TelemetryMessage } from '../api/types';
import { TimeSeries } from './series';
import { createStore, type Store } from './store';

/** Data older than this on arrival is shown as stale (the BMS link is likely down). */
export const STALE_AFTER_MS = 10_000;
const STATUS_PERIOD_MS = 5_000;
const DATA_FALLBACK_PERIOD_MS = 2_000;
const HOUR_S = 3600;

export interface LiveBattery {
  data: BatteryData;
  /** Browser time (ms) when it arrived. */
  receivedAt: number;
}

/** Series columns after time: voltage V, current A, power W, SOC %, min cell mV, max cell mV, max temp °C. */
export const SERIES_FIELDS = ['pack_voltage_v', 'pack_current_a', 'power_w', 'state_of_charge_pct', 'min_cell_voltage_mv', 'max_cell_voltage_mv', 'max_temperature_c'] as const;

export const battery: Store<LiveBattery | null> = createStore<LiveBattery | null>(null);
export const status: Store<GatewayStatus | null> = createStore<GatewayStatus | null>(null);
/** Browser time (ms) the last /api/status arrived. */
export const statusReceivedAt: Store<number> = createStore(0);
export const statusError: Store<string | null> = createStore<string | null>(null);
export const telemetryState: Store<SocketState> = createStore<SocketState>('connecting');
export const lastHour = new TimeSeries(SERIES_FIELDS.length, HOUR_S + 60);
/** A TinyBMS has at most 16 cells. */
export const MAX_CELLS = 16;
/** Every cell's voltage (mV) over the last hour, from telemetry (the stored history keeps only min/max). */
export const cellHour = new TimeSeries(MAX_CELLS, HOUR_S + 60);
/** Bumped on every new sample so charts know to redraw. */
export const seriesVersion: Store<number> = createStore(0);

/**
 * Merges new values (a telemetry message carries a subset; /api/data and /api/status fill the
 * rest). `record` adds a chart sample: only for the stream that drives the charts, once per value.
 */
function accept(data: BatteryData, record = true): void {
  const now = Date.now();
  battery.update((previous) => ({ data: { ...(previous?.data ?? {}), ...data }, receivedAt: now }));
  // Invalid snapshots repeat old values: keep them out of the charts.
  if (!record || data.data_valid === false) return;
  const merged = battery.get()!.data;
  // The gateway's wall time when it has one, so live points line up with stored history.
  const timeS = (typeof data.timestamp === 'number' && data.timestamp > 1e11 ? data.timestamp : now) / 1000;
  lastHour.push(timeS, SERIES_FIELDS.map((field) => (typeof merged[field] === 'number' ? (merged[field] as number) : NaN)));
  lastHour.trimBefore(timeS - HOUR_S);
  if (Array.isArray(data.cell_voltage_mv)) {
    cellHour.push(timeS, data.cell_voltage_mv.slice(0, MAX_CELLS).map((mv) => (typeof mv === 'number' ? mv : NaN)));
    cellHour.trimBefore(timeS - HOUR_S);
  }
  seriesVersion.update((v) => v + 1);
}

/** Stored 5 s samples per hour. */
const HISTORY_SAMPLES_PER_HOUR = 720;

/** Fills the charts with the last hour the gateway stored, so they are not empty on first open. */
async function seedFromHistory(): Promise<void> {
  let samples: HistorySample[];
  try {
    samples = normalizeHistorySamples(await apiGet<unknown>(`/api/history?limit=${HISTORY_SAMPLES_PER_HOUR}`));
  } catch {
    return; // No history yet: the charts fill from the stream.
  }
  const newest = samples.length ? samples[samples.length - 1].timestamp : 0;
  const rows = samples
    .filter((s) => s.timestamp > 1e11 && s.timestamp >= newest - HOUR_S * 1000)
    .map((s) => ({ timeS: s.timestamp / 1000, values: [s.voltage, s.current, s.voltage * s.current, s.soc, s.cell_min, s.cell_max, s.temp_max] }));
  if (rows.length === 0) return;
  lastHour.prepend(rows);
  seriesVersion.update((v) => v + 1);
}

/** True when the latest values must not be trusted: invalid, or too old. */
export function isStale(live: LiveBattery | null, now = Date.now()): boolean {
  if (!live) return true;
  if (live.data.data_valid === false) return true;
  if (typeof live.data.age_ms === 'number' && live.data.age_ms > STALE_AFTER_MS) return true;
  return now - live.receivedAt > STALE_AFTER_MS;
}

async function pollStatus(): Promise<void> {
  try {
    const answer = await apiGet<GatewayStatus>('/api/status');
    statusReceivedAt.set(Date.now());
    status.set(answer);
    statusError.set(null);
    const fromStatus = { ...(answer.battery ?? {}), ...(answer.charge_limits ?? {}) } as BatteryData;
    // Status values may be older than the stream's: take only limits and counters once data flows.
    if (battery.get()) mergeQuietly(pickLimits(fromStatus));
    else if (Object.keys(fromStatus).length > 0) accept(fromStatus, false);
  } catch (error) {
    statusError.set(error instanceof Error ? error.message : String(error));
  }
}

function pickLimits(data: BatteryData): BatteryData {
  const out: BatteryData = {};
  for (const key of ['charge_voltage_limit_v', 'charge_current_limit_a', 'discharge_current_limit_a', 'discharge_voltage_limit_v', 'charged_energy_wh', 'discharged_energy_wh'] as const) {
    if (typeof data[key] === 'number') out[key] = data[key];
  }
  if (Array.isArray(data.limit_reasons)) out.limit_reasons = data.limit_reasons;
  if (data.limiting && typeof data.limiting === 'object') out.limiting = data.limiting;
  if (Array.isArray(data.bms_bounds)) out.bms_bounds = data.bms_bounds;
  return out;
}

/** Adds fields without touching the arrival time (that tells whether the stream is alive). */
function mergeQuietly(data: BatteryData): void {
  battery.update((previous) => previous && { ...previous, data: { ...previous.data, ...data } });
}

let dataTicks = 0;

/** /api/data: the chart source while the socket is down; otherwise, every few seconds, the fields telemetry leaves out. */
async function pollData(): Promise<void> {
  const streaming = telemetryState.get() === 'open';
  if (streaming && dataTicks++ % 3 !== 0) return;
  try {
    const data = await apiGet<BatteryData>('/api/data');
    if (streaming && battery.get()) mergeQuietly({ ...data, ...pickTelemetryOwned(battery.get()!.data) });
    else accept(data);
  } catch {
    // The status poll reports the gateway as unreachable.
  }
}

/** Fields the telemetry stream carries itself: keep the stream's (newer) values. */
function pickTelemetryOwned(data: BatteryData): BatteryData {
  const out: Record<string, unknown> = {};
  for (const key of ['pack_voltage_v', 'pack_current_a', 'power_w', 'state_of_charge_pct', 'cell_voltage_mv', 'temperatures_c', 'min_cell_voltage_mv', 'max_cell_voltage_mv', 'balancing_cells', 'timestamp_ms', 'data_valid'] as const) {
    if (data[key] !== undefined) out[key] = data[key];
  }
  return out as BatteryData;
}

let started = false;

export function startLiveData(): void {
  if (started) return;
  started = true;
  const socket = openLiveSocket('/ws/telemetry', (message) => {
    const m = message as Partial<TelemetryMessage>;
    if (m && m.type === 'telemetry' && typeof m.data === 'object' && m.data !== null) accept(m.data);
  });
  socket.state.subscribe((s) => telemetryState.set(s));
  void seedFromHistory();
  void pollStatus();
  void pollData();
  setInterval(() => void pollStatus(), STATUS_PERIOD_MS);
  setInterval(() => void pollData(), DATA_FALLBACK_PERIOD_MS);
}
