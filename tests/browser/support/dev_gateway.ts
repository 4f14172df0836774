/**
 * A stand-in gateway for UI development until the real composition (modules/gateway,
 * hosts/node/main.ts) exists: the real web_server, config_manager and alert_manager on the real
 * Node host and HTTP binding, fed by a small moving-data source instead of the UART poller.
 * Fault injection goes through the same /api/sim routes the Node host serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHttpPort } from '../../../hosts/node/http_server';
import { NodeClock } from '../../../hosts/node/clock';
import { createNodeHost } from '../../../hosts/node/node_host';
import { loadWebAssets } from '../../../hosts/node/web_assets';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { AlertManager } from '../../../modules/alert_manager';
import { ConfigManager } from '../../../modules/config_manager';
import { createGatewayBus } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { createLogger } from '../../../modules/util/logger';
import { ApiError, json, WebServer, type RouteTable } from '../../../modules/web_server';

export interface DevGateway {
  url: string;
  close(): Promise<void>;
}

const FAULTS = ['cell_overvoltage', 'over_temperature', 'bms_silence'] as const;

const today = () => new Date().toISOString().slice(0, 10);

/** A 16S LiFePO4 pack drifting around 53 V with a slowly swinging current. */
function snapshot(t: number, faults: ReadonlySet<string>, now: number): LiveData {
  const current = 20 * Math.sin(t / 40) + 3 * Math.sin(t / 3);
  const cells = Array.from({ length: 16 }, (_, i) => Math.round(3310 + 8 * Math.sin(t / 30 + i) + (i === 6 ? 12 : 0) + current / 4));
  if (faults.has('cell_overvoltage')) cells[4] = 3810;
  const temps = [24 + 2 * Math.sin(t / 90), 25.5, faults.has('over_temperature') ? 68 : 27];
  const voltage = cells.reduce((a, b) => a + b, 0) / 1000;
  const min = Math.min(...cells);
  const max = Math.max(...cells);
  return {
    timestamp_ms: now,
    data_valid: true,
    pack_voltage_v: Number(voltage.toFixed(2)),
    pack_current_a: Number(current.toFixed(1)),
    power_w: Math.round(voltage * current),
    state_of_charge_pct: Number((62 + 10 * Math.sin(t / 600)).toFixed(1)),
    state_of_health_pct: 97,
    cell_count: 16,
    cell_voltage_mv: cells,
    min_cell_voltage_mv: min,
    max_cell_voltage_mv: max,
    cell_delta_mv: max - min,
    temperatures_c: temps.map((v) => Number(v.toFixed(1))),
    temp_sensor_count: temps.length,
    min_temperature_c: Number(Math.min(...temps).toFixed(1)),
    max_temperature_c: Number(Math.max(...temps).toFixed(1)),
    internal_temperature_c: 31,
    online_status: current > 0.5 ? 'charging' : current < -0.5 ? 'discharging' : 'idle',
    online_status_code: current > 0.5 ? 0x91 : current < -0.5 ? 0x93 : 0x97,
    balancing_cells: [7],
    balancing_bits: 1 << 6,
    needs_balancing_bits: 1 << 6,
    lifetime_s: 1_000_000 + t,
    time_left_s: 36_000,
  };
}

/** TinyBMS settings words as the BMS would hold them (addresses 300–343). */
function settingsWords(): Map<number, number> {
  const words = new Map<number, number>();
  for (let address = 300; address <= 343; address++) words.set(address, 0);
  // Fully charged / discharged cell mV, early balancing, capacity (0.01 Ah), series cells, over-voltage cutoff.
  for (const [address, value] of [[300, 3650], [301, 2900], [303, 3400], [306, 28000], [307, 16], [315, 3800]] as const) words.set(address, value);
  return words;
}

