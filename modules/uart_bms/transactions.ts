/** The transactions the poller runs: what to send and which answer completes it. */
import type { ControlOption, SettingsOption } from './commands';
import type { BmsEvent } from './responses';
import type { Transaction, Verdict } from './link';
import { encodeRequest, type TinyRequest } from './requests';

/** Modbus 0x03 read; the answer must carry exactly `count` words. */
export function readHoldingTransaction(label: string, address: number, count: number): Transaction<number[]> {
  return {
    label,
    request: { kind: 'read_holding_registers', address, count },
    responseLength: 5 + 2 * count,
    accept: (response) =>
      response.kind === 'read_holding_registers' && response.values.length === count
        ? { ok: true, value: response.values }
        : { ok: false, reason: `expected ${count} registers` },
  };
}

/**
 * The poll: Modbus 0x03 of `count` registers from 0, encoded once and run on every poll. Its answer
 * is accepted on its bytes (the CRC-checked frame itself, for liveDataFromReadAnswer): no register
 * array per poll.
 */
export function pollTransaction(label: string, count: number): Transaction<Uint8Array> {
  const request: TinyRequest = { kind: 'read_holding_registers', address: 0, count };
  const length = 5 + 2 * count;
  const wrongCount: Verdict<Uint8Array> = Object.freeze({ ok: false, reason: `expected ${count} registers` });
  return {
    label,
    request,
    bytes: encodeRequest(request),
    responseLength: length,
    accept: () => wrongCount,
    acceptFrame: (frame) => (frame.length === length ? { ok: true, value: frame } : wrongCount),
  };
}

/** Modbus 0x10 write; the BMS echoes address and count. */
export function writeMultipleTransaction(label: string, address: number, words: number[]): Transaction<void> {
  return {
    label,
    request: { kind: 'write_multiple_registers', address, values: words },
    responseLength: 8,
    accept: (response) =>
      response.kind === 'write_multiple_registers' && response.address === address && response.count === words.length
        ? { ok: true, value: undefined }
        : { ok: false, reason: `expected the echo of ${words.length} registers at ${address}` },
  };
}

/** Command 0x02 (clear events, clear statistics, reset); answered with an ACK. */
export function controlTransaction(option: ControlOption): Transaction<void> {
  return {
    label: option,
    request: { kind: 'control', option },
    responseLength: 5,
    accept: (response) => (response.kind === 'ack' ? { ok: true, value: undefined } : { ok: false, reason: 'expected an ACK' }),
  };
}

/** Command 0x11 (newest events) or 0x12 (all events): the BMS time now and the events, oldest first as sent. */
export function eventsTransaction(which: 'newest' | 'all'): Transaction<{ bmsTimeS: number; events: BmsEvent[] }> {
  const kind = which === 'newest' ? 'read_newest_events' : 'read_all_events';
  return {
    label: `${which} events`,
    request: { kind },
    accept: (response) => (response.kind === kind ? { ok: true, value: { bmsTimeS: response.bmsTimeS, events: response.events } } : { ok: false, reason: `expected ${kind}` }),
  };
}

/** Command 0x1D: `count` settings words from register 300 — the BMS's live min, max, factory default or current values. */
export function settingsValuesTransaction(option: SettingsOption, count: number): Transaction<number[]> {
  return {
    label: `settings ${option} 300+${count}`,
    request: { kind: 'read_settings_values', option, count },
    responseLength: 5 + 2 * count,
    accept: (response) =>
      response.kind === 'read_settings_values' && response.values.length === count ? { ok: true, value: response.values } : { ok: false, reason: `expected ${count} settings words` },
  };
}
