/**
 * How long a frame is, read from its first bytes (spec tinybms-uart.md §1.1, §2). The rules
 * differ per command and per direction, so there is one function for what a device reads
 * (requests) and one for what the gateway reads (responses). They also refuse headers no valid
 * frame has (odd payload sizes, reserved PL bits), which lets the framers resynchronise fast.
 */
import { CMD, START_BYTE, isRequestCommand, simpleReadName } from './commands';

export type FrameLength =
  | { kind: 'length'; length: number }
  | { kind: 'more' }
  | { kind: 'invalid'; reason: string; unknownCommand?: boolean };

export type FrameLengthRule = (bytes: Uint8Array, start: number, end: number) => FrameLength;

const MORE: FrameLength = Object.freeze({ kind: 'more' });
const length = (n: number): FrameLength => ({ kind: 'length', length: n });
const invalid = (reason: string): FrameLength => ({ kind: 'invalid', reason });

/** Largest payload of one 0x07/0x09/0x0B/0x0D packet: PL bits 5..0. */
export const MAX_PACKET_PAYLOAD = 63;
/** Most registers one Modbus 0x10 write may carry (RevD §1.1.7). */
export const MAX_WRITE_MULTIPLE = 100;
/** Longest frame either direction can carry: AA, CMD, PL = 254, payload, CRC (0x03 response). */
export const MAX_FRAME_LENGTH = 259;

/**
 * PL of 0x07/0x09/0x0B/0x0D: bit 7 = 1 marks one packet of a multi-packet transfer (bits 5..0
 * are then a packet ID, not a size); bit 6 is reserved. Only single packets are supported:
 * no public client implements multi-packet mode and nothing documents its framing.
 */
export function packetPayloadSize(pl: number): number | string {
  if (pl & 0x80) return `PL 0x${pl.toString(16)} has bit 7 set (multi-packet transfer), which is not supported`;
  if (pl & 0x40) return `PL 0x${pl.toString(16)} has reserved bit 6 set: a single packet carries at most ${MAX_PACKET_PAYLOAD} bytes`;
  return pl;
}

/** Frame length = payload + 5 (AA, CMD, PL, payload, CRC×2) when `valid(payload)` holds. */
function plFrame(bytes: Uint8Array, start: number, end: number, packet: boolean, valid: (size: number) => boolean, what: string): FrameLength {
  if (end - start < 3) return MORE;
  const size = packet ? packetPayloadSize(bytes[start + 2]) : bytes[start + 2];
  if (typeof size === 'string') return invalid(size);
  return valid(size) ? length(size + 5) : invalid(`payload length ${size} is not ${what}`);
}

const even = (min: number, max = 254) => (size: number) => size % 2 === 0 && size >= min && size <= max;
const multipleOf4 = (size: number) => size % 4 === 0 && size >= 4;
const events = (size: number) => size >= 4 && (size - 4) % 4 === 0;
const exactly = (n: number) => (size: number) => size === n;
// Made once, not a closure per frame (every poll's answer is measured with these).
const EVEN_2_254 = even(2);
const EVEN_2_62 = even(2, 62);
const EVEN_2_200 = even(2, 200);
const EVEN_4_62 = even(4, 62);
const EXACTLY_5 = exactly(5);
const EXACTLY_6 = exactly(6);
const EXACTLY_7 = exactly(7);

/** ACK/NACK carry the command they answer: it must be a request command. */
function acknowledgement(bytes: Uint8Array, start: number, end: number, frameLength: number): FrameLength {
  if (end - start < 3) return MORE;
  const answered = bytes[start + 2];
  return isRequestCommand(answered) ? length(frameLength) : invalid(`acknowledges 0x${answered.toString(16)}, which is not a request command`);
}

