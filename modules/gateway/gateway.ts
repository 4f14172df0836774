/**
 * The composition: builds every module of the gateway from one Host and wires them to the bus.
 * Every host (ESP32, mcsim, Node, the XS test harness) calls createGateway; nothing else here
 * knows which platform it is on. Optional ports decide optional modules: no mqtt port, no MQTT;
 * no http port, no web server; no wifi port, no Wi-Fi manager.
 */
import type { Host } from '../../hosts/host';
import type { LogLevel } from '../../hosts/ports/log';
import { AlertManager } from '../alert_manager/alert_manager';
import { BankFeed } from '../can_publisher/bank_feed';
import type { EnergySavePolicy } from '../can_publisher/energy_store';
import { CanPublisher } from '../can_publisher/publisher';
import { CanVictronDriver } from '../can_victron/driver';
import { ConfigManager } from '../config_manager/config_manager';
import type { GatewayConfig } from '../config_manager/config_types';
import { createGatewayBus, type GatewayBus } from '../event_bus/events';
import { deviceIdSource } from './device_id';
import { HistoryLogger } from '../history_logger/history_logger';
import { Monitoring } from '../monitoring/monitoring';
import { createMqttModules } from '../mqtt_gateway/index';
import { OtaUpdate } from '../ota_update/ota_update';
import { otaWebService } from '../ota_update/web_service';
import { UartBmsPoller } from '../uart_bms/poller';
import { createLogger } from '../util/logger';
import { useTextEncoder } from '../util/utf8';
import type { AssetTable } from '../web_server/assets';
import type { RouteTable } from '../web_server/router';
import type { FrameDecoders, OtaService } from '../web_server/services';
import type { HubOptions } from '../web_server/ws_hub';
import { WebServer } from '../web_server/web_server';
import { WifiManager } from '../wifi/wifi_manager';
import type { GatewayContext, GatewayModule } from './context';

export interface GatewayOptions {
  logLevel?: () => LogLevel;
  /** Web server: port (default 80), built UI, host-only routes such as /api/sim/*. */
  web?: { port?: number; assets?: AssetTable; extraRoutes?: readonly RouteTable[]; telemetryPeriodMs?: number; webSocket?: Partial<HubOptions> };
  /** MQTT reconnect backoff base (tests shorten it; default 1 s). */
  mqttBackoffBaseMs?: number;
  /** The OTA service, when the host supports updates (default: the OTA module on host.ota). */
  ota?: OtaService;
  /** PEM of the key OTA images must be signed with; without it every upload is refused. */
  otaPublicKeyPem?: string;
  firmware?: { major: number; minor: number };
  /** Energy counter save policy (default: energy_store.ts DEFAULT_ENERGY_SAVE_POLICY). */
  energySave?: Partial<EnergySavePolicy>;
  /** OTA: honour an authenticated `allow_downgrade` request (development builds only; never on a device). */
  otaDevelopmentOverride?: boolean;
  /** `decoded` of the /ws/uart and /ws/can monitors (frame_decoders.ts); the device build passes none. */
  frameDecoders?: FrameDecoders;
}

export class Gateway {
  readonly bus: GatewayBus;
  readonly context: GatewayContext;
  readonly config: ConfigManager;
  /** The BMS poller (pack 1's when there are several). */
  readonly uart: UartBmsPoller;
  /** One poller per pack, pack 1 first (one entry for a single BMS). */
  readonly packPollers: readonly UartBmsPoller[];
  /** Several packs: the bank's 'bms.data' / 'bms.link' from the packs'. */
  readonly bank: BankFeed | undefined;
  readonly canDriver: CanVictronDriver;
  readonly canPublisher: CanPublisher;
  readonly alerts: AlertManager;
  readonly history: HistoryLogger;
  readonly monitoring: Monitoring;
  readonly mqtt: ReturnType<typeof createMqttModules> | undefined;
  readonly wifi: WifiManager | undefined;
  readonly web: WebServer | undefined;
  readonly ota: OtaUpdate | undefined;
  /** In start order; stopped in reverse. */
  readonly modules: readonly GatewayModule[];
  #started = false;

