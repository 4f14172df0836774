/**
 * The TinyBMS UART on `embedded:io/serial`: UART port 1, 115200 8N1, pins from the board. The
 * ESP32 driver works on the 128-byte hardware FIFOs: reads are taken at once in `onReadable`,
 * and a write larger than the free TX FIFO throws, so writes queue here and go out in pieces
 * as `onWritable` reports room.
 */
import Serial from 'embedded:io/serial';
import type { SerialPort } from '../ports/serial';

export interface UartPins {
  port: number;
  transmit: number;
  receive: number;
  baud: number;
}

export class SerialQueueFullError extends Error {
  override name = 'SerialQueueFullError';
}

export class Esp32Serial implements SerialPort {
  #serial: Serial;
  #receivers: ((bytes: Uint8Array) => void)[] = [];
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Room in the TX FIFO as last reported; an empty 128-byte FIFO at start. */
  #writable = 128;
  readonly maxPendingBytes: number;
  /** Bytes that arrived with no receiver or were flushed. */
  droppedBytes = 0;

  constructor(pins: UartPins, onError: (error: unknown) => void, maxPendingBytes = 2048) {
    this.maxPendingBytes = maxPendingBytes;
    this.#serial = new Serial({
      port: pins.port,
      transmit: pins.transmit,
      receive: pins.receive,
      baud: pins.baud,
      format: 'buffer',
      onReadable: () => {
        const data = this.#serial.read();
        if (!(data instanceof ArrayBuffer) || data.byteLength === 0) return;
        const bytes = new Uint8Array(data);
        if (this.#receivers.length === 0) this.droppedBytes += bytes.length;
        for (const receive of this.#receivers) {
          try {
            receive(bytes);
          } catch (error) {
            onError(error);
          }
        }
      },
      onWritable: (count) => {
        this.#writable = count;
        this.#drain();
      },
    });
  }

  write(bytes: Uint8Array): void {
    if (this.#pendingBytes + bytes.length > this.maxPendingBytes) {
      throw new SerialQueueFullError(`UART transmit queue full (${this.#pendingBytes} bytes waiting)`);
    }
    this.#pending.push(bytes.slice());
    this.#pendingBytes += bytes.length;
    this.#drain();
  }

  onReceive(callback: (bytes: Uint8Array) => void): void {
    this.#receivers.push(callback);
  }

  flush(): void {
    // Whatever sits in the RX FIFO belongs to an exchange the core gave up on.
    const stale = this.#serial.read();
    if (stale instanceof ArrayBuffer) this.droppedBytes += stale.byteLength;
  }

  #drain(): void {
    while (this.#pending.length > 0 && this.#writable > 0) {
      const head = this.#pending[0];
      const size = Math.min(head.length, this.#writable);
      try {
        this.#serial.write(head.subarray(0, size));
      } catch {
        // "output full": wait for the next onWritable.
        this.#writable = 0;
        return;
      }
      this.#writable -= size;
      this.#pendingBytes -= size;
      if (size === head.length) this.#pending.shift();
      else this.#pending[0] = head.subarray(size);
    }
  }
}
