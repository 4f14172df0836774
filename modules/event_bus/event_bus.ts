/**
 * Typed publish/subscribe with the firmware's limits: a bounded FIFO of 32 pending events and at
 * most 32 subscribers per event. `publish` never runs subscribers itself: it queues and asks the
 * host to `defer` a drain, so a publisher is never blocked by, or re-entered from, a subscriber.
 */
export type Subscriber<T> = (payload: T) => void;

export interface EventBusOptions {
  /** Run `fn` soon, outside the current call (host timer with 0 ms). */
  defer(fn: () => void): void;
  queueCapacity?: number;
  maxSubscribersPerEvent?: number;
  /** Told about every subscriber that threw; the bus has already isolated it. */
  onSubscriberError?(event: string, error: unknown): void;
}

export interface EventBusMetrics {
  queueDepth: number;
  queueHighWater: number;
  published: number;
  delivered: number;
  /** Publishes refused because the queue was full. */
  dropped: number;
  subscriberErrors: number;
  subscribers: number;
}

export class SubscriberLimitError extends Error {
  override name = 'SubscriberLimitError';
}

interface Pending<E> {
  name: keyof E;
  payload: E[keyof E];
}

export class EventBus<E extends object> {
  readonly queueCapacity: number;
  readonly maxSubscribersPerEvent: number;
  #options: EventBusOptions;
  #subscribers = new Map<keyof E, Subscriber<never>[]>();
  #queue: Pending<E>[] = [];
  #drainScheduled = false;
  #metrics = { queueHighWater: 0, published: 0, delivered: 0, dropped: 0, subscriberErrors: 0 };

  constructor(options: EventBusOptions) {
    this.#options = options;
    this.queueCapacity = options.queueCapacity ?? 32;
    this.maxSubscribersPerEvent = options.maxSubscribersPerEvent ?? 32;
  }

  /** Returns an unsubscribe function. Throws SubscriberLimitError beyond the per-event limit. */
  subscribe<K extends keyof E>(name: K, subscriber: Subscriber<E[K]>): () => void {
    const list = this.#subscribers.get(name) ?? [];
    if (list.length >= this.maxSubscribersPerEvent) {
      throw new SubscriberLimitError(`event "${String(name)}" already has ${list.length} subscribers (limit ${this.maxSubscribersPerEvent})`);
    }
    list.push(subscriber as Subscriber<never>);
    this.#subscribers.set(name, list);
    return () => {
      const current = this.#subscribers.get(name);
      const index = current ? current.indexOf(subscriber as Subscriber<never>) : -1;
      if (current && index >= 0) current.splice(index, 1);
    };
  }

  /** Queue an event. Returns false, and counts a drop, when the queue is full. */
  publish<K extends keyof E>(name: K, payload: E[K]): boolean {
    if (this.#queue.length >= this.queueCapacity) {
      this.#metrics.dropped++;
      return false;
    }
    this.#queue.push({ name, payload });
    this.#metrics.published++;
    if (this.#queue.length > this.#metrics.queueHighWater) this.#metrics.queueHighWater = this.#queue.length;
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      this.#options.defer(() => this.#drain());
    }
    return true;
  }

  subscriberCount(name: keyof E): number {
    return this.#subscribers.get(name)?.length ?? 0;
  }

  metrics(): EventBusMetrics {
    let subscribers = 0;
    for (const list of this.#subscribers.values()) subscribers += list.length;
    return { ...this.#metrics, queueDepth: this.#queue.length, subscribers };
  }

  #drain(): void {
    this.#drainScheduled = false;
    // Events published by subscribers during this drain are delivered in the same pass, in order.
    while (this.#queue.length > 0) {
      const event = this.#queue.shift() as Pending<E>;
      const list = this.#subscribers.get(event.name);
      if (!list) continue;
      for (const subscriber of list.slice()) {
        try {
          (subscriber as Subscriber<unknown>)(event.payload);
          this.#metrics.delivered++;
        } catch (error) {
          this.#metrics.subscriberErrors++;
          this.#options.onSubscriberError?.(String(event.name), error);
        }
      }
    }
  }
}
