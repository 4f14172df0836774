/**
 * Requests (gateway → TinyBMS): encoders for every command and the decoder a device (the
 * simulator) parses them with. Proprietary commands are little-endian, Modbus 0x03/0x10
 * big-endian; the CRC is always low byte first (spec tinybms-uart.md §1–§2).
 */
import { CMD, CONTROL_OPTIONS, SETTINGS_OPTIONS, SIMPLE_READS, optionName, simpleReadName, type ControlOption, type SettingsOption, type SimpleReadName } from './commands';
import { FrameEncodeError, buildFrame, checkEnvelope, fail, ok, readBe16, readLe16, requireCount, requireInt, writeBe16, writeLe16, type Decoded } from './frame';
import { MAX_WRITE_MULTIPLE, requestFrameLength } from './frame_rules';

export interface RegisterWrite {
  address: number;
  value: number;
}

export type TinyRequest =
  | { kind: 'control'; option: ControlOption }
  | { kind: 'read_holding_registers'; address: number; count: number }
  | { kind: 'read_register_block'; address: number; count: number }
  | { kind: 'read_individual_registers'; addresses: number[] }
  | { kind: 'write_register_block'; address: number; values: number[] }
  | { kind: 'write_individual_registers'; writes: RegisterWrite[] }
  | { kind: 'write_multiple_registers'; address: number; values: number[] }
  | { kind: 'read_settings_values'; option: SettingsOption; count: number }
  | { kind: SimpleReadName };

/** Limits that keep every answer inside one packet (≤ 63 payload bytes on 0x07/0x09) or RevD's caps. */
export const REQUEST_LIMITS = Object.freeze({
  readHolding: 127,
  readBlock: 31,
  readIndividual: 15,
  writeBlock: 30,
  writeIndividual: 15,
  writeMultiple: MAX_WRITE_MULTIPLE,
  settingsValues: 100,
});

const address = (what: string, value: number) => requireInt(what, value, 0, 0xffff);
const word = (what: string, value: number) => requireInt(what, value, 0, 0xffff);

/** Checks a start address and 1..max register words to write. */
function checkedWords(start: number, values: number[], max: number): number[] {
  address('address', start);
  requireCount('values', values.length, 1, max);
  values.forEach((v, i) => word(`value ${i}`, v));
  return values;
}

/** Encodes any request as its exact frame bytes. Throws FrameEncodeError for arguments no frame can carry. */
export function encodeRequest(request: TinyRequest): Uint8Array {
  switch (request.kind) {
    case 'control': {
      const option = knownOption('control option', CONTROL_OPTIONS, request.option);
      return buildFrame(CMD.CONTROL, 1, (f) => (f[2] = option));
    }
    case 'read_holding_registers':
      address('address', request.address);
      requireInt('register count', request.count, 1, REQUEST_LIMITS.readHolding);
      return buildFrame(CMD.READ_HOLDING, 4, (f) => {
        writeBe16(f, 2, request.address);
        writeBe16(f, 4, request.count);
      });
    case 'read_register_block':
      address('address', request.address);
      requireInt('register count', request.count, 1, REQUEST_LIMITS.readBlock);
      return buildFrame(CMD.READ_BLOCK, 3, (f) => {
        f[2] = request.count;
        writeLe16(f, 3, request.address);
      });
    case 'read_individual_registers': {
      const list = request.addresses;
      requireCount('addresses', list.length, 1, REQUEST_LIMITS.readIndividual);
      list.forEach((a, i) => address(`address ${i}`, a));
      return buildFrame(CMD.READ_INDIVIDUAL, 1 + 2 * list.length, (f) => {
        f[2] = 2 * list.length;
        list.forEach((a, i) => writeLe16(f, 3 + 2 * i, a));
      });
    }
    case 'write_register_block': {
      const values = checkedWords(request.address, request.values, REQUEST_LIMITS.writeBlock);
      return buildFrame(CMD.WRITE_BLOCK, 3 + 2 * values.length, (f) => {
        f[2] = 2 + 2 * values.length;
        writeLe16(f, 3, request.address);
        values.forEach((v, i) => writeLe16(f, 5 + 2 * i, v));
      });
    }
    case 'write_individual_registers': {
      const writes = request.writes;
      requireCount('writes', writes.length, 1, REQUEST_LIMITS.writeIndividual);
      writes.forEach((w, i) => {
        address(`address ${i}`, w.address);
        word(`value ${i}`, w.value);
      });
      return buildFrame(CMD.WRITE_INDIVIDUAL, 1 + 4 * writes.length, (f) => {
        f[2] = 4 * writes.length;
        writes.forEach((w, i) => {
          writeLe16(f, 3 + 4 * i, w.address);
          writeLe16(f, 5 + 4 * i, w.value);
        });
      });
    }
    case 'write_multiple_registers': {
      const values = checkedWords(request.address, request.values, REQUEST_LIMITS.writeMultiple);
      return buildFrame(CMD.WRITE_MULTIPLE, 5 + 2 * values.length, (f) => {
        writeBe16(f, 2, request.address);
        writeBe16(f, 4, values.length);
        f[6] = 2 * values.length;
        values.forEach((v, i) => writeBe16(f, 7 + 2 * i, v));
      });
    }
    case 'read_settings_values':
      requireInt('register count', request.count, 1, REQUEST_LIMITS.settingsValues);
      return buildFrame(CMD.SETTINGS_VALUES, 3, (f) => {
        f[2] = knownOption('settings option', SETTINGS_OPTIONS, request.option);
        f[3] = 0;
        f[4] = request.count;
      });
    default:
      return buildFrame(knownOption('request kind', SIMPLE_READS, request.kind), 0, () => undefined);
  }
}

