/**
 * `node build/bench/sim_steps.cjs <steps>`: the bench's simulated TinyBMS, UART mock and virtual
 * clock alone (the same seed, slabs and 10 Hz 0x03 poll of 56 registers, no gateway): what of the
 * Node day is the simulated side (node_instructions.ts --sim).
 */
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { TinyBmsSimulator } from '../../../hosts/mocks/tinybms/index';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { encodeRequest } from '../../../modules/uart_bms/requests';
import { NODE_SLAB_BYTES } from '../day/step_flush';

const steps = Number(process.argv[2] ?? 36_000);
const clock = new VirtualClock(0, Date.UTC(2026, 5, 21));
const link = createSerialLink({ clock, copySlabBytes: NODE_SLAB_BYTES });
const simulator = new TinyBmsSimulator({ clock, serial: link.device, mode: 'realistic', seed: 5, answerSlabBytes: NODE_SLAB_BYTES });
let answers = 0;
link.gateway.onReceive(() => void answers++);
const poll = encodeRequest({ kind: 'read_holding_registers', address: 0, count: 56 });
simulator.start();
for (let step = 0; step < steps; step++) {
  link.gateway.flush?.();
  link.gateway.write(poll);
  clock.advance(100);
}
console.log(JSON.stringify({ steps, answers }));
