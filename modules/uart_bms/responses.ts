/**
 * Responses (TinyBMS → gateway): the decoder the gateway reads them with and the encoders the
 * device simulator answers with, byte-exactly. ACK `AA 01 CMD CRC` (5 bytes), NACK
 * `AA 00 CMD ERR CRC` (6 bytes), data frames per command (spec tinybms-uart.md §2).
 */
import { CMD, SIMPLE_READS, isRequestCommand, type SimpleReadName } from './commands';
import { FrameEncodeError, buildFrame, checkEnvelope, fail, ok, readBe16, readLe16, readLe32, requireCount, requireInt, writeBe16, writeLe16, writeLe32, type Decoded } from './frame';
import { responseFrameLength } from './frame_rules';
import type { RegisterWrite } from './requests';
import { float32FromBits, float32ToBits, toInt16 } from './words';

export type NackReason = 'command_error' | 'crc_error' | 'unknown_error';

export interface BmsEvent {
  /** BMS lifetime seconds (24 bits). */
  timestampS: number;
  /** Event ID (spec §4.6). */
  id: number;
}

export interface VersionInfo {
  hardware: number;
  hardwareChanges: number;
  firmwarePublic: number;
  firmwareInternal: number;
}

export type TinyResponse =
  | { kind: 'ack'; command: number }
  | { kind: 'nack'; command: number; reason: NackReason; errorCode: number }
  | { kind: 'read_holding_registers'; values: number[] }
  | { kind: 'read_register_block'; values: number[] }
  | { kind: 'read_individual_registers'; registers: RegisterWrite[] }
  | { kind: 'write_multiple_registers'; address: number; count: number }
  | { kind: 'read_newest_events' | 'read_all_events'; bmsTimeS: number; events: BmsEvent[] }
  | { kind: 'read_pack_voltage'; volts: number }
  | { kind: 'read_pack_current'; amps: number }
  | { kind: 'read_max_cell_voltage' | 'read_min_cell_voltage'; millivolts: number }
  | { kind: 'read_online_status'; statusCode: number }
  | { kind: 'read_lifetime_counter'; seconds: number }
  /** SOC in 0.000001 % units (100 000 000 = 100 %). */
  | { kind: 'read_state_of_charge'; raw: number }
  /** Raw INT16 in 0.1 °C; −32768 = sensor not connected. */
  | { kind: 'read_temperatures'; internal: number; external1: number; external2: number }
  /** Raw UINT16 in 0.1 mV, in the order the BMS sends them. */
  | { kind: 'read_cell_voltages'; values: number[] }
  | { kind: 'read_settings_values'; values: number[] }
  | ({ kind: 'read_version' } & VersionInfo)
  | ({ kind: 'read_extended_version'; bootloader: number; registerMap: number } & VersionInfo)
  | { kind: 'read_speed_distance_time'; speedKmh: number; distanceKm: number; timeLeftS: number };

const NACK_REASONS: readonly NackReason[] = ['command_error', 'crc_error'];
export const NACK_CODES = Object.freeze({ command_error: 0, crc_error: 1 });

const int = requireInt;
const u16 = (what: string, v: number) => int(what, v, 0, 0xffff);
const isWord = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffff;
const u32 = (what: string, v: number) => int(what, v, 0, 0xffffffff);
const u8 = (what: string, v: number) => int(what, v, 0, 0xff);
const i16 = (what: string, v: number) => int(what, v, -0x8000, 0x7fff);

function wordList(command: number, values: number[], max: number, bigEndian: boolean): Uint8Array {
  requireCount('values', values.length, 1, max);
  // The label is built only for a bad value (the simulated BMS encodes 56 words four times a second).
  for (let i = 0; i < values.length; i++) if (!isWord(values[i])) u16(`value ${i}`, values[i]);
  const write = bigEndian ? writeBe16 : writeLe16;
  return buildFrame(command, 1 + 2 * values.length, (f) => {
    f[2] = 2 * values.length;
    for (let i = 0; i < values.length; i++) write(f, 3 + 2 * i, values[i]);
  });
}

