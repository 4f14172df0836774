/**
 * A GatewayContext on the virtual clock for alert, history and monitoring tests: real bus,
 * real config defaults, memory store and files, a system port driven by the clock.
 */
import type { Host } from '../../../../hosts/host';
import { MemoryFiles } from '../../../../hosts/mocks/memory_files';
import { MemoryStore } from '../../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { CanPortStatus } from '../../../../hosts/ports/can';
import type { FileStore } from '../../../../hosts/ports/files';
import type { LogLevel } from '../../../../hosts/ports/log';
import { defaultConfig } from '../../../../modules/config_manager/config_manager';
import type { GatewayConfig } from '../../../../modules/config_manager/config_types';
import { createGatewayBus, type GatewayBus, type GatewayEventName, type GatewayEvents } from '../../../../modules/event_bus/events';
import type { GatewayContext } from '../../../../modules/gateway/context';
import type { LiveData } from '../../../../modules/uart_bms/live_data';
import { createLogger } from '../../../../modules/util/logger';

export interface TestContext {
  ctx: GatewayContext;
  clock: VirtualClock;
  bus: GatewayBus;
  store: MemoryStore;
  files: FileStore;
  canStatus: CanPortStatus;
  logs: { level: LogLevel; tag: string; message: string }[];
  events: { name: GatewayEventName; payload: unknown }[];
  /** Replace parts of config sections and announce it as config_manager would. */
  patchConfig(patch: { [K in keyof GatewayConfig]?: Partial<GatewayConfig[K]> }): void;
  /** Publish and deliver at once. */
  emit<K extends GatewayEventName>(name: K, payload: GatewayEvents[K]): void;
}

const WATCHED: GatewayEventName[] = ['alert.raised', 'alert.cleared'];

/** 2026-03-01T00:00:00Z, so day files have a known name. */
export const WALL_ORIGIN = Date.UTC(2026, 2, 1);

export function createTestContext(options: { files?: FileStore; config?: { [K in keyof GatewayConfig]?: Partial<GatewayConfig[K]> } } = {}): TestContext {
  const clock = new VirtualClock(0, WALL_ORIGIN);
  const logs: TestContext['logs'] = [];
  const log = { log: (level: LogLevel, tag: string, message: string) => logs.push({ level, tag, message }) };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const store = new MemoryStore();
  const files = options.files ?? new MemoryFiles();
  const canStatus: CanPortStatus = { state: 'running', txErrorCounter: 0, rxErrorCounter: 0, busErrorCount: 0 };
  let config = merge(defaultConfig(), options.config ?? {});
  const host = {
    clock,
    log,
    store,
    files,
    can: { send: () => 'accepted', onReceive() {}, status: () => ({ ...canStatus }), recover() {} },
    system: {
      platform: 'node',
      firmwareVersion: '1.2.3-test',
      restart() {},
      heap: () => ({ freeBytes: 150_000, totalBytes: 320_000, minimumFreeBytes: 120_000 }),
      uptimeMs: () => clock.now(),
    },
  } as unknown as Host;
  const events: TestContext['events'] = [];
  for (const name of WATCHED) bus.subscribe(name, (payload) => events.push({ name, payload }));
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag, () => 'debug') };
  return {
    ctx,
    clock,
    bus,
    store,
    files,
    canStatus,
    logs,
    events,
    patchConfig(patch) {
      config = merge(config, patch);
      const changed = Object.entries(patch).flatMap(([section, fields]) => Object.keys(fields ?? {}).map((key) => `${section}.${key}`));
      bus.publish('config.updated', { config, changed });
      clock.runDue();
    },
    emit(name, payload) {
      bus.publish(name, payload);
      clock.runDue();
    },
  };
}

function merge(config: GatewayConfig, patch: { [K in keyof GatewayConfig]?: Partial<GatewayConfig[K]> }): GatewayConfig {
  const out = { ...config } as Record<string, unknown>;
  for (const [section, fields] of Object.entries(patch)) out[section] = { ...(config as unknown as Record<string, object>)[section], ...(fields as object) };
  return out as unknown as GatewayConfig;
}

/** Payloads of the recorded events with this name. */
export function eventsNamed<K extends GatewayEventName>(events: TestContext['events'], name: K): GatewayEvents[K][] {
  return events.filter((e) => e.name === name).map((e) => e.payload as GatewayEvents[K]);
}

/**
 * A healthy 16-cell LiFePO4 snapshot at `timestamp_ms`; `cells` overrides individual cells
 * (1-based), the others sit at `baseMv`.
 */
export function liveData(timestamp_ms: number, overrides: Partial<LiveData> = {}, cells: Record<number, number> = {}, baseMv = 3300): LiveData {
  const cell_voltage_mv = Array.from({ length: 16 }, (_, i) => cells[i + 1] ?? baseMv);
  const temperatures_c = overrides.temperatures_c ?? [24, 25];
  const max = Math.max(...cell_voltage_mv);
  const min = Math.min(...cell_voltage_mv);
  return {
    timestamp_ms,
    data_valid: true,
    pack_voltage_v: cell_voltage_mv.reduce((a, b) => a + b, 0) / 1000,
    pack_current_a: 10,
    power_w: 528,
    state_of_charge_pct: 80,
    state_of_health_pct: 100,
    cell_count: 16,
    cell_voltage_mv,
    min_cell_voltage_mv: min,
    max_cell_voltage_mv: max,
    cell_delta_mv: max - min,
    cell_temperatures_c: temperatures_c,
    temperatures_c,
    temp_sensor_count: temperatures_c.length,
    min_temperature_c: Math.min(...temperatures_c),
    max_temperature_c: Math.max(...temperatures_c),
    internal_temperature_c: 30,
    online_status: 'charging',
    online_status_code: 0x91,
    balancing_cells: [],
    balancing_bits: 0,
    needs_balancing_bits: 0,
    lifetime_s: 1000,
    time_left_s: 3600,
    ...overrides,
  };
}
