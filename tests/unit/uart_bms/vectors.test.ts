/**
 * Every frame of ../shared/vectors/tinybms-frames.md: requests encode byte-exactly, responses
 * decode to the stated values, frames with wrong CRCs (JONAS) or broken PL rules are refused.
 */
import { crc16Modbus, crc16ModbusPair } from '../../../modules/uart_bms/crc';
import { decodeRequest, encodeRequest, type TinyRequest } from '../../../modules/uart_bms/requests';
import { decodeResponse, encodeResponse, type TinyResponse } from '../../../modules/uart_bms/responses';
import { fromHex, toHex } from '../../../modules/util/hex';
import { float32ToWords } from '../../../modules/uart_bms/words';

const hex = (bytes: Uint8Array) => toHex(bytes, ' ');

function expectRequest(frame: string, request: TinyRequest): void {
  expect(hex(encodeRequest(request))).toBe(frame);
  expect(decodeRequest(fromHex(frame))).toEqual({ ok: true, value: request });
}

function expectResponse(frame: string, response: TinyResponse): void {
  expect(decodeResponse(fromHex(frame))).toEqual({ ok: true, value: response });
  expect(hex(encodeResponse(response))).toBe(frame);
}

describe('CRC-16/MODBUS', () => {
  it('has the catalogue check value 0x4B37 for "123456789"', () => {
    const ascii = new Uint8Array([...'123456789'].map((c) => c.charCodeAt(0)));
    expect(crc16Modbus(ascii)).toBe(0x4b37);
  });

  it('gives the same CRC carried on two bytes at a time, from any start, for every length and offset', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 73 + 19) & 0xff);
    for (let start = 0; start < 4; start++) {
      for (let end = start; end <= bytes.length; end++) expect(crc16Modbus(bytes, start, end)).toBe(crc16Modbus(Uint8Array.from(bytes.subarray(start, end))));
      let crc = crc16Modbus(bytes, 0, start);
      for (let i = start; i + 1 < bytes.length; i += 2) {
        crc = crc16ModbusPair(crc, bytes[i], bytes[i + 1]);
        expect(crc).toBe(crc16Modbus(bytes, 0, i + 2));
      }
    }
  });
});

describe('RevD §1.3 worked examples (V1–V3)', () => {
  it('V1: Modbus write of 315–316 and its echo', () => {
    expectRequest('AA 10 01 3B 00 02 04 10 68 09 C4 19 61', { kind: 'write_multiple_registers', address: 315, values: [4200, 2500] });
    expectResponse('AA 10 01 3B 00 02 28 22', { kind: 'write_multiple_registers', address: 0x013b, count: 2 });
  });

  it('V2: Modbus read of 5 registers from 5, big-endian words', () => {
    expectRequest('AA 03 00 05 00 05 8C 13', { kind: 'read_holding_registers', address: 5, count: 5 });
    expectResponse('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7', { kind: 'read_holding_registers', values: [38720, 38720, 38700, 38700, 38700] });
  });

  it('V3: temperatures', () => {
    expectRequest('AA 1B 3F 1B', { kind: 'read_temperatures' });
    expectResponse('AA 1B 06 16 01 14 01 16 01 0E 4E', { kind: 'read_temperatures', internal: 278, external1: 276, external2: 278 });
  });
});

