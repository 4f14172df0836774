/**
 * Small key/value store for configuration and counters (NVS on the ESP32, a file per key on Node).
 * `put` is atomic: after a crash or a failed write, `get` returns either the old or the new value,
 * never a mix. It throws when the write fails.
 */
export interface KeyValueStore {
  get(key: string): string | undefined;
  put(key: string, value: string): void;
  delete(key: string): void;
}
