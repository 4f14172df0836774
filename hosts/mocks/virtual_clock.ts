import type { ClockPort, TimerHandle } from '../ports/clock';

/** Also the handle callers get back (a plain object: the bench's metering wrappers pass those through untouched). */
interface PendingTimer {
  id: number;
  /** The clock that owns it: a handle from another clock clears nothing here. */
  owner: object;
  due: number;
  period: number | undefined;
  fn: () => void;
  /** Insertion order, so timers due at the same instant fire in the order they were set. */
  sequence: number;
  /** Cleared timers stay in the heap until they surface (lazy deletion keeps clear O(1)). */
  cancelled: boolean;
  /** Fired (one-shot) or cleared: no longer pending. */
  done: boolean;
}

const NOTHING = (): void => undefined;

/** Zero-delay queue slots kept when it empties (a step of the bench defers 3–20). */
const SOON_KEPT = 32;

/**
 * Deterministic clock for tests and fast simulation: time moves only when `advance` is called,
 * and due timers fire in time order (ties in creation order). Timers wait in a binary min-heap
 * ordered by (due, sequence), so a simulated day of thousands of timers per minute stays cheap.
 */
export class VirtualClock implements ClockPort {
  #now = 0;
  #wallOrigin = 0;
  // Entries 0 to #heapSize − 1; the array keeps its store as the heap shrinks (pop() would trim it
  // and the next push regrow it, several times a step).
  #heap: (PendingTimer | undefined)[] = [];
  #heapSize = 0;
  /**
   * Zero-delay one-shot timers (deferrals: about half of all timers), due now, in creation order:
   * a queue, no heap work. Their (due, sequence) only grow, so the next timer to fire is the earlier
   * of this queue's head and the heap's top.
   */
  #soon = emptySoon();
  #soonHead = 0;
  /** Entries in use (the array keeps up to SOON_KEPT slots when it empties: no shrink and regrow every step). */
  #soonEnd = 0;
  #live = 0;
  readonly #owner = {};
  #nextId = 1;
  #sequence = 0;
  #cancelled = 0;
  /** Called when time is about to move past an instant at which timers fired (the bench's latency probe). */
  onInstantEnd: ((now: number) => void) | undefined;

  constructor(startMs = 0, wallOriginMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
    this.#wallOrigin = wallOriginMs;
  }

  now(): number {
    return this.#now;
  }

  wallTime(): number {
    return this.#wallOrigin + this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return this.#add(ms, undefined, fn);
  }

  setInterval(ms: number, fn: () => void): TimerHandle {
    return this.#add(ms, Math.max(1, ms), fn);
  }

  clear(timer: TimerHandle | undefined): void {
    const pending = timer as PendingTimer | undefined;
    if (!pending || pending.owner !== this.#owner || pending.done) return;
    pending.cancelled = true;
    pending.done = true;
    // It may wait in the heap until its due time: what it would have called is not kept alive meanwhile.
    pending.fn = NOTHING;
    this.#live--;
    // Timers re-armed far ahead (watchdogs) would pile up in the heap: rebuild once most are dead.
    // (A cleared deferral counts too, though it leaves its queue at the head: a rebuild comes sooner.)
    if (++this.#cancelled > 64 && this.#cancelled > this.#heapSize / 2) this.#compact();
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.#live;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    let fired = false;
    for (;;) {
      const head = this.#soonHead < this.#soonEnd ? this.#soon[this.#soonHead] : undefined;
      if (head?.cancelled) {
        this.#skipSoon();
        continue;
      }
      // this.#heap, not a local: a timer's callback may clear timers and so rebuild the heap.
      const top = this.#heapSize ? this.#heap[0] : undefined;
      if (top?.cancelled) {
        this.#pop();
        this.#cancelled--;
        continue;
      }
      let next: PendingTimer;
      if (head && (!top || earlier(head, top))) {
        next = head;
        this.#skipSoon();
      } else if (top && top.due <= target) {
        next = top;
        this.#pop();
      } else break;
      if (next.due > this.#now) {
        if (fired) this.onInstantEnd?.(this.#now);
        this.#now = next.due;
      }
      fired = true;
      if (next.period === undefined) {
        next.done = true;
        this.#live--;
      } else {
        next.due += next.period;
        next.sequence = this.#sequence++;
        this.#push(next);
      }
      next.fn();
    }
    if (fired) this.onInstantEnd?.(this.#now);
    this.#now = target;
  }

  /** Fire timers already due (including zero-delay deferrals) without moving time. */
  runDue(): void {
    this.advance(0);
  }

  #add(ms: number, period: number | undefined, fn: () => void): TimerHandle {
    const timer: PendingTimer = { id: this.#nextId++, owner: this.#owner, due: this.#now + Math.max(0, ms), period, fn, sequence: this.#sequence++, cancelled: false, done: false };
    this.#live++;
    if (ms <= 0 && period === undefined) this.#soon[this.#soonEnd++] = timer;
    else this.#push(timer);
    return timer;
  }

  /** Drops the zero-delay queue's head (fired or cleared). */
  #skipSoon(): void {
    this.#soon[this.#soonHead] = undefined;
    if (++this.#soonHead < this.#soonEnd) return;
    this.#soonHead = this.#soonEnd = 0;
    // After a burst (start-up), a fresh array: the grown one would stay in the heap for good.
    if (this.#soon.length > SOON_KEPT) this.#soon = emptySoon();
  }

  #compact(): void {
    const alive = this.#heap.slice(0, this.#heapSize).filter((timer) => !timer!.cancelled) as PendingTimer[];
    this.#heap = [];
    this.#heapSize = 0;
    this.#cancelled = 0;
    for (const timer of alive) this.#push(timer);
  }

  #push(timer: PendingTimer): void {
    const heap = this.#heap;
    let index = this.#heapSize++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(timer, heap[parent] as PendingTimer)) break;
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = timer;
  }

  #pop(): void {
    const heap = this.#heap;
    const size = --this.#heapSize;
    const last = heap[size] as PendingTimer;
    heap[size] = undefined;
    if (!size) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && earlier(heap[right] as PendingTimer, heap[left] as PendingTimer) ? right : left;
      if (!earlier(heap[child] as PendingTimer, last)) break;
      heap[index] = heap[child];
      index = child;
    }
    heap[index] = last;
  }
}

/** Made at full size at once: the bench's live heap figures count no queue growing after they start. */
function emptySoon(): (PendingTimer | undefined)[] {
  return new Array<PendingTimer | undefined>(SOON_KEPT).fill(undefined);
}

function earlier(a: PendingTimer, b: PendingTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.sequence < b.sequence);
}
