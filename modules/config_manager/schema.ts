/**
 * Every configuration field with its type, range or format, default and secrecy
 * (../shared/spec/gateway-api.md §Configuration, victron-can.md §6 for the charge section).
 * Defaults suit a 16S LiFePO4 pack on a Victron GX. Cross-field rules live in rules.ts.
 *
 * First boot: the web login is `admin` / `tinybms-gw` (DEFAULT_WEB_PASSWORD). Only its PBKDF2
 * hash is stored; change it at once (metrics show `web_default_password` until then).
 */
import type {
  AlertThresholds,
  BmsConfig,
  CanConfig,
  CanProtocol,
  ChargeConfig,
  GatewayConfig,
  HistoryConfig,
  MqttConfig,
  WebConfig,
  WifiConfig,
} from './config_types';
import { bool, int, num, oneOf, section, text } from './fields';

/** Bumped whenever a stored config needs a migration step (migrate.ts). */
export const CONFIG_VERSION = 1;

/** What secrets look like in API answers and exports; sent back, it means "keep the current one". */
export const SECRET_MASK = '********';

/** Documented first-boot web password; DEFAULT_WEB_PASSWORD_HASH is its PBKDF2-HMAC-SHA256. */
export const DEFAULT_WEB_PASSWORD = 'tinybms-gw';
export const DEFAULT_WEB_PASSWORD_SALT = '129c21f27fbb7e88fa90d90115b4f800';
export const DEFAULT_WEB_PASSWORD_ITERATIONS = 10000;
export const DEFAULT_WEB_PASSWORD_HASH = '77e77ed501af6be56bfa3c0ea433b3d97a5f36ed85eff0bf2497bc1f9346c2a4';

const PEM_MAX = 8192;

const wifi = section<WifiConfig>({
  // Empty SSID = not configured yet: the gateway opens its access point.
  ssid: text({ default: '', minLength: 0, maxLength: 32 }),
  password: text({ default: '', minLength: 0, maxLength: 64, format: 'wpa_passphrase', optional: true, secret: true }),
  hostname: text({ default: 'tinybms-gw', minLength: 1, maxLength: 32, format: 'hostname' }),
  ap_ssid: text({ default: 'TinyBMS-GW', minLength: 1, maxLength: 32, format: 'printable' }),
  ap_password: text({ default: 'tinybms-setup', minLength: 8, maxLength: 64, format: 'wpa_passphrase', secret: true }),
});

const mqtt = section<MqttConfig>({
  enabled: bool(false),
  broker_uri: text({ default: '', minLength: 0, maxLength: 256, format: 'mqtt_uri', optional: true }),
  username: text({ default: '', minLength: 0, maxLength: 64, format: 'printable' }),
  password: text({ default: '', minLength: 0, maxLength: 128, secret: true }),
  // Empty: tinybms-gw-<device id> (MAC on the ESP32), unique per gateway on a shared broker.
  client_id: text({ default: '', minLength: 1, maxLength: 64, format: 'username', optional: true }),
  keepalive_s: int(60, 5, 3600, 's'),
  topic_prefix: text({ default: 'tinybms', minLength: 1, maxLength: 64, format: 'topic_prefix' }),
  discovery_enabled: bool(true),
  discovery_prefix: text({ default: 'homeassistant', minLength: 1, maxLength: 64, format: 'topic_prefix' }),
  // Value topics every publish_interval_s; status, cells, energy and diagnostics every max(5 s, it).
  publish_interval_s: int(1, 1, 3600, 's'),
  // Skip a value whose payload has not changed (re-sent at least once a minute anyway).
  publish_on_change: bool(false),
  // Retain the periodic value topics (availability, alarms, limits and discovery are always retained).
  retain: bool(true),
  // Plain <prefix>/cells/<n>/voltage topics for Node-RED / Telegraf.
  cell_topics: bool(false),
  ca_cert: text({ default: '', minLength: 0, maxLength: PEM_MAX, format: 'pem', optional: true }),
  client_cert: text({ default: '', minLength: 0, maxLength: PEM_MAX, format: 'pem', optional: true }),
  client_key: text({ default: '', minLength: 0, maxLength: PEM_MAX, format: 'pem', optional: true, secret: true }),
});

const can = section<CanConfig>({
  enabled: bool(true),
  // Victron's BMS-Can port and Pylontech both run at 500 kbit/s.
  bitrate_kbps: oneOf([125, 250, 500, 1000], 500),
  protocol: oneOf<CanProtocol>(['victron', 'pylontech'], 'victron'),
  // 0x35E carries 8 ASCII characters, 0x370/0x371 sixteen.
  manufacturer: text({ default: 'TinyBMS', minLength: 1, maxLength: 8, format: 'printable' }),
  battery_name: text({ default: 'TinyBMS-GW', minLength: 0, maxLength: 16, format: 'printable' }),
});

const bms = section<BmsConfig>({
  poll_interval_ms: int(250, 100, 10000, 'ms'),
  response_timeout_ms: int(200, 20, 2000, 'ms'),
  retries: int(2, 0, 5),
  // Short on purpose: stale data must stop driving charge limits quickly.
  stale_after_ms: int(5000, 500, 60000, 'ms'),
  soc_full_pct: num(100, 50, 100, '%'),
  soc_empty_pct: num(5, 0, 50, '%'),
});

