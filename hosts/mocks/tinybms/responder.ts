/**
 * What the simulated TinyBMS answers to each decoded request, byte-exact per tinybms-uart.md §2:
 * register reads from the register file, validated settings writes (ACK, or the 0x10 echo),
 * dedicated reads, events, settings bounds, control commands. Bad registers and refused writes
 * get `AA 00 CMD 00 CRC`; nothing is written when any part of a write is refused.
 */
import { CMD, NACK_CODES, crc16Modbus, crc16ModbusPair, encodeResponse, sealFrame, type ControlOption, type TinyRequest, type TinyResponse } from '../../../modules/uart_bms/index';
import type { ByteSlab } from '../byte_slab';
import type { EventLog } from './event_log';
import type { RegisterFile } from './register_file';
import { REG } from './register_map';
import { settingBoundWord } from './settings';

/** What the responder acts on. */
export interface ResponderTarget {
  readonly registers: RegisterFile;
  events(): EventLog;
  lifetimeS(): number;
  /** 0x02: clear events, clear statistics or reset the BMS (after the ACK is sent). */
  control(option: ControlOption): void;
  /** Where the poll's 0x03 answers are carved from (byte_slab.ts); each its own array when absent. */
  readonly answers?: ByteSlab;
}

/** `AA 00 CMD ERR CRC` for any command byte, known or not (the codec's encoder only NACKs known ones). */
export function nackFrame(command: number, reason: 'command_error' | 'crc_error'): Uint8Array {
  return sealFrame(new Uint8Array([0xaa, CMD.NACK, command & 0xff, NACK_CODES[reason], 0, 0]));
}

const commandError = (command: number) => nackFrame(command, 'command_error');

export function respond(request: TinyRequest, target: ResponderTarget): Uint8Array {
  const registers = target.registers;
  switch (request.kind) {
    case 'control':
      target.control(request.option);
      return encodeResponse({ kind: 'ack', command: CMD.CONTROL });
    case 'read_holding_registers':
    case 'read_register_block': {
      // The gateway's poll (ten a second): encoded straight from the register words, the same bytes encodeResponse gives.
      if (request.kind === 'read_holding_registers' && request.count <= 127 && registers.isReadable(request.address) && registers.isReadable(request.address + request.count - 1)) {
        return holdingAnswer(registers.words, request.address, request.count, target.answers);
      }
      const values = registers.readBlock(request.address, request.count);
      if (!values) return commandError(request.kind === 'read_holding_registers' ? CMD.READ_HOLDING : CMD.READ_BLOCK);
      return encodeResponse({ kind: request.kind, values });
    }
    case 'read_individual_registers': {
      if (!request.addresses.every((address) => registers.isReadable(address))) return commandError(CMD.READ_INDIVIDUAL);
      return encodeResponse({ kind: request.kind, registers: request.addresses.map((address) => ({ address, value: registers.read(address) })) });
    }
    case 'write_register_block':
      return acknowledgeWrite(registers, CMD.WRITE_BLOCK, request.values.map((value, i) => [request.address + i, value]));
    case 'write_individual_registers':
      return acknowledgeWrite(registers, CMD.WRITE_INDIVIDUAL, request.writes.map((w) => [w.address, w.value]));
    case 'write_multiple_registers': {
      const outcome = registers.writeSettings(request.values.map((value, i) => [request.address + i, value]));
      if (!outcome.ok) return commandError(CMD.WRITE_MULTIPLE);
      return encodeResponse({ kind: request.kind, address: request.address, count: request.values.length });
    }
    case 'read_settings_values': {
      const values: number[] = [];
      for (let i = 0; i < request.count; i++) {
        const address = REG.SETTINGS_FIRST + i;
        values.push(request.option === 'current' ? registers.read(address) : settingBoundWord(address, request.option));
      }
      return encodeResponse({ kind: request.kind, values });
    }
    default:
      return encodeResponse(dedicatedRead(request.kind, target));
  }
}

