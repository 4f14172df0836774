/**
 * The bounded queue of QoS 1 messages waiting for a connection. A message may carry a key (an
 * alert code): per key the queue keeps the first message (the root cause of an outage) and the
 * newest one; the ones between are coalesced into the newest. When the queue is full, the oldest
 * message that is not the first of its key makes room; when every queued message is a first,
 * the newcomer is the one dropped. Drops and coalesced repeats are counted: nothing goes silently.
 */
export interface OutboxItem {
  /** Messages with the same key are repeats of one another (the same alert raised again). */
  readonly key?: string;
}

export class BoundedOutbox<T extends OutboxItem> {
  readonly capacity: number;
  #items: T[] = [];
  #dropped = 0;
  #coalesced = 0;

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

  /** Repeats replaced by a newer message with the same key, since creation. */
  get coalesced(): number {
    return this.#coalesced;
  }

  /** Append at the back; returns the message dropped to make room (possibly `item` itself), if any. */
  push(item: T): T | undefined {
    if (item.key !== undefined) {
      const first = this.#indexOfKey(item.key, 0);
      const repeat = first < 0 ? -1 : this.#indexOfKey(item.key, first + 1);
      if (repeat >= 0) {
        // The newest state replaces the previous repeat; it moves to the back, in time order.
        this.#items.splice(repeat, 1);
        this.#coalesced++;
      }
    }
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
    const dropped: T[] = [];
    while (this.#items.length > this.capacity) {
      const victim = this.#oldestExpendable();
      dropped.push(this.#items.splice(victim < 0 ? this.#items.length - 1 : victim, 1)[0]);
      this.#dropped++;
    }
    return dropped;
  }

  /** The oldest message that is not the first queued of its key, or -1. */
  #oldestExpendable(): number {
    for (let i = 0; i < this.#items.length; i++) {
      const key = this.#items[i].key;
      if (key === undefined || this.#indexOfKey(key, 0) !== i) return i;
    }
    return -1;
  }

  #indexOfKey(key: string, from: number): number {
    for (let i = from; i < this.#items.length; i++) if (this.#items[i].key === key) return i;
    return -1;
  }
}