const alerts = section<AlertThresholds>({
  cell_voltage_max_mv: int(3650, 2000, 4500, 'mV'),
  cell_voltage_min_mv: int(2800, 1500, 4000, 'mV'),
  temperature_max_c: num(55, 20, 100, '°C'),
  current_max_a: num(150, 1, 1000, 'A'),
  imbalance_max_mv: int(100, 5, 1000, 'mV'),
  voltage_hysteresis_mv: int(50, 0, 500, 'mV'),
  temperature_hysteresis_c: num(5, 0, 30, '°C'),
  current_hysteresis_a: num(10, 0, 200, 'A'),
  min_duration_ms: int(2000, 0, 600000, 'ms'),
  comm_lost_after_ms: int(30000, 1000, 600000, 'ms'),
});

const charge = section<ChargeConfig>({
  series_cells: int(16, 4, 16),
  max_charge_current_a: num(100, 0, 1000, 'A'),
  max_discharge_current_a: num(150, 0, 1000, 'A'),
  // 3450 mV × 16 = 55.2 V bulk, 3375 mV × 16 = 54.0 V float (dbus-serialbattery's LiFePO4 figures).
  bulk_cell_mv: int(3450, 2000, 4500, 'mV'),
  float_cell_mv: int(3375, 2000, 4500, 'mV'),
  cell_protect_start_mv: int(3500, 2000, 4500, 'mV'),
  cell_max_mv: int(3650, 2000, 4500, 'mV'),
  cell_min_mv: int(2900, 1500, 4000, 'mV'),
  discharge_protect_start_mv: int(3100, 1500, 4000, 'mV'),
  // LiFePO4 must not be charged below freezing.
  low_temp_charge_c: num(0, -30, 30, '°C'),
  high_temp_charge_c: num(50, 20, 80, '°C'),
  high_temp_discharge_c: num(55, 20, 80, '°C'),
  imbalance_hold_mv: int(100, 10, 1000, 'mV'),
  imbalance_release_mv: int(50, 0, 1000, 'mV'),
  float_enter_soc_pct: num(98, 50, 100, '%'),
  float_exit_soc_pct: num(95, 0, 100, '%'),
  cvl_min_interval_s: int(20, 0, 3600, 's'),
  absorption_time_s: int(1800, 0, 86400, 's'),
  capacity_ah: int(100, 1, 10000, 'Ah'),
  // Charge current while the BMS reports an under-voltage fault: enough to lift the cells gently.
  recovery_charge_current_a: num(10, 0, 1000, 'A'),
  // Limits stay this far inside the TinyBMS's own cut-offs (registers 315–320) so the GX never trips it.
  bms_current_margin_pct: num(10, 0, 50, '%'),
  bms_voltage_margin_mv: int(50, 0, 500, 'mV'),
  bms_temperature_margin_c: num(2, 0, 20, '°C'),
  // LiFePO4 datasheet practice (dbus-serialbattery): no discharge at −10 °C, full current from +5 °C.
  discharge_temperature_curve: text({ default: '-10:0,-5:0.25,0:0.5,5:1', minLength: 7, maxLength: 120, format: 'curve' }),
  // Bottom-knee spread is normal for LiFePO4: the imbalance hold applies only above this cell voltage.
  imbalance_knee_mv: int(3400, 2000, 4500, 'mV'),
  // CCL rises at most this fast (after a latch releases or data returns); falls at once.
  ccl_ramp_a_per_s: num(5, 0.1, 1000, 'A/s'),
  // Absorption ends once the cell spread stays at or below this for the hold time (dbus-serialbattery: 10 mV, 900 s).
  absorption_exit_spread_mv: int(10, 1, 500, 'mV'),
  absorption_exit_hold_s: int(900, 0, 86400, 's'),
  // A full charge to the BMS's "fully charged" voltage (register 300) this often, so its SOC re-syncs; 0 = never.
  full_charge_interval_days: int(14, 0, 365, 'days'),
});

const web = section<WebConfig>({
  username: text({ default: 'admin', minLength: 1, maxLength: 32, format: 'username' }),
  password_hash: text({ default: DEFAULT_WEB_PASSWORD_HASH, minLength: 64, maxLength: 64, format: 'hex', secret: true, readOnly: true }),
  password_salt: text({ default: DEFAULT_WEB_PASSWORD_SALT, minLength: 32, maxLength: 64, format: 'hex', secret: true, readOnly: true }),
  password_iterations: int(DEFAULT_WEB_PASSWORD_ITERATIONS, 1000, 1000000, undefined, { readOnly: true }),
});

const history = section<HistoryConfig>({
  sample_interval_s: int(5, 1, 3600, 's'),
  // Bounded by flash: a day of 5 s samples is ~0.5 MB of CSV.
  retention_days: int(7, 1, 31, 'days'),
  // At most this many seconds of samples are lost to a power cut; one flash write per flush
  // instead of one per sample (README §Reliability). 0 writes every sample at once.
  flush_interval_s: int(30, 0, 600, 's'),
});

export const CONFIG_SCHEMA = section<GatewayConfig>({
  version: int(CONFIG_VERSION, CONFIG_VERSION, CONFIG_VERSION, undefined, { readOnly: true }),
  wifi,
  mqtt,
  can,
  bms,
  alerts,
  charge,
  web,
  history,
});
