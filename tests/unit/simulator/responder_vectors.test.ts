/**
 * The simulated TinyBMS answers the spec's frame vectors byte for byte (tinybms-frames.md §5.1,
 * §5.3) when its registers hold the vector's values, over the in-memory serial link.
 */
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { SeededRandom } from '../../../hosts/mocks/random';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { EventLog } from '../../../hosts/mocks/tinybms/event_log';
import { RegisterFile } from '../../../hosts/mocks/tinybms/register_file';
import { UartDevice } from '../../../hosts/mocks/tinybms/uart_device';
import { encodeRequest } from '../../../modules/uart_bms';
import { fromHex, toHex } from '../../../modules/util/hex';
import { CLARK_SNAPSHOT } from './support';

function device(words: ReadonlyMap<number, number> = CLARK_SNAPSHOT) {
  const clock = new VirtualClock();
  const link = createSerialLink({ clock });
  const registers = new RegisterFile();
  for (const [address, value] of words) registers.setWord(address, value);
  const events = new EventLog();
  const controls: string[] = [];
  const uart = new UartDevice({
    clock,
    serial: link.device,
    random: new SeededRandom(1),
    target: { registers, events: () => events, lifetimeS: () => 16683981, control: (option) => controls.push(option) },
  });
  const received: number[] = [];
  link.gateway.onReceive((bytes) => received.push(...bytes));
  const exchange = (request: string | Uint8Array, chunk = 0): string => {
    received.length = 0;
    const bytes = typeof request === 'string' ? fromHex(request) : request;
    if (chunk > 0) for (let i = 0; i < bytes.length; i += chunk) link.gateway.write(bytes.subarray(i, i + chunk));
    else link.gateway.write(bytes);
    clock.advance(50);
    return toHex(Uint8Array.from(received), ' ');
  };
  return { clock, registers, events, controls, uart, exchange };
}

describe('TinyBMS simulator answers the spec vectors byte-exactly', () => {
  const vectors: [string, string, string][] = [
    ['S1 Modbus read of the pack voltage float', 'AA 03 00 24 00 02 9D DB', 'AA 03 04 1E B8 42 5F 16 6C'],
    ['S2 0x07 block read of min/max cell', 'AA 07 02 28 00 82 AC', 'AA 07 04 8C 0F 96 0F D4 4A'],
    ['S3 0x09 address/value pairs', 'AA 09 04 32 00 35 00 F9 BB', 'AA 09 08 32 00 97 00 35 00 0E 00 07 57'],
    ['S5 0x14 pack voltage', 'AA 14 7F 1F', 'AA 14 B8 1E 5F 42 D5 75'],
    ['S6 0x18 online status', 'AA 18 7F 1A', 'AA 18 97 00 CF CB'],
    ['S7 0x1A state of charge', 'AA 1A FE DB', 'AA 1A 08 F2 FA 04 A1 23'],
    ['S10 0x1B temperatures with both external sensors absent', 'AA 1B 3F 1B', 'AA 1B 06 61 00 00 80 00 80 A2 D1'],
    ['S13 0x1E version', 'AA 1E FF 18', 'AA 1E 05 02 01 01 F2 00 58 C4'],
    ['S17 0x19 lifetime counter', 'AA 19 BE DA', 'AA 19 CD 93 FE 00 8B 32'],
  ];
  it.each(vectors)('%s', (_name, request, response) => {
    expect(device().exchange(request)).toBe(response);
  });

  it('V2: Modbus read of 5 registers from address 5', () => {
    const d = device(new Map([[5, 0x9740], [6, 0x9740], [7, 0x972c], [8, 0x972c], [9, 0x972c]]));
    expect(d.exchange('AA 03 00 05 00 05 8C 13')).toBe('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7');
  });

  it('V3: temperatures 27.8 / 27.6 / 27.8 °C', () => {
    const d = device(new Map([[48, 0x0116], [42, 0x0114], [43, 0x0116]]));
    expect(d.exchange('AA 1B 3F 1B')).toBe('AA 1B 06 16 01 14 01 16 01 0E 4E');
  });

  it('V1: Modbus write of 315/316 echoes and stores both values', () => {
    const d = device();
    expect(d.exchange('AA 10 01 3B 00 02 04 10 68 09 C4 19 61')).toBe('AA 10 01 3B 00 02 28 22');
    expect([d.registers.read(315), d.registers.read(316)]).toEqual([4200, 2500]);
  });

  it('S11: Modbus write of 315–318 echoes address and count', () => {
    const d = device();
    expect(d.exchange('AA 10 01 3B 00 04 08 10 68 0B 54 00 3C 00 14 E2 61')).toBe('AA 10 01 3B 00 04 A8 20');
    expect([315, 316, 317, 318].map((a) => d.registers.read(a))).toEqual([4200, 2900, 60, 20]);
  });

  it('S4: 0x0D write of 315 = 4200 is acknowledged', () => {
    const d = device();
    expect(d.exchange('AA 0D 04 3B 01 68 10 93 3F')).toBe('AA 01 0D 91 B5');
    expect(d.registers.read(315)).toBe(4200);
  });

  it('S9: reset is acknowledged and handed to the device', () => {
    const d = device();
    expect(d.exchange('AA 02 05 90 83')).toBe('AA 01 02 D1 B1');
    expect(d.controls).toEqual(['reset_bms']);
  });

  it('S8: a bad CRC gets the CRC-error NACK for that command', () => {
    expect(device().exchange('AA 03 00 24 00 02 9D DA')).toBe('AA 00 03 01 E0 CC');
  });

  it('S8: a refused 0x0D write (GW restart register 0x86) gets the command-error NACK and writes nothing', () => {
    const d = device();
    const before = Array.from(d.registers.words);
    expect(d.exchange(encodeRequest({ kind: 'write_individual_registers', writes: [{ address: 0x86, value: 0xa55a }] }))).toBe('AA 00 0D 00 25 6C');
    expect(Array.from(d.registers.words)).toEqual(before);
  });

  it('answers a request that arrives one byte at a time', () => {
    expect(device().exchange('AA 09 04 32 00 35 00 F9 BB', 1)).toBe('AA 09 08 32 00 97 00 35 00 0E 00 07 57');
  });

  it('the 14S capture answers 0x1C with the 14 populated cell registers (2–15)', () => {
    const response = device().exchange('AA 1C 7E D9');
    expect(response.startsWith('AA 1C 1C 78 9B 82 9B')).toBe(true); // PL 28, first value 39800 = 0x9B78
    expect(fromHex(response).length).toBe(28 + 5);
  });
});

