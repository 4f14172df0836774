/**
 * One decoded TinyBMS snapshot. Field names are the gateway's public vocabulary
 * (../shared/spec/gateway-api.md §Field names) so API, WebSocket, MQTT and CLI share them.
 */
export type OnlineStatusName = 'charging' | 'fully_charged' | 'discharging' | 'regeneration' | 'idle' | 'fault' | 'unknown';

export interface LiveData {
  /** Host monotonic time of the poll that produced it. */
  timestamp_ms: number;
  /** True when every register of the snapshot came from a CRC-checked frame of this poll. */
  data_valid: boolean;
  pack_voltage_v: number;
  /** + = charge, − = discharge. */
  pack_current_a: number;
  power_w: number;
  state_of_charge_pct: number;
  state_of_health_pct: number;
  cell_count: number;
  /** Cell 1 first, mV. */
  cell_voltage_mv: number[];
  min_cell_voltage_mv: number;
  max_cell_voltage_mv: number;
  cell_delta_mv: number;
  /**
   * The cell (external) sensors by position — sensor 1, sensor 2 — with null for one that is not
   * connected or reads outside −60…150 °C, so a sensor keeps its number when another drops out.
   */
  cell_temperatures_c: (number | null)[];
  /** The connected cell sensors' readings, in sensor order. The board sensor is never among them. */
  temperatures_c: number[];
  /** How many cell sensors read (0 = no cell temperature known: no charging). */
  temp_sensor_count: number;
  /** Lowest/highest cell temperature; NaN when no cell sensor reads (JSON: null). */
  min_temperature_c: number;
  max_temperature_c: number;
  /** The BMS board sensor (register 48); null when it reads −32768 or out of range. */
  internal_temperature_c: number | null;
  online_status: OnlineStatusName;
  online_status_code: number;
  /** Cell numbers (1-based) being balanced now (reg 52). */
  balancing_cells: number[];
  balancing_bits: number;
  /** Cells that need balancing (reg 51). */
  needs_balancing_bits: number;
  lifetime_s: number;
  time_left_s: number;
}
