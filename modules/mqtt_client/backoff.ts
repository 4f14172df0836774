/**
 * Reconnect delays: base, 2×base, 4×base … capped at `maxMs`, with no limit on attempts
 * (../shared/spec/gateway-api.md §MQTT: 1, 2, 4 … 32 s). Pure, so the sequence is testable alone.
 */
export const DEFAULT_BACKOFF_BASE_MS = 1000;
export const DEFAULT_BACKOFF_MAX_MS = 32000;

/** Delay before the next attempt after `failures` consecutive failed or short-lived sessions (0 = first). */
export function backoffDelayMs(failures: number, baseMs = DEFAULT_BACKOFF_BASE_MS, maxMs = DEFAULT_BACKOFF_MAX_MS): number {
  let delay = Math.max(1, baseMs);
  // Doubling stops at the cap, so a week of failures never overflows.
  for (let i = 0; i < failures && delay < maxMs; i++) delay *= 2;
  return Math.min(delay, maxMs);
}
