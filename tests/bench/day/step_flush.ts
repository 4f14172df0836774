/** How the Node gateway day runs: promise jobs between steps (node_day.ts says why), and its V8 slab size. */
const MACROTASK_EVERY_STEPS = 600;
const SETTLED = Promise.resolve();

/** A microtask turn after each step (awaiting a settled promise); every MACROTASK_EVERY_STEPS calls a whole event-loop turn. */
export function stepFlush(): () => Promise<void> {
  let calls = 0;
  return () => (++calls % MACROTASK_EVERY_STEPS === 0 ? new Promise<void>((resolve) => setImmediate(resolve)) : SETTLED);
}

/** gateway_day.ts `slabBytes` on Node (byte_slab.ts). */
export const NODE_SLAB_BYTES = 64 * 1024;
