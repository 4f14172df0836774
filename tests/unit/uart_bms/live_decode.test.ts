/** Register values → LiveData: the CLARK 14S capture, cell layouts, temperatures, status, bits. */
import { MissingRegisterError, cellRegisterIndexes, liveDataFromRegisters } from '../../../modules/uart_bms/live_decode';
import { float32ToWords } from '../../../modules/uart_bms/words';
import { versionFromRegisters } from '../../../modules/uart_bms/version';
import { CLARK_VERSION, clarkRegisters } from './support/clark';

function snapshot(changes: Record<number, number> = {}): Map<number, number> {
  const registers = clarkRegisters();
  for (const [address, value] of Object.entries(changes)) registers.set(Number(address), value);
  return registers;
}

function setFloat(registers: Map<number, number>, address: number, value: number): void {
  const [low, high] = float32ToWords(value);
  registers.set(address, low);
  registers.set(address + 1, high);
}

describe('liveDataFromRegisters', () => {
  it('decodes the real CLARK 14S capture', () => {
    expect(liveDataFromRegisters(clarkRegisters(), 1234)).toEqual({
      timestamp_ms: 1234,
      data_valid: true,
      pack_voltage_v: 55.78,
      pack_current_a: 0,
      power_w: 0,
      state_of_charge_pct: 83.554824,
      state_of_health_pct: 0,
      cell_count: 14,
      cell_voltage_mv: [3980, 3981, 3982, 3983, 3983, 3984, 3989, 3990, 3983, 3983, 3983, 3984, 3988, 3988],
      min_cell_voltage_mv: 3980,
      max_cell_voltage_mv: 3990,
      cell_delta_mv: 10,
      // Both external sensors read −32768 in this capture: no cell temperature, only the board's.
      cell_temperatures_c: [null, null],
      temperatures_c: [],
      temp_sensor_count: 0,
      min_temperature_c: NaN,
      max_temperature_c: NaN,
      internal_temperature_c: 9.7,
      online_status: 'idle',
      online_status_code: 0x97,
      balancing_cells: [],
      balancing_bits: 0,
      needs_balancing_bits: 0,
      lifetime_s: 16683981,
      time_left_s: 0x027d7904,
    });
  });

  it('accepts an array indexed by address (a Modbus read from 0) as well as a map', () => {
    const map = clarkRegisters();
    const array = Array.from({ length: 56 }, (_, a) => map.get(a) as number);
    expect(liveDataFromRegisters(array, 7)).toEqual(liveDataFromRegisters(map, 7));
  });

  it('takes current as + = charge and computes power = V·I', () => {
    const registers = snapshot();
    setFloat(registers, 38, -12.4);
    const data = liveDataFromRegisters(registers, 0);
    expect(data.pack_current_a).toBe(-12.4);
    expect(data.power_w).toBeCloseTo(55.78 * -12.4, 2);
  });

  it('reads state of health in 0.002 % steps (50000 = 100 %)', () => {
    expect(liveDataFromRegisters(snapshot({ 45: 50000 }), 0).state_of_health_pct).toBe(100);
    expect(liveDataFromRegisters(snapshot({ 45: 48500 }), 0).state_of_health_pct).toBe(97);
  });

  it('lists the connected cell sensors by position and keeps the board sensor apart', () => {
    const data = liveDataFromRegisters(snapshot({ 42: 276, 43: 0x10000 - 55, 48: 278 }), 0);
    expect(data.temperatures_c).toEqual([27.6, -5.5]);
    expect(data.cell_temperatures_c).toEqual([27.6, -5.5]);
    expect(data).toMatchObject({ temp_sensor_count: 2, min_temperature_c: -5.5, max_temperature_c: 27.6, internal_temperature_c: 27.8 });
  });

  it('drops a −32768 or implausible sensor alone: the other keeps its position, the board is never a cell temperature', () => {
    const second = liveDataFromRegisters(snapshot({ 42: 0x8000, 43: 250, 48: 300 }), 0);
    expect(second).toMatchObject({ cell_temperatures_c: [null, 25], temperatures_c: [25], temp_sensor_count: 1, min_temperature_c: 25, max_temperature_c: 25, internal_temperature_c: 30 });
    const broken = liveDataFromRegisters(snapshot({ 42: 2000, 43: 0x8000 }), 0);
    expect(broken.cell_temperatures_c).toEqual([null, null]);
    expect(broken.temp_sensor_count).toBe(0);
    expect(broken.max_temperature_c).toBeNaN();
  });

  it('reads a disconnected board sensor (−32768) as null instead of −3276.8 °C', () => {
    const data = liveDataFromRegisters(snapshot({ 42: 250, 48: 0x8000 }), 0);
    expect(data.internal_temperature_c).toBeNull();
    expect(data).toMatchObject({ temperatures_c: [25], max_temperature_c: 25 });
  });

  it('names every RevD online status and calls anything else unknown', () => {
    const names = [0x91, 0x92, 0x93, 0x96, 0x97, 0x9b, 0x00].map((code) => liveDataFromRegisters(snapshot({ 50: code }), 0).online_status);
    expect(names).toEqual(['charging', 'fully_charged', 'discharging', 'regeneration', 'idle', 'fault', 'unknown']);
  });

  it('turns balancing bits into 1-based cell numbers (bit 0 = cell 1)', () => {
    const data = liveDataFromRegisters(snapshot({ 51: 0b1000000000000001, 52: 0b101 }), 0);
    expect(data.balancing_cells).toEqual([1, 3]);
    expect(data.balancing_bits).toBe(5);
    expect(data.needs_balancing_bits).toBe(0x8001);
  });

  it('throws a clear error when a register is missing', () => {
    const registers = snapshot();
    registers.delete(46);
    expect(() => liveDataFromRegisters(registers, 0)).toThrow(MissingRegisterError);
    expect(() => liveDataFromRegisters(registers, 0)).toThrow(/register 46 is missing/);
  });
});

