/** The fault analysis's window of BMS events: newest `capacity` kept across reads, oldest first. */
import { EventWindow } from '../../../modules/can_publisher/event_window';

const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => ({ timestampS: 100 + from + k, id: (from + k) % 200 }));

describe('EventWindow', () => {
  it('appends "newest" reads after what it holds and lets the oldest go past its capacity', () => {
    const window = new EventWindow(5);
    window.append(events(1, 3));
    window.append(events(4, 6));
    expect(window.list()).toEqual(events(2, 6));
    window.append(events(7, 20));
    expect(window.list()).toEqual(events(16, 20));
  });

  it('a whole-log read replaces what it held', () => {
    const window = new EventWindow(4);
    window.append(events(1, 4));
    window.replace(events(10, 11));
    expect(window.list()).toEqual(events(10, 11));
    window.replace([]);
    expect(window.list()).toEqual([]);
  });
});