const u16Frame = (command: number, value: number) => buildFrame(command, 2, (f) => writeLe16(f, 2, value));
const u32Frame = (command: number, value: number) => buildFrame(command, 4, (f) => writeLe32(f, 2, value));

function acknowledged(command: number): void {
  if (!isRequestCommand(command)) throw new FrameEncodeError(`0x${Number(command).toString(16)} is not a request command an ACK/NACK could answer`);
}

function finiteFloat(what: string, v: number): void {
  if (!Number.isFinite(v)) throw new FrameEncodeError(`${what} must be a finite number, got ${v}`);
}

/** Encodes any response as its exact frame bytes. Throws FrameEncodeError for values no frame can carry. */
export function encodeResponse(response: TinyResponse): Uint8Array {
  switch (response.kind) {
    case 'ack':
      acknowledged(response.command);
      return buildFrame(CMD.ACK, 1, (f) => (f[2] = response.command));
    case 'nack':
      acknowledged(response.command);
      u8('error code', response.errorCode);
      return buildFrame(CMD.NACK, 2, (f) => {
        f[2] = response.command;
        f[3] = response.errorCode;
      });
    case 'read_holding_registers':
      return wordList(CMD.READ_HOLDING, response.values, 127, true);
    case 'read_register_block':
      return wordList(CMD.READ_BLOCK, response.values, 31, false);
    case 'read_individual_registers': {
      const pairs = response.registers;
      requireCount('registers', pairs.length, 1, 15);
      pairs.forEach((p, i) => (u16(`address ${i}`, p.address), u16(`value ${i}`, p.value)));
      return buildFrame(CMD.READ_INDIVIDUAL, 1 + 4 * pairs.length, (f) => {
        f[2] = 4 * pairs.length;
        pairs.forEach((p, i) => (writeLe16(f, 3 + 4 * i, p.address), writeLe16(f, 5 + 4 * i, p.value)));
      });
    }
    case 'write_multiple_registers':
      u16('address', response.address);
      int('count', response.count, 1, 100);
      return buildFrame(CMD.WRITE_MULTIPLE, 4, (f) => (writeBe16(f, 2, response.address), writeBe16(f, 4, response.count)));
    case 'read_newest_events':
    case 'read_all_events': {
      const events = response.events;
      u32('BMS time', response.bmsTimeS);
      requireCount('events', events.length, 0, 62);
      events.forEach((e, i) => (int(`event ${i} timestamp`, e.timestampS, 0, 0xffffff), u8(`event ${i} id`, e.id)));
      return buildFrame(SIMPLE_READS[response.kind], 5 + 4 * events.length, (f) => {
        f[2] = 4 + 4 * events.length;
        writeLe32(f, 3, response.bmsTimeS);
        // Each event: 24-bit timestamp LSB first, then the ID byte — one little-endian u32.
        events.forEach((e, i) => writeLe32(f, 7 + 4 * i, e.timestampS + e.id * 0x1000000));
      });
    }
    case 'read_pack_voltage':
      finiteFloat('volts', response.volts);
      return u32Frame(CMD.PACK_VOLTAGE, float32ToBits(response.volts));
    case 'read_pack_current':
      finiteFloat('amps', response.amps);
      return u32Frame(CMD.PACK_CURRENT, float32ToBits(response.amps));
    case 'read_max_cell_voltage':
    case 'read_min_cell_voltage':
      u16('millivolts', response.millivolts);
      return u16Frame(SIMPLE_READS[response.kind], response.millivolts);
    case 'read_online_status':
      u16('status code', response.statusCode);
      return u16Frame(CMD.ONLINE_STATUS, response.statusCode);
    case 'read_lifetime_counter':
      u32('seconds', response.seconds);
      return u32Frame(CMD.LIFETIME_COUNTER, response.seconds);
    case 'read_state_of_charge':
      u32('raw SOC', response.raw);
      return u32Frame(CMD.STATE_OF_CHARGE, response.raw);
    case 'read_temperatures':
      i16('internal', response.internal);
      i16('external1', response.external1);
      i16('external2', response.external2);
      return buildFrame(CMD.TEMPERATURES, 7, (f) => {
        f[2] = 6;
        writeLe16(f, 3, response.internal & 0xffff);
        writeLe16(f, 5, response.external1 & 0xffff);
        writeLe16(f, 7, response.external2 & 0xffff);
      });
    case 'read_cell_voltages':
      return wordList(CMD.CELL_VOLTAGES, response.values, 127, false);
    case 'read_settings_values':
      return wordList(CMD.SETTINGS_VALUES, response.values, 100, false);
    case 'read_version':
    case 'read_extended_version': {
      const extended = response.kind === 'read_extended_version';
      u8('hardware', response.hardware);
      u8('hardwareChanges', response.hardwareChanges);
      u8('firmwarePublic', response.firmwarePublic);
      u16('firmwareInternal', response.firmwareInternal);
      if (extended) (u8('bootloader', response.bootloader), u8('registerMap', response.registerMap));
      return buildFrame(extended ? CMD.EXTENDED_VERSION : CMD.VERSION, extended ? 8 : 6, (f) => {
        f[2] = extended ? 7 : 5;
        f[3] = response.hardware;
        f[4] = response.hardwareChanges;
        f[5] = response.firmwarePublic;
        writeLe16(f, 6, response.firmwareInternal);
        if (extended) (f[8] = response.bootloader, f[9] = response.registerMap);
      });
    }
    case 'read_speed_distance_time':
      finiteFloat('speedKmh', response.speedKmh);
      u32('distanceKm', response.distanceKm);
      u32('timeLeftS', response.timeLeftS);
      return buildFrame(CMD.SPEED_DISTANCE_TIME, 12, (f) => {
        writeLe32(f, 2, float32ToBits(response.speedKmh));
        writeLe32(f, 6, response.distanceKm);
        writeLe32(f, 10, response.timeLeftS);
      });
    default:
      throw new FrameEncodeError(`unknown response kind "${(response as { kind: string }).kind}"`);
  }
}

