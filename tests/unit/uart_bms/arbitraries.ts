/** fast-check generators for every TinyBMS request and response, within what a frame can carry. */
import fc from 'fast-check';
import { SIMPLE_READS, type SimpleReadName } from '../../../modules/uart_bms/commands';
import type { TinyRequest } from '../../../modules/uart_bms/requests';
import type { TinyResponse } from '../../../modules/uart_bms/responses';
import { shortestFloat32 } from '../../../modules/uart_bms/words';

const word = fc.integer({ min: 0, max: 0xffff });
const address = word;
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const i16 = fc.integer({ min: -0x8000, max: 0x7fff });
const float32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const words = (max: number) => fc.array(word, { minLength: 1, maxLength: max });
const simpleNames = Object.keys(SIMPLE_READS) as SimpleReadName[];
const requestCommands = [0x02, 0x03, 0x07, 0x09, 0x0b, 0x0d, 0x10, 0x1d, ...Object.values(SIMPLE_READS)];

export const requestArb: fc.Arbitrary<TinyRequest> = fc.oneof(
  fc.record({ kind: fc.constant('control' as const), option: fc.constantFrom('clear_events' as const, 'clear_statistics' as const, 'reset_bms' as const) }),
  fc.record({ kind: fc.constant('read_holding_registers' as const), address, count: fc.integer({ min: 1, max: 127 }) }),
  fc.record({ kind: fc.constant('read_register_block' as const), address, count: fc.integer({ min: 1, max: 31 }) }),
  fc.record({ kind: fc.constant('read_individual_registers' as const), addresses: fc.array(address, { minLength: 1, maxLength: 15 }) }),
  fc.record({ kind: fc.constant('write_register_block' as const), address, values: words(30) }),
  fc.record({ kind: fc.constant('write_individual_registers' as const), writes: fc.array(fc.record({ address, value: word }), { minLength: 1, maxLength: 15 }) }),
  fc.record({ kind: fc.constant('write_multiple_registers' as const), address, values: words(100) }),
  fc.record({ kind: fc.constant('read_settings_values' as const), option: fc.constantFrom('min' as const, 'max' as const, 'default' as const, 'current' as const), count: fc.integer({ min: 1, max: 100 }) }),
  fc.constantFrom(...simpleNames).map((kind) => ({ kind }) as TinyRequest),
);

const version = { hardware: u8, hardwareChanges: u8, firmwarePublic: u8, firmwareInternal: word };

export const responseArb: fc.Arbitrary<TinyResponse> = fc.oneof(
  fc.record({ kind: fc.constant('ack' as const), command: fc.constantFrom(...requestCommands) }),
  fc.record({ kind: fc.constant('nack' as const), command: fc.constantFrom(...requestCommands), errorCode: fc.constantFrom(0, 1) }).map((n) => ({
    ...n,
    reason: n.errorCode === 0 ? ('command_error' as const) : ('crc_error' as const),
  })),
  fc.record({ kind: fc.constant('read_holding_registers' as const), values: words(127) }),
  fc.record({ kind: fc.constant('read_register_block' as const), values: words(31) }),
  fc.record({ kind: fc.constant('read_individual_registers' as const), registers: fc.array(fc.record({ address, value: word }), { minLength: 1, maxLength: 15 }) }),
  fc.record({ kind: fc.constant('write_multiple_registers' as const), address, count: fc.integer({ min: 1, max: 100 }) }),
  fc.record({
    kind: fc.constantFrom('read_newest_events' as const, 'read_all_events' as const),
    bmsTimeS: u32,
    events: fc.array(fc.record({ timestampS: fc.integer({ min: 0, max: 0xffffff }), id: u8 }), { maxLength: 62 }),
  }),
  fc.record({ kind: fc.constant('read_pack_voltage' as const), volts: float32 }),
  fc.record({ kind: fc.constant('read_pack_current' as const), amps: float32 }),
  fc.record({ kind: fc.constantFrom('read_max_cell_voltage' as const, 'read_min_cell_voltage' as const), millivolts: word }),
  fc.record({ kind: fc.constant('read_online_status' as const), statusCode: word }),
  fc.record({ kind: fc.constant('read_lifetime_counter' as const), seconds: u32 }),
  fc.record({ kind: fc.constant('read_state_of_charge' as const), raw: u32 }),
  fc.record({ kind: fc.constant('read_temperatures' as const), internal: i16, external1: i16, external2: i16 }),
  fc.record({ kind: fc.constant('read_cell_voltages' as const), values: words(127) }),
  fc.record({ kind: fc.constant('read_settings_values' as const), values: words(100) }),
  fc.record({ kind: fc.constant('read_version' as const), ...version }),
  fc.record({ kind: fc.constant('read_extended_version' as const), ...version, bootloader: u8, registerMap: u8 }),
  fc.record({ kind: fc.constant('read_speed_distance_time' as const), speedKmh: float32, distanceKm: u32, timeLeftS: u32 }),
);

/** What a decoder gives back for `response`: floats as the shortest decimal of the same float32. */
export function normalized(response: TinyResponse): TinyResponse {
  switch (response.kind) {
    case 'read_pack_voltage': return { ...response, volts: shortestFloat32(response.volts) };
    case 'read_pack_current': return { ...response, amps: shortestFloat32(response.amps) };
    case 'read_speed_distance_time': return { ...response, speedKmh: shortestFloat32(response.speedKmh) };
    default: return response;
  }
}

/** Splits bytes into chunks at the given cut points (any order, any value). */
export function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(previous, point));
    previous = point;
  }
  return chunks;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
