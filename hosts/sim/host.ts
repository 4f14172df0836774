/**
 * The simulator host (mcsim on Linux, macOS, Windows): the same SDK ports as the ESP32 for
 * networking, files, store, HTTP/WebSocket and MQTT — sockets use the desktop's network, so
 * the web UI is reachable from a desktop browser — with the hardware replaced by the mocks the
 * Node host uses: the TinyBMS simulator on an in-memory UART cable and a recording CAN bus with
 * a GX keep-alive, and the simulator's controls under /api/sim/* as on Node. There is no
 * `device` global on the simulator; every port is built here.
 */
import config from 'mc/config';
import FFI from 'mc/ffi';
import type { Host } from '../host';
import { VirtualCanBus } from '../mocks/can_bus';
import { createSerialLink } from '../mocks/serial_link';
import { TinyBmsSimulator } from '../mocks/tinybms/simulator';
import { createClockAndLog, createSdkPorts } from '../esp32/moddable/boot';
import { createSdkCrypto } from '../esp32/moddable/crypto';
import { MONITOR_FRAME_DECODERS } from '../../modules/gateway/frame_decoders';
import type { PlatformHostFactory } from '../esp32/moddable/platform';
import { readHostSettings } from '../esp32/moddable/settings';
import { SdkWifiRadio } from '../esp32/moddable/wifi_radio';
import { createXsHeapReader } from '../esp32/moddable/xs_heap';
import { simulationRoutes } from '../node/sim_routes';
import { readSimulatorSettings } from './sim_settings';
import { createSimSystem, osRandom } from './system';

export const createPlatformHost: PlatformHostFactory = () => {
  const settings = readHostSettings(config);
  const sim = readSimulatorSettings(config);
  const base = createClockAndLog(settings.logLevel);
  const { clock, log } = base;
  log.log('info', 'host', `TinyBMS-GW ${settings.firmwareVersion} in the Moddable simulator (TinyBMS ${sim.mode}, seed ${sim.seed})`);

  const link = createSerialLink({ clock, baud: settings.uart.baud });
  const bms = new TinyBmsSimulator({ clock, serial: link.device, mode: sim.mode, seed: sim.seed });
  bms.start();
  // The last 256 frames are all anyone looks at here; a ring keeps the XS heap flat for days.
  const can = new VirtualCanBus({ clock, recordLimit: 256 });
  // A GX on the bus: its keep-alive frame once a second (victron-can.md §2).
  clock.setInterval(1000, () => can.injectKeepAlive());

  const random = osRandom(new FFI());
  if (!random) log.log('error', 'host', 'the OS random source failed: password changes and logins are unavailable in this simulator');
  const { bootProblems, ...ports } = createSdkPorts(settings, config.file.root, base);
  const host: Host = {
    clock,
    log,
    serial: link.gateway,
    can,
    ...ports,
    crypto: random ? createSdkCrypto(random) : undefined,
    system: { ...createSimSystem(clock, settings.firmwareVersion, log, createXsHeapReader()), bootReport: () => ({ problems: bootProblems, notes: [] }) },
    wifi: new SdkWifiRadio({ clock }),
  };
  return { host, settings, webRoutes: [simulationRoutes(bms)], frameDecoders: MONITOR_FRAME_DECODERS };
};
