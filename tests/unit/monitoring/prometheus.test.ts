import { spawnSync } from 'node:child_process';
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { AlertManager } from '../../../modules/alert_manager';
import { HistoryLogger } from '../../../modules/history_logger';
import { convertMetricKey, CycleTimer, familiesOf, MetricNames, Monitoring, renderPrometheus, snakeCase } from '../../../modules/monitoring';
import { createTestContext, liveData } from '../alert_manager/support/context';

/** promtool's verdict on an exposition text: exit status and everything it printed. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('Prometheus names', () => {
  it.each([
    ['uart_bms', 'polls_total', 'tinybms_uart_bms_polls_total', 'counter', 1],
    ['uart_bms', 'cycle_last_ms', 'tinybms_uart_bms_cycle_last_seconds', 'gauge', 0.001],
    ['can_publisher', 'cvl_mv', 'tinybms_can_publisher_cvl_volts', 'gauge', 0.001],
    ['can_publisher', 'ccl_a', 'tinybms_can_publisher_ccl_amperes', 'gauge', 1],
    ['uart_bms', 'max_temp_c', 'tinybms_uart_bms_max_temp_celsius', 'gauge', 1],
    ['uart_bms', 'soc_pct', 'tinybms_uart_bms_soc_ratio', 'gauge', 0.01],
    ['can_publisher', 'charged_energy_wh_total', 'tinybms_can_publisher_charged_energy_joules_total', 'counter', 3600],
    ['event_bus', 'queueHighWater', 'tinybms_event_bus_queue_high_water', 'gauge', 1],
    ['mqtt_client', 'inflight_count', 'tinybms_mqtt_client_inflight', 'gauge', 1],
    ['wifi', 'rx-bytes total', 'tinybms_wifi_rx_bytes_total', 'counter', 1],
    ['wifi', 'connected_for_s', 'tinybms_wifi_connected_for_seconds', 'gauge', 1],
  ])('%s %s -> %s', (source, key, name, type, factor) => {
    const converted = convertMetricKey(source, key);
    expect(converted).toMatchObject({ name, type });
    expect(converted.multiply / converted.divide).toBe(factor);
  });

  it('turns flags into 0/1 gauges and text into an _info gauge with an escaped label', () => {
    expect(familiesOf('mqtt_client', { connected: true, state: 'wait "retry"\n\\', reconnect_pending_total: false })).toEqual([
      { name: 'tinybms_mqtt_client_connected', help: 'mqtt_client connected', type: 'gauge', samples: [{ value: 1 }] },
      { name: 'tinybms_mqtt_client_state_info', help: 'mqtt_client state', type: 'gauge', samples: [{ labels: { state: 'wait "retry"\n\\' }, value: 1 }] },
      { name: 'tinybms_mqtt_client_reconnect_pending', help: 'mqtt_client reconnect_pending_total', type: 'gauge', samples: [{ value: 0 }] },
    ]);
    const { text } = renderPrometheus(familiesOf('mqtt_client', { state: 'wait "retry"\n\\' }));
    expect(text).toBe('# HELP tinybms_mqtt_client_state_info mqtt_client state\n# TYPE tinybms_mqtt_client_state_info gauge\ntinybms_mqtt_client_state_info{state="wait \\"retry\\"\\n\\\\"} 1\n');
  });

  it('writes special values and leaves out clashing families and repeated label sets', () => {
    const { text, skipped } = renderPrometheus([
      { name: 'tinybms_a', help: 'first', type: 'gauge', samples: [{ value: NaN }, { labels: { x: '1' }, value: Infinity }] },
      { name: 'tinybms_a', help: 'again', type: 'gauge', samples: [{ labels: { x: '1' }, value: 5 }, { labels: { x: '2' }, value: -Infinity }] },
      { name: 'tinybms_a', help: 'other type', type: 'counter', samples: [{ value: 1 }] },
    ]);
    expect(text).toBe('# HELP tinybms_a first\n# TYPE tinybms_a gauge\ntinybms_a NaN\ntinybms_a{x="1"} +Inf\ntinybms_a{x="2"} -Inf\n');
    expect(skipped).toBe(2);
  });
});

describe('promtool check metrics', () => {
  it('finds problems in a text that breaks the conventions (the check can fail)', () => {
    const bad = '# HELP x_ms time\n# TYPE x_ms gauge\nx_ms 1\n# TYPE y counter\ny 2\n';
    const verdict = promtoolCheck(bad);
    expect(verdict.status).not.toBe(0);
    expect(verdict.output).toMatch(/abbreviated units/);
    expect(verdict.output).toMatch(/_total/);
  });

  it('accepts the whole gateway exposition without a single lint', () => {
    const t = createTestContext({ files: new MemoryFiles({ capacityBytes: 1_000_000 }), config: { mqtt: { enabled: true } } });
    const alerts = new AlertManager(t.ctx);
    const history = new HistoryLogger(t.ctx);
    const monitoring = new Monitoring(t.ctx);
    const poll = new CycleTimer(t.clock);
    for (const module of [alerts, history, monitoring]) module.start();
    monitoring.register(alerts);
    monitoring.register(history);
    // A module with every awkward kind of metric the others might report.
    monitoring.register({
      name: 'uart_bms',
      metrics: () => ({
        ...poll.metrics(),
        polls_total: 12,
        crc_errors_total: 0,
        link_online: true,
        last_error: 'timeout after 200 ms, "0xAA" \\ resync\nretry',
        pack_voltage_mv: 52_800,
        pack_current_a: -12.5,
        max_temperature_c: 25,
        state_of_charge_pct: 80,
        uart_rx_bytes_total: 4096,
        buffered_count: 3,
        charged_energy_wh_total: 1234.5,
        last_frame_age_ms: NaN,
        headroomRatio: Infinity,
      }),
    });
    poll.measure(() => t.clock.advance(42));
    t.emit('bms.data', liveData(t.clock.now(), { pack_current_a: 500 }));
    t.clock.advance(2_000);
    t.emit('bms.data', liveData(t.clock.now(), { pack_current_a: 500 }));
    t.emit('mqtt.disconnected', { reason: 'broker "down"' });
    t.clock.advance(2_000);
    const text = monitoring.prometheus();
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    // Spot checks on what it says, in base units.
    expect(text).toContain('tinybms_uart_bms_cycle_last_seconds 0.042\n');
    expect(text).toContain('tinybms_uart_bms_pack_voltage_volts 52.8\n');
    expect(text).toContain('tinybms_uart_bms_charged_energy_joules_total 4444200\n');
    expect(text).toContain('tinybms_alert_manager_active_alerts 2\n'); // OVER_CURRENT, MQTT_DISCONNECTED
    expect(text).toContain('tinybms_alert_manager_raised_total 2\n');
    expect(text).toContain('tinybms_self_test_passed{check="bms_link"} 1\n');
    expect(text).toContain('tinybms_metric_source_up{source="history_logger"} 1\n');
    expect(text).toContain('tinybms_build_info{version="1.2.3-test",platform="node"} 1\n');
    expect(text).toMatch(/^# TYPE tinybms_event_bus_published_total counter$/m);
    for (const module of [alerts, history, monitoring]) module.stop();
  });
});

describe('MetricNames (names worked out once per source and key)', () => {
  it('gives what convertMetricKey gives, remembers it, and stops remembering at its limit', () => {
    const names = new MetricNames(2);
    expect(names.convert('can_publisher', 'cycle_last_ms')).toEqual(convertMetricKey('can_publisher', 'cycle_last_ms'));
    expect(names.convert('can_publisher', 'cycle_last_ms')).toBe(names.convert('can_publisher', 'cycle_last_ms'));
    expect(names.convert('uartBms', 'framesTotal')).toEqual(convertMetricKey('uartBms', 'framesTotal'));
    expect(names.size).toBe(2);
    expect(names.convert('mqtt', 'published_total').name).toBe('tinybms_mqtt_published_total');
    expect(names.size).toBe(2);
  });

  it('a later scrape of texts without special characters runs no regular expression (on XS each RegExp literal is compiled again per call: ~750 a scrape took half its time)', () => {
    const t = createTestContext();
    const monitoring = new Monitoring(t.ctx);
    monitoring.start();
    monitoring.register({ name: 'wifi_link', metrics: () => ({ state: 'connected', ssid: 'home', rssi_dbm: -60, rxBytesTotal: 10, up: true }) });
    const first = monitoring.prometheus();
    const exec = RegExp.prototype.exec;
    let runs = 0;
    RegExp.prototype.exec = function (this: RegExp, text: string) {
      runs++;
      return exec.call(this, text);
    };
    let second: string;
    try {
      second = monitoring.prometheus();
    } finally {
      RegExp.prototype.exec = exec;
    }
    expect(second.split('\n').length).toBe(first.split('\n').length);
    expect(second).toContain('tinybms_wifi_link_state_info{state="connected"} 1\n');
    expect(runs).toBe(0);
    // control: a text that needs escaping still goes through the escape
    monitoring.register({ name: 'odd', metrics: () => ({ last_error: 'a "b"' }) });
    expect(monitoring.prometheus()).toContain('tinybms_odd_last_error_info{last_error="a \\"b\\""} 1\n');
    monitoring.stop();
  });

  it('snakeCase takes its no-RegExp path only for text the RegExp path would leave unchanged', () => {
    // the RegExp path alone, as snakeCase had it before the fast path
    const slow = (text: string) => {
      const snake = text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
      return /^[0-9]/.test(snake) ? `_${snake}` : snake || '_';
    };
    const alphabet = 'ab9_Z-';
    let seed = 7;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = n % 7;
      for (let i = 0; i < length; i++) text += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      expect([text, snakeCase(text)]).toEqual([text, slow(text)]);
    }
  });

  it('keeps (source, key) pairs apart that would join to the same text', () => {
    const names = new MetricNames();
    expect(names.convert('a_b', 'c').name).toBe('tinybms_a_b_c');
    // 'b_c' has the _c (Celsius) unit suffix; a cache keyed by "a_b_c" would have answered the first name.
    expect(names.convert('a', 'b_c').name).toBe('tinybms_a_b_celsius');
    expect(names.size).toBe(2);
  });
});
