import fc from 'fast-check';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';

/** `spawn`: when the timer fires, it sets a one-shot child timer `spawn` ms ahead (0 = a deferral, the clock's queue). */
type Op = { kind: 'set'; ms: number; periodic: boolean; spawn?: number } | { kind: 'clear'; pick: number } | { kind: 'advance'; ms: number };

/** The obvious reference: scan every pending timer for the earliest (due, creation order). */
function reference(ops: Op[]): string[] {
  let now = 0;
  let seq = 0;
  const timers: { id: number; due: number; period?: number; seq: number; spawn?: number }[] = [];
  const fired: string[] = [];
  let nextId = 1;
  for (const op of ops) {
    if (op.kind === 'set') timers.push({ id: nextId++, due: now + op.ms, period: op.periodic ? Math.max(1, op.ms) : undefined, seq: seq++, spawn: op.spawn });
    else if (op.kind === 'clear') {
      const index = timers.findIndex((t) => t.id === op.pick);
      if (index >= 0) timers.splice(index, 1);
    } else {
      const target = now + op.ms;
      for (;;) {
        let best: (typeof timers)[number] | undefined;
        for (const t of timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
        if (!best || best.due > target) break;
        now = Math.max(now, best.due);
        fired.push(`${now}:${best.id}`);
        if (best.period === undefined) timers.splice(timers.indexOf(best), 1);
        else {
          best.due += best.period;
          best.seq = seq++;
        }
        if (best.spawn !== undefined) timers.push({ id: nextId++, due: now + best.spawn, seq: seq++ });
      }
      now = target;
    }
  }
  return fired;
}

function run(ops: Op[]): string[] {
  const clock = new VirtualClock();
  const fired: string[] = [];
  const handles = new Map<number, { id: number }>();
  for (const op of ops) {
    if (op.kind === 'set') {
      let handle: { id: number } = { id: 0 };
      const spawn = op.spawn;
      const fn = (): void => {
        fired.push(`${clock.now()}:${handle.id}`);
        if (spawn === undefined) return;
        let child: { id: number } = { id: 0 };
        child = clock.setTimer(spawn, () => void fired.push(`${clock.now()}:${child.id}`));
        handles.set(child.id, child);
      };
      handle = op.periodic ? clock.setInterval(op.ms, fn) : clock.setTimer(op.ms, fn);
      handles.set(handle.id, handle);
    } else if (op.kind === 'clear') clock.clear(handles.get(op.pick));
    else clock.advance(op.ms);
  }
  return fired;
}

describe('VirtualClock (heap-ordered)', () => {
  it('fires timers in (due, creation) order exactly like a linear scan, with clears and intervals', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), ms: fc.integer({ min: 0, max: 50 }), periodic: fc.boolean() }),
      fc.record({ kind: fc.constant('clear' as const), pick: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => expect(run(ops)).toEqual(reference(ops))), { numRuns: 300 });
  });

  it('deferrals set while timers fire (zero-delay queue) keep (due, creation) order with the heap', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), ms: fc.integer({ min: 0, max: 20 }), periodic: fc.boolean(), spawn: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }),
      fc.record({ kind: fc.constant('clear' as const), pick: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => expect(run(ops)).toEqual(reference(ops))), { numRuns: 300 });
  });

  it('a timer re-armed 10 000 times (watchdog pattern) leaves one pending timer, and no cleared one fires', () => {
    const clock = new VirtualClock();
    let watchdog = clock.setTimer(5000, () => undefined);
    for (let i = 0; i < 10_000; i++) {
      clock.clear(watchdog);
      watchdog = clock.setTimer(5000, () => undefined);
      clock.advance(1);
    }
    expect(clock.pendingTimers).toBe(1);
    let fired = 0;
    clock.clear(watchdog);
    clock.setTimer(10, () => fired++);
    clock.advance(6000);
    expect(fired).toBe(1);
  });

  it('clears that compact the heap from inside a firing callback lose no timer and fire none twice', () => {
    const clock = new VirtualClock();
    // Many far-off watchdogs, then a callback that clears them all (compaction mid-advance).
    const watchdogs = Array.from({ length: 200 }, () => clock.setTimer(100_000, () => undefined));
    const fired: string[] = [];
    clock.setInterval(10, () => fired.push(`tick@${clock.now()}`));
    clock.setTimer(5, () => {
      for (const w of watchdogs) clock.clear(w);
      clock.setTimer(0, () => fired.push(`deferred@${clock.now()}`));
    });
    clock.setTimer(7, () => fired.push(`seven@${clock.now()}`));
    clock.advance(30);
    expect(fired).toEqual(['deferred@5', 'seven@7', 'tick@10', 'tick@20', 'tick@30']);
    expect(clock.pendingTimers).toBe(1);
  });
});

describe('VirtualClock heap rebuild', () => {
  it('keeps firing correctly when a callback clears enough timers to rebuild the heap mid-advance', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const far = Array.from({ length: 200 }, () => clock.setTimer(10_000, () => fired.push(-1)));
    clock.setTimer(5, () => {
      for (const timer of far) clock.clear(timer);
    });
    clock.setTimer(6, () => fired.push(6));
    clock.setInterval(7, () => fired.push(clock.now()));
    clock.advance(30);
    expect(fired).toEqual([6, 7, 14, 21, 28]);
    clock.advance(20_000);
    expect(fired).not.toContain(-1);
  });
});
