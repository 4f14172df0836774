/**
 * The poll's answer decoded straight from its bytes (issue 13) gives the same LiveData, field for
 * field and in the same key order, as the register-array decoder it replaced (kept as
 * support/reference_live_decode.ts): on the CLARK capture, on the simulator's answers in every
 * mode over simulated hours, on random register files, and as the poller publishes it.
 */
import fc from 'fast-check';
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { MODES, TinyBmsSimulator } from '../../../hosts/mocks/tinybms/simulator';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { MissingRegisterError, liveDataFromReadAnswer, liveDataFromRegisters } from '../../../modules/uart_bms/live_decode';
import { UartBmsPoller } from '../../../modules/uart_bms/poller';
import { encodeResponse } from '../../../modules/uart_bms/responses';
import { clarkRegisters } from './support/clark';
import { createPollerContext } from './support/context';
import { referenceLiveData } from './support/reference_live_decode';

const answer = (values: number[]) => encodeResponse({ kind: 'read_holding_registers', values });

/** The first difference: keys and their order, then every value by Object.is (NaN, −0), arrays element by element. */
function difference(actual: LiveData | undefined, expected: LiveData): string | undefined {
  if (!actual) return 'no LiveData';
  const a = actual as unknown as Record<string, unknown>;
  const e = expected as unknown as Record<string, unknown>;
  if (Object.keys(a).join() !== Object.keys(e).join()) return `keys ${Object.keys(a).join()} ≠ ${Object.keys(e).join()}`;
  for (const key of Object.keys(e)) {
    const [x, y] = [a[key], e[key]];
    const same = Array.isArray(y) ? Array.isArray(x) && x.length === y.length && y.every((value, i) => Object.is(x[i], value)) : Object.is(x, y);
    if (!same) return `${key}: ${JSON.stringify(x)} ≠ ${JSON.stringify(y)}`;
  }
  return undefined;
}

function expectIdentical(actual: LiveData | undefined, expected: LiveData): void {
  expect(difference(actual, expected)).toBeUndefined();
}

function wordsOf(registers: Map<number, number>): number[] {
  return Array.from({ length: 56 }, (_, address) => registers.get(address) ?? 0);
}

describe('liveDataFromReadAnswer (bytes → LiveData, no register array)', () => {
  it('decodes the CLARK capture exactly as the register decoder did', () => {
    const words = wordsOf(clarkRegisters());
    expectIdentical(liveDataFromReadAnswer(answer(words), 1234), referenceLiveData(words, 1234));
    expectIdentical(liveDataFromRegisters(clarkRegisters(), 1234), referenceLiveData(clarkRegisters(), 1234));
  });

  it.each(MODES)('matches the register decoder on the simulator\'s answers (%s mode, three seeds, 5 simulated minutes)', (mode) => {
    let compared = 0;
    for (const seed of [1, 7, 42]) {
      const clock = new VirtualClock();
      const simulator = new TinyBmsSimulator({ clock, serial: createSerialLink({ clock }).device, mode, seed });
      simulator.start();
      for (let step = 0; step < 30; step++) {
        clock.advance(10_000);
        const words = Array.from({ length: 56 }, (_, address) => simulator.registers.read(address));
        expectIdentical(liveDataFromReadAnswer(answer(words), clock.now()), referenceLiveData(words, clock.now()));
        compared++;
      }
      simulator.stop();
    }
    expect(compared).toBe(90);
  });

  it('matches the register decoder on random register files (cell layouts, sensors, status, bits, floats)', () => {
    const word = fc.integer({ min: 0, max: 0xffff });
    const cell = fc.oneof(fc.constant(0), fc.integer({ min: 25000, max: 42000 }), word);
    const temperature = fc.oneof(fc.constant(0x8000), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0x10000 - 600, max: 0xffff }), fc.integer({ min: 0, max: 1500 }));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 16, maxLength: 16 }), fc.array(word, { minLength: 40, maxLength: 40 }), fc.integer({ min: 0, max: 20 }), temperature, temperature, temperature, fc.constantFrom(0x91, 0x92, 0x93, 0x96, 0x97, 0x9b, 0, 7), (cells, rest, detected, t1, t2, internal, status) => {
        const words = [...cells, ...rest];
        [words[42], words[43], words[48], words[50], words[53]] = [t1, t2, internal, status, detected];
        expectIdentical(liveDataFromReadAnswer(answer(words), 99), referenceLiveData(words, 99));
        expectIdentical(liveDataFromRegisters(words, 99), referenceLiveData(words, 99));
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses frames that are not a 0x03 answer carrying registers 0–53', () => {
    const words = wordsOf(clarkRegisters());
    expect(liveDataFromReadAnswer(answer(words.slice(0, 53)), 0)).toBeUndefined();
    expect(liveDataFromReadAnswer(answer(words.slice(0, 54)), 0)).toBeDefined();
    expect(liveDataFromReadAnswer(encodeResponse({ kind: 'read_cell_voltages', values: words }), 0)).toBeUndefined();
    expect(liveDataFromReadAnswer(answer(words).subarray(0, 100), 0)).toBeUndefined();
  });

  it('keeps the register decoder\'s checks: a missing register still throws', () => {
    const registers = clarkRegisters();
    registers.delete(41);
    expect(() => liveDataFromRegisters(registers, 0)).toThrow(MissingRegisterError);
  });

  it('is what the poller publishes, poll after poll, as the registers change', async () => {
    const t = createPollerContext();
    const poller = new UartBmsPoller(t.ctx);
    poller.start();
    // Polls go out at 0, 1000, 2000 … ms: change the registers half-way between two.
    await t.run(500);
    const expected: LiveData[] = [];
    for (let poll = 1; poll <= 5; poll++) {
      t.bms.registers.set(36 + (poll % 4), (0x1234 * (poll + 3)) & 0xffff);
      t.bms.registers.set(2 + poll, 0);
      t.bms.registers.set(42, poll % 2 ? 0x8000 : 250 + poll);
      await t.run(1000);
      const published = t.events('bms.data');
      expect(published).toHaveLength(poll + 1);
      expect(published[poll].timestamp_ms).toBeGreaterThan(poll * 1000 - 500);
      const latest = published[poll];
      expected.push(referenceLiveData(t.bms.registers, latest.timestamp_ms));
      expectIdentical(latest, expected[poll - 1]);
    }
    poller.stop();
  });
});

describe('the comparison itself', () => {
  it('sees a changed value, a NaN against a number, a reordered key and a changed cell', () => {
    const words = wordsOf(clarkRegisters());
    const data = referenceLiveData(words, 0);
    expect(difference({ ...data }, data)).toBeUndefined();
    expect(difference({ ...data, pack_voltage_v: 55.79 }, data)).toMatch(/pack_voltage_v/);
    expect(difference({ ...data, min_temperature_c: 0 }, data)).toMatch(/min_temperature_c/);
    const { timestamp_ms, ...rest } = data;
    expect(difference({ ...rest, timestamp_ms } as LiveData, data)).toMatch(/keys/);
    expect(difference({ ...data, cell_voltage_mv: [...data.cell_voltage_mv.slice(1), 0] }, data)).toMatch(/cell_voltage_mv/);
  });
});
