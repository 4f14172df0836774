import { AlertManager } from '../../../modules/alert_manager';
import { CycleTimer, Monitoring } from '../../../modules/monitoring';
import { checkClockSane } from '../../../modules/monitoring/self_test';
import { createTestContext, liveData } from '../alert_manager/support/context';

const statusOf = (m: Monitoring) => Object.fromEntries(m.selfTest().checks.map((c) => [c.name, c.status]));

describe('monitoring self-tests', () => {
  it('reports the BMS link alive only while valid data is fresh', () => {
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    monitoring.start();
    expect(monitoring.selfTest().checks[0]).toEqual({ name: 'bms_link', status: 'fail', detail: 'no valid BMS data since start' });
    t.emit('bms.data', liveData(t.clock.now()));
    t.clock.advance(1_500);
    expect(monitoring.selfTest().checks[0]).toEqual({ name: 'bms_link', status: 'pass', detail: 'last valid data 1.5 s ago' });
    t.emit('bms.data', liveData(t.clock.now(), { data_valid: false }));
    t.clock.advance(4_000);
    const report = monitoring.selfTest();
    expect(report.passed).toBe(false);
    expect(report.checks[0]).toEqual({ name: 'bms_link', status: 'fail', detail: 'last valid data 5.5 s ago (stale after 5.0 s)' });
    monitoring.stop();
  });

  it('passes CAN only while running, and skips it when disabled', () => {
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    expect(statusOf(monitoring).can_running).toBe('pass');
    Object.assign(t.canStatus, { state: 'bus_off', txErrorCounter: 256 });
    expect(monitoring.selfTest().checks[1]).toEqual({ name: 'can_running', status: 'fail', detail: 'state bus_off (tx errors 256, rx errors 0, bus errors 0)' });
    t.patchConfig({ can: { enabled: false } });
    expect(statusOf(monitoring).can_running).toBe('skip');
  });

  it('probes the store by writing, reading back and removing, at most once a minute', () => {
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    expect(statusOf(monitoring).store_writable).toBe('pass');
    expect(t.store.putCount).toBe(1);
    expect(t.store.keys()).toEqual([]);
    t.clock.advance(30_000);
    monitoring.selfTest();
    monitoring.diagnostics();
    expect(t.store.putCount).toBe(1);
    t.clock.advance(30_000);
    t.store.failNextPut('flash write failed');
    expect(monitoring.selfTest().checks[2]).toEqual({ name: 'store_writable', status: 'fail', detail: 'probe failed: flash write failed' });
    expect(monitoring.metrics().store_probes_total).toBe(2);
  });

  it('fails the history check when the files port refuses a write, or while history flushes fail', () => {
    const t = createTestContext();
    let failing = false;
    const monitoring = new Monitoring(t.ctx, { historyWriteFailing: () => failing });
    expect(statusOf(monitoring).history_writable).toBe('pass');
    expect(t.ctx.host.files.list('diag')).toEqual([]); // the probe is removed
    failing = true;
    expect(monitoring.selfTest().checks[3]).toMatchObject({ status: 'fail', detail: expect.stringContaining('last history write failed') });
    const refusing = { ...t.ctx.host.files, append: () => { throw new Error('ENOSPC: no space left on device'); } };
    const full = new Monitoring({ ...t.ctx, host: { ...t.ctx.host, files: refusing } });
    expect(full.selfTest().checks[3]).toEqual({ name: 'history_writable', status: 'fail', detail: 'history cannot be written: ENOSPC: no space left on device' });
    expect(full.selfTest().passed).toBe(false);
  });

  it('fails the store probe when the value does not read back', () => {
    const t = createTestContext();
    const lying = { get: () => 'old', put() {}, delete() {} };
    const monitoring = new Monitoring({ ...t.ctx, host: { ...t.ctx.host, store: lying } });
    expect(monitoring.selfTest().checks[2]).toMatchObject({ status: 'fail', detail: expect.stringContaining('read back as "old"') });
  });

  it('checks the clock: monotonic between checks and wall time set', () => {
    expect(checkClockSane(10, 20, Date.UTC(2026, 0, 1))).toMatchObject({ status: 'fail', detail: 'monotonic clock went back from 20 to 10 ms' });
    expect(checkClockSane(20, 10, 1_000)).toMatchObject({ status: 'fail', detail: 'wall clock not set (1970-01-01T00:00:01.000Z)' });
    expect(checkClockSane(20, 20, Date.UTC(2026, 0, 1))).toEqual({ name: 'clock_sane', status: 'pass', detail: 'wall clock 2026-01-01T00:00:00.000Z' });
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    expect(statusOf(monitoring).clock_sane).toBe('pass');
  });
});

describe('monitoring diagnostics', () => {
  it('reports heap, uptime, self-tests and every source, and isolates a throwing source', () => {
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    const alerts = new AlertManager(t.ctx);
    alerts.start();
    monitoring.start();
    monitoring.register(alerts);
    monitoring.register({
      name: 'can_victron',
      metrics: () => {
        throw new Error('driver not started');
      },
    });
    t.emit('bms.data', liveData(t.clock.now()));
    t.clock.advance(90_000);
    const report = monitoring.diagnostics();
    expect(report).toMatchObject({
      timestamp: t.clock.wallTime(),
      platform: 'node',
      firmware_version: '1.2.3-test',
      uptime_s: 90,
      heap: { free_bytes: 150_000, total_bytes: 320_000, minimum_free_bytes: 120_000 },
      self_test: { passed: false },
      modules: {
        event_bus: { published_total: 2, delivered_total: 3, dropped_total: 0 }, // bms.data, then alert.raised (comm lost)
        alert_manager: { active_alerts: 1, bms_comm_lost: true },
        can_victron: { error: 'driver not started' },
        monitoring: { sources: 4 },
      },
    });
    expect(report.self_test.checks.map((c) => c.status)).toEqual(['fail', 'pass', 'pass', 'pass', 'pass']);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(monitoring.prometheus()).toContain('tinybms_metric_source_up{source="can_victron"} 0\n');
    expect(monitoring.metrics().source_errors_total).toBe(2);
    alerts.stop();
    monitoring.stop();
  });

  it('refuses bad or repeated source names; unregistering removes the source', () => {
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    const source = { name: 'wifi', metrics: () => ({ rssi_dbm: -60 }) };
    const remove = monitoring.register(source);
    expect(() => monitoring.register(source)).toThrow('metric source "wifi" is already registered');
    expect(() => monitoring.register({ name: 'Wi-Fi', metrics: () => ({}) })).toThrow(RangeError);
    expect(monitoring.diagnostics().modules.wifi).toEqual({ rssi_dbm: -60 });
    remove();
    expect(monitoring.diagnostics().modules.wifi).toBeUndefined();
  });
});

describe('CycleTimer', () => {
  it('records last, max, mean and count of timed cycles, also when a cycle throws', () => {
    const t = createTestContext();
    const timer = new CycleTimer(t.clock);
    expect(timer.metrics()).toEqual({ cycles_total: 0, cycle_last_ms: 0, cycle_max_ms: 0, cycle_mean_ms: 0 });
    expect(timer.measure(() => (t.clock.advance(30), 'done'))).toBe('done');
    const started = timer.begin();
    t.clock.advance(10);
    timer.end(started);
    expect(() =>
      timer.measure(() => {
        t.clock.advance(20);
        throw new Error('cycle failed');
      }),
    ).toThrow('cycle failed');
    expect(timer.metrics()).toEqual({ cycles_total: 3, cycle_last_ms: 20, cycle_max_ms: 30, cycle_mean_ms: 20 });
  });
});
