import { CONFIG_SCHEMA, defaultConfig, forEachLeaf, validate, type ConfigError, type LeafField } from '../../../modules/config_manager';
import { writePath } from '../../../modules/config_manager/merge';

const leaves: [string, LeafField][] = [];
forEachLeaf(CONFIG_SCHEMA, (path, field) => leaves.push([path, field]));

function withValue(path: string, value: unknown): unknown {
  const config = defaultConfig() as unknown;
  writePath(config, path, value);
  return config;
}

function errorsFor(path: string, value: unknown): ConfigError[] {
  const result = validate(withValue(path, value));
  return result.ok ? [] : result.errors.filter((e) => e.field === path);
}

describe('schema defaults', () => {
  it('covers every field of the config with a default that validates', () => {
    expect(leaves.length).toBeGreaterThan(60);
    const result = validate(defaultConfig());
    expect(result).toEqual({ ok: true, config: defaultConfig() });
  });

  it('has the documented defaults for a 16S LiFePO4 pack on Victron', () => {
    const d = defaultConfig();
    expect(d.bms).toMatchObject({ poll_interval_ms: 250, response_timeout_ms: 200, retries: 2, stale_after_ms: 5000 });
    expect(d.alerts).toMatchObject({ cell_voltage_max_mv: 3650, cell_voltage_min_mv: 2800, temperature_max_c: 55, current_max_a: 150, imbalance_max_mv: 100, comm_lost_after_ms: 30000 });
    expect(d.charge.series_cells * d.charge.bulk_cell_mv).toBe(55200);
    expect(d.charge.float_cell_mv).toBe(3375);
    expect(d.mqtt).toMatchObject({ enabled: false, topic_prefix: 'tinybms', keepalive_s: 60 });
    expect(d.can).toMatchObject({ enabled: true, bitrate_kbps: 500, protocol: 'victron' });
    expect(d.web.username).toBe('admin');
    expect(d.history).toEqual({ sample_interval_s: 5, retention_days: 7, flush_interval_s: 30 });
  });

  it('marks passwords, keys and the password hash and salt secret', () => {
    const secrets = leaves.filter(([, f]) => f.secret).map(([p]) => p).sort();
    expect(secrets).toEqual(['mqtt.client_key', 'mqtt.password', 'web.password_hash', 'web.password_salt', 'wifi.ap_password', 'wifi.password']);
  });
});

describe('single-field bounds', () => {
  const numbers = leaves.filter((entry): entry is [string, Extract<LeafField, { kind: 'number' }>] => entry[1].kind === 'number');

  it.each(numbers.map(([p, f]) => [p, f] as const))('%s rejects just outside its range and accepts its bounds', (path, field) => {
    const step = field.integer ? 1 : 0.5;
    if (field.min !== field.max) {
      expect(errorsFor(path, field.min).filter((e) => e.code !== 'conflict')).toEqual([]);
      expect(errorsFor(path, field.max).filter((e) => e.code !== 'conflict')).toEqual([]);
    }
    expect(errorsFor(path, field.min - step)).toEqual([expect.objectContaining({ field: path, code: 'below_min', params: { min: field.min, max: field.max } })]);
    expect(errorsFor(path, field.max + step)).toEqual([expect.objectContaining({ field: path, code: 'above_max' })]);
    expect(errorsFor(path, String(field.default))).toEqual([expect.objectContaining({ code: 'type' })]);
    expect(errorsFor(path, Number.NaN)).toEqual([expect.objectContaining({ code: 'type' })]);
    if (field.integer) expect(errorsFor(path, field.default + 0.5)).toEqual([expect.objectContaining({ code: 'not_integer' })]);
  });

  const texts = leaves.filter((entry): entry is [string, Extract<LeafField, { kind: 'text' }>] => entry[1].kind === 'text');

  it.each(texts.map(([p, f]) => [p, f] as const))('%s refuses text over its maximum length and non-text', (path, field) => {
    expect(errorsFor(path, 'a'.repeat(field.maxLength + 1))).toEqual([expect.objectContaining({ field: path, code: 'too_long' })]);
    expect(errorsFor(path, 42)).toEqual([expect.objectContaining({ field: path, code: 'type' })]);
  });

  it('refuses values outside a choice and non-booleans for switches', () => {
    expect(errorsFor('can.protocol', 'canopen')).toEqual([expect.objectContaining({ code: 'not_allowed', params: { allowed: ['victron', 'pylontech'] } })]);
    expect(errorsFor('can.bitrate_kbps', 400)).toEqual([expect.objectContaining({ code: 'not_allowed' })]);
    expect(errorsFor('mqtt.enabled', 'true')).toEqual([expect.objectContaining({ code: 'type' })]);
  });

  it('keeps bms.poll_interval_ms within 100–10000 ms', () => {
    expect(errorsFor('bms.poll_interval_ms', 99)[0].code).toBe('below_min');
    expect(errorsFor('bms.poll_interval_ms', 10001)[0].code).toBe('above_max');
  });
});

describe('whole-document checks', () => {
  it('reports unknown and missing fields by path', () => {
    const config = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
    config.mqtt.port = 1883;
    delete config.bms.retries;
    config.extra = {};
    const result = validate(config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code]).sort()).toEqual([
      ['bms.retries', 'required'],
      ['extra', 'unknown_field'],
      ['mqtt.port', 'unknown_field'],
    ]);
  });

  it('reports every error at once, not just the first', () => {
    const config = defaultConfig() as unknown;
    writePath(config, 'mqtt.keepalive_s', 1);
    writePath(config, 'bms.poll_interval_ms', 50);
    writePath(config, 'wifi.hostname', '-bad-');
    writePath(config, 'alerts.cell_voltage_min_mv', 3700);
    writePath(config, 'charge.protocol_typo', 1);
    const result = validate(config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      'alerts.cell_voltage_min_mv:conflict',
      'alerts.voltage_hysteresis_mv:conflict',
      'bms.poll_interval_ms:below_min',
      'charge.protocol_typo:unknown_field',
      'mqtt.keepalive_s:below_min',
      'wifi.hostname:format',
    ]);
  });

  it('refuses a section that is not an object, and a document that is not one', () => {
    const config = defaultConfig() as unknown;
    writePath(config, 'mqtt', 'on');
    const result = validate(config);
    expect(result.ok ? [] : result.errors).toEqual([expect.objectContaining({ field: 'mqtt', code: 'type' })]);
    const whole = validate([]);
    expect(whole.ok ? [] : whole.errors).toEqual([expect.objectContaining({ field: '', code: 'type' })]);
  });
});
