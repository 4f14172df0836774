/** The transactions the poller runs: what to send and which answer completes it. */
import type { ControlOption } from './commands';
import type { Transaction } from './link';

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
