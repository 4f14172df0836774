/**
 * A web server on a real HTTP port for the API tests, wired to real gateway modules where
 * they exist: ConfigManager on a file-backed store, AlertManager (alerts and the event log),
 * HistoryLogger on a real folder, and the UartBmsPoller talking to the TinyBMS simulator over
 * the in-memory serial cable. Time is a VirtualClock the test moves; only the network is real.
 * Monitoring, MQTT and energy are small fakes (their modules are not part of this issue).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Host } from '../../../../hosts/host';
import { VirtualCanBus } from '../../../../hosts/mocks/can_bus';
import { createSerialLink } from '../../../../hosts/mocks/serial_link';
import { TinyBmsSimulator } from '../../../../hosts/mocks/tinybms';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../../hosts/node/crypto';
import { FolderFileStore } from '../../../../hosts/node/file_store';
import { createNodeHttpPort } from '../../../../hosts/node/http_server';
import { FileKeyValueStore } from '../../../../hosts/node/kv_store';
import type { LogLevel } from '../../../../hosts/ports/log';
import { AlertManager } from '../../../../modules/alert_manager/alert_manager';
import { ConfigManager } from '../../../../modules/config_manager/config_manager';
import { DEFAULT_WEB_PASSWORD } from '../../../../modules/config_manager/schema';
import { createGatewayBus, type GatewayBus } from '../../../../modules/event_bus/events';
import type { GatewayContext } from '../../../../modules/gateway/context';
import { HistoryLogger } from '../../../../modules/history_logger/history_logger';
import { UartBmsPoller } from '../../../../modules/uart_bms/poller';
import { createLogger } from '../../../../modules/util/logger';
import type { RouteTable } from '../../../../modules/web_server/router';
import type { WebServerServices } from '../../../../modules/web_server/services';
import { WebServer, type WebServerOptions } from '../../../../modules/web_server/web_server';

export const USER = 'admin';
export const PASSWORD = DEFAULT_WEB_PASSWORD;

export function basicAuth(user = USER, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export interface WebGatewayOptions {
  /** Replace or remove (undefined) services after the real ones are built. */
  services?: (real: WebServerServices) => Partial<WebServerServices>;
  server?: Partial<Omit<WebServerOptions, 'services'>>;
  extraRoutes?: (parts: { simulator: TinyBmsSimulator }) => RouteTable[];
  /** Start the poller and the simulator (default true). */
  bms?: boolean;
}

export interface WebGateway {
  readonly base: string;
  readonly wsBase: string;
  readonly clock: VirtualClock;
  readonly bus: GatewayBus;
  readonly config: ConfigManager;
  readonly alerts: AlertManager;
  readonly history: HistoryLogger;
  readonly poller: UartBmsPoller;
  readonly simulator: TinyBmsSimulator;
  readonly server: WebServer;
  readonly dataDir: string;
  readonly logLines: string[];
  readonly restarts: { count: number };
  /** Deliver queued bus events and due timers without moving time. */
  deliver(): void;
  /** Move virtual time while real I/O (HTTP) gets its turns, until `pending` settles. */
  settle<T>(pending: Promise<T>, stepMs?: number, maxSteps?: number): Promise<T>;
  close(): Promise<void>;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function startWebGateway(options: WebGatewayOptions = {}): Promise<WebGateway> {
  const clock = new VirtualClock(0, Date.UTC(2026, 2, 14, 10, 0, 0));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-web-'));
  const logLines: string[] = [];
  const restarts = { count: 0 };
  const link = createSerialLink({ clock });
  const host: Host = {
    clock,
    log: { log: (level: LogLevel, tag: string, message: string) => logLines.push(`${level} ${tag} ${message}`) },
    serial: link.gateway,
    can: new VirtualCanBus({ clock }),
    store: new FileKeyValueStore(path.join(dataDir, 'store')),
    files: new FolderFileStore(path.join(dataDir, 'files')),
    crypto: createNodeCrypto(),
    system: {
      platform: 'node',
      firmwareVersion: '1.2.3-test',
      restart: () => restarts.count++,
      heap: () => ({ freeBytes: 100_000, totalBytes: 200_000 }),
      uptimeMs: () => clock.now(),
    },
    http: createNodeHttpPort(),
  };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const config = new ConfigManager({ store: host.store, bus, crypto: host.crypto });
  config.start();
  const context: GatewayContext = { host, bus, config: () => config.get(), logger: (tag) => createLogger(host.log, tag, () => 'debug') };
  const simulator = new TinyBmsSimulator({ clock, serial: link.device, mode: 'test', seed: 7 });
  const alerts = new AlertManager(context);
  const history = new HistoryLogger(context);
  const poller = new UartBmsPoller(context);
  const real: WebServerServices = {
    config,
    alerts,
    events: alerts,
    history,
    bms: poller,
    uart: poller,
    monitoring: {
      diagnostics: () => ({ self_test: { uart: 'pass' }, heap_free_bytes: 100_000 }),
      prometheus: () => '# HELP tinybms_up Gateway up\n# TYPE tinybms_up gauge\ntinybms_up 1\n',
    },
    mqtt: { metrics: () => ({ state: 'connected', broker: 'mqtt://broker.test', last_error: '', messages_published: 42, reconnects: 1 }) },
    energy: { energyTotals: () => ({ charged_wh: 1234.5, discharged_wh: 987.25 }) },
  };
  const services: WebServerServices = { ...real, ...(options.services?.(real) ?? {}) };
  const server = new WebServer(context, {
    port: 0,
    host: '127.0.0.1',
    ...options.server,
    services,
    extraRoutes: options.extraRoutes?.({ simulator }) ?? options.server?.extraRoutes,
  });
  alerts.start();
  history.start();
  if (options.bms !== false) {
    simulator.start();
    poller.start();
  }
  server.start();
  const port = await server.whenListening();

  const deliver = () => clock.runDue();
  return {
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    clock,
    bus,
    config,
    alerts,
    history,
    poller,
    simulator,
    server,
    dataDir,
    logLines,
    restarts,
    deliver,
    async settle<T>(pending: Promise<T>, stepMs = 5, maxSteps = 2000): Promise<T> {
      let done = false;
      const watched = pending.finally(() => {
        done = true;
      });
      for (let step = 0; step < maxSteps && !done; step++) {
        await turn();
        if (!done) clock.advance(stepMs);
      }
      return watched;
    },
    async close() {
      server.stop();
      poller.stop();
      simulator.stop();
      history.stop();
      alerts.stop();
      await server.whenStopped();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A CSRF token for `auth` (GET /api/security/csrf). */
export async function csrfToken(gateway: WebGateway, auth = basicAuth()): Promise<string> {
  const response = await fetch(`${gateway.base}/api/security/csrf`, { headers: { Authorization: auth } });
  if (response.status !== 200) throw new Error(`csrf token request answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** Headers for a mutation: login, CSRF token, JSON. */
export async function mutationHeaders(gateway: WebGateway, auth = basicAuth()): Promise<Record<string, string>> {
  return { Authorization: auth, 'X-CSRF-Token': await csrfToken(gateway, auth), 'Content-Type': 'application/json' };
}

export async function jsonOf(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}
