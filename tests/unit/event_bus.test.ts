import { VirtualClock } from '../../hosts/mocks/virtual_clock';
import { EventBus, SubscriberLimitError } from '../../modules/event_bus/event_bus';

interface TestEvents {
  tick: number;
  other: string;
}

function makeBus(onSubscriberError?: (event: string, error: unknown) => void) {
  const clock = new VirtualClock();
  const bus = new EventBus<TestEvents>({ defer: (fn) => clock.setTimer(0, fn), onSubscriberError });
  return { clock, bus };
}

describe('event_bus', () => {
  it('delivers in FIFO order, after publish returns', () => {
    const { clock, bus } = makeBus();
    const seen: number[] = [];
    bus.subscribe('tick', (n) => seen.push(n));
    expect(bus.publish('tick', 1)).toBe(true);
    expect(bus.publish('tick', 2)).toBe(true);
    expect(seen).toEqual([]);
    clock.runDue();
    expect(seen).toEqual([1, 2]);
    expect(bus.metrics().delivered).toBe(2);
  });

  it('refuses the 33rd queued event and counts the drop', () => {
    const { clock, bus } = makeBus();
    const seen: number[] = [];
    bus.subscribe('tick', (n) => seen.push(n));
    for (let i = 0; i < 32; i++) expect(bus.publish('tick', i)).toBe(true);
    expect(bus.publish('tick', 32)).toBe(false);
    expect(bus.metrics()).toMatchObject({ queueDepth: 32, dropped: 1, queueHighWater: 32 });
    clock.runDue();
    expect(seen).toHaveLength(32);
    expect(seen[31]).toBe(31);
    expect(bus.publish('tick', 99)).toBe(true);
  });

  it('fails clearly on the 33rd subscriber of one event but not of another', () => {
    const { bus } = makeBus();
    for (let i = 0; i < 32; i++) bus.subscribe('tick', () => undefined);
    expect(() => bus.subscribe('tick', () => undefined)).toThrow(SubscriberLimitError);
    expect(() => bus.subscribe('tick', () => undefined)).toThrow(/limit 32/);
    expect(() => bus.subscribe('other', () => undefined)).not.toThrow();
  });

  it('isolates a throwing subscriber: the others still run and the error is counted', () => {
    const errors: string[] = [];
    const { clock, bus } = makeBus((event) => errors.push(event));
    const seen: string[] = [];
    bus.subscribe('other', (s) => seen.push(`a:${s}`));
    bus.subscribe('other', () => {
      throw new Error('boom');
    });
    bus.subscribe('other', (s) => seen.push(`c:${s}`));
    bus.publish('other', 'x');
    clock.runDue();
    expect(seen).toEqual(['a:x', 'c:x']);
    expect(errors).toEqual(['other']);
    expect(bus.metrics().subscriberErrors).toBe(1);
  });

  it('unsubscribes', () => {
    const { clock, bus } = makeBus();
    const seen: number[] = [];
    const off = bus.subscribe('tick', (n) => seen.push(n));
    off();
    bus.publish('tick', 1);
    clock.runDue();
    expect(seen).toEqual([]);
    expect(bus.subscriberCount('tick')).toBe(0);
  });

  it('delivers events published by a subscriber after the current one, in order', () => {
    const { clock, bus } = makeBus();
    const seen: string[] = [];
    bus.subscribe('tick', (n) => {
      seen.push(`tick${n}`);
      if (n === 1) bus.publish('other', 'from-sub');
    });
    bus.subscribe('other', (s) => seen.push(s));
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    clock.runDue();
    expect(seen).toEqual(['tick1', 'tick2', 'from-sub']);
  });

  it('keeps FIFO order across many drains as the queue ring wraps, and frees room as it delivers', () => {
    const clock = new VirtualClock();
    const bus = new EventBus<TestEvents>({ defer: (fn) => clock.setTimer(0, fn), queueCapacity: 3 });
    const seen: number[] = [];
    bus.subscribe('tick', (n) => seen.push(n));
    let next = 0;
    for (let round = 0; round < 5; round++) {
      expect([bus.publish('tick', next++), bus.publish('tick', next++), bus.publish('tick', next++)]).toEqual([true, true, true]);
      expect(bus.publish('tick', -1)).toBe(false);
      expect(bus.metrics().queueDepth).toBe(3);
      clock.runDue();
      expect(bus.metrics().queueDepth).toBe(0);
    }
    expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(bus.metrics()).toMatchObject({ published: 15, delivered: 15, dropped: 5, queueHighWater: 3 });
  });

  it('a subscriber added or removed while an event is delivered takes effect from the next event', () => {
    const { clock, bus } = makeBus();
    const seen: string[] = [];
    let unsubscribeB: () => void = () => undefined;
    bus.subscribe('tick', (n) => {
      seen.push(`a${n}`);
      if (n === 1) {
        unsubscribeB();
        bus.subscribe('tick', (m) => seen.push(`c${m}`));
      }
    });
    unsubscribeB = bus.subscribe('tick', (n) => seen.push(`b${n}`));
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    clock.runDue();
    expect(seen).toEqual(['a1', 'b1', 'a2', 'c2']);
  });
});
