/**
 * The UI's pure parts, without a browser: reading error answers into per-field messages, the
 * configuration form's partial updates, register checks, link states and history parsing.
 */
import { ApiError, parseErrorBody } from '../../web/src/api/errors';
import { linkLevel, listOf, normalizeHistoryFiles, normalizeHistorySamples, normalizeRegister } from '../../web/src/api/normalize';
import { changesOf, formSections, labelFor, toFormValues } from '../../web/src/pages/config/model';
import { errorTarget, registerProblem } from '../../web/src/pages/registers/rules';
import { TimeSeries } from '../../web/src/state/series';
import { defaultConfig } from '../../modules/config_manager';

describe('error answers', () => {
  it('reads every listed error of a config 400 and drops the summary that repeats the first', () => {
    const body = {
      error: {
        code: 'invalid_config',
        message: 'bms.poll_interval_ms: must be at least 100 ms (and 1 more problem(s))',
        field: 'bms.poll_interval_ms',
        errors: [
          { field: 'bms.poll_interval_ms', code: 'below_min', message: 'must be at least 100 ms' },
          { field: 'alerts.cell_voltage_max_mv', code: 'above_max', message: 'must be at most 4500 mV' },
        ],
      },
    };
    const error = new ApiError(400, parseErrorBody(400, body));
    expect(error.byField()).toEqual({ 'bms.poll_interval_ms': ['must be at least 100 ms'], 'alerts.cell_voltage_max_mv': ['must be at most 4500 mV'] });
    expect(error.general()).toEqual([]);
  });

  it('keeps a single error with its field, a document-level error without one, and falls back to the status', () => {
    expect(parseErrorBody(400, { error: { code: 'invalid_date', message: 'bad date', field: 'date' } })).toEqual([{ code: 'invalid_date', message: 'bad date', field: 'date' }]);
    expect(parseErrorBody(400, { error: { code: 'invalid_type', message: 'must be an object', field: '' } })).toEqual([{ code: 'invalid_type', message: 'must be an object' }]);
    expect(parseErrorBody(502, null, '')).toEqual([{ code: 'http_502', message: 'HTTP 502' }]);
    expect(parseErrorBody(500, null, 'boom')).toEqual([{ code: 'http_500', message: 'boom' }]);
  });
});

describe('configuration form', () => {
  const sections = formSections();

  it('has a tab per schema section and leaves out read-only fields', () => {
    expect(sections.map((s) => s.id)).toEqual(['wifi', 'mqtt', 'can', 'bms', 'alerts', 'charge', 'web', 'history']);
    const paths = sections.flatMap((s) => s.fields.map((f) => f.path));
    expect(paths).toContain('bms.poll_interval_ms');
    expect(paths).not.toContain('web.password_hash');
    expect(paths).not.toContain('version');
  });

  it('sends only what changed, numbers as numbers and unparsable text as typed', () => {
    const original = toFormValues(defaultConfig(), sections);
    expect(changesOf(sections, original, original)).toEqual({ patch: {}, count: 0 });
    const edited = { ...original, 'bms.poll_interval_ms': '750', 'can.bitrate_kbps': '250', 'mqtt.enabled': true, 'alerts.current_max_a': '12x' };
    expect(changesOf(sections, original, edited)).toEqual({
      patch: { bms: { poll_interval_ms: 750 }, can: { bitrate_kbps: 250 }, mqtt: { enabled: true }, alerts: { current_max_a: '12x' } },
      count: 4,
    });
  });

  it('labels fields without their unit suffix', () => {
    expect(labelFor('poll_interval_ms')).toBe('Poll interval');
    expect(labelFor('soc_full_pct')).toBe('SOC full');
    expect(labelFor('broker_uri')).toBe('Broker URI');
  });
});

