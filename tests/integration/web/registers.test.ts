/**
 * TinyBMS settings registers and BMS commands over HTTP, carried out by the real poller on the
 * TinyBMS simulator: metadata from the uart_bms register map, checked writes with read-back,
 * export/import, and refusals that leave the BMS untouched.
 */
import { basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

describe('registers and commands over HTTP', () => {
  let gw: WebGateway;
  beforeEach(async () => {
    gw = await startWebGateway();
    gw.clock.advance(1_000);
  });
  afterEach(async () => {
    await gw.close();
  });

  const userGet = (url: string) => gw.settle(fetch(`${gw.base}${url}`, { headers: { Authorization: basicAuth() } }));
  const post = async (url: string, body: unknown) => {
    const headers = await mutationHeaders(gw);
    return gw.settle(fetch(`${gw.base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) }));
  };
  const bmsValue = (address: number) => gw.simulator.registers.read(address);
  /** UART transactions other than the periodic polls (reads and writes the API caused). */
  const nonPollTransactions = () => {
    const m = gw.poller.metrics() as Record<string, number>;
    return m.transactions_ok + m.transactions_failed - (m.polls_ok + m.polls_failed);
  };

  it('lists the settings with metadata and the values read from the BMS', async () => {
    const response = await userGet('/api/registers');
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body.values_read).toBe(true);
    expect(body.total).toBe(body.registers.length);
    const capacity = body.registers.find((r: { address: number }) => r.address === 306);
    expect(capacity).toMatchObject({ key: 'battery_capacity_ah', unit: 'Ah', scale: 0.01, min: 0.1, max: 655, writable: true, category: 'battery' });
    expect(capacity.value).toBeCloseTo(bmsValue(306) * 0.01, 6);
    const protocol = body.registers.find((r: { address: number }) => r.address === 343);
    expect(protocol.options).toEqual([
      { value: 0, label: 'CA V3' },
      { value: 1, label: 'ASCII' },
      { value: 2, label: 'SOC BAR' },
    ]);
  });

  it('filters by category and refuses an unknown one', async () => {
    const protection = await jsonOf(await userGet('/api/registers?category=protection'));
    expect(protection.registers.length).toBeGreaterThan(3);
    expect(protection.registers.every((r: { category: string }) => r.category === 'protection')).toBe(true);
    const bad = await userGet('/api/registers?category=../../etc');
    expect(bad.status).toBe(400);
  });

  it('still shows the metadata when the BMS does not answer', async () => {
    gw.simulator.injectFault({ kind: 'bms_silence' });
    const body = await jsonOf(await userGet('/api/registers'));
    expect(body.values_read).toBe(false);
    expect(body.read_error).toEqual(expect.any(String));
    expect(body.registers.length).toBeGreaterThan(30);
    expect(body.registers[0].value).toBeUndefined();
  });

  it('writes one register in user units and reports the read-back', async () => {
    const response = await post('/api/registers', { key: 'overvoltage_cutoff_mv', value: 3750 });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ results: [{ address: 315, key: 'overvoltage_cutoff_mv', value: 3750, raw: 3750, read_back: 3750, verified: true }] });
    expect(bmsValue(315)).toBe(3750);
  });

  it('writes several registers by key or address, scaled and signed', async () => {
    const response = await post('/api/registers', {
      registers: [
        { address: 306, value: 280.5 },
        { key: 'low_temp_charge_cutoff_c', value: -5 },
      ],
    });
    expect(response.status).toBe(200);
    const { results } = await jsonOf(response);
    expect(results.map((r: { raw: number; verified: boolean }) => [r.raw, r.verified])).toEqual([
      [28050, true],
      [-5, true],
    ]);
    expect(bmsValue(306)).toBe(28050);
  });

  it.each([
    [{ key: 'overvoltage_cutoff_mv', value: 5000 }, 'value', 'out_of_range'],
    [{ key: 'battery_capacity_ah', value: 100.005 }, 'value', 'step'],
    [{ key: 'no_such_register', value: 1 }, 'key', 'unknown_register'],
    [{ address: 302, value: 1 }, 'address', 'unknown_register'],
    [{ key: 'communication_protocol', value: 7 }, 'value', 'out_of_range'],
    [{ key: 'overvoltage_cutoff_mv', value: '3700' }, 'value', 'invalid_type'],
    [{ key: 'overvoltage_cutoff_mv', value: 3700, extra: 1 }, 'extra', 'unknown_field'],
    [{ value: 3700 }, 'key', 'required'],
  ])('refuses %j with 400 naming the field, and writes nothing', async (request, field, code) => {
    const before = bmsValue(315);
    const transactionsBefore = nonPollTransactions();
    const response = await post('/api/registers', request);
    expect(response.status).toBe(400);
    const { error } = await jsonOf(response);
    expect(error.code).toBe('invalid_register_write');
    expect(error.field).toBe(field);
    expect(error.errors[0].code).toBe(code);
    expect(bmsValue(315)).toBe(before);
    expect(nonPollTransactions()).toBe(transactionsBefore);
  });

  it('writes none of a batch when one entry is bad', async () => {
    const before = [bmsValue(315), bmsValue(316)];
    const response = await post('/api/registers', {
      registers: [
        { key: 'overvoltage_cutoff_mv', value: 3700 },
        { key: 'undervoltage_cutoff_mv', value: 100 },
      ],
    });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.field).toBe('registers[1].value');
    expect([bmsValue(315), bmsValue(316)]).toEqual(before);
  });

  it('answers 502 naming what was already written when the BMS stops answering mid-batch', async () => {
    let writes = 0;
    await gw.close();
    gw = await startWebGateway({ services: (real) => ({ bms: { readSettings: () => real.bms!.readSettings(), command: (o) => real.bms!.command(o), writeRegisters: (a, v) => (++writes === 2 ? Promise.reject(new Error('no answer from the BMS')) : real.bms!.writeRegisters(a, v)) } }) });
    gw.clock.advance(1_000);
    writes = 0;
    const response = await post('/api/registers', {
      registers: [
        { key: 'overvoltage_cutoff_mv', value: 3720 },
        { key: 'undervoltage_cutoff_mv', value: 2750 },
      ],
    });
    expect(response.status).toBe(502);
    const { error } = await jsonOf(response);
    expect(error.code).toBe('bms_write_failed');
    expect(error.message).toContain('already written: overvoltage_cutoff_mv');
    expect(error.errors).toEqual([expect.objectContaining({ key: 'overvoltage_cutoff_mv', verified: true })]);
    expect(bmsValue(315)).toBe(3720);
  });

  it('exports the settings and imports them back', async () => {
    const exported = await userGet('/api/registers/export');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="tinybms-registers.json"');
    const document = await jsonOf(exported);
    expect(document.format).toBe('tinybms-gw-registers');
    expect(document.registers.overvoltage_cutoff_mv).toBe(bmsValue(315));

    await post('/api/registers', { key: 'overvoltage_cutoff_mv', value: 3900 });
    expect(bmsValue(315)).toBe(3900);
    const subset = { ...document, registers: { overvoltage_cutoff_mv: document.registers.overvoltage_cutoff_mv, battery_capacity_ah: document.registers.battery_capacity_ah } };
    const imported = await post('/api/registers/import', subset);
    expect(imported.status).toBe(200);
    expect((await jsonOf(imported)).results.every((r: { verified: boolean }) => r.verified)).toBe(true);
    expect(bmsValue(315)).toBe(document.registers.overvoltage_cutoff_mv);
  });

  it('refuses an import that is not a register export', async () => {
    const response = await post('/api/registers/import', { format: 'something-else', version: 1, registers: { overvoltage_cutoff_mv: 3700 } });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.field).toBe('format');
  });

  describe('commands', () => {
    it('resets the SOC through the SOC setting register', async () => {
      const response = await post('/api/command', { command: 'reset_soc', parameters: { value: 50 } });
      expect(response.status).toBe(200);
      const body = await jsonOf(response);
      expect(body).toMatchObject({ status: 'done', command: 'reset_soc', result: { register: 328, raw: 25000 } });
      gw.clock.advance(2_000);
      const data = await jsonOf(await fetch(`${gw.base}/api/data`));
      expect(data.state_of_charge_pct).toBeCloseTo(50, 0);
    });

    it('clears the BMS events and statistics', async () => {
      for (const command of ['clear_events', 'clear_statistics']) {
        const response = await post('/api/command', { command });
        expect([command, response.status]).toEqual([command, 200]);
      }
    });

    it.each([
      [{ command: 'format_disk' }, 'command'],
      [{ command: 'reset_soc', parameters: { value: 140 } }, 'parameters.value'],
      [{ command: 'reset_soc', parameters: { percent: 40 } }, 'parameters.percent'],
      [{ command: 'clear_events', parameters: { now: true } }, 'parameters.now'],
      [{ parameters: {} }, 'command'],
    ])('refuses %j with 400 on field %s', async (body, field) => {
      const response = await post('/api/command', body);
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error.field).toBe(field);
    });

    it('puts register writes and commands, done or failed, in the system event log', async () => {
      expect((await post('/api/registers', { key: 'overvoltage_cutoff_mv', value: 3750 })).status).toBe(200);
      expect((await post('/api/command', { command: 'clear_statistics' })).status).toBe(200);
      expect((await post('/api/registers', { key: 'overvoltage_cutoff_mv', value: 99999 })).status).toBe(400);
      gw.simulator.injectFault({ kind: 'bms_silence' });
      expect((await post('/api/command', { command: 'clear_events' })).status).toBe(502);
      const events = (await jsonOf(await fetch(`${gw.base}/api/events`))).events as { type: string; level: string; message: string }[];
      const actions = events.filter((e) => e.type === 'user_action').map((e) => [e.level, e.message]);
      expect(actions).toHaveLength(3);
      expect(actions[0][0]).toBe('warning');
      expect(actions[0][1]).toMatch(/^BMS command clear_events by admin failed: /);
      expect(actions.slice(1)).toEqual([
        ['info', 'BMS command clear_statistics by admin'],
        ['info', 'BMS registers written by admin: overvoltage_cutoff_mv=3750'],
      ]);
    });

    it('answers 502 when the BMS does not carry a command out', async () => {
      gw.simulator.injectFault({ kind: 'bms_silence' });
      const response = await post('/api/command', { command: 'clear_events' });
      expect(response.status).toBe(502);
      expect((await jsonOf(response)).error.code).toBe('bms_command_failed');
    });
  });
});
