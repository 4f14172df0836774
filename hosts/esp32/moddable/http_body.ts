/**
 * The two body streams of an HTTP exchange, kept free of SDK calls so they are tested on Node:
 * RequestBodyStream turns the server's read callbacks into the AsyncIterable the core reads;
 * ResponseBodySource hands a response body out in pieces no larger than the socket can take.
 */
import type { HttpBody } from '../../ports/http';
import { utf8Encode } from '../../../modules/util/utf8';

export class BodyOverflowError extends Error {
  override name = 'BodyOverflowError';
}

/**
 * One-pass request body. Chunks wait in memory until the core reads them, at most
 * `maxQueuedBytes`; beyond that the stream fails (a reader that stalls must not exhaust the
 * heap). Once the response is decided `discard()` drops whatever else arrives.
 */
export class RequestBodyStream implements AsyncIterable<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #queuedBytes = 0;
  #received = 0;
  #ended = false;
  #error: Error | undefined;
  #discarding = false;
  #iterated = false;
  #waiter: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: Error) => void } | undefined;
  readonly maxQueuedBytes: number;

  constructor(maxQueuedBytes: number) {
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** Bytes received so far, read or not. */
  get receivedBytes(): number {
    return this.#received;
  }

  push(chunk: Uint8Array): void {
    this.#received += chunk.length;
    if (this.#discarding || this.#ended || this.#error || chunk.length === 0) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: chunk, done: false });
      return;
    }
    if (this.#queuedBytes + chunk.length > this.maxQueuedBytes) {
      this.fail(new BodyOverflowError(`request body arrives faster than it is read (more than ${this.maxQueuedBytes} bytes waiting)`));
      return;
    }
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
  }

  end(): void {
    if (this.#ended || this.#error) return;
    this.#ended = true;
    if (this.#waiter && this.#chunks.length === 0) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
  }

  fail(error: Error): void {
    if (this.#ended || this.#error) return;
    this.#error = error;
    this.#chunks = [];
    this.#queuedBytes = 0;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.reject(error);
    }
  }

  /** The reader no longer cares: drop what is queued and anything still to come. */
  discard(): void {
    this.#discarding = true;
    this.#chunks = [];
    this.#queuedBytes = 0;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#iterated) throw new Error('a request body can be read once');
    this.#iterated = true;
    return {
      next: () => {
        const chunk = this.#chunks.shift();
        if (chunk) {
          this.#queuedBytes -= chunk.length;
          return Promise.resolve({ value: chunk, done: false });
        }
        if (this.#error) return Promise.reject(this.#error);
        if (this.#ended || this.#discarding) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.#waiter = { resolve, reject };
        });
      },
      return: () => {
        this.discard();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

export type BodyPiece = { kind: 'data'; bytes: Uint8Array } | { kind: 'wait' } | { kind: 'end' };

/**
 * A response body handed out in pieces. A string or byte body has a known length (sent with
 * Content-Length); an async iterable is pulled one chunk at a time (sent chunked): while the
 * next chunk is not there `take` says 'wait' and `onAvailable` fires when it comes.
 */
export class ResponseBodySource {
  readonly contentLength: number | undefined;
  #fixed: Uint8Array | undefined;
  #offset = 0;
  #iterator: AsyncIterator<Uint8Array> | undefined;
  #pending: Uint8Array | undefined;
  #fetching = false;
  #done = false;
  #error: unknown;
  #onAvailable: () => void;

  constructor(body: HttpBody | undefined, onAvailable: () => void) {
    this.#onAvailable = onAvailable;
    if (body === undefined) this.#fixed = new Uint8Array(0);
    else if (typeof body === 'string') this.#fixed = utf8Encode(body);
    else if (body instanceof Uint8Array) this.#fixed = body;
    else this.#iterator = body[Symbol.asyncIterator]();
    this.contentLength = this.#fixed?.length;
  }

  /** Why a streamed body ended early, if it did. */
  get error(): unknown {
    return this.#error;
  }

  take(maxBytes: number): BodyPiece {
    if (this.#fixed) {
      if (this.#offset >= this.#fixed.length) return { kind: 'end' };
      const bytes = this.#fixed.subarray(this.#offset, this.#offset + Math.max(1, maxBytes));
      this.#offset += bytes.length;
      return { kind: 'data', bytes };
    }
    if (this.#pending) {
      const bytes = this.#pending.subarray(0, Math.max(1, maxBytes));
      this.#pending = bytes.length < this.#pending.length ? this.#pending.subarray(bytes.length) : undefined;
      return { kind: 'data', bytes };
    }
    if (this.#done) return { kind: 'end' };
    this.#fetch();
    return { kind: 'wait' };
  }

  /** Stop pulling a streamed body (the connection went away). */
  cancel(): void {
    if (this.#done) return;
    this.#done = true;
    this.#pending = undefined;
    const iterator = this.#iterator;
    if (iterator?.return) iterator.return().then(undefined, () => undefined);
  }

  #fetch(): void {
    const iterator = this.#iterator;
    if (this.#fetching || !iterator) return;
    this.#fetching = true;
    iterator.next().then(
      (result) => {
        this.#fetching = false;
        if (this.#done) return;
        if (result.done) this.#done = true;
        else if (result.value.length > 0) this.#pending = result.value;
        this.#onAvailable();
      },
      (error: unknown) => {
        this.#fetching = false;
        this.#error = error;
        this.#done = true;
        this.#onAvailable();
      },
    );
  }
}
