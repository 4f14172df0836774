/** SystemPort and random source for the simulator: no device heap and no reboot in a desktop app. */
import type { ClockPort } from '../ports/clock';
import type { LogPort } from '../ports/log';
import type { SystemPort, XsHeapFigures } from '../ports/system';

export function createSimSystem(clock: ClockPort, firmwareVersion: string, log: LogPort, xsHeap: () => XsHeapFigures | undefined = () => undefined): SystemPort {
  return {
    platform: 'sim',
    firmwareVersion,
    restart: () => log.log('warn', 'host', 'restart requested: the simulator keeps running (restart mcsim by hand)'),
    // mcsim has no device heap to report; the XS heaps come from Instrumentation (debug builds).
    heap: () => ({ freeBytes: 0, totalBytes: 0, xs: xsHeap() }),
    uptimeMs: () => clock.now(),
  };
}

/** The FFI binding of hosts/sim/native/sim_random.c: fills buffer[offset, offset + length), 0 on success. */
export interface OsRandomNative {
  gw_sim_random_fill(buffer: ArrayBuffer, offset: number, length: number): number;
}

export class OsRandomError extends Error {
  override name = 'OsRandomError';
}

/**
 * `count` bytes from the operating system's CSPRNG (getrandom on Linux, arc4random_buf on macOS,
 * BCryptGenRandom on Windows), or undefined when the source fails its first use, so the host
 * can run without crypto rather than with predictable bytes. A later failure throws.
 */
export function osRandom(native: OsRandomNative): ((count: number) => Uint8Array) | undefined {
  const read = (count: number): Uint8Array => {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`random byte count must be a whole number >= 0, got ${count}`);
    const bytes = new Uint8Array(count);
    // The C side sees a bare pointer: the length it may write is exactly this buffer's.
    if (count > 0 && native.gw_sim_random_fill(bytes.buffer, 0, count) !== 0) throw new OsRandomError(`the OS random source failed (${count} bytes)`);
    return bytes;
  };
  try {
    read(16);
    return read;
  } catch {
    return undefined;
  }
}
