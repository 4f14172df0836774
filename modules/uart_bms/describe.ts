/**
 * One frame → a plain JSON-able description `{ command, kind, ...fields }` in the public field
 * vocabulary (gateway-api.md §Field names), for the `decode uart` CLI and the UART monitor.
 * A frame can be valid both as a request and as a response (e.g. `AA 07 02 28 00 …`); without a
 * stated direction the reading whose register addresses are all documented wins, then the request.
 */
import { commandName } from './commands';
import { eventName } from './event_codes';
import { fail, ok, type Decoded } from './frame';
import { onlineStatusName } from './live_decode';
import { registerCovering } from './register_catalog';
import { consecutive, describeRegisters, type FieldValue } from './register_fields';
import { decodeRequest, requestCommand, type TinyRequest } from './requests';
import { decodeResponse, respondedCommand, type TinyResponse } from './responses';
import { toInt16 } from './words';

export type FrameKind = 'request' | 'response' | 'ack' | 'nack';
export type FrameDescription = { command: string; kind: FrameKind } & Record<string, unknown>;

export interface DescribeOptions {
  /** Which way the frame went; undefined = work it out. */
  direction?: 'request' | 'response';
  /** First register of a 0x03/0x07 answer (the answer itself does not say). */
  address?: number;
  /** First register of a 0x1D settings answer; RevD does not say, 300 is the inference. */
  settingsAddress?: number;
}

function named(values: ReadonlyMap<number, number>): Record<string, unknown> {
  const { fields, registers } = describeRegisters(values);
  return Object.keys(registers).length > 0 ? { ...fields, registers } : fields;
}

export function describeRequest(request: TinyRequest): FrameDescription {
  const head = { command: commandName(requestCommand(request)), kind: 'request' as const };
  switch (request.kind) {
    case 'control': return { ...head, option: request.option };
    case 'read_holding_registers':
    case 'read_register_block': return { ...head, address: request.address, count: request.count };
    case 'read_individual_registers': return { ...head, addresses: request.addresses };
    case 'write_register_block':
    case 'write_multiple_registers': return { ...head, address: request.address, count: request.values.length, ...named(consecutive(request.address, request.values)) };
    case 'write_individual_registers': return { ...head, count: request.writes.length, ...named(new Map(request.writes.map((w) => [w.address, w.value]))) };
    case 'read_settings_values': return { ...head, option: request.option, count: request.count };
    default: return head;
  }
}

function temperature(raw: number): number | null {
  return raw === -32768 ? null : raw / 10;
}

export function describeResponse(response: TinyResponse, options: DescribeOptions = {}): FrameDescription {
  const command = commandName(respondedCommand(response));
  const head = { command, kind: 'response' as const };
  const words = (values: number[]) =>
    options.address === undefined ? { count: values.length, values } : { address: options.address, count: values.length, ...named(consecutive(options.address, values)) };
  switch (response.kind) {
    case 'ack': return { command, kind: 'ack' };
    case 'nack': return { command, kind: 'nack', error: response.reason, error_code: response.errorCode };
    case 'read_holding_registers':
    case 'read_register_block': return { ...head, ...words(response.values) };
    case 'read_individual_registers': return { ...head, ...named(new Map(response.registers.map((r) => [r.address, r.value]))) };
    case 'write_multiple_registers': return { ...head, address: response.address, count: response.count };
    case 'read_newest_events':
    case 'read_all_events':
      return { ...head, bms_time_s: response.bmsTimeS, events: response.events.map((e) => ({ timestamp_s: e.timestampS, id: e.id, name: eventName(e.id) })) };
    case 'read_pack_voltage': return { ...head, pack_voltage_v: response.volts };
    case 'read_pack_current': return { ...head, pack_current_a: response.amps };
    case 'read_max_cell_voltage': return { ...head, max_cell_voltage_mv: response.millivolts };
    case 'read_min_cell_voltage': return { ...head, min_cell_voltage_mv: response.millivolts };
    case 'read_online_status': return { ...head, online_status: onlineStatusName(response.statusCode), online_status_code: response.statusCode };
    case 'read_lifetime_counter': return { ...head, lifetime_s: response.seconds };
    case 'read_state_of_charge': return { ...head, state_of_charge_pct: response.raw / 1e6 };
    case 'read_temperatures': {
      const external = [temperature(response.external1), temperature(response.external2)];
      const temperatures = [...external.filter((t): t is number => t !== null), response.internal / 10];
      return {
        ...head,
        temperatures_c: temperatures,
        temp_sensor_count: temperatures.length,
        internal_temperature_c: response.internal / 10,
        external_temperature_1_c: external[0],
        external_temperature_2_c: external[1],
      };
    }
    case 'read_cell_voltages': return { ...head, cell_count: response.values.length, cell_voltage_mv: response.values.map((v) => v / 10) };
    case 'read_settings_values': {
      const first = options.settingsAddress ?? 300;
      const registers: Record<string, number> = {};
      response.values.forEach((v, i) => (registers[String(first + i)] = registerCovering(first + i)?.type === 'int16' ? toInt16(v) : v));
      return { ...head, count: response.values.length, registers };
    }
    case 'read_version':
    case 'read_extended_version': {
      const version: Record<string, FieldValue> = {
        hardware_version: response.hardware,
        hardware_changes_version: response.hardwareChanges,
        firmware_version: response.firmwarePublic,
        internal_firmware_version: response.firmwareInternal,
      };
      if (response.kind === 'read_extended_version') Object.assign(version, { bootloader_version: response.bootloader, register_map_version: response.registerMap });
      return { ...head, ...version };
    }
    case 'read_speed_distance_time': return { ...head, speed_kmh: response.speedKmh, distance_left_km: response.distanceKm, time_left_s: response.timeLeftS };
  }
}

/** Register addresses a reading refers to (to judge which reading of an ambiguous frame is plausible). */
function addressesOf(reading: TinyRequest | TinyResponse): number[] {
  switch (reading.kind) {
    case 'read_individual_registers': return 'addresses' in reading ? reading.addresses : reading.registers.map((r) => r.address);
    case 'write_individual_registers': return reading.writes.map((w) => w.address);
    default: return [];
  }
}

const documented = (reading: TinyRequest | TinyResponse) => addressesOf(reading).every((a) => registerCovering(a) !== undefined);

/** Decodes and describes one frame; a refusal gives every reading's reason in one line. */
export function describeFrame(bytes: Uint8Array, options: DescribeOptions = {}): Decoded<FrameDescription> {
  const request = options.direction === 'response' ? undefined : decodeRequest(bytes);
  const response = options.direction === 'request' ? undefined : decodeResponse(bytes);
  const asRequest = request?.ok ? describeRequest(request.value) : undefined;
  const asResponse = response?.ok ? describeResponse(response.value, options) : undefined;
  if (asRequest && asResponse && request?.ok && response?.ok) {
    const preferResponse = documented(response.value) && !documented(request.value);
    return preferResponse ? ok({ ...asResponse, also_valid_as: 'request' }) : ok({ ...asRequest, also_valid_as: 'response' });
  }
  if (asRequest) return ok(asRequest);
  if (asResponse) return ok(asResponse);
  const reasons: string[] = [];
  if (request && !request.ok) reasons.push(`as a request: ${request.error.message}`);
  if (response && !response.ok) reasons.push(`as a response: ${response.error.message}`);
  const error = (request && !request.ok ? request.error : undefined) ?? (response && !response.ok ? response.error : undefined);
  return fail(error?.code ?? 'malformed', reasons.join('; '), error?.command);
}
