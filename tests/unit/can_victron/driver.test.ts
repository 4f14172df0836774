/**
 * The CAN driver over the virtual CAN bus (the hardware stand-in) on a virtual clock: frames reach
 * the wire spaced and counted, the TX queue of 10 refuses the 11th, old frames never go out late,
 * bus-off is detected and recovered with backoff, and the GX's 0x305 marks the inverter present.
 */
import { CanVictronDriver } from '../../../modules/can_victron/driver';
import { CanFrameError } from '../../../modules/can_victron/frame';
import { encodeIdentify } from '../../../modules/can_victron/inverter_frames';
import { makeTestBed } from './test_context';

function setup(options: ConstructorParameters<typeof CanVictronDriver>[1] = {}) {
  const bed = makeTestBed();
  const driver = new CanVictronDriver(bed.ctx, options);
  const txOk = bed.record('can.tx_ok');
  const txFailed = bed.record('can.tx_failed');
  const frames = bed.record('can.frame');
  driver.start();
  return { ...bed, driver, txOk, txFailed, frames };
}

const frame = (id: number, ...bytes: number[]) => ({ id, data: new Uint8Array(bytes) });

describe('CAN driver: transmit', () => {
  it('puts frames on the wire in order, a few ms apart, and reports each as sent', () => {
    const t = setup();
    for (const id of [0x351, 0x35a, 0x355]) expect(t.driver.transmit(frame(id, id & 0xff, 1))).toBe('queued');
    t.clock.advance(50);
    const sent = t.can.sent;
    expect(sent.map((f) => f.id)).toEqual([0x351, 0x35a, 0x355]);
    expect([...sent[0].data]).toEqual([0x51, 1]);
    expect(sent[1].timestamp_ms - sent[0].timestamp_ms).toBeGreaterThanOrEqual(2);
    expect(t.txOk.map((e) => e.payload.id)).toEqual([0x351, 0x35a, 0x355]);
    expect(t.frames.filter((e) => e.payload.direction === 'tx').map((e) => e.payload.frame.id)).toEqual([0x351, 0x35a, 0x355]);
    expect(t.driver.status()).toMatchObject({ state: 'running', tx_ok: 3, tx_failed: 0, tx_queue_depth: 0 });
  });

  it('paces a burst with one timer for the whole group, every frame 2 ms after the previous one', () => {
    const bed = makeTestBed();
    const driver = new CanVictronDriver(bed.ctx);
    driver.start();
    bed.clock.advance(10);
    const idle = bed.clock.pendingTimers;
    // Timers asked for at the driver's 2 ms spacing (the virtual bus's wire timers use 1 ms).
    const setTimer = jest.spyOn(bed.clock, 'setTimer');
    const setInterval = jest.spyOn(bed.clock, 'setInterval');
    const pacingTimers = () => [...setTimer.mock.calls, ...setInterval.mock.calls].filter(([ms]) => ms === 2).length;
    const ids = [0x351, 0x35a, 0x355, 0x356, 0x372, 0x373];
    for (const id of ids) driver.transmit(frame(id, 1));
    bed.clock.advance(50);
    // One pump timer for the six frames, none per frame.
    expect(pacingTimers()).toBe(1);
    const sent = bed.can.sent;
    expect(sent.map((f) => f.id)).toEqual(ids);
    for (let i = 1; i < sent.length; i++) expect(sent[i].timestamp_ms - sent[i - 1].timestamp_ms).toBe(2);
    // The queue is empty: the pump timer is gone until the next burst.
    expect(bed.clock.pendingTimers).toBe(idle);
    driver.transmit(frame(0x351, 2));
    bed.clock.advance(10);
    expect(bed.can.sent.at(-1)).toMatchObject({ id: 0x351 });
    expect(driver.status()).toMatchObject({ tx_ok: 7, tx_queue_depth: 0 });
  });

  it('publishes can.tx_ok only while someone listens, and counts every sent frame either way', () => {
    const bed = makeTestBed();
    const driver = new CanVictronDriver(bed.ctx);
    driver.start();
    const published = () => bed.ctx.bus.metrics().published;
    const before = published();
    driver.transmit(frame(0x351, 1));
    bed.clock.advance(10);
    expect(published()).toBe(before);
    const txOk = bed.record('can.tx_ok');
    driver.transmit(frame(0x35a, 1));
    bed.clock.advance(10);
    expect(txOk.map((e) => e.payload.id)).toEqual([0x35a]);
    expect(driver.status().tx_ok).toBe(2);
  });

  it('keeps a copy: changing the caller’s buffer afterwards changes nothing on the wire', () => {
    const t = setup();
    const data = new Uint8Array([1, 2, 3]);
    t.driver.transmit({ id: 0x351, data });
    data[0] = 99;
    t.clock.advance(10);
    expect([...t.can.sent[0].data]).toEqual([1, 2, 3]);
  });

  it('sends only the newest of two frames queued for the same id', () => {
    const t = setup();
    t.driver.transmit(frame(0x351, 1));
    t.driver.transmit(frame(0x351, 2));
    t.clock.advance(10);
    expect(t.can.sent.map((f) => [...f.data])).toEqual([[2]]);
    expect(t.driver.status().tx_replaced).toBe(1);
  });

  it('refuses a frame with an 11-bit overflow or 9 bytes as a programming error', () => {
    const t = setup();
    expect(() => t.driver.transmit(frame(0x800))).toThrow(CanFrameError);
    expect(() => t.driver.transmit({ id: 0x351, data: new Uint8Array(9) })).toThrow(CanFrameError);
  });
});

