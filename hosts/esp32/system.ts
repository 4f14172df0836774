/** SystemPort on the ESP32: heap figures and restart through FFI (ESP-IDF calls, release builds too). */
import FFI from 'mc/ffi';
import type { ClockPort } from '../ports/clock';
import type { HeapFigures, SystemPort, XsHeapFigures } from '../ports/system';

export function createEsp32System(natives: FFI, clock: ClockPort, firmwareVersion: string, beforeRestart: () => void, xsHeap: () => XsHeapFigures | undefined): SystemPort {
  return {
    platform: 'esp32',
    firmwareVersion,
    restart(): void {
      beforeRestart();
      natives.gw_restart();
    },
    heap(): HeapFigures {
      return { freeBytes: natives.gw_heap_free(), totalBytes: natives.gw_heap_total(), minimumFreeBytes: natives.gw_heap_minimum_free(), xs: xsHeap() };
    },
    uptimeMs: () => clock.now(),
  };
}

/** `count` bytes from the hardware RNG. */
export function hardwareRandom(natives: FFI): (count: number) => Uint8Array {
  return (count) => {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i += 4) {
      const word = natives.gw_random32();
      for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  };
}
