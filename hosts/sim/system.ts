/** SystemPort and random source for the simulator: no device heap and no reboot in a desktop app. */
import { File } from 'file';
import type { ClockPort } from '../ports/clock';
import type { LogPort } from '../ports/log';
import type { SystemPort } from '../ports/system';

export function createSimSystem(clock: ClockPort, firmwareVersion: string, log: LogPort): SystemPort {
  return {
    platform: 'sim',
    firmwareVersion,
    restart: () => log.log('warn', 'host', 'restart requested: the simulator keeps running (restart mcsim by hand)'),
    // mcsim has no device heap to report; the XS heaps show in xsbug.
    heap: () => ({ freeBytes: 0, totalBytes: 0 }),
    uptimeMs: () => clock.now(),
  };
}

/** Random bytes from /dev/urandom (Linux, macOS), or undefined where there is none. */
export function deviceRandom(): ((count: number) => Uint8Array) | undefined {
  const read = (count: number): Uint8Array => {
    const file = new File('/dev/urandom');
    try {
      return new Uint8Array(file.read(ArrayBuffer, count));
    } finally {
      file.close();
    }
  };
  try {
    return read(1).length === 1 ? read : undefined;
  } catch {
    return undefined;
  }
}