describe('BMS registers', () => {
  const capacity = normalizeRegister({ address: 306, key: 'battery_capacity_ah', name: 'Capacity', unit: 'Ah', min: 1, max: 6500, scale: 0.01, writable: true, value: 280 })!;

  it('checks range and step before sending', () => {
    expect(registerProblem(capacity, '280.25')).toBeNull();
    expect(registerProblem(capacity, '280.255')).toBe('in steps of 0.01');
    expect(registerProblem(capacity, '0')).toBe('at least 1');
    expect(registerProblem(capacity, '7000')).toBe('at most 6500');
    expect(registerProblem(capacity, 'abc')).toBe('enter a number');
  });

  it('reads ranges flat or as `range`, a missing value as unknown, and write errors by position', () => {
    expect(normalizeRegister({ address: 1, value: 5, range: [0, 9] })).toMatchObject({ min: 0, max: 9, value: 5 });
    expect(normalizeRegister({ address: 2, range: { min: 3, max: 4 }, writable: false })).toMatchObject({ min: 3, max: 4, read_only: true });
    expect(normalizeRegister({ address: 2 })!.value).toBeUndefined();
    expect(normalizeRegister({ name: 'no address' })).toBeNull();
    const sent = [capacity, { ...capacity, address: 307 }];
    expect(errorTarget('registers[1].value', sent)).toBe(307);
    expect(errorTarget('registers[5].value', sent)).toBeNull();
    expect(errorTarget('registers.315', sent)).toBe(315);
  });
});

describe('link states', () => {
  it('reads state words, plain flags and module metrics', () => {
    expect(linkLevel({ state: 'running' })).toEqual({ level: 'up', label: 'running' });
    expect(linkLevel({ state: 'bus_off' })).toEqual({ level: 'down', label: 'bus off' });
    expect(linkLevel({ present: false, connected: false })).toEqual({ level: 'off', label: 'not present' });
    expect(linkLevel({ state: 'error_passive' }).level).toBe('warn');
    expect(linkLevel({ state: 'disabled', connected: false }).level).toBe('off');
    expect(linkLevel({ up: true, detail: 'poll answered' }).level).toBe('up');
    expect(linkLevel({ online: false, polls: 3 }).level).toBe('down');
    expect(linkLevel({ uart_link_up: true }).level).toBe('up');
    expect(linkLevel(undefined).level).toBe('unknown');
  });
});

describe('history', () => {
  it('lists day files newest first from names or dates and reads samples oldest first', () => {
    expect(normalizeHistoryFiles({ files: [{ date: '2026-01-01', size_bytes: 10 }, { name: '2026-01-03.csv' }, { name: 'junk' }] })).toEqual([
      { date: '2026-01-03', name: '2026-01-03.csv' },
      { date: '2026-01-01', size: 10 },
    ]);
    const rows = normalizeHistorySamples({ samples: [{ timestamp: 20, voltage: 53 }, { voltage: 1 }, { timestamp: 10, voltage: 52, current: -3, soc: 50, temp_max: 25, temp_min: 20 }] });
    expect(rows.map((r) => r.timestamp)).toEqual([10, 20]);
    expect(rows[0]).toMatchObject({ timestamp: 10, voltage: 52, current: -3, soc: 50, temp_max: 25, temp_min: 20 });
    expect(Number.isNaN(rows[1].current)).toBe(true);
    // The gateway's JSON view uses the live-data names.
    const live = normalizeHistorySamples({ samples: [{ timestamp_ms: 5, pack_voltage_v: 52.8, pack_current_a: -9.9, state_of_charge_pct: 58, max_temperature_c: 16.2, min_temperature_c: 16.1, max_cell_voltage_mv: 3303, min_cell_voltage_mv: 3302 }] });
    expect(live).toEqual([{ timestamp: 5, voltage: 52.8, current: -9.9, soc: 58, temp_max: 16.2, temp_min: 16.1, cell_max: 3303, cell_min: 3302 }]);
    expect(listOf([1, 2])).toEqual([1, 2]);
    expect(listOf({ alerts: [3] }, 'alarms', 'alerts')).toEqual([3]);
    expect(listOf('nope', 'x')).toEqual([]);
  });
});

describe('live chart series', () => {
  it('keeps at most its capacity and trims by age', () => {
    const series = new TimeSeries(2, 3);
    for (let t = 1; t <= 5; t++) series.push(t, [t * 10, t * 100]);
    expect(series.columns()).toEqual([
      [3, 4, 5],
      [30, 40, 50],
      [300, 400, 500],
    ]);
    series.trimBefore(4.5);
    expect(series.columns()).toEqual([[5], [50], [500]]);
    series.push(6, [60]);
    expect(Number.isNaN(series.columns()[2][1])).toBe(true);
    // History goes in front; rows not older than what is held, or beyond capacity, are left out.
    series.prepend([
      { timeS: 2, values: [20, 200] },
      { timeS: 1, values: [10, 100] },
      { timeS: 5, values: [0, 0] },
    ]);
    expect(series.columns()).toEqual([
      [2, 5, 6],
      [20, 50, 60],
      [200, 500, NaN],
    ]);
  });
});
