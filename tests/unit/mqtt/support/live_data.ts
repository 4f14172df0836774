/** A plausible 16S LiFePO4 snapshot in the public field vocabulary. */
import type { LiveData } from '../../../../modules/uart_bms/live_data';

export function sampleLiveData(timestampMs: number, overrides: Partial<LiveData> = {}): LiveData {
  const cells = [3301, 3305, 3298, 3310, 3302, 3300, 3299, 3304, 3306, 3301, 3297, 3303, 3300, 3302, 3305, 3296];
  return {
    timestamp_ms: timestampMs,
    data_valid: true,
    pack_voltage_v: 52.8134,
    pack_current_a: -12.345,
    power_w: -651.98,
    state_of_charge_pct: 76.54,
    state_of_health_pct: 98,
    cell_count: cells.length,
    cell_voltage_mv: cells,
    min_cell_voltage_mv: 3296,
    max_cell_voltage_mv: 3310,
    cell_delta_mv: 14,
    cell_temperatures_c: [21.5, 23.25],
    temperatures_c: [21.5, 23.25],
    temp_sensor_count: 2,
    min_temperature_c: 21.5,
    max_temperature_c: 23.25,
    internal_temperature_c: 25,
    online_status: 'discharging',
    online_status_code: 0x93,
    balancing_cells: [4],
    balancing_bits: 0b1000,
    needs_balancing_bits: 0,
    lifetime_s: 1000,
    time_left_s: 3600,
    ...overrides,
  };
}