describe('§5.2 request frames from public clients', () => {
  it.each([
    ['AA 02 05 90 83', { kind: 'control', option: 'reset_bms' }],
    ['AA 11 BF 1C', { kind: 'read_newest_events' }],
    ['AA 14 7F 1F', { kind: 'read_pack_voltage' }],
    ['AA 15 BE DF', { kind: 'read_pack_current' }],
    ['AA 16 FE DE', { kind: 'read_max_cell_voltage' }],
    ['AA 17 3F 1E', { kind: 'read_min_cell_voltage' }],
    ['AA 18 7F 1A', { kind: 'read_online_status' }],
    ['AA 1A FE DB', { kind: 'read_state_of_charge' }],
    ['AA 20 7E C8', { kind: 'read_speed_distance_time' }],
    [
      'AA 09 1A 24 00 25 00 26 00 27 00 28 00 29 00 2E 00 2F 00 30 00 32 00 33 00 34 00 04 01 A8 3F',
      { kind: 'read_individual_registers', addresses: [36, 37, 38, 39, 40, 41, 46, 47, 48, 50, 51, 52, 260] },
    ],
    ['AA 09 04 22 00 23 00 F3 1B', { kind: 'read_individual_registers', addresses: [34, 35] }],
    ['AA 09 04 24 00 25 00 F0 33', { kind: 'read_individual_registers', addresses: [36, 37] }],
    ['AA 09 04 26 00 27 00 F0 EB', { kind: 'read_individual_registers', addresses: [38, 39] }],
    ['AA 09 02 29 00 81 D4', { kind: 'read_individual_registers', addresses: [41] }],
    ['AA 09 04 2E 00 2F 00 F5 4B', { kind: 'read_individual_registers', addresses: [46, 47] }],
    ['AA 09 02 30 00 8A 44', { kind: 'read_individual_registers', addresses: [48] }],
    ['AA 09 02 32 00 8B 24', { kind: 'read_individual_registers', addresses: [50] }],
    ['AA 09 02 28 00 80 44', { kind: 'read_individual_registers', addresses: [40] }],
    ['AA 07 01 2C 01 B1 AC', { kind: 'read_register_block', address: 300, count: 1 }],
    ['AA 0D 04 2C 01 42 0E 09 E3', { kind: 'write_individual_registers', writes: [{ address: 300, value: 3650 }] }],
    // 0x0B with PL = 2 + 2n (address counted), the canonical reading (spec §1.1).
    ['AA 0B 06 2C 01 42 0E A2 0C 9D 56', { kind: 'write_register_block', address: 300, values: [3650, 3234] }],
  ] as [string, TinyRequest][])('%s', (frame, request) => expectRequest(frame, request));

  it.each([
    ['AA 14 7E AF', 'JONAS pack-voltage frame'],
    ['AA 15 BF 6F', 'JONAS pack-current frame'],
    ['AA 09 02 28 00 60 45', 'JONAS reg-40 frame'],
  ])('refuses %s (%s) with a CRC error', (frame) => {
    const result = decodeRequest(fromHex(frame));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad_crc');
  });

  it('refuses the GW-doc 0x0B frame whose PL counts data only: under PL = 2 + 2n it is too long', () => {
    const result = decodeRequest(fromHex('AA 0B 04 2C 01 42 0E A2 0C BE 96'));
    expect(result).toMatchObject({ ok: false, error: { code: 'length_mismatch', command: 0x0b } });
  });

  it('refuses the GW-doc 39-address 0x09 poll: PL 0x4E sets reserved bit 6 (more than one 63-byte packet)', () => {
    const addresses = [
      ...Array.from({ length: 21 }, (_, i) => 0x20 + i),
      0x66, 0x67, 0x71, 0x72, 0x131, 0x132, 0x133, 0x13b, 0x13c, 0x13d, 0x13e, 0x13f,
      0x1f4, 0x1f5, 0x1f6, 0x1f7, 0x1f8, 0x1f9,
    ];
    expect(addresses).toHaveLength(39);
    const body = [0xaa, 0x09, 0x4e, ...addresses.flatMap((a) => [a & 0xff, a >> 8])];
    const frame = new Uint8Array([...body, 0xbb, 0x55]);
    expect(crc16Modbus(frame, 0, frame.length - 2)).toBe(0x55bb); // the document's CRC is right…
    const result = decodeRequest(frame);
    expect(result).toMatchObject({ ok: false, error: { code: 'malformed', command: 0x09 } }); // …the PL is not
    if (!result.ok) expect(result.error.message).toMatch(/bit 6/);
  });
});

