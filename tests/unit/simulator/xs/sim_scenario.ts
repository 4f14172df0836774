/**
 * One simulator session, portable: a realistic seeded run with fast-forward, a few UART
 * exchanges, a fault and the test cycle. Run on Node and inside bare XS, it must give the same
 * result (xs_portability.test.ts).
 */
import { createSerialLink } from '../../../../hosts/mocks/serial_link';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import { TinyBmsSimulator } from '../../../../hosts/mocks/tinybms';
import { fromHex, toHex } from '../../../../modules/util/hex';

export function runSimulatorSession() {
  const clock = new VirtualClock();
  const link = createSerialLink({ clock });
  const received: number[] = [];
  link.gateway.onReceive((bytes) => received.push(...bytes));
  const exchange = (hex: string) => {
    received.length = 0;
    link.gateway.write(fromHex(hex));
    clock.advance(50);
    return toHex(Uint8Array.from(received), ' ');
  };

  const sim = new TinyBmsSimulator({ clock, serial: link.device, mode: 'realistic', seed: 9, speed: 600, sleepAfterS: 0 });
  sim.start();
  clock.advance(60_000); // 10 model hours
  const realistic = {
    words: Array.from(sim.registers.words.subarray(0, 56)),
    status: exchange('AA 18 7F 1A'),
    cells: exchange('AA 1C 7E D9'),
  };
  const injected = sim.injectFault({ kind: 'cell_overvoltage', cell: 5 });
  clock.advance(1000);
  const faulted = { ok: injected.ok, status: exchange('AA 18 7F 1A'), maxCell: exchange('AA 16 FE DE') };
  sim.clearFaults();
  sim.setMode('test', { restart: true });
  sim.setSpeed(10);
  clock.advance(60_000); // one 10-minute test cycle
  const snapshot = sim.snapshot();
  return {
    realistic,
    faulted,
    test: { phase: snapshot.phase, words: Array.from(sim.registers.words.subarray(0, 118)), badCrc: exchange('AA 03 00 24 00 02 9D DA') },
  };
}
