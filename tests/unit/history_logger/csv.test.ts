import fc from 'fast-check';
import { csvHeader, formatDay, formatLine, type HistorySample, parseDay, sampleOf } from '../../../modules/history_logger';
import { dayOf, isDay } from '../../../modules/history_logger/days';
import { liveData } from '../alert_manager/support/context';

const SAMPLE: HistorySample = {
  timestamp_ms: Date.UTC(2026, 2, 1, 12, 0, 5),
  pack_voltage_v: 53.12,
  pack_current_a: -12.5,
  state_of_charge_pct: 87.5,
  max_temperature_c: 25,
  min_temperature_c: 22,
  max_cell_voltage_mv: 3330,
  min_cell_voltage_mv: 3310,
};

const sampleArb = fc.record({
  timestamp_ms: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2100, 0, 1) }),
  pack_voltage_v: fc.integer({ min: 0, max: 100_000 }).map((mv) => mv / 1000),
  pack_current_a: fc.integer({ min: -50_000, max: 50_000 }).map((ca) => ca / 100),
  state_of_charge_pct: fc.integer({ min: 0, max: 1000 }).map((d) => d / 10),
  max_temperature_c: fc.option(fc.integer({ min: -400, max: 1000 }).map((d) => d / 10), { nil: null }),
  min_temperature_c: fc.option(fc.integer({ min: -400, max: 1000 }).map((d) => d / 10), { nil: null }),
  max_cell_voltage_mv: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }),
  min_cell_voltage_mv: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }),
});

describe('history CSV', () => {
  it('writes the spec header and fixed-decimal lines', () => {
    expect(csvHeader()).toBe('timestamp,voltage,current,soc,temp_max,temp_min,cell_max,cell_min');
    expect(csvHeader('basic')).toBe('timestamp,voltage,current,soc,temp_max,temp_min');
    expect(formatLine(SAMPLE)).toBe('2026-03-01T12:00:05.000Z,53.120,-12.50,87.5,25.0,22.0,3.330,3.310\n');
    expect(formatLine({ ...SAMPLE, max_temperature_c: null, min_temperature_c: null }, 'basic')).toBe('2026-03-01T12:00:05.000Z,53.120,-12.50,87.5,NA,NA\n');
  });

  it('reads back what it wrote, in both layouts', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { maxLength: 20 }), (samples) => {
        expect(parseDay(formatDay(samples))).toEqual({ layout: 'with_cells', samples, rejected_lines: 0, torn_tail: false });
        const basic = samples.map((s) => ({ ...s, max_cell_voltage_mv: null, min_cell_voltage_mv: null }));
        expect(parseDay(formatDay(samples, 'basic')).samples).toEqual(basic);
      }),
    );
  });

  it('never turns a line cut anywhere into a sample, and keeps every line before it', () => {
    const samples = [SAMPLE, { ...SAMPLE, timestamp_ms: SAMPLE.timestamp_ms + 5000, pack_current_a: 101.25 }, { ...SAMPLE, timestamp_ms: SAMPLE.timestamp_ms + 10_000, min_cell_voltage_mv: 3001 }];
    const text = formatDay(samples);
    const next = { ...SAMPLE, timestamp_ms: SAMPLE.timestamp_ms + 60_000 };
    const lineEnds = [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
    for (let cut = lineEnds[0]; cut < text.length; cut++) {
      const complete = lineEnds.filter((end) => end <= cut).length - 1; // minus the header
      const torn = text.slice(0, cut);
      // As left by the power cut...
      expect(parseDay(torn)).toMatchObject({ samples: samples.slice(0, complete), torn_tail: !lineEnds.includes(cut) });
      // ...and after the next session closed the partial line and wrote on. A line that lost
      // only its newline is whole and counts; any shorter piece is rejected.
      const onlyNewlineLost = lineEnds.includes(cut + 1);
      const resumed = parseDay(`${torn}\n${formatLine(next)}`);
      expect(resumed.samples).toEqual([...samples.slice(0, complete + (onlyNewlineLost ? 1 : 0)), next]);
      expect(resumed.rejected_lines).toBe(lineEnds.includes(cut) || onlyNewlineLost ? 0 : 1);
    }
  });

  it('drops garbage lines and keeps the rest; reads a file without header', () => {
    const text = `${csvHeader()}\n${formatLine(SAMPLE)}\u0000\u0000garbage\n,,,\n${formatLine(SAMPLE)}`;
    expect(parseDay(text)).toMatchObject({ samples: [SAMPLE, SAMPLE], rejected_lines: 2, torn_tail: false });
    expect(parseDay(`timest\n${formatLine(SAMPLE)}`)).toMatchObject({ samples: [SAMPLE], rejected_lines: 1 });
    expect(parseDay('')).toEqual({ layout: 'with_cells', samples: [], rejected_lines: 0, torn_tail: false });
  });

  it('takes a sample from live data, with null for missing sensors, none for missing required values', () => {
    const wall = Date.UTC(2026, 2, 1);
    expect(sampleOf(liveData(0, { pack_voltage_v: 52.8, pack_current_a: 3, state_of_charge_pct: 80 }), wall)).toEqual({
      timestamp_ms: wall,
      pack_voltage_v: 52.8,
      pack_current_a: 3,
      state_of_charge_pct: 80,
      max_temperature_c: 25,
      min_temperature_c: 24,
      max_cell_voltage_mv: 3300,
      min_cell_voltage_mv: 3300,
    });
    expect(sampleOf(liveData(0, { temp_sensor_count: 0, temperatures_c: [] }), wall)).toMatchObject({ max_temperature_c: null, min_temperature_c: null });
    expect(sampleOf(liveData(0, { pack_voltage_v: NaN }), wall)).toBeUndefined();
  });

  it('names days by UTC date and accepts only real calendar dates', () => {
    expect(dayOf(Date.UTC(2026, 1, 28, 23, 59, 59, 999))).toBe('2026-02-28');
    expect(dayOf(Date.UTC(2026, 2, 1))).toBe('2026-03-01');
    expect(['2026-02-28', '2024-02-29'].every(isDay)).toBe(true);
    expect(['2026-02-29', '2026-13-01', '2026-1-01', '../etc', '2026-03-01.csv', 20260301].some(isDay)).toBe(false);
  });
});
