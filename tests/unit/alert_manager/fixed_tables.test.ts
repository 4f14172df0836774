/**
 * The alert manager's two fixed tables: the system event log (a ring of `capacity` entries in
 * columns, newest first, copies out) and the active alerts (one record per code, changed in place).
 */
import { ActiveAlerts } from '../../../modules/alert_manager/active_alerts';
import { ALERT_CODES, alertCodesFor } from '../../../modules/alert_manager/alert';
import { EventLog } from '../../../modules/alert_manager/event_log';

const at = (i: number) => ({ timestamp: 1_000 + i, level: 'info' as const, type: 'bms_link' as const, message: `event ${i}` });

describe('EventLog', () => {
  it('keeps the newest `capacity` entries, newest first, with ids counting on past the ones pushed out', () => {
    const log = new EventLog(5);
    for (let i = 1; i <= 12; i++) log.record(i === 12 ? { ...at(i), level: 'warning', type: 'alert_raised', code: 'CELL_IMBALANCE' } : at(i));
    expect(log.size).toBe(5);
    expect(log.recorded).toBe(12);
    const newest = log.newest();
    expect(newest.map((e) => e.id)).toEqual([12, 11, 10, 9, 8]);
    expect(newest[0]).toEqual({ id: 12, timestamp: 1_012, level: 'warning', type: 'alert_raised', message: 'event 12', code: 'CELL_IMBALANCE' });
    // No code key at all when the event had none (the API and journal lines stay as they were).
    expect(Object.keys(newest[1])).toEqual(['id', 'timestamp', 'level', 'type', 'message']);
    expect(log.newest(2).map((e) => e.id)).toEqual([12, 11]);
    expect(() => log.newest(0)).toThrow(RangeError);
  });

  it('hands out copies: changing one changes nothing kept', () => {
    const log = new EventLog(3);
    const recorded = log.record(at(1));
    recorded.message = 'changed';
    const [copy] = log.newest();
    copy.message = 'changed too';
    expect(log.newest()[0].message).toBe('event 1');
  });

  it('restores a journal after what is already there, keeps the newest, continues the ids', () => {
    const log = new EventLog(4);
    log.record(at(1));
    log.restore([1, 2, 3, 4, 5].map((id) => ({ id: id * 10, ...at(id) })));
    expect(log.newest().map((e) => e.id)).toEqual([50, 40, 30, 20]);
    expect(log.record(at(6)).id).toBe(51);
  });
});

describe('ActiveAlerts records', () => {
  const alert = (code: 'CELL_IMBALANCE' | 'OVER_TEMP' | 'BMS_COMM_LOST_P2', timestamp: number, message = `${code} at ${timestamp}`) => ({ timestamp, level: 'warning' as const, code, message });

  it('lists, latches, re-raises and forgets in place, with the same outcome as before', () => {
    const active = new ActiveAlerts();
    expect(active.size).toBe(0);
    active.raise(alert('OVER_TEMP', 20));
    active.raise(alert('CELL_IMBALANCE', 10));
    active.conditionEnded('CELL_IMBALANCE', 15);
    active.raise(alert('CELL_IMBALANCE', 30, 'again'));
    expect(active.list()).toEqual([
      { timestamp: 20, level: 'warning', code: 'OVER_TEMP', message: 'OVER_TEMP at 20', first_seen: 20, last_seen: 20, count: 1, acknowledged: false, active: true },
      { timestamp: 30, level: 'warning', code: 'CELL_IMBALANCE', message: 'again', first_seen: 10, last_seen: 30, count: 2, acknowledged: false, active: true },
    ]);
    expect(active.acknowledge()).toEqual(['OVER_TEMP', 'CELL_IMBALANCE']);
    active.conditionEnded('OVER_TEMP', 40);
    expect(active.has('OVER_TEMP')).toBe(false);
    // A code that left starts over: a new first_seen and count.
    active.raise(alert('OVER_TEMP', 50));
    expect(active.list().find((a) => a.code === 'OVER_TEMP')).toMatchObject({ first_seen: 50, count: 1, acknowledged: false });
    active.conditionEnded('OVER_TEMP', 55);
    expect(active.clearLatched()).toEqual(['OVER_TEMP']);
    expect(active.size).toBe(1);
  });

  it('takes per-pack codes too, and restores saved entries latched', () => {
    const active = new ActiveAlerts();
    active.raise(alert('BMS_COMM_LOST_P2', 5));
    active.restore([{ ...alert('OVER_TEMP', 1), first_seen: 1, last_seen: 2, count: 3, acknowledged: false, active: true }, { ...alert('CELL_IMBALANCE', 1), first_seen: 1, last_seen: 1, count: 1, acknowledged: true, active: true }]);
    expect(active.list().map((a) => [a.code, a.active, a.count])).toEqual([['OVER_TEMP', false, 3], ['BMS_COMM_LOST_P2', true, 1]]);
    expect(active.countWhere((a) => !a.active)).toBe(1);
  });

  it('makes the records of the configured packs at start: one pack adds none, three add P1..P3; a pack beyond them still gets one when raised', () => {
    expect(alertCodesFor(1)).toEqual([...ALERT_CODES]);
    expect(alertCodesFor(3)).toEqual([...ALERT_CODES, 'BMS_COMM_LOST_P1', 'BMS_COMM_LOST_P2', 'BMS_COMM_LOST_P3']);
    const active = new ActiveAlerts(alertCodesFor(3));
    expect(active.size).toBe(0);
    active.raise({ ...alert('BMS_COMM_LOST_P2', 5), level: 'error' });
    active.raise({ ...alert('BMS_COMM_LOST_P2', 6), level: 'error', code: 'BMS_COMM_LOST_P5' });
    active.raise(alert('CELL_IMBALANCE', 7));
    expect(active.list().map((a) => [a.code, a.first_seen, a.count])).toEqual([['BMS_COMM_LOST_P2', 5, 1], ['BMS_COMM_LOST_P5', 6, 1], ['CELL_IMBALANCE', 7, 1]]);
    active.conditionEnded('BMS_COMM_LOST_P2', 8);
    expect(active.clearLatched()).toEqual(['BMS_COMM_LOST_P2']);
    expect(active.size).toBe(2);
  });
});