describe('cell register rule', () => {
  const words = (populated: number[]) => Array.from({ length: 16 }, (_, i) => (populated.includes(i) ? 33000 + i : 0));
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('16S: registers 0–15, register 0 first', () => {
    expect(cellRegisterIndexes(words(range(0, 15)), 16)).toEqual(range(0, 15));
  });

  it('fewer cells filling the top registers (CLARK layout): those registers', () => {
    expect(cellRegisterIndexes(words(range(2, 15)), 14)).toEqual(range(2, 15));
  });

  it('fewer cells filling the bottom registers: those registers', () => {
    expect(cellRegisterIndexes(words(range(0, 6)), 7)).toEqual(range(0, 6));
  });

  it('a cell reading 0 V: the top block, so the dead cell shows as 0 instead of shifting the rest', () => {
    const populated = range(2, 15).filter((i) => i !== 9);
    expect(cellRegisterIndexes(words(populated), 14)).toEqual(range(2, 15));
    const registers = snapshot({ 9: 0 });
    const data = liveDataFromRegisters(registers, 0);
    expect(data.cell_count).toBe(14);
    expect(data.cell_voltage_mv[7]).toBe(0);
  });

  it('a register 53 outside 1–16: the populated registers', () => {
    expect(cellRegisterIndexes(words(range(4, 15)), 0)).toEqual(range(4, 15));
    expect(cellRegisterIndexes(words(range(4, 15)), 40)).toEqual(range(4, 15));
  });
});

describe('versionFromRegisters', () => {
  it('splits bytes and flags of the CLARK version registers', () => {
    expect(versionFromRegisters(clarkRegisters())).toEqual(CLARK_VERSION);
    const array = Array.from({ length: 10 }, (_, i) => clarkRegisters().get(500 + i) as number);
    expect(versionFromRegisters(array, 500)).toEqual(CLARK_VERSION);
    expect(versionFromRegisters(new Map([[500, 0x0102], [501, 0x0401], [502, 0], [503, 0], [504, 0], [505, 0], [506, 0], [507, 0], [508, 0], [509, 0]]))).toMatchObject({
      power_type: 'low',
      current_sensor: 'external',
    });
  });
});