export async function startDevGateway(options: { webDir: string; port?: number }): Promise<DevGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tinybms-dev-'));
  const quiet = { log() {} };
  const clock = new NodeClock();
  const host = createNodeHost({ clock, serial: { write() {}, onReceive() {} }, can: new VirtualCanBus({ clock }), dataDir, log: quiet, http: createNodeHttpPort() });
  const bus = createGatewayBus({ defer: (fn) => host.clock.setTimer(0, fn) });
  const config = new ConfigManager({ store: host.store, bus, crypto: host.crypto });
  config.start();
  const context: GatewayContext = { host, bus, config: () => config.get(), logger: (tag) => createLogger(quiet, tag) };
  const alerts = new AlertManager(context);
  alerts.start();

  const faults = new Set<string>();
  const settings = settingsWords();
  const history: Record<string, number>[] = [];
  // The same request shapes as the Node host's /api/sim routes: a fault spec with a "kind".
  const simRoutes: RouteTable = [
    {
      method: 'POST',
      path: '/api/sim/faults',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const kind = ((await body.json()) as { kind?: unknown } | null)?.kind;
        if (typeof kind !== 'string' || !FAULTS.includes(kind as (typeof FAULTS)[number])) throw new ApiError(400, 'invalid_fault', `kind must be one of ${FAULTS.join(', ')}`);
        faults.add(kind);
        return json(200, { faults: [...faults] });
      },
    },
    {
      method: 'POST',
      path: '/api/sim/faults/clear',
      access: 'user_csrf',
      handle: () => {
        const cleared = faults.size;
        faults.clear();
        return json(200, { cleared });
      },
    },
  ];

  const web: WebServer = new WebServer(context, {
    port: options.port ?? 0,
    host: '127.0.0.1',
    assets: loadWebAssets(options.webDir, host.crypto!),
    extraRoutes: [simRoutes],
    services: {
      config,
      alerts,
      events: alerts,
      history: {
        files: () => (history.length ? [{ date: today(), name: `${today()}.csv`, size_bytes: history.length * 40 }] : []),
        read: (date, limit, offset) => {
          if (!history.length || (date !== undefined && date !== today())) return undefined;
          const end = Math.max(0, history.length - offset);
          return { date: today(), total: history.length, offset, limit, samples: history.slice(Math.max(0, end - limit), end) };
        },
        samples: (date) => (date === today() ? history : undefined),
        csv: () => `timestamp,voltage,current,soc,temp_max,temp_min\n${history.map((s) => Object.values(s).join(',')).join('\n')}\n`,
        erase: () => history.splice(0).length,
      },
      bms: {
        readSettings: async () => new Map(settings),
        writeRegisters: async (address, values) => {
          values.forEach((value, i) => settings.set(address + i, value));
          return values.map((_, i) => settings.get(address + i) ?? 0);
        },
        command: async () => {},
      },
      uart: { metrics: () => ({ uart_link_up: !faults.has('bms_silence'), uart_polls_total: tick, uart_crc_errors_total: 0, uart_timeouts_total: 0 }) },
      mqtt: { metrics: () => ({ mqtt_connected: false, mqtt_state: 'disabled' }) },
      wifi: { metrics: () => ({ wifi_connected: true, wifi_state: 'connected', wifi_ssid: 'dev-net', wifi_rssi_dbm: -52 }) },
      monitoring: { diagnostics: (): Record<string, unknown> => ({ uptime_s: Math.floor(host.system.uptimeMs() / 1000), modules: { alert_manager: alerts.metrics(), web_server: web.metrics() } }), prometheus: () => '' },
    },
  });
  web.start();
  const port = await web.whenListening();

  let tick = 0;
  bus.publish('bms.link', { online: true, reason: 'dev data source' });
  const feed = host.clock.setInterval(1000, () => {
    tick++;
    if (faults.has('bms_silence')) return;
    const data = snapshot(tick, faults, host.clock.now());
    bus.publish('bms.data', data);
    bus.publish('charge.limits', {
      charge_voltage_limit_v: 55.2,
      charge_current_limit_a: faults.has('cell_overvoltage') ? 0 : 100,
      discharge_current_limit_a: 150,
      discharge_voltage_limit_v: 46.4,
      charge_allowed: !faults.has('cell_overvoltage'),
      discharge_allowed: true,
      reasons: faults.has('cell_overvoltage') ? ['bulk', 'cell_protection'] : ['bulk'],
    });
    bus.publish('uart.frame', { direction: 'rx', bytes: Uint8Array.of(0xaa, 0x14, 0x02, tick & 0xff, 0x0c, 0x9f, 0x3a), timestamp_ms: host.clock.now() });
    bus.publish('can.frame', { direction: 'tx', frame: { id: 0x351, data: Uint8Array.of(0x28, 0x02, 0xe8, 0x03, 0xdc, 0x05, 0xd0, 0x01) }, timestamp_ms: host.clock.now() });
    if (tick % 5 === 0) {
      history.push({ timestamp: host.clock.wallTime(), voltage: data.pack_voltage_v, current: data.pack_current_a, soc: data.state_of_charge_pct, temp_max: data.max_temperature_c, temp_min: data.min_temperature_c });
    }
  });

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      host.clock.clear(feed);
      web.stop();
      alerts.stop();
      await web.whenStopped();
      clock.clearAll();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
