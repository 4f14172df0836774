/**
 * The bounded queue of QoS 1 messages waiting for a connection. When full, the oldest message
 * makes room and is counted: alerts may be lost only by overflow, never silently.
 */
export class BoundedOutbox<T> {
  readonly capacity: number;
  #items: T[] = [];
  #dropped = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  get size(): number {
    return this.#items.length;
  }

  /** Messages dropped because the queue was full, since creation. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Append at the back; returns the message dropped to make room, if any. */
  push(item: T): T | undefined {
    this.#items.push(item);
    return this.#trim()[0];
  }

  /**
   * Put messages back at the front in their order (unacknowledged ones after a lost
   * connection: they are older than anything queued since). Returns what overflowed.
   */
  requeueAtFront(items: readonly T[]): T[] {
    this.#items.unshift(...items);
    return this.#trim();
  }

  shift(): T | undefined {
    return this.#items.shift();
  }

  #trim(): T[] {
    const excess = this.#items.length - this.capacity;
    if (excess <= 0) return [];
    this.#dropped += excess;
    return this.#items.splice(0, excess);
  }
}
