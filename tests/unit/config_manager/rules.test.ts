import { defaultConfig, validate, type ConfigError } from '../../../modules/config_manager';
import { writePath } from '../../../modules/config_manager/merge';

function check(values: Record<string, unknown>): ConfigError[] {
  const config = defaultConfig() as unknown;
  for (const [path, value] of Object.entries(values)) writePath(config, path, value);
  const result = validate(config);
  return result.ok ? [] : result.errors;
}

function conflictsOn(values: Record<string, unknown>): string[] {
  return check(values)
    .filter((e) => e.code === 'conflict')
    .map((e) => e.field);
}

/** [rule field, other field, value that fails, value that passes] with the other field fixed. */
const ORDER_CASES: [string, string, number, number, number][] = [
  // field, related, related value, failing value (at the bound), passing value (just inside)
  ['alerts.cell_voltage_min_mv', 'alerts.cell_voltage_max_mv', 3600, 3600, 3450],
  ['bms.soc_empty_pct', 'bms.soc_full_pct', 50, 50, 49.5],
  ['bms.response_timeout_ms', 'bms.poll_interval_ms', 300, 300, 299],
  ['bms.poll_interval_ms', 'bms.stale_after_ms', 1000, 1000, 999],
  ['bms.stale_after_ms', 'alerts.comm_lost_after_ms', 8000, 8001, 8000],
  ['charge.cell_min_mv', 'charge.discharge_protect_start_mv', 3000, 3000, 2999],
  ['charge.discharge_protect_start_mv', 'charge.float_cell_mv', 3300, 3300, 3299],
  ['charge.float_cell_mv', 'charge.bulk_cell_mv', 3400, 3401, 3400],
  ['charge.bulk_cell_mv', 'charge.cell_protect_start_mv', 3480, 3480, 3479],
  ['charge.cell_protect_start_mv', 'charge.cell_max_mv', 3600, 3600, 3599],
  ['charge.low_temp_charge_c', 'charge.high_temp_charge_c', 25, 25, 24.5],
  ['charge.imbalance_release_mv', 'charge.imbalance_hold_mv', 80, 80, 79],
  ['charge.float_exit_soc_pct', 'charge.float_enter_soc_pct', 96, 96, 95.9],
  ['alerts.temperature_hysteresis_c', 'alerts.temperature_max_c', 25, 25, 24],
  ['alerts.current_hysteresis_a', 'alerts.current_max_a', 20, 20, 19],
  ['alerts.voltage_hysteresis_mv', 'alerts.imbalance_max_mv', 40, 41, 40],
];

describe('cross-field rules', () => {
  it.each(ORDER_CASES)('%s against %s: fails at the bound, passes inside it', (field, related, relatedValue, failing, passing) => {
    const failure = check({ [related]: relatedValue, [field]: failing }).filter((e) => e.code === 'conflict' && e.field === field);
    expect(failure).toEqual([expect.objectContaining({ field, related: expect.arrayContaining([related]) })]);
    expect(conflictsOn({ [related]: relatedValue, [field]: passing })).toEqual([]);
  });

  it('needs a broker URI once MQTT is enabled', () => {
    expect(conflictsOn({ 'mqtt.enabled': true })).toEqual(['mqtt.broker_uri']);
    expect(conflictsOn({ 'mqtt.enabled': true, 'mqtt.broker_uri': 'mqtt://broker.local:1883' })).toEqual([]);
    expect(conflictsOn({ 'mqtt.enabled': false, 'mqtt.broker_uri': '' })).toEqual([]);
  });

  it('needs a client certificate and key together', () => {
    const pem = '-----BEGIN X-----\nAAAA\n-----END X-----\n';
    expect(conflictsOn({ 'mqtt.client_cert': pem })).toEqual(['mqtt.client_key']);
    expect(conflictsOn({ 'mqtt.client_key': pem })).toEqual(['mqtt.client_key']);
    expect(conflictsOn({ 'mqtt.client_cert': pem, 'mqtt.client_key': pem })).toEqual([]);
  });

  it('keeps the min and max voltage alert hysteresis bands apart', () => {
    // 3650 − 2800 = 850 mV between the limits: bands of 425 mV each would touch.
    expect(conflictsOn({ 'alerts.voltage_hysteresis_mv': 425, 'alerts.imbalance_max_mv': 500 })).toEqual(['alerts.voltage_hysteresis_mv']);
    expect(conflictsOn({ 'alerts.voltage_hysteresis_mv': 424, 'alerts.imbalance_max_mv': 500 })).toEqual([]);
  });

  it('keeps a cell voltage window of at least 100 mV, so a 0.1 V CVL always fits inside it', () => {
    const base = { 'charge.cell_protect_start_mv': 2950, 'charge.bulk_cell_mv': 2940, 'charge.float_cell_mv': 2930, 'charge.discharge_protect_start_mv': 2920 };
    expect(conflictsOn({ ...base, 'charge.cell_min_mv': 2901, 'charge.cell_max_mv': 3000 })).toEqual(['charge.cell_max_mv']);
    expect(conflictsOn({ ...base, 'charge.cell_min_mv': 2900, 'charge.cell_max_mv': 3000 })).toEqual([]);
  });

  it('does not run a rule over a field that is already invalid on its own', () => {
    const errors = check({ 'alerts.cell_voltage_min_mv': 'low' });
    expect(errors).toEqual([expect.objectContaining({ field: 'alerts.cell_voltage_min_mv', code: 'type' })]);
  });
});
