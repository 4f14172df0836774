/**
 * `npm start`: the gateway with the simulated TinyBMS behind it, the web UI on PORT (3000), and
 * a live line every second. Settings: PORT, SIMULATION_MODE (realistic|test|demo),
 * SIMULATION_SPEED, SIMULATION_SEED, LOG_LEVEL, DATA_DIR — from the environment or `.env`.
 *
 * `npm start` runs `node --import tsx` (no tsx CLI child), so SIGTERM/SIGINT from npm, Docker or
 * systemd reach this process: the gateway stops, publishes MQTT `offline`, disconnects, then exits.
 */
import * as path from 'node:path';
import type { ChargeLimits } from '../../modules/event_bus/events';
import { ensureWebBuilt, WEB_BUILD_DIR } from '../../scripts/build-web';
import { readStartSettings } from './env';
import { batteryLine, canLines } from './live_line';
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
  const app = startSimulatedGateway({
    dataDir: path.resolve(settings.dataDir),
    port: settings.port,
    mode: settings.mode,
    speed: settings.speed,
    seed: settings.seed,
    logLevel: settings.logLevel,
    webDir: WEB_BUILD_DIR,
    ota: {}, // signed updates against certs/ota-public.pem (certs/README.md)
    restart: () => console.log('(simulated restart requested: the Node host keeps running)'),
  });
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
  const { gateway, simulator, can } = app;
  let limits: ChargeLimits | undefined;
  gateway.bus.subscribe('charge.limits', (l) => (limits = l));

  const port = await gateway.web?.whenListening();
  console.log(`TinyBMS-GW simulator: http://localhost:${port}/  (mode ${simulator.mode}, speed ×${simulator.speed}; login admin / tinybms-gw)`);

  let seconds = 0;
  if (stopping) return;
  ticker = setInterval(() => {
    seconds++;
    console.log(batteryLine(gateway.uart.latest(), simulator.snapshot().phase, limits ?? gateway.canPublisher.currentLimits()));
    if (seconds % CAN_PRINT_EVERY_S === 0) console.log(['CAN frames (newest per id):', ...canLines(can.sent)].join('\n'));
  }, 1000);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
