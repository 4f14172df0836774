/**
 * The whole gateway on Node against the simulated TinyBMS: a real HTTP/WebSocket server, real
 * MQTT sockets, real files under the data folder; the UART is an in-memory cable to the device
 * simulator and the CAN bus a recorder with a simulated GX that sends its 0x305 keep-alive.
 * `npm start`, the browser tests and demos all build it here.
 */
import * as path from 'node:path';
import type { ClockPort, TimerHandle } from '../ports/clock';
import type { LogLevel, LogPort } from '../ports/log';
import type { SerialPort } from '../ports/serial';
import type { RouteTable } from '../../modules/web_server/router';
import { MONITOR_FRAME_DECODERS } from '../../modules/gateway/frame_decoders';
import { createGateway, type Gateway, type GatewayOptions } from '../../modules/gateway/gateway';
import { VirtualCanBus } from '../mocks/can_bus';
import { createSerialLink } from '../mocks/serial_link';
import { TinyBmsSimulator, type SimMode } from '../mocks/tinybms/index';
import { createNodeHttpPort } from './http_server';
import { NodeMqttTransport } from './mqtt_transport';
import { NodeOtaSlots, readOtaPublicKey } from './ota_slots';
import { createNodeHost, type NodeHost } from './node_host';
import { simulationRoutes } from './sim_routes';
import { loadWebAssets } from './web_assets';

export interface SimulatedGatewayOptions {
  dataDir: string;
  /** Simulated packs in parallel (default 1), each with its own seed (seed, seed+1, …), ageing and faults. */
  packs?: number;
  port: number;
  mode?: SimMode;
  speed?: number;
  seed?: number;
  logLevel?: LogLevel;
  log?: LogPort;
  /** Built UI folder (build/web); without it the server answers a page saying how to build it. */
  webDir?: string;
  /** A VirtualClock for fast runs; the real clock otherwise. */
  clock?: ClockPort;
  telemetryPeriodMs?: number;
  restart?(): void;
  /**
   * Firmware updates: slots under <dataDir>/ota, images checked against `publicKeyPem` (default
   * certs/ota-public.pem). Without it the gateway has no OTA (the UI says updates are unavailable).
   */
  ota?: { publicKeyPem?: string; developmentOverride?: boolean };
  /** Energy counter save policy (the crash campaign shortens it). */
  energySave?: GatewayOptions['energySave'];
}

export interface SimulatedGateway {
  gateway: Gateway;
  /** Pack 1's simulator. */
  simulator: TinyBmsSimulator;
  /** Every pack's simulator, pack 1 first. */
  simulators: TinyBmsSimulator[];
  can: VirtualCanBus;
  host: NodeHost;
  stop(): Promise<void>;
}

const GX_KEEPALIVE_MS = 1000;
/** What the Node host reports as its firmware (node_host.ts default), as the factory slot's version. */
const FACTORY_VERSION = '0.0.0-dev';

/** certs/ota-public.pem, or undefined (then the OTA module refuses uploads and says why). */
function defaultOtaKey(): string | undefined {
  try {
    return readOtaPublicKey();
  } catch {
    return undefined;
  }
}

export function startSimulatedGateway(options: SimulatedGatewayOptions): SimulatedGateway {
  const simulators: TinyBmsSimulator[] = [];
  const packs = Math.max(1, options.packs ?? 1);
  const app = assembleNodeGateway(options, (clock) => {
    const links = Array.from({ length: packs }, () => createSerialLink({ clock }));
    return {
      serial: links[0].gateway,
      extraSerials: links.slice(1).map((link) => link.gateway),
      extraRoutes: (host) => {
        links.forEach((link, i) => {
          // Pack 1 keeps the single-pack seed; the others get their own, so they age and drift apart.
          const seed = options.seed === undefined ? (i === 0 ? undefined : i + 1) : options.seed + i;
          simulators.push(new TinyBmsSimulator({ clock: host.clock, serial: link.device, mode: options.mode, speed: options.speed, seed }));
        });
        return [simulationRoutes(simulators)];
      },
    };
  });
  for (const simulator of simulators) simulator.start();
  app.start();
  return {
    ...app,
    simulator: simulators[0],
    simulators,
    async stop() {
      for (const simulator of simulators) simulator.stop();
      await app.stop();
    },
  };
}

