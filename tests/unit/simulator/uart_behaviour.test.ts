/**
 * UART behaviour of the whole simulator: sleep and wake-up, reboot after reset, events and
 * settings commands, SOC/SOH settings taken in, and the line faults (silence, noise).
 */
import { decodeResponse, encodeRequest, type TinyRequest, type TinyResponse } from '../../../modules/uart_bms';
import { fromHex } from '../../../modules/util/hex';
import { EVENT, REG, SETTING_DEFAULTS } from '../../../hosts/mocks/tinybms';
import { createHarness, type Harness } from './support';

const STATUS_REQUEST = 'AA 18 7F 1A';

function ask(h: Harness, request: TinyRequest): TinyResponse {
  const bytes = h.exchange(encodeRequest(request));
  const decoded = decodeResponse(fromHex(bytes));
  if (!decoded.ok) throw new Error(`undecodable answer "${bytes}": ${decoded.error.message}`);
  return decoded.value;
}

describe('sleep and wake-up (tinybms-uart.md §1.2)', () => {
  it('after the quiet time the first request only wakes the BMS; the same request again is answered', () => {
    const h = createHarness({ mode: 'test', sleepAfterS: 5 });
    expect(h.exchange(STATUS_REQUEST)).toMatch(/^AA 18 /);
    h.clock.advance(6000);
    expect(h.sim.device.asleep).toBe(true);
    expect(h.exchange(STATUS_REQUEST, 200)).toBe('');
    expect(h.sim.device.asleep).toBe(false);
    expect(h.exchange(STATUS_REQUEST)).toMatch(/^AA 18 /);
    expect(h.sim.registers.read(REG.RESET_WAKE_REASON) >> 8).toBe(3); // woken by UART traffic
    expect(h.sim.device.counters.wakeUps).toBe(1);
  });

  it('does not sleep while requests keep coming', () => {
    const h = createHarness({ mode: 'test', sleepAfterS: 5 });
    for (let i = 0; i < 20; i++) {
      expect(h.exchange(STATUS_REQUEST, 1000)).toMatch(/^AA 18 /);
    }
    expect(h.sim.device.counters.wakeUps).toBe(0);
  });

  it('starting asleep swallows the very first request', () => {
    const h = createHarness({ mode: 'test', startAsleep: true });
    expect(h.exchange(STATUS_REQUEST)).toBe('');
    expect(h.exchange(STATUS_REQUEST)).toMatch(/^AA 18 /);
  });
});

describe('control and dedicated commands', () => {
  it('reset: ACK, then deaf while rebooting, then answers again with reset reason "software"', () => {
    const h = createHarness({ mode: 'test' });
    expect(h.exchange('AA 02 05 90 83')).toBe('AA 01 02 D1 B1');
    expect(h.exchange(STATUS_REQUEST, 100)).toBe('');
    h.clock.advance(500);
    expect(h.exchange(STATUS_REQUEST)).toMatch(/^AA 18 /);
    expect(h.sim.registers.read(REG.RESET_WAKE_REASON) & 0xff).toBe(4);
    const events = ask(h, { kind: 'read_all_events' });
    expect(events.kind === 'read_all_events' && events.events.map((e) => e.id).filter((id) => id === EVENT.SYSTEM_STARTED)).toHaveLength(2);
  });

  it('events: 0x12 lists the log oldest first, 0x11 only what is new since the last 0x11, 0x02 01 clears it', () => {
    const h = createHarness({ mode: 'test', sleepAfterS: 0 });
    h.sim.start();
    h.clock.advance(600_000); // one test cycle: the charger comes and goes
    const all = ask(h, { kind: 'read_all_events' });
    if (all.kind !== 'read_all_events') throw new Error(all.kind);
    expect(all.events.map((e) => e.id)).toEqual([EVENT.SYSTEM_STARTED, EVENT.CHARGER_CONNECTED, EVENT.CHARGING_STARTED, EVENT.CHARGER_DISCONNECTED]);
    expect(all.bmsTimeS).toBe(h.sim.registers.readUint32(REG.LIFETIME_S));
    for (let i = 1; i < all.events.length; i++) expect(all.events[i].timestampS).toBeGreaterThanOrEqual(all.events[i - 1].timestampS);
    const first = ask(h, { kind: 'read_newest_events' });
    expect(first.kind === 'read_newest_events' && first.events.length).toBe(4);
    const second = ask(h, { kind: 'read_newest_events' });
    expect(second.kind === 'read_newest_events' && second.events.length).toBe(0);
    // Registers 200+2k carry the same log.
    expect(h.sim.registers.read(203) >> 8).toBe(EVENT.CHARGER_CONNECTED);
    expect(h.exchange('AA 02 01 91 40')).toBe('AA 01 02 D1 B1');
    const cleared = ask(h, { kind: 'read_all_events' });
    expect(cleared.kind === 'read_all_events' && cleared.events).toEqual([]);
  });

  it('0x1D returns current values, factory defaults and RevD bounds from register 300', () => {
    const h = createHarness({ mode: 'test' });
    h.exchange('AA 0D 04 3B 01 68 10 93 3F'); // 315 = 4200
    const current = ask(h, { kind: 'read_settings_values', option: 'current', count: 20 });
    const defaults = ask(h, { kind: 'read_settings_values', option: 'default', count: 20 });
    const min = ask(h, { kind: 'read_settings_values', option: 'min', count: 44 });
    const max = ask(h, { kind: 'read_settings_values', option: 'max', count: 44 });
    if (current.kind !== 'read_settings_values' || defaults.kind !== 'read_settings_values' || min.kind !== 'read_settings_values' || max.kind !== 'read_settings_values') throw new Error('wrong kind');
    expect(current.values[15]).toBe(4200);
    expect(defaults.values[15]).toBe(SETTING_DEFAULTS.get(315));
    expect(current.values[7]).toBe(16); // 307 cell count
    expect([min.values[0], max.values[0]]).toEqual([1200, 4500]); // 300
    expect([min.values[20], max.values[20]]).toEqual([0xffd8, 10]); // 320 INT16 −40..10
    expect([min.values[30], max.values[30]]).toEqual([0x0000, 0x1e02]); // 330 byte pair: type 0..2, timeout 0..30
    expect([min.values[2], max.values[2]]).toEqual([0, 0]); // 302 reserved
  });

  it('writing the SOC setting (328) sets the BMS SOC and the register reads 0xFFFF again', () => {
    const h = createHarness({ mode: 'test' });
    expect(h.exchange(encodeRequest({ kind: 'write_individual_registers', writes: [{ address: 328, value: 25000 }] }))).toBe('AA 01 0D ' + ackCrc(0x0d));
    expect(h.sim.registers.read(328)).toBe(0xffff);
    expect(h.sim.registers.readUint32(REG.SOC_U32)).toBe(50_000_000); // 50 %
  });

  it('0x1F and 0x20 answer from the version and live registers', () => {
    const h = createHarness({ mode: 'test' });
    const version = ask(h, { kind: 'read_extended_version' });
    expect(version).toEqual({ kind: 'read_extended_version', hardware: 2, hardwareChanges: 1, firmwarePublic: 1, firmwareInternal: 242, bootloader: 0x18, registerMap: 0x04 });
    const sdt = ask(h, { kind: 'read_speed_distance_time' });
    expect(sdt).toEqual({ kind: 'read_speed_distance_time', speedKmh: 0, distanceKm: 0, timeLeftS: h.sim.registers.readUint32(REG.TIME_LEFT_S) });
    expect(sdt.kind === 'read_speed_distance_time' && sdt.timeLeftS).toBeGreaterThan(0);
  });
});

