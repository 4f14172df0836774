/** The /ws/telemetry message and /api/status battery summary, pinned byte for byte (key order included). */
import type { ChargeLimits } from '../../../modules/event_bus/events';
import { batterySummary, telemetryMessage } from '../../../modules/web_server/telemetry';
import { sampleLiveData } from '../mqtt/support/live_data';

const limits: ChargeLimits = {
  charge_voltage_limit_v: 55.2,
  charge_current_limit_a: 50,
  discharge_current_limit_a: 100,
  discharge_voltage_limit_v: 44.8,
  charge_allowed: true,
  discharge_allowed: false,
  reasons: ['bulk', 'cell_undervoltage'],
  limiting: { cvl: 'bulk', ccl: 'config_max', dcl: 'cell_undervoltage' },
};
const energy = { charged_energy_wh: 1234.5, discharged_energy_wh: 987 };

describe('telemetry message', () => {
  it('pins the full message', () => {
    const data = sampleLiveData(1000);
    expect(JSON.stringify(telemetryMessage({ data, ageMs: 120, fresh: true, limits, energy }, 1_700_000_000_000))).toBe(EXPECTED_FULL);
  });

  it('pins a message without data, limits or energy', () => {
    expect(JSON.stringify(telemetryMessage({ data: undefined, ageMs: undefined, fresh: false }, 5))).toBe('{"type":"telemetry","data":{"data_valid":false,"age_ms":null,"timestamp":5}}');
  });

  it('keeps limit fields in the order the limits carry them, reasons renamed last', () => {
    const reordered = { reasons: ['float'], discharge_allowed: true, charge_voltage_limit_v: 54 } as unknown as ChargeLimits;
    expect(JSON.stringify(batterySummary({ data: undefined, ageMs: 3, fresh: false, limits: reordered }))).toBe('{"data_valid":false,"age_ms":3,"discharge_allowed":true,"charge_voltage_limit_v":54,"limit_reasons":["float"]}');
  });
});

const EXPECTED_FULL =
  '{"type":"telemetry","data":{"data_valid":true,"age_ms":120,"timestamp_ms":1000,"pack_voltage_v":52.8134,"pack_current_a":-12.345,"power_w":-651.98,"state_of_charge_pct":76.54,"state_of_health_pct":98,"min_cell_voltage_mv":3296,"max_cell_voltage_mv":3310,"cell_delta_mv":14,"min_temperature_c":21.5,"max_temperature_c":23.25,"online_status":"discharging","time_left_s":3600,"charge_voltage_limit_v":55.2,"charge_current_limit_a":50,"discharge_current_limit_a":100,"discharge_voltage_limit_v":44.8,"charge_allowed":true,"discharge_allowed":false,"limiting":{"cvl":"bulk","ccl":"config_max","dcl":"cell_undervoltage"},"limit_reasons":["bulk","cell_undervoltage"],"charged_energy_wh":1234.5,"discharged_energy_wh":987,"timestamp":1700000000000,"cell_voltage_mv":[3301,3305,3298,3310,3302,3300,3299,3304,3306,3301,3297,3303,3300,3302,3305,3296],"temperatures_c":[21.5,23.25],"cell_count":16,"balancing_cells":[4]}}';