describe('§5.3 synthetic pairs from the CLARK 14S capture', () => {
  it('S1: regs 36–37 via Modbus → words low first → 55.78 V', () => {
    expectRequest('AA 03 00 24 00 02 9D DB', { kind: 'read_holding_registers', address: 36, count: 2 });
    expectResponse('AA 03 04 1E B8 42 5F 16 6C', { kind: 'read_holding_registers', values: [0x1eb8, 0x425f] });
    expect(float32ToWords(55.78)).toEqual([0x1eb8, 0x425f]);
  });

  it('S2: 0x07 block read of 40–41', () => {
    expectRequest('AA 07 02 28 00 82 AC', { kind: 'read_register_block', address: 40, count: 2 });
    expectResponse('AA 07 04 8C 0F 96 0F D4 4A', { kind: 'read_register_block', values: [3980, 3990] });
  });

  it('S3: 0x09 of 50 and 53, answered with address/value pairs', () => {
    expectRequest('AA 09 04 32 00 35 00 F9 BB', { kind: 'read_individual_registers', addresses: [50, 53] });
    expectResponse('AA 09 08 32 00 97 00 35 00 0E 00 07 57', {
      kind: 'read_individual_registers',
      registers: [{ address: 50, value: 0x97 }, { address: 53, value: 14 }],
    });
  });

  it('S4: 0x0D write of 315 and its ACK', () => {
    expectRequest('AA 0D 04 3B 01 68 10 93 3F', { kind: 'write_individual_registers', writes: [{ address: 315, value: 4200 }] });
    expectResponse('AA 01 0D 91 B5', { kind: 'ack', command: 0x0d });
  });

  it('S5–S7, S17: dedicated reads', () => {
    expectResponse('AA 14 B8 1E 5F 42 D5 75', { kind: 'read_pack_voltage', volts: 55.78 });
    expectRequest('AA 18 7F 1A', { kind: 'read_online_status' });
    expectResponse('AA 18 97 00 CF CB', { kind: 'read_online_status', statusCode: 0x97 });
    expectResponse('AA 1A 08 F2 FA 04 A1 23', { kind: 'read_state_of_charge', raw: 83554824 });
    expectRequest('AA 19 BE DA', { kind: 'read_lifetime_counter' });
    expectResponse('AA 19 CD 93 FE 00 8B 32', { kind: 'read_lifetime_counter', seconds: 16683981 });
  });

  it('S8: NACKs carry the command and the error (1 = CRC error, 0 = command error)', () => {
    expectResponse('AA 00 03 01 E0 CC', { kind: 'nack', command: 0x03, reason: 'crc_error', errorCode: 1 });
    expectResponse('AA 00 0D 00 25 6C', { kind: 'nack', command: 0x0d, reason: 'command_error', errorCode: 0 });
  });

  it('S9: reset and its ACK', () => {
    expectRequest('AA 02 05 90 83', { kind: 'control', option: 'reset_bms' });
    expectResponse('AA 01 02 D1 B1', { kind: 'ack', command: 0x02 });
  });

  it('S10: temperatures with both external sensors absent (−32768)', () => {
    expectResponse('AA 1B 06 61 00 00 80 00 80 A2 D1', { kind: 'read_temperatures', internal: 97, external1: -32768, external2: -32768 });
  });

  it('S11: Modbus write 315–318 and echo', () => {
    expectRequest('AA 10 01 3B 00 04 08 10 68 0B 54 00 3C 00 14 E2 61', { kind: 'write_multiple_registers', address: 315, values: [4200, 2900, 60, 20] });
    expectResponse('AA 10 01 3B 00 04 A8 20', { kind: 'write_multiple_registers', address: 315, count: 4 });
  });

  it('S12: Modbus read of the 16 cell registers', () => {
    expectRequest('AA 03 00 00 00 10 5D DD', { kind: 'read_holding_registers', address: 0, count: 16 });
  });

  it('S13: version', () => {
    expectRequest('AA 1E FF 18', { kind: 'read_version' });
    expectResponse('AA 1E 05 02 01 01 F2 00 58 C4', { kind: 'read_version', hardware: 2, hardwareChanges: 1, firmwarePublic: 1, firmwareInternal: 242 });
  });

  it.each([
    ['AA 1C 7E D9', { kind: 'read_cell_voltages' }],
    ['AA 1D 04 00 64 7A 5E', { kind: 'read_settings_values', option: 'current', count: 100 }],
    ['AA 12 FF 1D', { kind: 'read_all_events' }],
    ['AA 1F 3E D8', { kind: 'read_extended_version' }],
    ['AA 02 01 91 40', { kind: 'control', option: 'clear_events' }],
    ['AA 02 02 D1 41', { kind: 'control', option: 'clear_statistics' }],
  ] as [string, TinyRequest][])('other request %s', (frame, request) => expectRequest(frame, request));
});

describe('float byte orders (−12.4 A = 0xC1466666)', () => {
  it('dedicated command: 4 bytes LSB first', () => {
    const frame = encodeResponse({ kind: 'read_pack_current', amps: -12.4 });
    expect(hex(frame.subarray(2, 6))).toBe('66 66 46 C1');
    expect(decodeResponse(frame)).toEqual({ ok: true, value: { kind: 'read_pack_current', amps: -12.4 } });
  });

  it('Modbus: low word first, each word big-endian', () => {
    const frame = encodeResponse({ kind: 'read_holding_registers', values: float32ToWords(-12.4) });
    expect(hex(frame.subarray(3, 7))).toBe('66 66 C1 46');
  });
});