describe('line faults', () => {
  it('BMS silence: no answers while it lasts, answers again after its duration', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.start();
    expect(h.sim.injectFault({ kind: 'bms_silence', durationS: 3 }).ok).toBe(true);
    expect(h.exchange(STATUS_REQUEST, 1000)).toBe('');
    expect(h.exchange(STATUS_REQUEST, 1000)).toBe('');
    h.clock.advance(1500);
    expect(h.exchange(STATUS_REQUEST)).toMatch(/^AA 18 /);
    expect(h.sim.device.counters.ignored).toBe(2);
    expect(h.sim.activeFaults()).toEqual([]);
  });

  it('UART noise at rate 1 corrupts every reply; the gateway sees CRC failures, not wrong values', () => {
    const h = createHarness({ mode: 'test' });
    h.sim.injectFault({ kind: 'uart_noise', rate: 1 });
    let undecodable = 0;
    for (let i = 0; i < 30; i++) {
      const reply = h.exchange('AA 03 00 24 00 02 9D DB');
      if (!decodeResponse(fromHex(reply)).ok) undecodable++;
    }
    expect(h.sim.device.counters.corruptedReplies).toBe(30);
    expect(undecodable).toBeGreaterThanOrEqual(25); // stray bytes before an intact frame still leave it decodable by a framer
  });

  it('UART noise at rate 0.3 corrupts some replies and leaves the others intact; clearing it stops it', () => {
    const h = createHarness({ mode: 'test', seed: 11 });
    h.sim.injectFault({ kind: 'uart_noise', rate: 0.3 });
    const clean = h.exchange(STATUS_REQUEST);
    expect(clean).toBe('AA 18 97 00 CF CB');
    let corrupted = 0;
    for (let i = 0; i < 200; i++) if (h.exchange(STATUS_REQUEST) !== clean) corrupted++;
    expect(corrupted).toBe(h.sim.device.counters.corruptedReplies);
    expect(corrupted).toBeGreaterThan(30);
    expect(corrupted).toBeLessThan(100);
    expect(h.sim.clearFaults()).toBe(1);
    const before = h.sim.device.counters.corruptedReplies;
    for (let i = 0; i < 20; i++) expect(h.exchange(STATUS_REQUEST)).toBe(clean);
    expect(h.sim.device.counters.corruptedReplies).toBe(before);
  });
});

function ackCrc(command: number): string {
  let crc = 0xffff;
  for (const byte of [0xaa, 0x01, command]) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
  return `${hex(crc & 0xff)} ${hex(crc >>> 8)}`;
}
