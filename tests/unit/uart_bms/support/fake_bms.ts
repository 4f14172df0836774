/**
 * A scripted TinyBMS on the gateway's serial port, for poller tests (the realistic simulator
 * lives in hosts/mocks/tinybms). It decodes each request with the real codec, answers from a
 * register map after `latencyMs` on the virtual clock, and can be told, request by request, to
 * stay silent, corrupt its answer, NACK, wrap it in noise or split it into chunks. A sleeping
 * fake ignores the first request it gets, as RevD §1.3 says the real one does.
 */
import type { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { SerialPort } from '../../../../hosts/ports/serial';
import { decodeRequest, type TinyRequest } from '../../../../modules/uart_bms/requests';
import { encodeResponse, type TinyResponse } from '../../../../modules/uart_bms/responses';
import { concat } from '../arbitraries';

export type Behaviour =
  | { type: 'answer'; before?: Uint8Array; after?: Uint8Array; chunkSize?: number }
  | { type: 'silent' }
  | { type: 'corrupt' }
  | { type: 'nack'; errorCode: number }
  | { type: 'bytes'; bytes: Uint8Array }
  /** Answer late: after `delayMs` instead of the usual latency. */
  | { type: 'late'; delayMs: number };

export interface WireEvent {
  at: number;
  direction: 'tx' | 'rx';
  bytes: Uint8Array;
}

export class FakeBms implements SerialPort {
  readonly registers: Map<number, number>;
  readonly requests: TinyRequest[] = [];
  readonly wire: WireEvent[] = [];
  /** Consumed one per request; when empty, requests are answered correctly. */
  script: Behaviour[] = [];
  asleep = false;
  latencyMs = 5;
  /** Settings the fake clamps on write, as a real BMS narrows some ranges: address → max. */
  clamps = new Map<number, number>();
  flushes = 0;
  #clock: VirtualClock;
  #receivers: ((bytes: Uint8Array) => void)[] = [];

  constructor(clock: VirtualClock, registers: Map<number, number>) {
    this.#clock = clock;
    this.registers = registers;
  }

  write(bytes: Uint8Array): void {
    this.wire.push({ at: this.#clock.now(), direction: 'tx', bytes: bytes.slice() });
    const decoded = decodeRequest(bytes);
    if (!decoded.ok) throw new Error(`the gateway sent a bad frame: ${decoded.error.message}`);
    this.requests.push(decoded.value);
    if (this.asleep) {
      this.asleep = false;
      return;
    }
    const behaviour = this.script.shift() ?? { type: 'answer' };
    const reply = encodeResponse(this.#respond(decoded.value, bytes[1]));
    switch (behaviour.type) {
      case 'silent': return;
      case 'answer': {
        const bytesOut = concat(behaviour.before ?? new Uint8Array(0), reply, behaviour.after ?? new Uint8Array(0));
        const size = behaviour.chunkSize ?? bytesOut.length;
        for (let i = 0; i < bytesOut.length; i += size) this.#send(bytesOut.subarray(i, i + size), this.latencyMs);
        return;
      }
      case 'corrupt': {
        const bad = reply.slice();
        bad[bad.length - 3] ^= 0x5a;
        return this.#send(bad, this.latencyMs);
      }
      case 'nack': {
        const reason = behaviour.errorCode === 0 ? 'command_error' : 'crc_error';
        return this.#send(encodeResponse({ kind: 'nack', command: bytes[1], reason, errorCode: behaviour.errorCode }), this.latencyMs);
      }
      case 'bytes': return this.#send(behaviour.bytes, this.latencyMs);
      case 'late': return this.#send(reply, behaviour.delayMs);
    }
  }

  onReceive(callback: (bytes: Uint8Array) => void): void {
    this.#receivers.push(callback);
  }

  flush(): void {
    this.flushes++;
  }

  /** Sends bytes the gateway did not ask for (broadcast output, noise). */
  sendUnsolicited(bytes: Uint8Array): void {
    this.#send(bytes, 0);
  }

  #send(bytes: Uint8Array, delayMs: number): void {
    const copy = bytes.slice();
    this.#clock.setTimer(delayMs, () => {
      this.wire.push({ at: this.#clock.now(), direction: 'rx', bytes: copy });
      for (const receive of this.#receivers) receive(copy.slice());
    });
  }

  #respond(request: TinyRequest, command: number): TinyResponse {
    switch (request.kind) {
      case 'read_holding_registers': {
        const values: number[] = [];
        for (let i = 0; i < request.count; i++) values.push(this.registers.get(request.address + i) ?? 0);
        return { kind: 'read_holding_registers', values };
      }
      case 'write_multiple_registers':
        request.values.forEach((value, i) => {
          const address = request.address + i;
          this.registers.set(address, Math.min(value, this.clamps.get(address) ?? value));
        });
        return { kind: 'write_multiple_registers', address: request.address, count: request.values.length };
      case 'control':
        return { kind: 'ack', command: 0x02 };
      default:
        return { kind: 'nack', command, reason: 'command_error', errorCode: 0 };
    }
  }
}
