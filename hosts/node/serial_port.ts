/**
 * A real serial device (USB-UART adapter, PTY) as the host's SerialPort, through npm `serialport`.
 * TinyBMS speaks 115200 8N1. Bytes written before the device is open are queued and sent once it
 * opens; an open failure or a later I/O error is reported once through `onError` (and the port
 * stays silent, so the poller's timeouts mark the BMS offline — never stale data passing for fresh).
 */
import { SerialPort as NodeSerialDevice } from 'serialport';
import type { SerialPort } from '../ports/serial';

export const TINYBMS_BAUD = 115200;

export interface NodeSerialOptions {
  path: string;
  baudRate?: number;
  /** Open failures and I/O errors (default: thrown away; the caller usually logs them). */
  onError?(error: Error): void;
}

export interface NodeSerial extends SerialPort {
  readonly path: string;
  /** Resolves once the device is open; rejects with the reason it could not be opened. */
  whenOpen(): Promise<void>;
  close(): Promise<void>;
}

export function openNodeSerial(options: NodeSerialOptions): NodeSerial {
  const receivers: ((bytes: Uint8Array) => void)[] = [];
  const pending: Uint8Array[] = [];
  let open = false;
  let failure: Error | undefined;
  const device = new NodeSerialDevice({ path: options.path, baudRate: options.baudRate ?? TINYBMS_BAUD, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
  const report = (error: Error) => options.onError?.(error);

  const opened = new Promise<void>((resolve, reject) => {
    device.open((error) => {
      if (error) {
        failure = new Error(`serial port ${options.path}: ${error.message}`);
        report(failure);
        reject(failure);
        return;
      }
      open = true;
      for (const chunk of pending.splice(0)) device.write(chunk);
      resolve();
    });
  });
  opened.catch(() => undefined); // reported through onError; whenOpen() rejects for callers that wait
  device.on('data', (chunk: Uint8Array) => {
    // Node hands out Buffers (views on a shared pool): give receivers their own plain bytes.
    const bytes = new Uint8Array(chunk.byteLength);
    bytes.set(chunk);
    for (const receive of receivers) receive(bytes);
  });
  device.on('error', (error: Error) => report(new Error(`serial port ${options.path}: ${error.message}`)));

  return {
    path: options.path,
    write(bytes: Uint8Array): void {
      if (failure) return;
      const copy = bytes.slice();
      if (open) device.write(copy);
      else pending.push(copy);
    },
    onReceive(callback: (bytes: Uint8Array) => void): void {
      receivers.push(callback);
    },
    // No flush(): serialport's flush is tcflush(TCIOFLUSH) on a worker thread, which can race the
    // request written right after it and discard it; the link's framer reset already drops stale bytes.
    whenOpen: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        if (!device.isOpen) return resolve();
        device.close(() => resolve());
      }),
  };
}
