import type { CanFrame } from '../../../hosts/ports/can';
import { VirtualCanBus, INVERTER_KEEPALIVE_ID } from '../../../hosts/mocks/can_bus';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';

const frame = (id: number, ...bytes: number[]): CanFrame => ({ id, data: Uint8Array.from(bytes) });

function setup() {
  const clock = new VirtualClock();
  const bus = new VirtualCanBus({ clock, frameIntervalMs: 1, recoveryMs: 3 });
  return { clock, bus };
}

describe('VirtualCanBus', () => {
  it('accepts 10 frames, refuses the 11th with queue_full, and takes more once frames leave', () => {
    const { clock, bus } = setup();
    for (let i = 0; i < 10; i++) expect(bus.send(frame(0x351, i))).toBe('accepted');
    expect(bus.send(frame(0x355))).toBe('queue_full');
    expect(bus.queueLength).toBe(10);
    clock.advance(1);
    expect(bus.sent).toHaveLength(1);
    expect(bus.send(frame(0x355))).toBe('accepted');
    clock.advance(20);
    expect(bus.sent.map((f) => f.data[0] ?? 'x')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 'x']);
    expect(bus.sent.map((f) => f.timestamp_ms)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(bus.transmittedTotal).toBe(11);
  });

  it('keeps order and depth when the queue never empties for a long run (frames sent as fast as they leave)', () => {
    const { clock, bus } = setup();
    for (let i = 0; i < 5; i++) bus.send(frame(0x351, i));
    // One frame in per frame out, 100 times: the queue holds 5 throughout and is never empty.
    for (let i = 5; i < 105; i++) {
      clock.advance(1);
      expect(bus.send(frame(0x351, i))).toBe('accepted');
      expect(bus.queueLength).toBe(5);
    }
    clock.advance(10);
    expect(bus.transmittedTotal).toBe(105);
    expect(bus.sent.map((f) => f.data[0])).toEqual(Array.from({ length: 105 }, (_, i) => i));
  });

  it('records a copy of each frame, so later changes by the sender do not show', () => {
    const { clock, bus } = setup();
    const data = Uint8Array.of(1, 2);
    bus.send({ id: 0x356, data });
    data[0] = 99;
    clock.advance(1);
    expect(Array.from(bus.takeSent()[0].data)).toEqual([1, 2]);
    expect(bus.sent).toEqual([]);
  });

  it('fills up when nobody acknowledges (wire paused) and drains when the bus comes back', () => {
    const { clock, bus } = setup();
    bus.pauseWire(true);
    for (let i = 0; i < 10; i++) bus.send(frame(0x351, i));
    clock.advance(100);
    expect(bus.send(frame(0x351))).toBe('queue_full');
    expect(bus.sent).toHaveLength(0);
    bus.pauseWire(false);
    clock.advance(10);
    expect(bus.sent).toHaveLength(10);
  });

  it('goes error-passive at 128 and bus-off at 256 transmit errors, dropping queued frames', () => {
    const { clock, bus } = setup();
    bus.pauseWire(true);
    bus.send(frame(0x351));
    bus.simulateBusErrors(16);
    expect(bus.status()).toEqual({ state: 'error_passive', txErrorCounter: 128, rxErrorCounter: 0, busErrorCount: 16 });
    expect(bus.send(frame(0x351))).toBe('accepted');
    bus.simulateBusOff();
    expect(bus.status().state).toBe('bus_off');
    expect(bus.status().txErrorCounter).toBe(256);
    expect(bus.busOffCount).toBe(1);
    expect(bus.queueLength).toBe(0);
    expect(bus.send(frame(0x351))).toBe('bus_off');
    bus.pauseWire(false);
    clock.advance(100);
    expect(bus.sent).toHaveLength(0);
  });

  it('recovers from bus-off through "recovering" on the clock, then sends again', () => {
    const { clock, bus } = setup();
    bus.simulateBusOff();
    clock.advance(1000);
    expect(bus.status().state).toBe('bus_off');
    bus.recover();
    expect(bus.status().state).toBe('recovering');
    expect(bus.send(frame(0x351))).toBe('bus_off');
    clock.advance(2);
    expect(bus.status().state).toBe('recovering');
    clock.advance(1);
    expect(bus.status()).toMatchObject({ state: 'running', txErrorCounter: 0 });
    expect(bus.send(frame(0x351, 7))).toBe('accepted');
    clock.advance(1);
    expect(bus.sent.map((f) => f.id)).toEqual([0x351]);
  });

  it('delivers injected frames (the GX keep-alive) later, never inside the inject call', () => {
    const { clock, bus } = setup();
    const received: CanFrame[] = [];
    bus.onReceive((f) => received.push(f));
    bus.injectKeepAlive();
    expect(received).toEqual([]);
    clock.runDue();
    expect(received).toEqual([{ id: INVERTER_KEEPALIVE_ID, data: new Uint8Array(8) }]);
  });

  it('hears nothing while bus-off', () => {
    const { clock, bus } = setup();
    const received: CanFrame[] = [];
    bus.onReceive((f) => received.push(f));
    bus.simulateBusOff();
    bus.injectKeepAlive();
    clock.runDue();
    expect(received).toEqual([]);
  });

  it('keeps only the newest frames when the record limit is reached', () => {
    const clock = new VirtualClock();
    const bus = new VirtualCanBus({ clock, recordLimit: 3 });
    for (let i = 0; i < 5; i++) {
      bus.send(frame(0x351, i));
      clock.advance(1);
    }
    expect(bus.sent.map((f) => f.data[0])).toEqual([2, 3, 4]);
    expect(bus.transmittedTotal).toBe(5);
  });

  it('records in a fixed ring: any number of frames, always the newest in order; takeSent empties it', () => {
    const clock = new VirtualClock();
    const bus = new VirtualCanBus({ clock, recordLimit: 4 });
    for (let i = 0; i < 1003; i++) {
      bus.send(frame(0x351, i & 0xff));
      clock.advance(1);
    }
    expect(bus.sent.map((f) => f.data[0])).toEqual([999 & 0xff, 1000 & 0xff, 1001 & 0xff, 1002 & 0xff]);
    expect(bus.sent.map((f) => f.timestamp_ms)).toEqual([1000, 1001, 1002, 1003]);
    expect(bus.takeSent()).toHaveLength(4);
    expect(bus.sent).toEqual([]);
    bus.send(frame(0x356, 7));
    clock.advance(1);
    expect(bus.sent.map((f) => [f.id, f.data[0]])).toEqual([[0x356, 7]]);
    expect(() => new VirtualCanBus({ clock, recordLimit: 0 })).toThrow(RangeError);
  });
});