function knownOption<T extends Record<string, number>>(what: string, table: T, name: string): number {
  const code = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (code === undefined) throw new FrameEncodeError(`unknown ${what} "${name}"`);
  return code;
}

/** Decodes exactly one request frame. Never throws; a failed decode says why (and names the command when known). */
export function decodeRequest(frame: Uint8Array): Decoded<TinyRequest> {
  const envelope = checkEnvelope(frame, requestFrameLength);
  if (!envelope.ok) return envelope;
  const command = envelope.value;
  const malformed = (message: string) => fail<TinyRequest>('malformed', message, command);
  const simple = simpleReadName(command);
  if (simple) return ok({ kind: simple });
  switch (command) {
    case CMD.CONTROL: {
      const option = optionName(CONTROL_OPTIONS, frame[2]);
      return option ? ok({ kind: 'control', option }) : malformed(`unknown control option 0x${frame[2].toString(16)}`);
    }
    case CMD.READ_HOLDING: {
      const count = readBe16(frame, 4);
      if (count < 1 || count > REQUEST_LIMITS.readHolding) return malformed(`register count ${count} outside 1..${REQUEST_LIMITS.readHolding}`);
      return ok({ kind: 'read_holding_registers', address: readBe16(frame, 2), count });
    }
    case CMD.READ_BLOCK: {
      const count = frame[2];
      if (count < 1 || count > REQUEST_LIMITS.readBlock) return malformed(`register count ${count} outside 1..${REQUEST_LIMITS.readBlock} (the answer must fit one packet)`);
      return ok({ kind: 'read_register_block', address: readLe16(frame, 3), count });
    }
    case CMD.READ_INDIVIDUAL: {
      const n = frame[2] / 2;
      if (n > REQUEST_LIMITS.readIndividual) return malformed(`${n} addresses: at most ${REQUEST_LIMITS.readIndividual} fit in one answer packet`);
      const addresses: number[] = [];
      for (let i = 0; i < n; i++) addresses.push(readLe16(frame, 3 + 2 * i));
      return ok({ kind: 'read_individual_registers', addresses });
    }
    case CMD.WRITE_BLOCK: {
      const values: number[] = [];
      for (let i = 0; i < (frame[2] - 2) / 2; i++) values.push(readLe16(frame, 5 + 2 * i));
      return ok({ kind: 'write_register_block', address: readLe16(frame, 3), values });
    }
    case CMD.WRITE_INDIVIDUAL: {
      const writes: RegisterWrite[] = [];
      for (let i = 0; i < frame[2] / 4; i++) writes.push({ address: readLe16(frame, 3 + 4 * i), value: readLe16(frame, 5 + 4 * i) });
      return ok({ kind: 'write_individual_registers', writes });
    }
    case CMD.WRITE_MULTIPLE: {
      const values: number[] = [];
      for (let i = 0; i < frame[5]; i++) values.push(readBe16(frame, 7 + 2 * i));
      return ok({ kind: 'write_multiple_registers', address: readBe16(frame, 2), values });
    }
    case CMD.SETTINGS_VALUES: {
      const option = optionName(SETTINGS_OPTIONS, frame[2]);
      if (!option) return malformed(`unknown settings option 0x${frame[2].toString(16)}`);
      if (frame[3] !== 0) return malformed(`byte 3 must be 0, got 0x${frame[3].toString(16)}`);
      const count = frame[4];
      if (count < 1 || count > REQUEST_LIMITS.settingsValues) return malformed(`register count ${count} outside 1..${REQUEST_LIMITS.settingsValues}`);
      return ok({ kind: 'read_settings_values', option, count });
    }
    default:
      return fail('unknown_command', `0x${command.toString(16)} is not a TinyBMS request code`, command);
  }
}

/** The command byte a request is sent with. */
export function requestCommand(request: TinyRequest): number {
  switch (request.kind) {
    case 'control': return CMD.CONTROL;
    case 'read_holding_registers': return CMD.READ_HOLDING;
    case 'read_register_block': return CMD.READ_BLOCK;
    case 'read_individual_registers': return CMD.READ_INDIVIDUAL;
    case 'write_register_block': return CMD.WRITE_BLOCK;
    case 'write_individual_registers': return CMD.WRITE_INDIVIDUAL;
    case 'write_multiple_registers': return CMD.WRITE_MULTIPLE;
    case 'read_settings_values': return CMD.SETTINGS_VALUES;
    default: return SIMPLE_READS[request.kind];
  }
}
