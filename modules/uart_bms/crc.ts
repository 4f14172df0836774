/**
 * CRC-16/MODBUS as TinyBMS uses it on every UART frame (spec tinybms-uart.md §3): reflected
 * polynomial 0xA001, initial 0xFFFF, no final XOR, sent low byte first. Check value 0x4B37.
 */
function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    table[byte] = crc;
  }
  return table;
}

const TABLE = buildTable();
/** TABLE advanced one more (zero) byte: with it two bytes take two independent lookups. */
const TABLE_2 = TABLE.map((crc) => (crc >>> 8) ^ TABLE[crc & 0xff]);

/** CRC over bytes[start, end). */
export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const table = TABLE;
  const table2 = TABLE_2;
  let crc = 0xffff;
  let i = start;
  // Two bytes per lookup pair, four per turn: XS meters every operation, loop test and jump,
  // V8 waits on each lookup before the next (every poll's answer runs through here).
  for (const last = end - 3; i < last; i += 4) {
    let x = crc ^ bytes[i] ^ (bytes[i + 1] << 8);
    crc = table2[x & 0xff] ^ table[x >>> 8];
    x = crc ^ bytes[i + 2] ^ (bytes[i + 3] << 8);
    crc = table2[x & 0xff] ^ table[x >>> 8];
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]) & 0xff];
  return crc;
}

/** The CRC `crc` carried on over two more bytes, `first` then `second` (a register's big-endian bytes, without writing them out first). */
export function crc16ModbusPair(crc: number, first: number, second: number): number {
  const x = crc ^ first ^ (second << 8);
  return TABLE_2[x & 0xff] ^ TABLE[x >>> 8];
}

/** True when the last two bytes of bytes[start, start+length) are the CRC (low byte first) of the rest. */
export function hasValidCrc(bytes: Uint8Array, start = 0, length = bytes.length - start): boolean {
  if (length < 3) return false;
  const end = start + length - 2;
  const crc = crc16Modbus(bytes, start, end);
  return bytes[end] === (crc & 0xff) && bytes[end + 1] === crc >>> 8;
}

/** Writes the CRC of frame[0, frame.length - 2) into the last two bytes and returns the frame. */
export function sealFrame(frame: Uint8Array): Uint8Array {
  const end = frame.length - 2;
  const crc = crc16Modbus(frame, 0, end);
  frame[end] = crc & 0xff;
  frame[end + 1] = crc >>> 8;
  return frame;
}