export interface NodeGatewayParts {
  gateway: Gateway;
  can: VirtualCanBus;
  host: NodeHost;
  /** Starts the gateway and the simulated GX's keep-alive. */
  start(): void;
  /** Stops both and the host's timers. */
  stop(): Promise<void>;
}

/**
 * The Node composition around a given UART: the host (clock, files, MQTT, HTTP, OTA), the virtual
 * CAN bus with its simulated GX keep-alive, and the gateway (built; start() starts it). `uart` receives
 * the host's clock (the lazy one until the host exists) and returns the serial port plus any
 * host-only routes, built once the host is there.
 */
export function assembleNodeGateway(
  options: Omit<SimulatedGatewayOptions, 'mode' | 'speed' | 'seed'>,
  uart: (clock: ClockPort) => { serial: SerialPort; extraSerials?: SerialPort[]; extraRoutes?: (host: NodeHost) => RouteTable[] },
): NodeGatewayParts {
  const log = options.log;
  // The clock comes from the host when none is given, so build the host first around the links.
  let clockRef: ClockPort | undefined = options.clock;
  const lazyClock: ClockPort = {
    now: () => (clockRef as ClockPort).now(),
    wallTime: () => (clockRef as ClockPort).wallTime(),
    setTimer: (ms, fn) => (clockRef as ClockPort).setTimer(ms, fn),
    setInterval: (ms, fn) => (clockRef as ClockPort).setInterval(ms, fn),
    clear: (t) => (clockRef as ClockPort).clear(t),
  };
  const link = uart(lazyClock);
  const can = new VirtualCanBus({ clock: lazyClock });
  const mqtt = new NodeMqttTransport();
  // Each start is a boot of the slots: an activated image runs pending until its health check.
  const slots = options.ota
    ? NodeOtaSlots.boot({ dir: path.join(options.dataDir, 'ota'), factoryVersion: FACTORY_VERSION, clock: lazyClock, restart: () => host.system.restart() })
    : undefined;
  // Slots whose folder cannot be written still report their state; uploads are refused with the reason.
  const ota = slots;
  const host = createNodeHost({
    serial: link.serial,
    extraSerials: link.extraSerials?.length ? link.extraSerials : undefined,
    can,
    dataDir: options.dataDir,
    logLevel: options.logLevel,
    log,
    clock: options.clock,
    mqtt,
    http: createNodeHttpPort(),
    restart: options.restart,
    ota,
    bootReport: { problems: slots?.problem ? [slots.problem] : [], notes: slots ? [...slots.bootNotes] : [] },
  });
  clockRef = host.clock;

  const assets = options.webDir && host.crypto ? loadWebAssets(options.webDir, host.crypto) : undefined;
  const gateway = createGateway(host, {
    logLevel: () => options.logLevel ?? 'info',
    web: { port: options.port, assets, extraRoutes: link.extraRoutes?.(host), telemetryPeriodMs: options.telemetryPeriodMs },
    otaPublicKeyPem: options.ota ? (options.ota.publicKeyPem ?? defaultOtaKey()) : undefined,
    otaDevelopmentOverride: options.ota?.developmentOverride,
    energySave: options.energySave,
    frameDecoders: MONITOR_FRAME_DECODERS,
  });
  let keepAlive: TimerHandle | undefined;

  return {
    gateway,
    can,
    host,
    start() {
      gateway.start();
      keepAlive ??= host.clock.setInterval(GX_KEEPALIVE_MS, () => can.injectKeepAlive());
    },
    async stop() {
      host.clock.clear(keepAlive);
      gateway.stop();
      await gateway.web?.whenStopped();
      // The offline word and DISCONNECT must reach the broker before the process may exit.
      await mqtt.whenAllClosed();
      host.close();
    },
  };
}
