/**
 * One vocabulary (gateway-api.md §Field names, issue 16): every key in every JSON answer is
 * snake_case, on the open and the user-level GET endpoints and the simulator's routes.
 */
import { simulationRoutes } from '../../../hosts/node/sim_routes';
import { basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

const SNAKE = /^[a-z0-9]+(_[a-z0-9]+)*$/;

/** Paths of keys that are not snake_case (numeric keys such as register addresses are fine). */
function badKeys(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => badKeys(item, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [...(SNAKE.test(key) ? [] : [`${at}.${key}`]), ...badKeys(child, `${at}.${key}`)]);
}

describe('snake_case in every JSON answer', () => {
  let gw: WebGateway;
  beforeAll(async () => {
    gw = await startWebGateway({ extraRoutes: ({ simulator }) => [simulationRoutes(simulator)] });
    await gw.settle(new Promise((resolve) => setTimeout(resolve, 200)));
    gw.clock.advance(10_000);
  });
  afterAll(() => gw.close());

  const GETS = [
    '/api/status', '/api/data', '/api/diagnostics', '/api/events', '/api/alarms', '/api/history', '/api/history/files',
    '/api/uart/status', '/api/can/status', '/api/mqtt/status', '/api/config', '/api/mqtt/config', '/api/registers',
    '/api/security/csrf', '/api/security/ws-ticket', '/api/sim/status', '/api/sim/controls', '/api/energy', '/api/can/gx',
  ];

  it.each(GETS)('GET %s', async (path) => {
    const response = await gw.settle(fetch(`${gw.base}${path}`, { headers: { Authorization: basicAuth() } }));
    if (response.status === 503) return; // not on this test gateway
    expect(response.status).toBe(200);
    expect(badKeys(await jsonOf(response))).toEqual([]);
  });

  it('POST /api/sim/faults takes and answers snake_case parameters', async () => {
    const response = await fetch(`${gw.base}/api/sim/faults`, {
      method: 'POST',
      headers: await mutationHeaders(gw),
      body: JSON.stringify({ kind: 'cell_overvoltage', cell: 3, voltage_mv: 3700, duration_s: 30 }),
    });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(badKeys(body)).toEqual([]);
    expect(body.fault.fault).toMatchObject({ kind: 'cell_overvoltage', cell: 3, voltage_mv: 3700 });
  });
});
