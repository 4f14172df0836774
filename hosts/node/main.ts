/**
 * `npm start`: the gateway with the simulated TinyBMS behind it, the web UI on PORT (3000), and
 * a live line every second. Settings: PORT, SIMULATION_MODE (realistic|test|demo),
 * SIMULATION_SPEED, SIMULATION_SEED, LOG_LEVEL, DATA_DIR — from the environment or `.env`.
 * SERIAL_PORT=/dev/ttyUSB0 (SERIAL_PORT_2, … for more packs) runs against real TinyBMS devices
 * instead; SIMULATION_PACKS=N simulates N packs in parallel, presented as one battery.
 *
 * `npm start` runs `node --import tsx` (no tsx CLI child), so SIGTERM/SIGINT from npm, Docker or
 * systemd reach this process: the gateway stops, publishes MQTT `offline`, disconnects, then exits.
 */
import * as path from 'node:path';
import type { ChargeLimits } from '../../modules/event_bus/events';
import { ensureWebBuilt, WEB_BUILD_DIR } from '../../scripts/build-web';
import { readStartSettings } from './env';
import { batteryLine, canLines } from './live_line';
import { startSerialGateway } from './serial_gateway';
import { startSimulatedGateway } from './simulated_gateway';

const CAN_PRINT_EVERY_S = 10;

/** Set once a signal arrived; a second signal exits at once. */
let stopRequested: (() => void) | undefined;
let stopping = false;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    console.error(`${signal} again: exiting without a clean stop`);
    process.exit(1);
  }
  stopping = true;
  if (stopRequested) stopRequested();
  else process.exit(0); // nothing started yet
}

async function main(): Promise<void> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const settings = readStartSettings(process.env);
  await ensureWebBuilt({ quiet: true });
  if (stopping) process.exit(0);
  const common = {
    dataDir: path.resolve(settings.dataDir),
    port: settings.port,
    logLevel: settings.logLevel,
    webDir: WEB_BUILD_DIR,
    // Signed updates against certs/ota-public.pem (certs/README.md); OTA_ALLOW_DOWNGRADE=1 enables the
    // development-only anti-rollback override (an authenticated upload with ?allow_downgrade=1).
    ota: { developmentOverride: process.env.OTA_ALLOW_DOWNGRADE === '1' },
    restart: () => console.log('(simulated restart requested: the Node host keeps running)'),
  };
  const serialPath = settings.serialPorts?.[0];
  const app = serialPath
    ? startSerialGateway({ ...common, serialPath, extraSerialPaths: settings.serialPorts?.slice(1) })
    : startSimulatedGateway({ ...common, mode: settings.mode, speed: settings.speed, seed: settings.seed, packs: settings.simulationPacks });
  const simulator = 'simulator' in app ? app.simulator : undefined;
  const { gateway, can } = app;
  let ticker: ReturnType<typeof setInterval> | undefined;
  stopRequested = () => {
    clearInterval(ticker);
    console.log('stopping the gateway (MQTT offline, sessions closed)');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  let limits: ChargeLimits | undefined;
  gateway.bus.subscribe('charge.limits', (l) => (limits = l));

  const port = await gateway.web?.whenListening();
  const packs = gateway.packPollers.length;
  const bankNote = packs > 1 ? `, ${packs} packs as one battery` : '';
  const source = simulator
    ? `simulator: http://localhost:${port}/  (mode ${simulator.mode}, speed ×${simulator.speed}${bankNote}`
    : `on ${settings.serialPorts?.join(', ')}: http://localhost:${port}/  (real TinyBMS, 115200 8N1${bankNote}`;
  console.log(`TinyBMS-GW ${source}; login admin / tinybms-gw)`);

  let seconds = 0;
  if (stopping) return;
  ticker = setInterval(() => {
    seconds++;
    const current = limits ?? gateway.canPublisher.currentLimits();
    const phase = simulator?.snapshot().phase ?? '';
    console.log(batteryLine(gateway.bank?.latest() ?? gateway.uart.latest(), phase, current, simulator ? undefined : serialPath));
    if (seconds % CAN_PRINT_EVERY_S === 0) console.log(['CAN frames (newest per id):', ...canLines(can.sent)].join('\n'));
  }, 1000);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
