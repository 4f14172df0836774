/**
 * `npm run bench`: baseline figures, printed as a table (no pass/fail).
 *  - XS: metered cost (computrons) and heap of one poll cycle's decode, in a real XS worker;
 *  - Node: the same decode per second; the gateway + simulator in simulated hours per wall second.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ResponseFramer } from '../../modules/uart_bms/framer';
import { runGatewayScenario } from '../xs/scenario/gateway_scenario';
import { decodePollAnswer, liveReadAnswer } from './poll_cycle';
import { XsnapWorker } from './xsnap_worker';
import { createSerialLink } from '../../hosts/mocks/serial_link';
import { TinyBmsSimulator } from '../../hosts/mocks/tinybms/index';
import { VirtualClock } from '../../hosts/mocks/virtual_clock';

interface Row {
  measure: string;
  value: string;
  note: string;
}

const POLLS = 200;

async function xsPollCycle(rows: Row[]): Promise<void> {
  const out = join(process.cwd(), 'build/bench');
  fs.mkdirSync(out, { recursive: true });
  const bundle = join(out, 'xs_bench.js');
  buildSync({ entryPoints: ['tests/bench/xs_bench_entry.ts'], outfile: bundle, bundle: true, platform: 'neutral', format: 'iife', target: 'es2022', logLevel: 'error' });
  const worker = new XsnapWorker();
  try {
    await worker.evaluate(fs.readFileSync(bundle, 'utf8'));
    const compute: number[] = [];
    const heapPerPoll: number[] = [];
    let liveSlots = 0;
    for (let i = 0; i < POLLS; i++) {
      const settled = await worker.command('settle');
      liveSlots = settled.meter.currentHeapCount;
      const { meter, reply } = await worker.command('poll');
      if (!/^16 \d/.test(reply)) throw new Error(`unexpected XS reply "${reply}"`);
      compute.push(meter.compute);
      heapPerPoll.push(meter.currentHeapCount - liveSlots);
    }
    const steady = compute.slice(10);
    const heap = heapPerPoll.slice(10);
    rows.push({ measure: 'XS: one poll-cycle decode (0x03, 56 registers)', value: `${median(steady).toFixed(0)} computrons`, note: `median of ${steady.length} (min ${Math.min(...steady)}, max ${Math.max(...steady)})` });
    rows.push({ measure: 'XS: heap slots allocated by one decode', value: `${median(heap)} slots`, note: `≈ ${Math.round((median(heap) * 16) / 1024)} KB at 16 B/slot on the ESP32 (max ${Math.max(...heap)}); garbage after the cycle` });
    rows.push({ measure: 'XS: live heap slots between polls (after gc)', value: `${liveSlots} slots`, note: 'the whole bench machine: codec + simulator used to build the answer' });
  } finally {
    worker.close();
  }
}

function nodePollCycle(rows: Row[]): void {
  const answer = liveReadAnswer();
  const framer = new ResponseFramer();
  const count = 20_000;
  for (let i = 0; i < 1000; i++) decodePollAnswer(framer, answer, i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) decodePollAnswer(framer, answer, i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rows.push({ measure: 'Node: poll-cycle decodes per second', value: `${Math.round(count / seconds)}`, note: `${((seconds / count) * 1e6).toFixed(1)} µs each` });
}

async function nodeSimulatedHours(rows: Row[]): Promise<void> {
  const start = process.hrtime.bigint();
  const result = await runGatewayScenario(() => new Promise<void>((resolve) => setImmediate(resolve)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // The scenario covers 90 s of gateway time; the simulator inside runs at ×10.
  const gatewayHours = 90 / 3600;
  rows.push({ measure: 'Node: whole gateway + simulator, gateway hours per wall second', value: (gatewayHours / seconds).toFixed(2), note: `90 s scenario in ${seconds.toFixed(2)} s wall (${result.live.length} polls, ${result.can.length} CAN frames)` });
  rows.push({ measure: 'Node: battery hours simulated per wall second (sim ×10)', value: ((gatewayHours * 10) / seconds).toFixed(2), note: 'battery model time inside the same run' });
}

function nodeSimulatorAlone(rows: Row[]): void {
  const clock = new VirtualClock();
  const simulator = new TinyBmsSimulator({ clock, serial: createSerialLink({ clock }).device, mode: 'realistic', seed: 11, speed: 100 });
  simulator.start();
  const batteryHours = 24;
  const start = process.hrtime.bigint();
  clock.advance((batteryHours * 3600 * 1000) / 100);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  simulator.stop();
  rows.push({ measure: 'Node: simulator alone (×100), battery hours per wall second', value: (batteryHours / seconds).toFixed(0), note: `one simulated day in ${seconds.toFixed(2)} s wall` });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  await xsPollCycle(rows);
  nodePollCycle(rows);
  await nodeSimulatedHours(rows);
  nodeSimulatorAlone(rows);
  const width = [Math.max(...rows.map((r) => r.measure.length)), Math.max(...rows.map((r) => r.value.length))];
  console.log(`${'measure'.padEnd(width[0])} | ${'value'.padEnd(width[1])} | note`);
  console.log(`${'-'.repeat(width[0])}-|-${'-'.repeat(width[1])}-|-----`);
  for (const row of rows) console.log(`${row.measure.padEnd(width[0])} | ${row.value.padEnd(width[1])} | ${row.note}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
