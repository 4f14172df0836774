/** The "does the GX see the battery?" verdict from keep-alive, CAN state, limits and frame ages. */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createGatewayBus } from '../../../modules/event_bus/events';
import { GxView } from '../../../modules/web_server/gx_view';
import { gxProblemText } from '../../../web/src/components/gx_text';

const limits = { charge_voltage_limit_v: 55.2, charge_current_limit_a: 50, discharge_current_limit_a: 100, discharge_voltage_limit_v: 48, charge_allowed: true, discharge_allowed: true, reasons: ['bulk'] };

function setup() {
  const clock = new VirtualClock();
  const bus = createGatewayBus({ defer: (fn) => void clock.setTimer(0, fn) });
  const gx = new GxView(clock);
  gx.start(bus);
  gx.report(undefined, undefined); // starts watching the bus, as the UI's first poll does
  clock.advance(5_000);
  clock.runDue();
  const send = (id: number, direction: 'tx' | 'rx' = 'tx') => bus.publish('can.frame', { direction, frame: { id, data: new Uint8Array(8) }, timestamp_ms: clock.now() });
  return { clock, gx, send };
}

describe('GxView', () => {
  it('says yes when the keep-alive arrives and every needed frame went out recently', () => {
    const { clock, gx, send } = setup();
    for (const id of [0x351, 0x355, 0x356, 0x35a]) send(id);
    send(0x305, 'rx');
    clock.advance(1000);
    const report = gx.report({ state: 'running', inverter_present: true, inverter_last_seen_ms_ago: 800, inverter_signature: 'VIC' }, limits);
    expect(report).toMatchObject({ verdict: 'yes', problems: [], keepalive_seen: true, keepalive_age_s: 0.8, inverter_signature: 'VIC' });
    expect(report.frames.map((f) => `${f.direction} ${f.id} ${f.age_s}`)).toEqual(['rx 0x305 1', 'tx 0x351 1', 'tx 0x355 1', 'tx 0x356 1', 'tx 0x35A 1']);
  });

  it('watches CAN frames only while asked: no bus subscription a minute after the last question', () => {
    const clock = new VirtualClock();
    const bus = createGatewayBus({ defer: (fn) => void clock.setTimer(0, fn) });
    const gx = new GxView(clock);
    gx.start(bus);
    expect(bus.subscriberCount('can.frame')).toBe(0);
    gx.report(undefined, undefined);
    expect(bus.subscriberCount('can.frame')).toBe(1);
    clock.advance(60_000);
    expect(bus.subscriberCount('can.frame')).toBe(0);
  });

  it('says no, and why, without a keep-alive; names stale frames and refused charging', () => {
    const { clock, gx, send } = setup();
    send(0x351);
    clock.advance(10_000);
    const report = gx.report({ state: 'running', inverter_present: false, inverter_last_seen_ms_ago: -1 }, { ...limits, charge_allowed: false });
    expect(report.verdict).toBe('no');
    expect(report.problems).toEqual([
      { code: 'no_keepalive_ever' },
      { code: 'frame_late', id: '0x351', age_s: 10 },
      { code: 'frame_not_sent', id: '0x355' },
      { code: 'frame_not_sent', id: '0x356' },
      { code: 'frame_not_sent', id: '0x35A' },
      { code: 'charge_blocked' },
    ]);
    // The web UI words them.
    const words = report.problems.map(gxProblemText).join('\n');
    expect(words).toMatch(/No keep-alive \(0x305\)/);
    expect(words).toMatch(/0x351 was last sent 10 s ago/);
    expect(words).toMatch(/0x355 has not been sent/);
    expect(words).toMatch(/Charging is not allowed/);
  });

  it('says no when the CAN driver is bus-off even with an old keep-alive', () => {
    const { gx } = setup();
    const report = gx.report({ state: 'bus_off', inverter_present: false, inverter_last_seen_ms_ago: 30_000 }, undefined);
    expect(report).toMatchObject({ verdict: 'no', can_state: 'bus_off' });
    expect(report.problems.slice(0, 2)).toEqual([{ code: 'can_not_running', state: 'bus_off' }, { code: 'keepalive_stopped', age_s: 30 }]);
    expect(gxProblemText(report.problems[0])).toBe('The CAN driver is bus off, not running.');
  });
});