  constructor(readonly host: Host, options: GatewayOptions = {}) {
    const clock = host.clock;
    // Every body, WebSocket message and credential is encoded through it: natively when the host can.
    useTextEncoder(host.text);
    const level = options.logLevel ?? (() => 'info' as LogLevel);
    const busLog = createLogger(host.log, 'event_bus', level);
    this.bus = createGatewayBus({
      defer: (fn) => clock.setTimer(0, fn),
      onSubscriberError: (event, error) => busLog.error(`subscriber of ${event} threw: ${describeError(error)}`),
    });
    this.config = new ConfigManager({ store: host.store, bus: this.bus, crypto: host.crypto, logger: createLogger(host.log, 'config_manager', level) });
    const config = this.config;
    this.context = {
      host,
      bus: this.bus,
      config: (): GatewayConfig => config.get(),
      logger: (tag) => createLogger(host.log, tag, level),
    };
    const ctx = this.context;

    const extraSerials = host.extraSerials ?? [];
    this.packPollers =
      extraSerials.length === 0
        ? [new UartBmsPoller(ctx)]
        : [host.serial, ...extraSerials].map((serial, i) => new UartBmsPoller(ctx, { pack: { number: i + 1, serial } }));
    this.uart = this.packPollers[0];
    this.canDriver = new CanVictronDriver(ctx);
    const bankMode = this.packPollers.length > 1;
    this.canPublisher = new CanPublisher(ctx, {
      transmitter: this.canDriver,
      firmware: options.firmware,
      settingsReader: bankMode ? undefined : this.uart,
      packReaders: bankMode ? this.packPollers : undefined,
      energySave: options.energySave,
    });
    const publisher = this.canPublisher;
    this.bank = bankMode ? new BankFeed(ctx, this.packPollers.length, (pack) => publisher.packCapacityAh(pack)) : undefined;
    this.alerts = new AlertManager(ctx, { packs: this.packPollers.length });
    this.history = new HistoryLogger(ctx);
    const history = this.history;
    this.monitoring = new Monitoring(ctx, { historyWriteFailing: () => history.writeFailing });
    this.mqtt = host.mqtt
      ? createMqttModules(ctx, {
          client: { backoffBaseMs: options.mqttBackoffBaseMs, deviceId: deviceIdSource(host, createLogger(host.log, 'device', level)) },
          gateway: {
            packs: this.packPollers.length,
            sources: {
              energy: () => this.canPublisher.energyTotals(),
              capacityAh: () => this.canPublisher.capacityAh(),
              wifiRssi: () => host.wifi?.rssi(),
              canState: () => this.canDriver.state,
            },
          },
        })
      : undefined;
    this.wifi = host.wifi ? new WifiManager(ctx) : undefined;
    this.ota = host.ota && host.crypto ? new OtaUpdate(ctx, { publicKeyPem: options.otaPublicKeyPem, developmentOverride: options.otaDevelopmentOverride }) : undefined;
    this.web = host.http && host.crypto ? this.#createWebServer(options) : undefined;

    const modules: GatewayModule[] = [this.config];
    if (this.wifi) modules.push(this.wifi);
    modules.push(this.alerts, this.history, this.canDriver, this.canPublisher);
    if (this.bank) modules.push(this.bank);
    modules.push(...this.packPollers);
    if (this.mqtt) modules.push(this.mqtt.client, this.mqtt.gateway);
    if (this.ota) modules.push(this.ota);
    if (this.web) modules.push(this.web);
    this.modules = modules;
    for (const module of modules) if (module !== this.monitoring) this.monitoring.register(module);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const module of this.modules) module.start();
    this.monitoring.start();
    this.#reportBootState();
  }

  /** What storage and the bootloader left behind at this start, as alerts (the gateway runs either way). */
  #reportBootState(): void {
    const report = this.host.system.bootReport?.();
    if (report?.problems.length) this.alerts.storageFault('host', false, report.problems.join(' | '));
    for (const note of report?.notes ?? []) this.alerts.recordEvent('warning', 'storage', note);
    const config = this.config.recoveryStatus();
    const kept = config.damaged_kept ? ' (damaged bytes kept)' : '';
    if (config.recovery === 'recovered') this.alerts.raiseSystem('CONFIG_RECOVERED', `Stored configuration unusable (${config.cause}: ${config.problem})${kept}; the previous good generation was loaded`);
    if (config.recovery === 'reset') this.alerts.raiseSystem('CONFIG_RESET', `No usable stored configuration (${config.cause}: ${config.problem})${kept}; safe defaults run, recovery login on the device console`);
    const ota = this.host.ota?.info();
    if (ota?.lastRollback?.atThisBoot) this.alerts.raiseSystem('OTA_ROLLED_BACK', `Firmware ${ota.lastRollback.version} was rolled back: ${ota.lastRollback.reason}`);
    if (ota?.unavailable) this.alerts.storageFault('ota', false, ota.unavailable);
  }

  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    this.monitoring.stop();
    for (const module of [...this.modules].reverse()) module.stop();
  }

  #createWebServer(options: GatewayOptions): WebServer {
    const mqttClient = this.mqtt?.client;
    return new WebServer(this.context, {
      port: options.web?.port,
      assets: options.web?.assets,
      extraRoutes: options.web?.extraRoutes,
      telemetryPeriodMs: options.web?.telemetryPeriodMs,
      webSocket: options.web?.webSocket,
      services: {
        config: this.config,
        alerts: this.alerts,
        events: this.alerts,
        history: this.history,
        monitoring: this.monitoring,
        bms: this.uart,
        energy: this.canPublisher,
        uart: this.uart,
        can: this.canDriver,
        // /api/mqtt/status: the contract's fields (state, broker, last error, published, reconnects).
        mqtt: mqttClient ? { metrics: () => ({ ...mqttClient.status() }), testConnection: (settings) => mqttClient.testConnection(settings) } : undefined,
        wifi: this.wifi,
        ota: options.ota ?? (this.ota ? otaWebService(this.ota) : undefined),
        packLimits: this.bank ? (pack) => this.canPublisher.packDecisions()[pack - 1]?.decision?.limits : undefined,
        decoders: options.frameDecoders,
      },
    });
  }
}

export function createGateway(host: Host, options: GatewayOptions = {}): Gateway {
  return new Gateway(host, options);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
