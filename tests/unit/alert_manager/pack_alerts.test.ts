/**
 * Several packs: each pack has its own comm-lost alert, BMS_COMM_LOST_P<pack>, raised when that
 * pack is silent for comm_lost_after_ms while the bank (the other packs) still answers.
 */
import { alertLevel, isAlertCode, packAlertCode, splitPackCode } from '../../../modules/alert_manager';
import { eventsNamed, liveData, type TestContext } from './support/context';
import { codesOf, started } from './support/started';

/** One second of a two-pack bank: the bank answers, pack 1 answers, pack 2 answers when `pack2` is true. */
function second(t: TestContext, pack2: boolean): void {
  const now = t.clock.now();
  t.emit('bms.pack', { pack: 1, data: liveData(now) });
  t.emit('bms.pack', { pack: 2, data: liveData(now, { data_valid: pack2 }) });
  t.emit('bms.data', liveData(now));
  t.clock.advance(1_000);
}

describe('per-pack alert codes', () => {
  it('spell the bank code plus _P<pack>, with the bank code severity', () => {
    expect(packAlertCode('BMS_COMM_LOST', 2)).toBe('BMS_COMM_LOST_P2');
    expect(splitPackCode('BMS_COMM_LOST_P12')).toEqual({ base: 'BMS_COMM_LOST', pack: 12 });
    expect(alertLevel('BMS_COMM_LOST_P1')).toBe('error');
    expect(isAlertCode('BMS_COMM_LOST_P2')).toBe(true);
    for (const bad of ['BMS_COMM_LOST_P0', 'BMS_COMM_LOST_P02', 'BMS_COMM_LOST_P100', 'OVER_VOLTAGE_P1', 'BMS_COMM_LOST_Px']) expect(isAlertCode(bad)).toBe(false);
    expect(() => packAlertCode('BMS_COMM_LOST', 0)).toThrow(RangeError);
  });
});

describe('BMS_COMM_LOST_P<pack>', () => {
  it('raises for the silent pack only while the other pack and the bank answer, and clears when it answers again', () => {
    const { t, alerts } = started();
    for (let i = 0; i < 10; i++) second(t, true);
    t.emit('bms.pack_link', { pack: 2, online: false, reason: 'timeout' });
    for (let i = 0; i < 28; i++) second(t, false);
    expect(codesOf(t, 'alert.raised')).toEqual([]);
    second(t, false);
    expect(eventsNamed(t.events, 'alert.raised')).toEqual([
      { timestamp: expect.any(Number), level: 'error', code: 'BMS_COMM_LOST_P2', message: 'Pack 2: no valid BMS data for 30.0 s' },
    ]);
    expect(alerts.metrics()).toMatchObject({ bms_comm_lost: false, packs_comm_lost: '2' });
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'BMS_COMM_LOST_P2', active: true, acknowledged: false }]);

    for (let i = 0; i < 5; i++) second(t, false);
    t.emit('bms.pack_link', { pack: 2, online: true, reason: 'poll answered' });
    second(t, true);
    expect(eventsNamed(t.events, 'alert.cleared')).toEqual([
      { timestamp: expect.any(Number), level: 'info', code: 'BMS_COMM_LOST_P2', message: 'Pack 2: valid BMS data again after 35.0 s' },
    ]);
    expect(alerts.metrics()).toMatchObject({ packs_comm_lost: '' });
    // Latched until acknowledged, by its own code.
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'BMS_COMM_LOST_P2', active: false }]);
    expect(alerts.acknowledge(['BMS_COMM_LOST_P2'])).toEqual(['BMS_COMM_LOST_P2']);
    expect(alerts.activeAlerts()).toEqual([]);
    alerts.stop();
  });

  it('raises for a pack that never answered, from its first link event', () => {
    const { t, alerts } = started({ config: { alerts: { comm_lost_after_ms: 5_000 } } });
    t.emit('bms.pack_link', { pack: 1, online: true, reason: 'poll answered' });
    t.emit('bms.pack_link', { pack: 2, online: false, reason: 'no answer' });
    for (let i = 0; i < 5; i++) {
      t.emit('bms.pack', { pack: 1, data: liveData(t.clock.now()) });
      t.emit('bms.data', liveData(t.clock.now()));
      t.clock.advance(1_000);
    }
    expect(codesOf(t, 'alert.raised')).toEqual(['BMS_COMM_LOST_P2']);
    alerts.stop();
  });

  it('raises each pack and the bank when every pack is silent; acknowledge-all takes the pack codes too', () => {
    const { t, alerts } = started({ config: { alerts: { comm_lost_after_ms: 5_000 } } });
    second(t, true);
    t.clock.advance(5_000);
    expect(codesOf(t, 'alert.raised').sort()).toEqual(['BMS_COMM_LOST', 'BMS_COMM_LOST_P1', 'BMS_COMM_LOST_P2']);
    // Listed in code order: the bank code, then its packs.
    expect(alerts.activeAlerts().map((a) => a.code)).toEqual(['BMS_COMM_LOST', 'BMS_COMM_LOST_P1', 'BMS_COMM_LOST_P2']);
    expect(alerts.acknowledge('all')).toEqual(['BMS_COMM_LOST', 'BMS_COMM_LOST_P1', 'BMS_COMM_LOST_P2']);
    alerts.stop();
  });

  it('follows a changed comm-lost timeout per pack', () => {
    const { t, alerts } = started();
    second(t, true);
    t.patchConfig({ alerts: { comm_lost_after_ms: 3_000 } });
    second(t, false);
    second(t, false);
    expect(codesOf(t, 'alert.raised')).toEqual(['BMS_COMM_LOST_P2']);
    alerts.stop();
  });

  it('never raises a per-pack code on a single-pack gateway', () => {
    const { t, alerts } = started({ config: { alerts: { comm_lost_after_ms: 5_000 } } });
    t.emit('bms.data', liveData(t.clock.now()));
    t.emit('bms.link', { online: false, reason: 'timeout' });
    t.clock.advance(10_000);
    expect(codesOf(t, 'alert.raised')).toEqual(['BMS_COMM_LOST']);
    expect(alerts.metrics()).toMatchObject({ packs_comm_lost: '' });
    alerts.stop();
  });
});
