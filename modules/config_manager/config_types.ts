/**
 * The persisted gateway configuration (../shared/spec/gateway-api.md §Configuration).
 * The schema in schema.ts gives every field its type, range, default and secrecy; this is its shape.
 * Field names are snake_case with units, as in the REST API.
 */
export type CanProtocol = 'victron' | 'pylontech';

export interface WifiConfig {
  ssid: string;
  password: string;
  hostname: string;
  /** Access point used for first configuration when no SSID is set. */
  ap_ssid: string;
  ap_password: string;
}

export interface MqttConfig {
  enabled: boolean;
  /** mqtt://host[:port] or mqtts://host[:port] */
  broker_uri: string;
  username: string;
  password: string;
  client_id: string;
  keepalive_s: number;
  topic_prefix: string;
  discovery_enabled: boolean;
  discovery_prefix: string;
  /** Period of the value topics, s; status/cells/energy/diagnostics every max(5 s, this). */
  publish_interval_s: number;
  /** Publish a value only when its payload changed (and at least once a minute). */
  publish_on_change: boolean;
  /** Retain the periodic value topics. */
  retain: boolean;
  /** Also publish <prefix>/cells/<n>/voltage per cell. */
  cell_topics: boolean;
  /** PEM text; empty = system default / none. */
  ca_cert: string;
  client_cert: string;
  client_key: string;
}

export interface CanConfig {
  enabled: boolean;
  bitrate_kbps: number;
  protocol: CanProtocol;
  manufacturer: string;
  battery_name: string;
}

export interface BmsConfig {
  poll_interval_ms: number;
  response_timeout_ms: number;
  retries: number;
  /** No valid data for this long: the data is stale and stops driving charge limits. */
  stale_after_ms: number;
  /** The SOC at which charge control's CCL taper reaches its floor (0.2×); it starts 10 points below. */
  soc_full_pct: number;
  /** The SOC at which the DCL taper reaches its floor (0.2×); it starts 10 points above. */
  soc_empty_pct: number;
}

export interface AlertThresholds {
  cell_voltage_max_mv: number;
  cell_voltage_min_mv: number;
  temperature_max_c: number;
  current_max_a: number;
  imbalance_max_mv: number;
  /** How far back inside a limit a value must come before the alert clears. */
  voltage_hysteresis_mv: number;
  temperature_hysteresis_c: number;
  current_hysteresis_a: number;
  /** A condition must hold this long before it raises (against flapping). */
  min_duration_ms: number;
  comm_lost_after_ms: number;
}

export interface ChargeConfig {
  series_cells: number;
  /** Absolute maxima the computed limits never exceed. */
  max_charge_current_a: number;
  max_discharge_current_a: number;
  /** Per-cell voltages, mV. */
  bulk_cell_mv: number;
  float_cell_mv: number;
  cell_protect_start_mv: number;
  cell_max_mv: number;
  cell_min_mv: number;
  discharge_protect_start_mv: number;
  low_temp_charge_c: number;
  high_temp_charge_c: number;
  high_temp_discharge_c: number;
  imbalance_hold_mv: number;
  imbalance_release_mv: number;
  float_enter_soc_pct: number;
  float_exit_soc_pct: number;
  /** Minimum time between CVL changes (Victron: no faster than ~20 s). */
  cvl_min_interval_s: number;
  /** Longest time held at the bulk voltage before switching to float. */
  absorption_time_s: number;
  /** Installed (nominal) capacity for 0x35F and 0x379 until the BMS has reported its own (register 306), which then wins. */
  capacity_ah: number;
  /** CCL while the BMS reports an under-voltage fault (charging lifts the cells out of it). */
  recovery_charge_current_a: number;
  /** CCL/DCL ≤ the BMS over-current cut-off (318/317) less this share. */
  bms_current_margin_pct: number;
  /** CVL ≤ cells × (over-voltage cut-off 315 − this); the discharge floor ≥ under-voltage cut-off 316 + this. */
  bms_voltage_margin_mv: number;
  /** Temperature limits stay this far inside the over-heat (319) and low-temperature charge (320) cut-offs. */
  bms_temperature_margin_c: number;
  /** DCL factor vs the lowest cell temperature, "°C:factor,…" (config_manager/curve.ts). */
  discharge_temperature_curve: string;
  /** The imbalance hold applies only while the highest cell is above this. */
  imbalance_knee_mv: number;
  /** Fastest CCL rise. */
  ccl_ramp_a_per_s: number;
  /** Absorption → float once the cell spread stays ≤ this for absorption_exit_hold_s. */
  absorption_exit_spread_mv: number;
  absorption_exit_hold_s: number;
  /** Days between full charges to the BMS's fully-charged voltage (register 300); 0 = never. */
  full_charge_interval_days: number;
}

export interface WebConfig {
  username: string;
  /** Only ever written through a password change; stored as a PBKDF2 hash. */
  password_hash: string;
  password_salt: string;
  password_iterations: number;
}

export interface HistoryConfig {
  sample_interval_s: number;
  retention_days: number;
  /** Samples wait in RAM at most this long before one durable write: the loss window of a power cut. */
  flush_interval_s: number;
}

export interface GatewayConfig {
  version: number;
  wifi: WifiConfig;
  mqtt: MqttConfig;
  can: CanConfig;
  bms: BmsConfig;
  alerts: AlertThresholds;
  charge: ChargeConfig;
  web: WebConfig;
  history: HistoryConfig;
}
