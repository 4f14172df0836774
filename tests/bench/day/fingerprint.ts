/**
 * `npx tsx tests/bench/day/fingerprint.ts [hours] [poll-ms]`: one SHA-256 per output channel of
 * the Node gateway day (gateway_day.ts `tap`): UART bytes both ways, CAN frames, MQTT topics and
 * payloads, WebSocket texts, log lines, the history files at the end. A speed-up of the core, the
 * simulated BMS or the mock ports must leave every line unchanged: run it before and after and
 * compare. (Default: 2 simulated hours at 10 Hz, about 10 s.)
 */
import { createHash, type Hash } from 'node:crypto';
import { runGatewayDay } from './gateway_day';
import { NODE_SLAB_BYTES, stepFlush } from './step_flush';

const hours = Number(process.argv[2] ?? 2);
const pollMs = Number(process.argv[3] ?? 100);
const hashes = new Map<string, { hash: Hash; items: number; bytes: number }>();

async function main(): Promise<void> {
  const result = await runGatewayDay({
    steps: Math.round(hours * 36_000),
    sampleEvery: Number.MAX_SAFE_INTEGER,
    flush: stepFlush(),
    slabBytes: NODE_SLAB_BYTES,
    pollIntervalMs: pollMs,
    tap: (channel, data) => {
      let entry = hashes.get(channel);
      if (!entry) hashes.set(channel, (entry = { hash: createHash('sha256'), items: 0, bytes: 0 }));
      entry.items++;
      entry.bytes += data.length;
      entry.hash.update(typeof data === 'string' ? `${data}\u0000` : data);
      if (typeof data !== 'string') entry.hash.update('\u0000');
    },
  });
  for (const [channel, entry] of [...hashes].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${channel.padEnd(8)} ${String(entry.items).padStart(8)} items ${String(entry.bytes).padStart(11)} B  ${entry.hash.digest('hex')}`);
  }
  console.log(`counts ${JSON.stringify(result.counts)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
