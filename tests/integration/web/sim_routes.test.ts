/**
 * /api/sim/* as the Node host registers it, on the real TinyBMS simulator: open status, and
 * mode, speed and faults behind login and CSRF, with the simulator's own refusals as 400s.
 */
import { simulationRoutes } from '../../../hosts/node/sim_routes';
import { jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

describe('/api/sim routes over HTTP', () => {
  let gw: WebGateway;
  beforeEach(async () => {
    gw = await startWebGateway({ extraRoutes: ({ simulator }) => [simulationRoutes(simulator)] });
  });
  afterEach(async () => {
    await gw.close();
  });

  const post = async (url: string, body?: unknown) =>
    fetch(`${gw.base}${url}`, { method: 'POST', headers: await mutationHeaders(gw), body: body === undefined ? undefined : JSON.stringify(body) });

  it('shows the simulator state to anyone', async () => {
    const status = await jsonOf(await fetch(`${gw.base}/api/sim/status`));
    expect(status).toMatchObject({ mode: 'test', speed: 1 });
  });

  it('lists every fault kind the simulator exports, with parameters, plus modes and the speed range', async () => {
    const { FAULT_KINDS } = await import('../../../hosts/mocks/tinybms/faults');
    const controls = await jsonOf(await fetch(`${gw.base}/api/sim/controls`));
    expect(controls.modes).toEqual(['realistic', 'test', 'demo']);
    expect(controls.max_speed).toBeGreaterThan(1);
    expect(controls.fault_kinds.map((k: { kind: string }) => k.kind)).toEqual([...FAULT_KINDS]);
    const overVoltage = controls.fault_kinds.find((k: { kind: string }) => k.kind === 'cell_overvoltage');
    expect(overVoltage.parameters.map((p: { name: string }) => p.name)).toEqual(['cell', 'voltage_mv', 'duration_s']);
  });

  it('needs login and a CSRF token to change anything', async () => {
    const anonymous = await fetch(`${gw.base}/api/sim/speed`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"speed":10}' });
    expect(anonymous.status).toBe(401);
    expect(gw.simulator.speed).toBe(1);
  });

  it('switches mode and speed', async () => {
    const mode = await post('/api/sim/mode', { mode: 'demo' });
    expect(mode.status).toBe(200);
    expect((await jsonOf(mode)).status.mode).toBe('demo');
    expect(gw.simulator.mode).toBe('demo');
    const speed = await post('/api/sim/speed', { speed: 120 });
    expect(speed.status).toBe(200);
    expect(gw.simulator.speed).toBe(120);
  });

  it.each([
    ['/api/sim/mode', { mode: 'turbo' }, 'mode'],
    ['/api/sim/speed', { speed: 0 }, undefined],
    ['/api/sim/speed', { speed: 'fast' }, undefined],
    ['/api/sim/speed', { speed: 2, extra: 1 }, 'speed'],
  ])('refuses %s %j with 400 and changes nothing', async (url, body, field) => {
    const response = await post(url, body);
    expect(response.status).toBe(400);
    if (field) expect((await jsonOf(response)).error.field).toBe(field);
    expect([gw.simulator.mode, gw.simulator.speed]).toEqual(['test', 1]);
  });

  it('injects a fault that the gateway then sees, and clears it', async () => {
    const injected = await post('/api/sim/faults', { kind: 'cell_overvoltage', cell: 2, voltage_mv: 3720 });
    expect(injected.status).toBe(200);
    const { fault } = await jsonOf(injected);
    expect(fault.fault).toEqual({ kind: 'cell_overvoltage', cell: 2, voltage_mv: 3720 });
    gw.clock.advance(1_000);
    const data = await jsonOf(await fetch(`${gw.base}/api/data`));
    expect(data.max_cell_voltage_mv).toBe(3720);

    const cleared = await post('/api/sim/faults/clear', { id: fault.id });
    expect(await jsonOf(cleared)).toMatchObject({ cleared: 1 });
    expect(gw.simulator.activeFaults()).toEqual([]);
  });

  it('passes the simulator’s refusal of a bad fault on as 400', async () => {
    const response = await post('/api/sim/faults', { kind: 'cell_overvoltage', cell: 99 });
    expect(response.status).toBe(400);
    const { error } = await jsonOf(response);
    expect(error.code).toBe('invalid_fault');
    expect(error.message).toContain('cell');
    expect(gw.simulator.activeFaults()).toEqual([]);
  });
});

describe('fault kind catalogue for the panel', () => {
  it('describes known parameters and still offers kinds with parameters it does not know', async () => {
    const { faultKindCatalogue } = await import('../../../hosts/node/sim_fault_kinds');
    const [known, unknown] = faultKindCatalogue([
      { kind: 'cell_overvoltage', description: 'high cell', parameters: ['cell', 'voltageMv', 'durationS'] },
      { kind: 'brand_new_fault', description: 'added later', parameters: ['wobbleHz', 'durationS'] },
    ]);
    expect(known).toMatchObject({ label: 'Cell overvoltage', described: true, parameters: [{ name: 'cell', required: true }, { name: 'voltage_mv', unit: 'mV' }, { name: 'duration_s' }] });
    expect(unknown).toMatchObject({ kind: 'brand_new_fault', described: false, parameters: [{ name: 'wobble_hz', label: 'Wobble hz', kind: 'number' }, { name: 'duration_s' }] });
  });
});
