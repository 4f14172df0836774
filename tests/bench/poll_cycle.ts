/**
 * One poll cycle's decode work, as the gateway does it on every poll: a Modbus 0x03 answer for
 * registers 0–55 arrives in UART-sized chunks, the framer finds it, the decoder checks it and the
 * live-data decoder builds the snapshot. Portable: the bench runs it in XS and on Node.
 */
import { TinyBmsSimulator } from '../../hosts/mocks/tinybms/index';
import { createSerialLink } from '../../hosts/mocks/serial_link';
import { VirtualClock } from '../../hosts/mocks/virtual_clock';
import { decodeResponse, encodeResponse } from '../../modules/uart_bms/responses';
import { ResponseFramer } from '../../modules/uart_bms/framer';
import { liveDataFromRegisters } from '../../modules/uart_bms/live_decode';
import type { LiveData } from '../../modules/uart_bms/live_data';

const LIVE_REGISTERS = 56;
const UART_CHUNK = 32;

/** A realistic answer frame: the simulator's registers after a few minutes of its test cycle. */
export function liveReadAnswer(): Uint8Array {
  const clock = new VirtualClock();
  const simulator = new TinyBmsSimulator({ clock, serial: createSerialLink({ clock }).device, mode: 'test', seed: 3 });
  simulator.start();
  clock.advance(120_000);
  const values: number[] = [];
  for (let address = 0; address < LIVE_REGISTERS; address++) values.push(simulator.registers.read(address));
  simulator.stop();
  return encodeResponse({ kind: 'read_holding_registers', values });
}

export function decodePollAnswer(framer: ResponseFramer, answer: Uint8Array, timestampMs: number): LiveData {
  let frame: Uint8Array | undefined;
  for (let offset = 0; offset < answer.length; offset += UART_CHUNK) {
    const out = framer.push(answer.subarray(offset, offset + UART_CHUNK));
    if (out.frames.length) frame = out.frames[0];
  }
  if (!frame) throw new Error('the framer found no frame in the poll answer');
  const decoded = decodeResponse(frame);
  if (!decoded.ok || decoded.value.kind !== 'read_holding_registers') throw new Error('the poll answer did not decode');
  return liveDataFromRegisters(decoded.value.values, timestampMs);
}
