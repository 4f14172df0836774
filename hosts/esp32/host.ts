/**
 * The ESP32-S3 host: every port on real hardware or the SDK — UART 1 on GPIO 37/36 (and UART 2
 * on GPIO 17/18 for a second pack when config.gateway.uart2.enabled), TWAI on
 * GPIO 5/4, Preference (NVS) behind the chunked store, LittleFS, the ECMA-419 HTTP server with
 * WebSockets, the SDK MQTT client, Wi-Fi, SNTP, FFI heap figures, OTA to the next slot.
 * Pins and rates come from mc/config (manifest.json), checked at boot.
 */
import config from 'mc/config';
import FFI from 'mc/ffi';
import type { Host } from '../host';
import type { ClockPort } from '../ports/clock';
import type { LogPort } from '../ports/log';
import { TwaiCanPort } from './can/can_port';
import { createClockAndLog, createSdkPorts } from './moddable/boot';
import { createSdkCrypto } from './moddable/crypto';
import type { PlatformHostFactory } from './moddable/platform';
import { watchBootButton } from './recovery_button';
import { readHostSettings } from './moddable/settings';
import { syncWallClock } from './moddable/sntp';
import { SdkWifiRadio } from './moddable/wifi_radio';
import { createXsHeapReader } from './moddable/xs_heap';
import { Esp32Ota } from './ota';
import { Esp32Serial } from './serial';
import { createEsp32System, hardwareRandom } from './system';

/** A stalled event loop for this long reboots the device (reported as "task watchdog" at the next boot). */
const WATCHDOG_TIMEOUT_MS = 15_000;
const WATCHDOG_FEED_MS = 1_000;

function startWatchdog(natives: FFI, clock: ClockPort, log: LogPort): void {
  const err = natives.gw_watchdog_start(WATCHDOG_TIMEOUT_MS);
  if (err !== 0) {
    log.log('error', 'host', `task watchdog not enabled (esp_err ${err})`);
    return;
  }
  clock.setInterval(WATCHDOG_FEED_MS, () => natives.gw_watchdog_feed());
}

export const createPlatformHost: PlatformHostFactory = () => {
  const settings = readHostSettings(config);
  const base = createClockAndLog(settings.logLevel);
  const { clock, log, report } = base;
  const natives = new FFI();
  log.log('info', 'host', `TinyBMS-GW ${settings.firmwareVersion} on ESP32-S3; last reset: ${natives.gw_reset_reason()}`);
  startWatchdog(natives, clock, log);

  const wifi = new SdkWifiRadio({
    clock,
    setHostname: (hostname) => {
      if (natives.gw_wifi_set_hostname(hostname) !== 0) log.log('warn', 'host', `hostname "${hostname}" not applied`);
    },
  });
  wifi.onEvent((event) => {
    if (event.type === 'connected') syncWallClock(settings.sntpHost, log);
  });
  const { bootProblems, ...ports } = createSdkPorts(settings, config.file.root, base);
  const system = { ...createEsp32System(natives, clock, settings.firmwareVersion, () => log.log('warn', 'host', 'restarting'), createXsHeapReader()), bootReport: () => ({ problems: bootProblems, notes: [] }) };

  const host: Host = {
    clock,
    log,
    serial: new Esp32Serial(settings.uart, report('UART receiver threw')),
    // Pack 2 of a bank on UART2 when the board config enables it (at most two packs on the S3).
    extraSerials: settings.uart2 ? [new Esp32Serial(settings.uart2, report('UART2 receiver threw'))] : undefined,
    can: new TwaiCanPort({ clock, log, ...settings.can, onError: report('CAN receiver threw') }),
    ...ports,
    crypto: createSdkCrypto(hardwareRandom(natives)),
    system,
    wifi,
    ota: new Esp32Ota({ natives, clock, restart: () => system.restart() }),
  };
  return { host, settings, recoveryButton: watchBootButton };
};
