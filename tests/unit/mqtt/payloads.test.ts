/**
 * The 1 s value messages and the cells/status JSON (pure): rounding to what the BMS resolves,
 * numbers without trailing zeros, and what is left out rather than sent as NaN.
 */
import { cellsPayload, statusPayload, valueMessages } from '../../../modules/mqtt_gateway/payloads';
import { gatewayTopics } from '../../../modules/mqtt_gateway/topics';
import { liveData } from '../can_victron/test_context';

const topics = gatewayTopics('tinybms');

describe('MQTT value messages', () => {
  it('rounds each value to its resolution and writes it without trailing zeros', () => {
    const data = liveData(1000, { pack_voltage_v: 53.2049, pack_current_a: -12.345, state_of_charge_pct: 99.96, min_cell_voltage_mv: 3301, max_cell_voltage_mv: 3350.4, temperatures_c: [20.04, 27.26] });
    expect(valueMessages(data, topics)).toEqual([
      { topic: 'tinybms/voltage', payload: '53.2' },
      { topic: 'tinybms/current', payload: '-12.35' },
      { topic: 'tinybms/soc', payload: '100' },
      { topic: 'tinybms/cells/voltage/max', payload: '3.35' },
      { topic: 'tinybms/cells/voltage/min', payload: '3.301' },
      { topic: 'tinybms/temperature/max', payload: '27.3' },
      { topic: 'tinybms/temperature/min', payload: '20' },
    ]);
  });

  it('leaves out values that are not finite and the temperatures when no sensor is connected', () => {
    const data = liveData(1000, { pack_voltage_v: NaN, pack_current_a: Infinity, temp_sensor_count: 0, temperatures_c: [] });
    expect(valueMessages(data, topics).map((m) => m.topic)).toEqual(['tinybms/soc', 'tinybms/cells/voltage/max', 'tinybms/cells/voltage/min']);
  });
});

describe('MQTT cells and status JSON', () => {
  it('lists every cell in V to the mV, null for a cell without a reading', () => {
    const data = liveData(1000, { cell_voltage_mv: [3300, 3301.6, NaN, 3299], balancing_cells: [2] });
    expect(JSON.parse(cellsPayload(data))).toEqual({ count: 4, voltages: [3.3, 3.302, null, 3.299], balancing: [2] });
  });

  it('averages only the sensors that read a value', () => {
    const data = liveData(1000, { temperatures_c: [20, NaN, 23], temp_sensor_count: 2 });
    expect(JSON.parse(statusPayload(data, 0)).temperature.avg).toBe(21.5);
    expect(JSON.parse(statusPayload(liveData(1000, { temperatures_c: [], temp_sensor_count: 0 }), 0)).temperature.avg).toBeNull();
  });
});
