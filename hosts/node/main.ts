/**
 * `npm start`: the gateway with the simulated TinyBMS behind it, the web UI on PORT (3000), and
 * a live line every second. Settings: PORT, SIMULATION_MODE (realistic|test|demo),
 * SIMULATION_SPEED, SIMULATION_SEED, LOG_LEVEL, DATA_DIR — from the environment or `.env`.
 */
import * as path from 'node:path';
import type { ChargeLimits } from '../../modules/event_bus/events';
import { ensureWebBuilt, WEB_BUILD_DIR } from '../../scripts/build-web';
import { readStartSettings } from './env';
import { batteryLine, canLines } from './live_line';
import { startSimulatedGateway } from './simulated_gateway';

const CAN_PRINT_EVERY_S = 10;

async function main(): Promise<void> {
  const settings = readStartSettings(process.env);
  await ensureWebBuilt({ quiet: true });
  const app = startSimulatedGateway({
    dataDir: path.resolve(settings.dataDir),
    port: settings.port,
    mode: settings.mode,
    speed: settings.speed,
    seed: settings.seed,
    logLevel: settings.logLevel,
    webDir: WEB_BUILD_DIR,
    // Signed updates against certs/ota-public.pem (certs/README.md); OTA_ALLOW_DOWNGRADE=1 enables the
    // development-only anti-rollback override (an authenticated upload with ?allow_downgrade=1).
    ota: { developmentOverride: process.env.OTA_ALLOW_DOWNGRADE === '1' },
    restart: () => console.log('(simulated restart requested: the Node host keeps running)'),
  });
  const { gateway, simulator, can } = app;
  let limits: ChargeLimits | undefined;
  gateway.bus.subscribe('charge.limits', (l) => (limits = l));

  const port = await gateway.web?.whenListening();
  console.log(`TinyBMS-GW simulator: http://localhost:${port}/  (mode ${simulator.mode}, speed ×${simulator.speed}; login admin / tinybms-gw)`);

  let seconds = 0;
  const ticker = setInterval(() => {
    seconds++;
    console.log(batteryLine(gateway.uart.latest(), simulator.snapshot().phase, limits ?? gateway.canPublisher.currentLimits()));
    if (seconds % CAN_PRINT_EVERY_S === 0) console.log(['CAN frames (newest per id):', ...canLines(can.sent)].join('\n'));
  }, 1000);

  const shutdown = async () => {
    clearInterval(ticker);
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