/** Length of the response frame starting at bytes[start] (what the gateway reads). */
export const responseFrameLength: FrameLengthRule = (bytes, start, end) => {
  if (end - start < 2) return MORE;
  if (bytes[start] !== START_BYTE) return invalid('no start byte');
  const command = bytes[start + 1];
  switch (command) {
    case CMD.NACK: return acknowledgement(bytes, start, end, 6);
    case CMD.ACK: return acknowledgement(bytes, start, end, 5);
    case CMD.READ_HOLDING: return plFrame(bytes, start, end, false, EVEN_2_254, 'an even count of 2..254 bytes');
    case CMD.READ_BLOCK: return plFrame(bytes, start, end, true, EVEN_2_62, 'an even count of 2..62 bytes');
    case CMD.READ_INDIVIDUAL: return plFrame(bytes, start, end, true, multipleOf4, 'a multiple of 4 (address/value pairs)');
    case CMD.WRITE_MULTIPLE: return length(8);
    case CMD.NEWEST_EVENTS:
    case CMD.ALL_EVENTS: return plFrame(bytes, start, end, false, events, '4 + 4n (BMS time, then events)');
    case CMD.PACK_VOLTAGE:
    case CMD.PACK_CURRENT:
    case CMD.LIFETIME_COUNTER:
    case CMD.STATE_OF_CHARGE: return length(8);
    case CMD.MAX_CELL_VOLTAGE:
    case CMD.MIN_CELL_VOLTAGE:
    case CMD.ONLINE_STATUS: return length(6);
    case CMD.TEMPERATURES: return plFrame(bytes, start, end, false, EXACTLY_6, '6 (three temperatures)');
    case CMD.CELL_VOLTAGES: return plFrame(bytes, start, end, false, EVEN_2_254, 'an even count of 2..254 bytes');
    case CMD.SETTINGS_VALUES: return plFrame(bytes, start, end, false, EVEN_2_200, 'an even count of 2..200 bytes');
    case CMD.VERSION: return plFrame(bytes, start, end, false, EXACTLY_5, '5');
    case CMD.EXTENDED_VERSION: return plFrame(bytes, start, end, false, EXACTLY_7, '7');
    case CMD.SPEED_DISTANCE_TIME: return length(16);
    default: return { kind: 'invalid', reason: `0x${command.toString(16)} is not a TinyBMS response code`, unknownCommand: true };
  }
};

/** Length of the request frame starting at bytes[start] (what a device reads). */
export const requestFrameLength: FrameLengthRule = (bytes, start, end) => {
  if (end - start < 2) return MORE;
  if (bytes[start] !== START_BYTE) return invalid('no start byte');
  const command = bytes[start + 1];
  if (simpleReadName(command) !== undefined) return length(4);
  switch (command) {
    case CMD.CONTROL: return length(5);
    case CMD.READ_HOLDING: return length(8);
    case CMD.READ_BLOCK: return length(7);
    case CMD.READ_INDIVIDUAL: return plFrame(bytes, start, end, true, EVEN_2_62, 'an even count of 2..62 bytes (addresses)');
    // PL = 2 address bytes + 2n data bytes, the reading that matches the PL + 5 rule (spec §1.1).
    case CMD.WRITE_BLOCK: return plFrame(bytes, start, end, true, EVEN_4_62, 'an even count of 4..62 bytes (address + data)');
    case CMD.WRITE_INDIVIDUAL: return plFrame(bytes, start, end, true, multipleOf4, 'a multiple of 4 (address/value pairs)');
    case CMD.WRITE_MULTIPLE: {
      if (end - start < 7) return MORE;
      const countHigh = bytes[start + 4];
      const count = bytes[start + 5];
      const pl = bytes[start + 6];
      if (countHigh !== 0 || count === 0 || count > MAX_WRITE_MULTIPLE || pl !== 2 * count) {
        return invalid(`register count ${(countHigh << 8) | count} with byte count ${pl} (1..${MAX_WRITE_MULTIPLE} registers, 2 bytes each)`);
      }
      return length(9 + pl);
    }
    case CMD.SETTINGS_VALUES: return length(7);
    default: return { kind: 'invalid', reason: `0x${command.toString(16)} is not a TinyBMS request code`, unknownCommand: true };
  }
};
