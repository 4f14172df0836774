/** `node build/bench/node_day_steps.cjs <steps>`: the bench's Node gateway day (10 Hz polling), nothing else (node_instructions.ts). */
import { runGatewayDay } from '../day/gateway_day';
import { NODE_SLAB_BYTES, stepFlush } from '../day/step_flush';

const steps = Number(process.argv[2] ?? 36_000);
runGatewayDay({ steps, sampleEvery: Number.MAX_SAFE_INTEGER, flush: stepFlush(), slabBytes: NODE_SLAB_BYTES, wallMs: () => performance.now(), pollIntervalMs: 100 }).then((result) => console.log(JSON.stringify(result.counts)));