describe('TinyBMS simulator refuses bad requests with the spec NACKs', () => {
  it('unknown register: 0x07 read beyond the register map → command error', () => {
    const request = encodeRequest({ kind: 'read_register_block', address: 600, count: 1 });
    expect(device().exchange(request)).toBe(toHex(fromHex('AA 00 07 00 ' + crcHex('AA 00 07 00')), ' '));
  });

  it('unknown register in a 0x09 list → command error for 0x09', () => {
    const request = encodeRequest({ kind: 'read_individual_registers', addresses: [50, 0x7000] });
    expect(device().exchange(request)).toBe(toHex(fromHex('AA 00 09 00 ' + crcHex('AA 00 09 00')), ' '));
  });

  it('unknown command byte → command error naming that byte', () => {
    expect(device().exchange('AA 42 00 00')).toBe(toHex(fromHex('AA 00 42 00 ' + crcHex('AA 00 42 00')), ' '));
  });

  it('Modbus read of more than 127 registers → command error', () => {
    const frame = fromHex('AA 03 00 00 00 80 00 00');
    const crc = crcHex('AA 03 00 00 00 80');
    frame.set(fromHex(crc), 6);
    expect(device().exchange(frame)).toBe(toHex(fromHex('AA 00 03 00 ' + crcHex('AA 00 03 00')), ' '));
  });

  it('a write with one value out of range is refused whole', () => {
    const d = device();
    const request = encodeRequest({ kind: 'write_multiple_registers', address: 315, values: [3700, 100] }); // 316 minimum is 800 mV
    expect(d.exchange(request)).toBe(toHex(fromHex('AA 00 10 00 ' + crcHex('AA 00 10 00')), ' '));
    expect(d.registers.read(315)).toBe(3650);
  });

  it('garbage before a request is skipped and the request still answered', () => {
    expect(device().exchange('00 13 FF AA 18 7F 1A')).toBe('AA 18 97 00 CF CB');
  });
});

/** CRC-16/MODBUS of hex bytes, as two hex bytes low first (computed here, independent of the codec). */
function crcHex(hex: string): string {
  let crc = 0xffff;
  for (const byte of fromHex(hex)) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return toHex(Uint8Array.of(crc & 0xff, crc >>> 8), ' ');
}
