/**
 * A GatewayContext for the CAN tests: virtual clock, real event bus, the virtual CAN bus mock
 * (the hardware stand-in), an in-memory store and default configuration with overrides.
 */
import type { Host } from '../../../hosts/host';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { LogLevel } from '../../../hosts/ports/log';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import { deepMerge } from '../../../modules/config_manager/merge';
import { createGatewayBus, type GatewayEventName, type GatewayEvents } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { createLogger } from '../../../modules/util/logger';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface TestBed {
  ctx: GatewayContext;
  clock: VirtualClock;
  can: VirtualCanBus;
  store: MemoryStore;
  logs: { level: LogLevel; tag: string; message: string }[];
  setConfig(patch: DeepPartial<GatewayConfig>): void;
  /** Every event of `name` delivered so far, with the time it was delivered. */
  record<K extends GatewayEventName>(name: K): { at: number; payload: GatewayEvents[K] }[];
}

export function makeTestBed(options: { config?: DeepPartial<GatewayConfig>; store?: MemoryStore } = {}): TestBed {
  const clock = new VirtualClock();
  const can = new VirtualCanBus({ clock });
  const store = options.store ?? new MemoryStore();
  const logs: TestBed['logs'] = [];
  const log = { log: (level: LogLevel, tag: string, message: string) => logs.push({ level, tag, message }) };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  let config = deepMerge(defaultConfig(), options.config ?? {}) as GatewayConfig;
  // Only the ports the CAN modules use; the others are absent on purpose.
  const host = { clock, log, can, store } as unknown as Host;
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag, () => 'debug') };
  return {
    ctx,
    clock,
    can,
    store,
    logs,
    setConfig(patch) {
      config = deepMerge(config, patch) as GatewayConfig;
    },
    record(name) {
      const seen: { at: number; payload: never }[] = [];
      bus.subscribe(name, (payload) => seen.push({ at: clock.now(), payload: payload as never }));
      return seen;
    },
  };
}

/** A plausible 16-cell LiFePO4 snapshot at `timestamp_ms`, with overrides. */
export function liveData(timestamp_ms: number, overrides: Partial<LiveData> = {}): LiveData {
  const cells = overrides.cell_voltage_mv ?? new Array<number>(16).fill(3300);
  const temperatures = overrides.temperatures_c ?? [24, 26];
  const pack = cells.reduce((a, b) => a + b, 0) / 1000;
  const current = overrides.pack_current_a ?? 10;
  return {
    timestamp_ms,
    data_valid: true,
    pack_voltage_v: pack,
    pack_current_a: current,
    power_w: pack * current,
    state_of_charge_pct: 50,
    state_of_health_pct: 100,
    cell_count: cells.length,
    cell_voltage_mv: cells,
    min_cell_voltage_mv: Math.min(...cells),
    max_cell_voltage_mv: Math.max(...cells),
    cell_delta_mv: Math.max(...cells) - Math.min(...cells),
    cell_temperatures_c: temperatures,
    temperatures_c: temperatures,
    temp_sensor_count: temperatures.length,
    min_temperature_c: Math.min(...temperatures),
    max_temperature_c: Math.max(...temperatures),
    internal_temperature_c: 30,
    online_status: current > 0 ? 'charging' : current < 0 ? 'discharging' : 'idle',
    online_status_code: 0,
    balancing_cells: [],
    balancing_bits: 0,
    needs_balancing_bits: 0,
    lifetime_s: 1000,
    time_left_s: 0,
    ...overrides,
  };
}
