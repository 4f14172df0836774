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

export class EventBus<E extends object> {
  readonly queueCapacity: number;
  readonly maxSubscribersPerEvent: number;
  #options: EventBusOptions;
  /** Lists are replaced, never changed in place, on (un)subscribe: a drain walks them without a copy. */
  #subscribers = new Map<keyof E, readonly Subscriber<never>[]>();
  /** The FIFO as a ring of names and payloads: no object per publish. */
  #names: (keyof E | undefined)[] = [];
  #payloads: unknown[] = [];
  #head = 0;
  #queued = 0;
  #drainScheduled = false;
  #drainNow = (): void => this.#drain();
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
    this.#subscribers.set(name, [...list, subscriber as Subscriber<never>]);
    return () => {
      const current = this.#subscribers.get(name);
      const index = current ? current.indexOf(subscriber as Subscriber<never>) : -1;
      if (current && index >= 0) this.#subscribers.set(name, [...current.slice(0, index), ...current.slice(index + 1)]);
    };
  }

  /** Queue an event. Returns false, and counts a drop, when the queue is full. */
  publish<K extends keyof E>(name: K, payload: E[K]): boolean {
    if (this.#queued >= this.queueCapacity) {
      this.#metrics.dropped++;
      return false;
    }
    const slot = (this.#head + this.#queued) % this.queueCapacity;
    this.#names[slot] = name;
    this.#payloads[slot] = payload;
    this.#queued++;
    this.#metrics.published++;
    if (this.#queued > this.#metrics.queueHighWater) this.#metrics.queueHighWater = this.#queued;
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      this.#options.defer(this.#drainNow);
    }
    return true;
  }

  subscriberCount(name: keyof E): number {
    return this.#subscribers.get(name)?.length ?? 0;
  }

  metrics(): EventBusMetrics {
    let subscribers = 0;
    for (const list of this.#subscribers.values()) subscribers += list.length;
    return { ...this.#metrics, queueDepth: this.#queued, subscribers };
  }

  #drain(): void {
    this.#drainScheduled = false;
    // Events published by subscribers during this drain are delivered in the same pass, in order.
    while (this.#queued > 0) {
      const slot = this.#head;
      const name = this.#names[slot] as keyof E;
      const payload = this.#payloads[slot];
      // The ring must not keep delivered payloads alive.
      this.#names[slot] = undefined;
      this.#payloads[slot] = undefined;
      this.#head = (slot + 1) % this.queueCapacity;
      this.#queued--;
      const list = this.#subscribers.get(name);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        try {
          (list[i] as Subscriber<unknown>)(payload);
          this.#metrics.delivered++;
        } catch (error) {
          this.#metrics.subscriberErrors++;
          this.#options.onSubscriberError?.(String(name), error);
        }
      }
    }
  }
}
