/** The compact status lines `npm start` prints: battery, limits, links, and the CAN frames. */
import type { SentFrame } from '../mocks/can_bus';
import type { ChargeLimits } from '../../modules/event_bus/events';
import type { LiveData } from '../../modules/uart_bms/live_data';
import { toHex } from '../../modules/util/hex';

const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** `phase` is the simulator's scenario phase; `source` replaces "sim <phase>" (e.g. the serial device). */
export function batteryLine(data: LiveData | undefined, phase: string, limits: ChargeLimits | undefined, source = `sim ${phase}`): string {
  if (!data) return `[waiting for the BMS] ${source}`;
  const stale = data.data_valid ? '' : ' STALE';
  const soc = `SOC ${fixed(data.state_of_charge_pct, 1)}%`;
  const pack = `${fixed(data.pack_voltage_v, 2)} V ${fixed(data.pack_current_a, 1)} A`;
  const cells = `cells ${data.min_cell_voltage_mv}–${data.max_cell_voltage_mv} mV (Δ${data.cell_delta_mv})`;
  const temp = `${fixed(data.min_temperature_c, 1)}–${fixed(data.max_temperature_c, 1)} °C`;
  const limit = limits
    ? `CVL ${fixed(limits.charge_voltage_limit_v, 1)} V CCL ${fixed(limits.charge_current_limit_a, 1)} A DCL ${fixed(limits.discharge_current_limit_a, 1)} A${limits.charge_allowed ? '' : ' no-charge'}`
    : 'limits —';
  return `${soc} | ${pack} | ${cells} | ${temp} | ${data.online_status} (${source}) | ${limit}${stale}`;
}

/** The newest frame of each CAN id, as `0x351 <hex>`. */
export function canLines(sent: readonly SentFrame[]): string[] {
  const newest = new Map<number, SentFrame>();
  for (const frame of sent) newest.set(frame.id, frame);
  return [...newest.values()].sort((a, b) => a.id - b.id).map((f) => `  0x${f.id.toString(16).toUpperCase().padStart(3, '0')} ${toHex(f.data, ' ')}`);
}
