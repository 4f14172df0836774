/**
 * In-memory KeyValueStore with fault hooks, for tests and the XS scenario. `put` is atomic like
 * the real stores: when it throws, the previous value is still there.
 */
import type { KeyValueStore } from '../ports/store';
import { utf8Length } from '../../modules/util/utf8';

export class StoreFaultError extends Error {
  override name = 'StoreFaultError';
}

export interface MemoryStoreOptions {
  /** Bytes (UTF-8 keys + values) the store holds at most; a put beyond it throws "store full". */
  capacityBytes?: number;
  /** Initial contents, e.g. the entries of another store to simulate a restart. */
  entries?: Iterable<[string, string]>;
}

export class MemoryStore implements KeyValueStore {
  #values: Map<string, string>;
  #capacity: number;
  #failures: { afterPuts: number; message: string }[] = [];
  #puts = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#values = new Map(options.entries ?? []);
    this.#capacity = options.capacityBytes ?? Infinity;
  }

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  put(key: string, value: string): void {
    if (typeof value !== 'string') throw new TypeError(`store values are strings, got ${typeof value}`);
    this.#puts++;
    const failure = this.#failures.findIndex((f) => f.afterPuts === 0);
    for (const f of this.#failures) f.afterPuts--;
    if (failure >= 0) {
      const [{ message }] = this.#failures.splice(failure, 1);
      throw new StoreFaultError(message);
    }
    const old = this.#values.get(key);
    const used = this.usedBytes() - (old === undefined ? 0 : utf8Length(key) + utf8Length(old));
    if (used + utf8Length(key) + utf8Length(value) > this.#capacity) {
      throw new StoreFaultError(`store full: "${key}" needs ${utf8Length(key) + utf8Length(value)} bytes, ${this.#capacity - used} free`);
    }
    this.#values.set(key, value);
  }

  delete(key: string): void {
    this.#values.delete(key);
  }

  /** The next put throws (after `skip` more puts succeed); the stored value stays as it was. */
  failNextPut(message = 'simulated write failure', skip = 0): void {
    this.#failures.push({ afterPuts: skip, message });
  }

  setCapacity(bytes: number): void {
    this.#capacity = bytes;
  }

  usedBytes(): number {
    let total = 0;
    for (const [key, value] of this.#values) total += utf8Length(key) + utf8Length(value);
    return total;
  }

  /** Keys held. */
  get size(): number {
    return this.#values.size;
  }

  /** Successful and failed puts so far. */
  get putCount(): number {
    return this.#puts;
  }

  keys(): string[] {
    return [...this.#values.keys()];
  }

  /** A copy of the contents, to build the "after restart" store from. */
  entries(): [string, string][] {
    return [...this.#values.entries()];
  }
}
