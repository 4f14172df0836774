/**
 * The battery part of /ws/telemetry and /api/status, built from the latest snapshot: the
 * contract's field names, plus `data_valid`/`age_ms` so a reader always sees how fresh it is.
 */
import type { ChargeLimits } from '../event_bus/events';
import type { LiveData } from '../uart_bms/live_data';
import type { EnergyService } from './services';

export interface BatteryView {
  data: LiveData | undefined;
  ageMs: number | undefined;
  fresh: boolean;
  limits?: ChargeLimits;
  energy?: { charged_energy_wh: number; discharged_energy_wh: number };
}

/** The energy counters under the contract's names, when a counter is available. */
export function energyFields(energy: EnergyService | undefined): BatteryView['energy'] {
  if (!energy) return undefined;
  const totals = energy.energyTotals();
  return { charged_energy_wh: totals.charged_wh, discharged_energy_wh: totals.discharged_wh };
}

/** Summary fields every view of the battery shares. */
export function batterySummary(view: BatteryView): Record<string, unknown> {
  const data = view.data;
  // One literal, not a second one copied in with Object.assign: half the work in either engine
  // (1 Hz telemetry, every /api/status); the keys keep their order.
  const out: Record<string, unknown> = data
    ? {
        data_valid: view.fresh,
        age_ms: view.ageMs ?? null,
        timestamp_ms: data.timestamp_ms,
        pack_voltage_v: data.pack_voltage_v,
        pack_current_a: data.pack_current_a,
        power_w: data.power_w,
        state_of_charge_pct: data.state_of_charge_pct,
        state_of_health_pct: data.state_of_health_pct,
        min_cell_voltage_mv: data.min_cell_voltage_mv,
        max_cell_voltage_mv: data.max_cell_voltage_mv,
        cell_delta_mv: data.cell_delta_mv,
        min_temperature_c: data.min_temperature_c,
        max_temperature_c: data.max_temperature_c,
        online_status: data.online_status,
        // The BMS's own estimate (0 = not estimating): the UI's "time to go".
        time_left_s: data.time_left_s,
      }
    : { data_valid: view.fresh, age_ms: view.ageMs ?? null };
  if (view.limits) {
    const { reasons, ...values } = view.limits;
    Object.assign(out, values, { limit_reasons: reasons });
  }
  if (view.energy) Object.assign(out, view.energy);
  return out;
}

/** One /ws/telemetry message (gateway-api.md §WebSockets). */
export function telemetryMessage(view: BatteryView, wallTimeMs: number): { type: 'telemetry'; data: Record<string, unknown> } {
  const data = batterySummary(view);
  data.timestamp = wallTimeMs;
  if (view.data) {
    data.cell_voltage_mv = view.data.cell_voltage_mv;
    data.temperatures_c = view.data.temperatures_c;
    data.cell_count = view.data.cell_count;
    data.balancing_cells = view.data.balancing_cells;
  }
  return { type: 'telemetry', data };
}
