/** Shared set-up for the simulator tests: a virtual clock, a serial link and helpers to talk to the device. */
import { createSerialLink, type SerialLink } from '../../../hosts/mocks/serial_link';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { TinyBmsSimulator, type TinyBmsSimulatorOptions } from '../../../hosts/mocks/tinybms';
import { fromHex, toHex } from '../../../modules/util/hex';

export interface Harness {
  clock: VirtualClock;
  link: SerialLink;
  sim: TinyBmsSimulator;
  /** Everything the gateway end has received and not yet taken. */
  received: number[];
  /** Sends hex bytes from the gateway end, waits `waitMs` of virtual time, returns what came back (hex). */
  exchange(hex: string | Uint8Array, waitMs?: number): string;
}

export function createHarness(options: Partial<TinyBmsSimulatorOptions> = {}): Harness {
  const clock = new VirtualClock();
  const link = createSerialLink({ clock });
  const sim = new TinyBmsSimulator({ clock, serial: link.device, ...options });
  const received: number[] = [];
  link.gateway.onReceive((bytes) => received.push(...bytes));
  return {
    clock,
    link,
    sim,
    received,
    exchange(request, waitMs = 50) {
      received.length = 0;
      link.gateway.write(typeof request === 'string' ? fromHex(request) : request);
      clock.advance(waitMs);
      return toHex(Uint8Array.from(received.splice(0)), ' ');
    },
  };
}

/** The CLARK 14S register snapshot of tinybms-frames.md §5.4 (address → word). */
export const CLARK_SNAPSHOT: ReadonlyMap<number, number> = new Map<number, number>([
  ...[0, 0, 39800, 39810, 39820, 39830, 39830, 39840, 39890, 39900, 39830, 39830, 39830, 39840, 39880, 39880].map((v, i) => [i, v] as [number, number]),
  [32, 0x93cd], [33, 0x00fe], [34, 0x7904], [35, 0x027d], [36, 0x1eb8], [37, 0x425f], [38, 0], [39, 0],
  [40, 3980], [41, 3990], [42, 0x8000], [43, 0x8000], [46, 0xf208], [47, 0x04fa], [48, 97], [50, 0x0097], [51, 0], [52, 0], [53, 14],
  [102, 510], [103, 0], [104, 100], [113, 0x1908], [114, 0x0300], [116, 0x8a3d], [117, 0x00be],
  [200, 0x1226], [201, 0x6500], [202, 0x4e2b], [203, 0x64b9], [204, 0x4e2c], [205, 0x62b9], [206, 0x4e42], [207, 0x65b9],
  [500, 0x0102], [501, 0x0301], [502, 0x00f2], [503, 0x0418],
]);