describe('CAN driver: TX queue of 10', () => {
  it('refuses the 11th pending frame with queue_full, and recovers when the wire moves again', () => {
    const t = setup();
    t.can.pauseWire(true);
    // 10 fill the port's own queue (the wire does not move), then 10 the driver's.
    for (let i = 0; i < 10; i++) t.driver.transmit(frame(0x100 + i, i));
    t.clock.advance(100);
    for (let i = 10; i < 20; i++) expect(t.driver.transmit(frame(0x100 + i, i))).toBe('queued');
    t.clock.advance(100);
    expect(t.can.queueLength).toBe(10);
    expect(t.driver.status().tx_queue_depth).toBe(10);
    expect(t.driver.transmit(frame(0x200))).toBe('queue_full');
    t.clock.runDue();
    expect(t.txFailed.map((e) => e.payload)).toEqual([{ id: 0x200, reason: 'queue_full' }]);
    expect(t.driver.status().tx_dropped_queue_full).toBe(1);

    t.can.pauseWire(false);
    t.clock.advance(100);
    expect(t.can.sent).toHaveLength(20);
    expect(t.driver.transmit(frame(0x201))).toBe('queued');
    t.clock.advance(10);
    expect(t.can.sent.at(-1)?.id).toBe(0x201);
  });

  it('drops a frame that waited over a second instead of sending an old value late', () => {
    const t = setup();
    t.can.pauseWire(true);
    for (let i = 0; i < 10; i++) t.driver.transmit(frame(0x100 + i));
    t.clock.advance(100);
    t.driver.transmit(frame(0x351, 0x28, 0x02));
    t.clock.advance(1500);
    t.can.pauseWire(false);
    t.clock.advance(100);
    expect(t.can.sent.map((f) => f.id)).not.toContain(0x351);
    expect(t.driver.status().tx_expired).toBe(1);
    expect(t.txFailed.map((e) => e.payload)).toEqual([{ id: 0x351, reason: 'queue_full' }]);
  });
});

