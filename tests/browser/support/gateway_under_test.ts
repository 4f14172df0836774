/**
 * The gateway the browser tests talk to: the real composition behind `npm start` (simulated
 * TinyBMS, real HTTP/WebSocket server on a free port, files in a temporary folder) serving the
 * freshly built UI. Faults go through the Node host's /api/sim/faults route, as a user of the
 * simulator would inject them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedGateway } from '../../../hosts/node/simulated_gateway';
import { ensureWebBuilt, WEB_BUILD_DIR } from '../../../scripts/build-web';
import { apiSession, type ApiSession } from './api_session';

export const USERNAME = 'admin';
/** The documented first-boot password (config_manager/schema.ts). */
export const PASSWORD = 'tinybms-gw';

export interface GatewayUnderTest {
  url: string;
  api: ApiSession;
  /** A fault spec the simulator takes that raises OVER_VOLTAGE. */
  overVoltageFault: Record<string, unknown>;
  injectFault(fault: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export interface GatewayUnderTestOptions {
  /** Simulated packs in parallel, as SIMULATION_PACKS=N npm start (default 1). */
  packs?: number;
}

export async function startGatewayUnderTest(options: GatewayUnderTestOptions = {}): Promise<GatewayUnderTest> {
  await ensureWebBuilt({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'tinybms-browser-'));
  const app = startSimulatedGateway({ dataDir, port: 0, webDir: WEB_BUILD_DIR, log: { log() {} }, restart() {}, ...(options.packs ? { packs: options.packs } : {}) });
  const port = await app.gateway.web!.whenListening();
  const url = `http://127.0.0.1:${port}`;
  const api = apiSession(url, USERNAME, PASSWORD);
  const simulate = async (path: string, body: unknown) => {
    const answer = await api.post(path, body);
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  return {
    url,
    api,
    overVoltageFault: { kind: 'cell_overvoltage', cell: 5 },
    injectFault: (fault) => simulate('/api/sim/faults', fault),
    clearFaults: () => simulate('/api/sim/faults/clear', {}),
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const BUILT_MANIFEST = join(WEB_BUILD_DIR, 'manifest.json');
