/**
 * The simulated BMS event log is a fixed ring of 49 slots (registers 200–297): past 49 events
 * the oldest go, the registers hold the slots in write order, and "newest" (0x11) never returns
 * more than the ring holds. Its storage is made once (no object per event), which the XS test
 * of the gateway's retained heap relies on (tests/xs/retained_heap.test.ts).
 */
import { EVENT_SLOTS, EventLog } from '../../../hosts/mocks/tinybms/event_log';
import { RegisterFile } from '../../../hosts/mocks/tinybms/register_file';
import { REG } from '../../../hosts/mocks/tinybms/register_map';

describe('simulated BMS event log', () => {
  it('keeps the newest 49 events, oldest first, once the ring has wrapped', () => {
    const log = new EventLog();
    for (let i = 0; i < 60; i++) log.log(i % 7 + 1, 1000 + i + 0.5);
    expect(log.count).toBe(EVENT_SLOTS);
    const all = log.all();
    expect(all).toHaveLength(EVENT_SLOTS);
    expect(all[0]).toEqual({ timestampS: 1000 + 11, id: (11 % 7) + 1 });
    expect(all[EVENT_SLOTS - 1]).toEqual({ timestampS: 1000 + 59, id: (59 % 7) + 1 });
  });

  it('newest (0x11) returns what came since the last call, at most the ring', () => {
    const log = new EventLog();
    log.log(3, 10);
    log.log(4, 11);
    expect(log.takeNewest()).toEqual([{ timestampS: 10, id: 3 }, { timestampS: 11, id: 4 }]);
    expect(log.takeNewest()).toEqual([]);
    for (let i = 0; i < 100; i++) log.log(5, 20 + i);
    const newest = log.takeNewest();
    expect(newest).toHaveLength(EVENT_SLOTS);
    expect(newest[0].timestampS).toBe(20 + 100 - EVENT_SLOTS);
    expect(newest[EVENT_SLOTS - 1].timestampS).toBe(119);
  });

  it('writes the slots in write order, unused ones as zero, with 24-bit stamps', () => {
    const log = new EventLog();
    const registers = new RegisterFile();
    log.log(0x12, 0x1234567);
    log.writeTo(registers);
    expect(registers.read(REG.EVENTS_FIRST)).toBe(0x4567);
    expect(registers.read(REG.EVENTS_FIRST + 1)).toBe((0x12 << 8) | 0x23);
    expect(registers.read(REG.EVENTS_FIRST + 2)).toBe(0);
    expect(registers.read(REG.EVENTS_FIRST + 3)).toBe(0);
    for (let i = 0; i < EVENT_SLOTS; i++) log.log(0x20, 500 + i);
    log.writeTo(registers);
    // 50 events in 49 slots: slot 0 holds the 50th (the newest), slot 1 the oldest survivor.
    expect(registers.read(REG.EVENTS_FIRST)).toBe(500 + EVENT_SLOTS - 1);
    expect(registers.read(REG.EVENTS_FIRST + 2)).toBe(500);
    log.clear();
    expect(log.all()).toEqual([]);
    expect(log.takeNewest()).toEqual([]);
  });
});
