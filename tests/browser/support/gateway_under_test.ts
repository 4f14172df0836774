/**
 * The gateway the browser tests talk to, built UI included. Faults go through the Node host's
 * /api/sim/faults route, as a user of the simulator would inject them.
 */
import { join } from 'node:path';
import { ensureWebBuilt, WEB_BUILD_DIR } from '../../../scripts/build-web';
import { apiSession, type ApiSession } from './api_session';
import { startDevGateway } from './dev_gateway';

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

export async function startGatewayUnderTest(): Promise<GatewayUnderTest> {
  await ensureWebBuilt({ quiet: true });
  const gateway = await startDevGateway({ webDir: WEB_BUILD_DIR });
  const api = apiSession(gateway.url, USERNAME, PASSWORD);
  const simulate = async (path: string, body: unknown) => {
    const answer = await api.post(path, body);
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  return {
    url: gateway.url,
    api,
    overVoltageFault: { kind: 'cell_overvoltage', cell: 5 },
    injectFault: (fault) => simulate('/api/sim/faults', fault),
    clearFaults: () => simulate('/api/sim/faults/clear', {}),
    close: () => gateway.close(),
  };
}

export const BUILT_MANIFEST = join(WEB_BUILD_DIR, 'manifest.json');
