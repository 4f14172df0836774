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

/** CRC over bytes[start, end). */
export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const table = TABLE;
  let crc = 0xffff;
  let i = start;
  // Four bytes per turn: XS meters every loop test and jump, and every poll's answer runs through here.
  for (const last = end - 3; i < last; i += 4) {
    crc = (crc >>> 8) ^ table[(crc ^ bytes[i]) & 0xff];
    crc = (crc >>> 8) ^ table[(crc ^ bytes[i + 1]) & 0xff];
    crc = (crc >>> 8) ^ table[(crc ^ bytes[i + 2]) & 0xff];
    crc = (crc >>> 8) ^ table[(crc ^ bytes[i + 3]) & 0xff];
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]) & 0xff];
  return crc;
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
