/**
 * Every read endpoint and the alert/history/system actions of the contract over real HTTP, with
 * the real poller reading the TinyBMS simulator, the real alert manager and history logger.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

const get = async (gw: WebGateway, url: string, init: RequestInit = {}) => fetch(`${gw.base}${url}`, init);

describe('REST endpoints over HTTP', () => {
  let gw: WebGateway;
  beforeEach(async () => {
    gw = await startWebGateway();
  });
  afterEach(async () => {
    await gw.close();
  });

  describe('status and live data', () => {
    it('says there is no data yet before the first poll', async () => {
      const data = await jsonOf(await get(gw, '/api/data'));
      expect(data).toEqual({ data_valid: false, age_ms: null });
    });

    it('serves /api/data with every live-data field, data_valid and its age', async () => {
      gw.clock.advance(3_000);
      const data = await jsonOf(await get(gw, '/api/data'));
      expect(data.data_valid).toBe(true);
      expect(data.age_ms).toBeGreaterThanOrEqual(0);
      expect(data.age_ms).toBeLessThan(500);
      expect(data.cell_voltage_mv).toHaveLength(16);
      for (const field of ['pack_voltage_v', 'pack_current_a', 'power_w', 'state_of_charge_pct', 'state_of_health_pct', 'min_cell_voltage_mv', 'max_cell_voltage_mv', 'cell_delta_mv', 'max_temperature_c', 'min_temperature_c', 'timestamp_ms']) {
        expect([field, typeof data[field]]).toEqual([field, 'number']);
      }
      expect(data.pack_voltage_v).toBeGreaterThan(40);
      expect(data.online_status).toBe('discharging');
    });

    it('marks data stale once the BMS goes silent longer than the stale time', async () => {
      gw.clock.advance(2_000);
      expect(gw.simulator.injectFault({ kind: 'bms_silence' }).ok).toBe(true);
      gw.clock.advance(gw.config.get().bms.stale_after_ms + 2_000);
      const data = await jsonOf(await get(gw, '/api/data'));
      expect(data.data_valid).toBe(false);
      expect(data.age_ms).toBeGreaterThan(gw.config.get().bms.stale_after_ms);
      const status = await jsonOf(await get(gw, '/api/status'));
      expect(status.battery.data_valid).toBe(false);
    });

    it('summarises gateway and battery in /api/status', async () => {
      gw.clock.advance(2_000);
      gw.bus.publish('charge.limits', {
        charge_voltage_limit_v: 55.2,
        charge_current_limit_a: 80,
        discharge_current_limit_a: 150,
        discharge_voltage_limit_v: 46.4,
        charge_allowed: true,
        discharge_allowed: true,
        reasons: ['bulk'],
      });
      gw.deliver();
      const status = await jsonOf(await get(gw, '/api/status'));
      expect(status.firmware_version).toBe('1.2.3-test');
      expect(status.uptime_s).toBe(2);
      expect(status.uart.online).toBe(true);
      expect(status.uart.polls_ok).toBeGreaterThan(0);
      expect(status.mqtt.state).toBe('connected');
      expect(status.can.state).toBe('running');
      expect(status.bms_link.up).toBe(true);
      expect(status.battery).toMatchObject({ data_valid: true, charge_voltage_limit_v: 55.2, limit_reasons: ['bulk'], charged_energy_wh: 1234.5, discharged_energy_wh: 987.25 });
      expect(status.active_alerts).toBe(0);
      // This Node host has no Wi-Fi radio: reported as absent, not as a failed link.
      expect(status.wifi).toMatchObject({ present: false, connected: false });
    });

    it('passes the link modules’ own status through /api/uart, /api/can and /api/mqtt status', async () => {
      gw.clock.advance(1_000);
      const uart = await jsonOf(await get(gw, '/api/uart/status'));
      expect(uart.good_frames).toBeGreaterThan(0);
      expect(uart.crc_errors).toBe(0);
      const can = await jsonOf(await get(gw, '/api/can/status'));
      expect(can).toEqual({ state: 'running', tx_error_counter: 0, rx_error_counter: 0, bus_error_count: 0 });
      expect((await jsonOf(await get(gw, '/api/mqtt/status'))).messages_published).toBe(42);
    });

    it('serves diagnostics as JSON and the same metrics as Prometheus text', async () => {
      expect((await jsonOf(await get(gw, '/api/diagnostics'))).self_test).toEqual({ uart: 'pass' });
      const metrics = await get(gw, '/metrics');
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await metrics.text()).toContain('tinybms_up 1');
    });

    it('lists system events newest first with a limit, and checks the limit', async () => {
      gw.clock.advance(1_000);
      await fetch(`${gw.base}/api/config`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify({ mqtt: { keepalive_s: 30 } }) });
      gw.deliver();
      const all = await jsonOf(await get(gw, '/api/events'));
      expect(all.events.map((e: { type: string }) => e.type)).toEqual(['config_updated', 'bms_link']);
      const one = await jsonOf(await get(gw, '/api/events?limit=1'));
      expect(one.events).toHaveLength(1);
      for (const bad of ['0', '-1', 'ten', '1001']) {
        const response = await get(gw, `/api/events?limit=${bad}`);
        expect(response.status).toBe(400);
        expect((await jsonOf(response)).error.field).toBe('limit');
      }
    });
  });

  describe('alerts', () => {
    const raiseOverVoltage = () => {
      gw.clock.advance(1_000);
      expect(gw.simulator.injectFault({ kind: 'cell_overvoltage', cell: 3 }).ok).toBe(true);
      gw.clock.advance(6_000);
    };

    it('lists active alerts under /api/alarms and its alias /api/alerts', async () => {
      raiseOverVoltage();
      const alarms = await jsonOf(await get(gw, '/api/alarms'));
      expect(alarms.alerts.map((a: { code: string }) => a.code)).toContain('OVER_VOLTAGE');
      expect(alarms.count).toBe(alarms.alerts.length);
      expect(await jsonOf(await get(gw, '/api/alerts'))).toEqual(alarms);
    });

    it('acknowledges by code, refuses unknown codes with 400 and nothing acknowledged', async () => {
      raiseOverVoltage();
      const unknown = await fetch(`${gw.base}/api/alarms/acknowledge`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify({ codes: ['OVER_VOLTAGE', 'NOT_A_CODE'] }) });
      expect(unknown.status).toBe(400);
      expect((await jsonOf(unknown)).error.field).toBe('codes[1]');
      expect(gw.alerts.activeAlerts().every((a) => !a.acknowledged)).toBe(true);

      const done = await fetch(`${gw.base}/api/alarms/acknowledge`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify({ codes: ['OVER_VOLTAGE'] }) });
      expect(done.status).toBe(200);
      expect(await jsonOf(done)).toEqual({ acknowledged: ['OVER_VOLTAGE'], count: 1 });
      expect(gw.alerts.activeAlerts().find((a) => a.code === 'OVER_VOLTAGE')?.acknowledged).toBe(true);
    });

    it('acknowledges all with an empty body', async () => {
      raiseOverVoltage();
      const done = await jsonOf(await fetch(`${gw.base}/api/alarms/acknowledge`, { method: 'POST', headers: await mutationHeaders(gw) }));
      expect(done.count).toBe(gw.alerts.activeAlerts().length);
      expect(done.count).toBeGreaterThan(0);
    });

    it('clears latched alerts once their condition has gone', async () => {
      raiseOverVoltage();
      gw.simulator.clearFaults();
      gw.clock.advance(10_000);
      expect(gw.alerts.activeAlerts().some((a) => a.code === 'OVER_VOLTAGE' && !a.active)).toBe(true);
      const cleared = await jsonOf(await fetch(`${gw.base}/api/alerts/clear`, { method: 'POST', headers: await mutationHeaders(gw) }));
      expect(cleared.cleared).toContain('OVER_VOLTAGE');
      expect((await jsonOf(await get(gw, '/api/alarms'))).alerts.some((a: { code: string }) => a.code === 'OVER_VOLTAGE')).toBe(false);
    });
  });

  describe('history', () => {
    beforeEach(() => {
      gw.clock.advance(31_000);
    });

    it('pages samples of a day, lists day files and downloads CSV and JSON', async () => {
      const page = await jsonOf(await get(gw, '/api/history?limit=2&offset=1&date=2026-03-14'));
      expect(page).toMatchObject({ date: '2026-03-14', offset: 1, limit: 2 });
      expect(page.total).toBeGreaterThanOrEqual(5);
      expect(page.samples).toHaveLength(2);
      expect(page.samples[0].pack_voltage_v).toBeGreaterThan(40);

      const files = await jsonOf(await get(gw, '/api/history/files'));
      const stored = fs.statSync(path.join(gw.dataDir, 'files', 'history', '2026-03-14.csv')).size;
      expect(files.files).toEqual([{ date: '2026-03-14', name: '2026-03-14.csv', size_bytes: stored }]);

      const csv = await get(gw, '/api/history/download?format=csv&date=2026-03-14');
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="history-2026-03-14.csv"');
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toMatch(/^timestamp,voltage,current,soc,temp_max,temp_min/);
      expect(lines.length - 1).toBe(page.total);

      const asJson = await jsonOf(await get(gw, '/api/history/download?format=json&date=2026-03-14'));
      expect(asJson.samples).toHaveLength(page.total);
    });

    it('answers 404 for a day without history and 400 for a bad format', async () => {
      expect((await get(gw, '/api/history?date=2026-03-13')).status).toBe(404);
      expect((await get(gw, '/api/history/download?date=2026-03-13')).status).toBe(404);
      const format = await get(gw, '/api/history/download?format=xml&date=2026-03-14');
      expect(format.status).toBe(400);
      expect((await jsonOf(format)).error.field).toBe('format');
    });

    it.each(['../../store/config', '..%2F..%2Fstore%2Fconfig', '2026-03-14/../../x', '2026-02-30', '2026-3-14', '/etc/passwd', '2026-03-14.csv'])(
      'refuses the date %j with 400 and serves no file',
      async (date) => {
        for (const url of [`/api/history?date=${date}`, `/api/history/download?format=csv&date=${date}`]) {
          const response = await get(gw, url);
          expect([url, response.status]).toEqual([url, 400]);
          expect((await jsonOf(response)).error).toMatchObject({ code: 'invalid_date', field: 'date' });
        }
      },
    );

    it('erases history with DELETE (login and CSRF)', async () => {
      // Listing flushes the samples waiting in RAM: there is a day file on disk to erase.
      expect((await jsonOf(await get(gw, '/api/history/files'))).files.length).toBeGreaterThan(0);
      const response = await fetch(`${gw.base}/api/history`, { method: 'DELETE', headers: await mutationHeaders(gw) });
      expect(response.status).toBe(200);
      expect((await jsonOf(await get(gw, '/api/history/files'))).files).toEqual([]);
      expect(fs.readdirSync(path.join(gw.dataDir, 'files', 'history'))).toEqual([]);
    });
  });

  describe('system', () => {
    it('schedules a gateway restart after answering 202', async () => {
      const response = await fetch(`${gw.base}/api/system/restart`, { method: 'POST', headers: await mutationHeaders(gw) });
      expect(response.status).toBe(202);
      expect(await jsonOf(response)).toEqual({ status: 'scheduled', target: 'gateway', delay_ms: 500 });
      expect(gw.restarts.count).toBe(0);
      gw.clock.advance(500);
      expect(gw.restarts.count).toBe(1);
    });

    it('refuses an unknown restart target with 400 and restarts nothing', async () => {
      const response = await fetch(`${gw.base}/api/system/restart`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify({ target: 'everything' }) });
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error.field).toBe('target');
      gw.clock.advance(1_000);
      expect(gw.restarts.count).toBe(0);
    });

    it('answers 503 ota_unavailable to an upload while no OTA module is provided', async () => {
      const form = new FormData();
      form.append('firmware', new Blob([new Uint8Array(1024)]), 'firmware.bin');
      const response = await fetch(`${gw.base}/api/ota/upload`, { method: 'POST', headers: { ...(await mutationHeaders(gw)), 'Content-Type': undefined as unknown as string }, body: form });
      expect(response.status).toBe(503);
      expect((await jsonOf(response)).error.code).toBe('ota_unavailable');
    });

    it('puts what users do in the system event log: restarts, history erasure, config import and reset', async () => {
      const headers = await mutationHeaders(gw);
      const post = (url: string, body?: unknown, method = 'POST') => fetch(`${gw.base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      expect((await post('/api/system/restart')).status).toBe(202);
      expect((await post('/api/history', undefined, 'DELETE')).status).toBe(200);
      const exported = await (await get(gw, '/api/config/export', { headers: { Authorization: basicAuth() } })).json();
      expect((await post('/api/config/import', exported)).status).toBe(200);
      expect((await post('/api/config/reset')).status).toBe(200);
      // A refused action is not logged as done.
      expect((await post('/api/system/restart', { target: 'everything' })).status).toBe(400);
      gw.deliver();
      const events = (await jsonOf(await get(gw, '/api/events'))).events as { type: string; level: string; message: string }[];
      const actions = events.filter((e) => e.type === 'user_action').map((e) => [e.level, e.message]);
      expect(actions).toEqual([
        ['warning', 'configuration reset to factory defaults by admin (web password too)'],
        ['info', 'configuration replaced from an import by admin'],
        ['warning', 'history erased by admin'],
        ['warning', 'gateway restart requested by admin; restarting in 500 ms'],
      ]);
    });

    it('answers 405 with Allow for a known path and a wrong method, 404 for unknown API paths', async () => {
      const wrong = await get(gw, '/api/config', { method: 'PUT', headers: { Authorization: basicAuth() } });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, POST, HEAD');
      const unknown = await get(gw, '/api/unknown');
      expect(unknown.status).toBe(404);
      expect((await jsonOf(unknown)).error.code).toBe('not_found');
    });
  });
});