function words(frame: Uint8Array, bigEndian: boolean): number[] {
  const end = frame.length - 2;
  const values: number[] = [];
  // Inline byte arithmetic: this runs for every poll's 56 registers.
  if (bigEndian) for (let i = 3; i < end; i += 2) values.push((frame[i] << 8) | frame[i + 1]);
  else for (let i = 3; i < end; i += 2) values.push(frame[i] | (frame[i + 1] << 8));
  return values;
}

/** Decodes exactly one response frame. Never throws. */
export function decodeResponse(frame: Uint8Array): Decoded<TinyResponse> {
  const envelope = checkEnvelope(frame, responseFrameLength);
  if (!envelope.ok) return envelope;
  return decodeFramedResponse(frame);
}

/**
 * Decodes a frame the ResponseFramer delivered: start byte, length rule and CRC were checked
 * there with the same rules, so they are not checked again on every poll (issue 13).
 */
export function decodeFramedResponse(frame: Uint8Array): Decoded<TinyResponse> {
  const command = frame[1];
  switch (command) {
    case CMD.ACK: return ok({ kind: 'ack', command: frame[2] });
    case CMD.NACK: return ok({ kind: 'nack', command: frame[2], reason: NACK_REASONS[frame[3]] ?? 'unknown_error', errorCode: frame[3] });
    case CMD.READ_HOLDING: return ok({ kind: 'read_holding_registers', values: words(frame, true) });
    case CMD.READ_BLOCK: return ok({ kind: 'read_register_block', values: words(frame, false) });
    case CMD.READ_INDIVIDUAL: {
      const registers: RegisterWrite[] = [];
      for (let i = 3; i < frame.length - 2; i += 4) registers.push({ address: readLe16(frame, i), value: readLe16(frame, i + 2) });
      return ok({ kind: 'read_individual_registers', registers });
    }
    case CMD.WRITE_MULTIPLE: {
      if (frame[4] !== 0 || frame[5] === 0) return fail('malformed', `echoed register count ${readBe16(frame, 4)} is not 1..100`, command);
      return ok({ kind: 'write_multiple_registers', address: readBe16(frame, 2), count: readBe16(frame, 4) });
    }
    case CMD.NEWEST_EVENTS:
    case CMD.ALL_EVENTS: {
      const events: BmsEvent[] = [];
      for (let i = 7; i < frame.length - 2; i += 4) events.push({ timestampS: frame[i] | (frame[i + 1] << 8) | (frame[i + 2] << 16), id: frame[i + 3] });
      return ok({ kind: command === CMD.NEWEST_EVENTS ? 'read_newest_events' : 'read_all_events', bmsTimeS: readLe32(frame, 3), events });
    }
    case CMD.PACK_VOLTAGE: return ok({ kind: 'read_pack_voltage', volts: float32FromBits(readLe32(frame, 2)) });
    case CMD.PACK_CURRENT: return ok({ kind: 'read_pack_current', amps: float32FromBits(readLe32(frame, 2)) });
    case CMD.MAX_CELL_VOLTAGE: return ok({ kind: 'read_max_cell_voltage', millivolts: readLe16(frame, 2) });
    case CMD.MIN_CELL_VOLTAGE: return ok({ kind: 'read_min_cell_voltage', millivolts: readLe16(frame, 2) });
    case CMD.ONLINE_STATUS: return ok({ kind: 'read_online_status', statusCode: readLe16(frame, 2) });
    case CMD.LIFETIME_COUNTER: return ok({ kind: 'read_lifetime_counter', seconds: readLe32(frame, 2) });
    case CMD.STATE_OF_CHARGE: return ok({ kind: 'read_state_of_charge', raw: readLe32(frame, 2) });
    case CMD.TEMPERATURES:
      return ok({ kind: 'read_temperatures', internal: toInt16(readLe16(frame, 3)), external1: toInt16(readLe16(frame, 5)), external2: toInt16(readLe16(frame, 7)) });
    case CMD.CELL_VOLTAGES: return ok({ kind: 'read_cell_voltages', values: words(frame, false) });
    case CMD.SETTINGS_VALUES: return ok({ kind: 'read_settings_values', values: words(frame, false) });
    case CMD.VERSION:
    case CMD.EXTENDED_VERSION: {
      const version: VersionInfo = { hardware: frame[3], hardwareChanges: frame[4], firmwarePublic: frame[5], firmwareInternal: readLe16(frame, 6) };
      return command === CMD.VERSION ? ok({ kind: 'read_version', ...version }) : ok({ kind: 'read_extended_version', ...version, bootloader: frame[8], registerMap: frame[9] });
    }
    case CMD.SPEED_DISTANCE_TIME:
      return ok({ kind: 'read_speed_distance_time', speedKmh: float32FromBits(readLe32(frame, 2)), distanceKm: readLe32(frame, 6), timeLeftS: readLe32(frame, 10) });
    default:
      return fail('unknown_command', `0x${command.toString(16)} is not a TinyBMS response code`, command);
  }
}

/** The command a response answers (the ACK/NACK's referenced command, else its own code). */
export function respondedCommand(response: TinyResponse): number {
  switch (response.kind) {
    case 'ack':
    case 'nack': return response.command;
    case 'read_holding_registers': return CMD.READ_HOLDING;
    case 'read_register_block': return CMD.READ_BLOCK;
    case 'read_individual_registers': return CMD.READ_INDIVIDUAL;
    case 'write_multiple_registers': return CMD.WRITE_MULTIPLE;
    case 'read_settings_values': return CMD.SETTINGS_VALUES;
    default: return SIMPLE_READS[response.kind as SimpleReadName];
  }
}