/** `AA 03 <2n> <words, big-endian> CRC` for words[address, address + count); the CRC carried along as the words are written (what sealFrame gives, without reading them back). */
function holdingAnswer(words: Uint16Array, address: number, count: number, answers: ByteSlab | undefined): Uint8Array {
  const frame = answers ? answers.take(5 + 2 * count) : new Uint8Array(5 + 2 * count);
  frame[0] = 0xaa;
  frame[1] = CMD.READ_HOLDING;
  frame[2] = 2 * count;
  let crc = crc16Modbus(frame, 0, 3);
  let at = 3;
  for (let i = 0; i < count; i++, at += 2) {
    const word = words[address + i];
    const high = word >>> 8;
    const low = word & 0xff;
    frame[at] = high;
    frame[at + 1] = low;
    crc = crc16ModbusPair(crc, high, low);
  }
  frame[at] = crc & 0xff;
  frame[at + 1] = crc >>> 8;
  return frame;
}

function acknowledgeWrite(registers: RegisterFile, command: number, pairs: [number, number][]): Uint8Array {
  return registers.writeSettings(pairs).ok ? encodeResponse({ kind: 'ack', command }) : commandError(command);
}

type DedicatedRead = Exclude<TinyRequest['kind'], 'control' | 'read_holding_registers' | 'read_register_block' | 'read_individual_registers' | 'write_register_block' | 'write_individual_registers' | 'write_multiple_registers' | 'read_settings_values'>;

function dedicatedRead(kind: DedicatedRead, target: ResponderTarget): TinyResponse {
  const r = target.registers;
  switch (kind) {
    case 'read_newest_events':
    case 'read_all_events': {
      const events = kind === 'read_all_events' ? target.events().all() : target.events().takeNewest();
      return { kind, bmsTimeS: Math.floor(target.lifetimeS()), events: events.map((e) => ({ timestampS: e.timestampS & 0xffffff, id: e.id })) };
    }
    case 'read_pack_voltage':
      return { kind, volts: r.readFloat32(REG.PACK_VOLTAGE_F32) };
    case 'read_pack_current':
      return { kind, amps: r.readFloat32(REG.PACK_CURRENT_F32) };
    case 'read_max_cell_voltage':
      return { kind, millivolts: r.read(REG.MAX_CELL_MV) };
    case 'read_min_cell_voltage':
      return { kind, millivolts: r.read(REG.MIN_CELL_MV) };
    case 'read_online_status':
      return { kind, statusCode: r.read(REG.ONLINE_STATUS) };
    case 'read_lifetime_counter':
      return { kind, seconds: r.readUint32(REG.LIFETIME_S) };
    case 'read_state_of_charge':
      return { kind, raw: r.readUint32(REG.SOC_U32) };
    case 'read_temperatures':
      return { kind, internal: r.readInt16(REG.INTERNAL_TEMP), external1: r.readInt16(REG.EXT_TEMP_1), external2: r.readInt16(REG.EXT_TEMP_2) };
    case 'read_cell_voltages': {
      // A pack with fewer than 16 cells fills the top registers (the real 14S capture).
      const count = Math.min(16, Math.max(1, r.read(REG.CELL_COUNT)));
      return { kind, values: r.readBlock(REG.CELL_FIRST + 16 - count, count)! };
    }
    case 'read_version':
    case 'read_extended_version': {
      const version = {
        hardware: r.read(500) & 0xff,
        hardwareChanges: r.read(500) >> 8,
        firmwarePublic: r.read(501) & 0xff,
        firmwareInternal: r.read(502),
      };
      return kind === 'read_version' ? { kind, ...version } : { kind, ...version, bootloader: r.read(503) & 0xff, registerMap: r.read(503) >> 8 };
    }
    case 'read_speed_distance_time':
      return { kind, speedKmh: r.readFloat32(REG.SPEED_F32), distanceKm: r.read(REG.DISTANCE_LEFT_KM), timeLeftS: r.readUint32(REG.TIME_LEFT_S) };
  }
}