describe('CAN driver: bus-off', () => {
  it('detects bus-off, drops what was pending, refuses frames, then recovers by itself', () => {
    const t = setup();
    t.can.pauseWire(true);
    for (let i = 0; i < 10; i++) t.driver.transmit(frame(0x100 + i));
    t.clock.advance(50);
    for (let i = 10; i < 13; i++) t.driver.transmit(frame(0x100 + i));
    t.clock.advance(10);
    expect(t.driver.status().tx_queue_depth).toBe(3);
    t.can.simulateBusOff();
    t.clock.advance(100); // the monitor runs every 100 ms
    expect(t.driver.state).toBe('bus_off');
    expect(t.driver.status()).toMatchObject({ bus_off_count: 1, tx_queue_depth: 0, tx_dropped_bus_off: 3 });
    expect(t.driver.transmit(frame(0x351))).toBe('bus_off');
    t.clock.runDue();
    expect(t.txFailed.map((e) => e.payload.reason)).toEqual(['bus_off', 'bus_off', 'bus_off', 'bus_off']);

    t.can.pauseWire(false);
    t.clock.advance(250); // 100 ms delay, port recovery, next monitor pass
    expect(t.driver.state).toBe('running');
    expect(t.driver.status().recoveries).toBe(1);
    expect(t.driver.transmit(frame(0x351, 7))).toBe('queued');
    t.clock.advance(10);
    expect(t.can.sent.map((f) => f.id)).toEqual([0x351]);
  });

  it('notices bus-off on a send even between monitor passes', () => {
    const t = setup({ monitorIntervalMs: 10000 });
    t.can.simulateBusOff();
    t.driver.transmit(frame(0x351));
    t.clock.advance(5);
    expect(t.driver.state).toBe('bus_off');
  });

  it('backs off: a second bus-off within a minute waits twice as long before recovering', () => {
    const t = setup({ monitorIntervalMs: 10 });
    t.can.simulateBusOff();
    t.clock.advance(200);
    expect(t.driver.state).toBe('running');
    t.can.simulateBusOff();
    t.clock.advance(150);
    expect(t.driver.state).toBe('bus_off');
    t.clock.advance(100);
    expect(t.driver.state).toBe('running');
    expect(t.driver.status()).toMatchObject({ bus_off_count: 2, recoveries: 2 });
  });
});

describe('CAN driver: receive', () => {
  it('marks the inverter present on 0x305 and absent 10 s after the last one', () => {
    const t = setup();
    expect(t.driver.inverterPresent()).toBe(false);
    t.can.injectKeepAlive();
    t.clock.runDue();
    expect(t.driver.status()).toMatchObject({ inverter_present: true, inverter_keepalives: 1, inverter_last_seen_ms_ago: 0 });
    t.clock.advance(10000);
    expect(t.driver.inverterPresent()).toBe(true);
    t.clock.advance(1);
    expect(t.driver.inverterPresent()).toBe(false);
  });

  it('accepts a keep-alive with data in it (Venus ≥ 3.00) and publishes every received frame', () => {
    const t = setup();
    t.can.injectKeepAlive(new Uint8Array([0x10, 0x14, 0, 0, 0, 0, 0, 0]));
    t.can.inject({ id: 0x307, data: encodeIdentify('VIC') });
    t.clock.runDue();
    expect(t.driver.status()).toMatchObject({ inverter_present: true, inverter_signature: 'VIC', rx_frames: 2 });
    expect(t.frames.filter((e) => e.payload.direction === 'rx').map((e) => e.payload.frame.id)).toEqual([0x305, 0x307]);
  });

  it('ignores traffic and refuses frames once stopped', () => {
    const t = setup();
    t.driver.stop();
    t.can.injectKeepAlive();
    t.clock.runDue();
    expect(t.driver.inverterPresent()).toBe(false);
    expect(t.driver.transmit(frame(0x351))).toBe('stopped');
    t.clock.runDue();
    expect(t.txFailed.map((e) => e.payload)).toEqual([{ id: 0x351, reason: 'stopped' }]);
    expect(t.driver.metrics()).toMatchObject({ state: 'stopped', tx_dropped_stopped: 1 });
  });
});
