/**
 * Entry on Moddable (ESP32-S3 and the mcsim simulator): take the platform's host — manifest.json
 * maps "gateway/host" to hosts/esp32/host or hosts/sim/host — build the gateway on it with the
 * embedded web UI, start it. The same core runs on Node (hosts/node/main.ts).
 */
import { createPlatformHost } from 'gateway/host';
import { sdkSha256 } from './hosts/esp32/moddable/crypto';
import { describeError } from './hosts/esp32/moddable/log';
import { loadEmbeddedOtaPublicKey, loadEmbeddedWebAssets } from './hosts/esp32/moddable/web_assets';
import { LoginRecoveryWindow } from './modules/config_manager/login_recovery';
import { createGateway } from './modules/gateway/gateway';
import { createLogger } from './modules/util/logger';

/** "1.4.2" → { major: 1, minor: 4 } for the Victron version frame (0x35F). */
function firmwareNumbers(version: string): { major: number; minor: number } {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  return { major: Number.isFinite(major) ? major : 0, minor: Number.isFinite(minor) ? minor : 0 };
}

function start(): void {
  const { host, settings, webRoutes, recoveryButton, frameDecoders } = createPlatformHost();
  try {
    const gateway = createGateway(host, {
      logLevel: () => settings.logLevel,
      web: { port: settings.httpPort, assets: loadEmbeddedWebAssets({ sha256: sdkSha256 }), extraRoutes: webRoutes },
      firmware: firmwareNumbers(settings.firmwareVersion),
      otaPublicKeyPem: loadEmbeddedOtaPublicKey(),
      frameDecoders,
    });
    gateway.start();
    host.log.log('info', 'main', `gateway started; web UI on port ${settings.httpPort}`);
    if (recoveryButton) {
      // A forgotten web password: hold BOOT 10 s within 2 min of power-up (README, "Forgot the password").
      const recovery = new LoginRecoveryWindow(host.clock, () => gateway.config.resetWebCredentials().ok, createLogger(host.log, 'login_recovery', () => 'info'));
      recovery.start();
      const button = recoveryButton((pressed) => (pressed ? recovery.pressed() : recovery.released()));
      host.clock.setTimer(120_000, () => {
        recovery.released();
        button.close();
      });
    }
  } catch (error) {
    // Stay up with the log visible rather than abort into a boot loop.
    host.log.log('error', 'main', `gateway failed to start: ${describeError(error)}`);
  }
}

try {
  start();
} catch (error) {
  // The host itself could not be built (bad mc/config value, a pin in use): no log port yet.
  trace(`TinyBMS-GW: host failed to start: ${describeError(error)}\n`);
}
