/** Deadline: a moving watchdog that fires exactly at its latest deadline with one host timer (issue 13). */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { Deadline } from '../../../modules/util/deadline';

describe('Deadline', () => {
  function setup() {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const deadline = new Deadline(clock, () => fired.push(clock.now()));
    return { clock, fired, deadline };
  }

  it('fires at the deadline last set, however often it moved, with a single timer pending', () => {
    const { clock, fired, deadline } = setup();
    let setTimers = 0;
    const setTimer = clock.setTimer.bind(clock);
    clock.setTimer = (ms, fn) => (setTimers++, setTimer(ms, fn));
    for (let t = 0; t < 5000; t += 100) {
      deadline.set(t + 1000);
      expect(clock.pendingTimers).toBe(1);
      clock.advance(100);
    }
    expect(fired).toEqual([]);
    // 50 moves cost one timer per second elapsed, not one per move.
    expect(setTimers).toBeLessThanOrEqual(6);
    clock.advance(2000);
    expect(fired).toEqual([5900]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('moving the deadline earlier re-arms at once', () => {
    const { clock, fired, deadline } = setup();
    deadline.set(5000);
    deadline.set(300);
    clock.advance(400);
    expect(fired).toEqual([300]);
    clock.advance(10_000);
    expect(fired).toEqual([300]);
  });

  it('cancel stops it; set after firing arms it again', () => {
    const { clock, fired, deadline } = setup();
    deadline.set(100);
    deadline.cancel();
    clock.advance(1000);
    expect(fired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    deadline.set(1500);
    clock.advance(1000);
    expect(fired).toEqual([1500]);
  });
});
