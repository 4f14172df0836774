/**
 * Retained growth 0 (issue 13): what happens for the first time late in a real day — alerts
 * raised, cleared and left latched, BMS fault events logged and read, the alert journal and the
 * store written, the MQTT broker gone and back, a Wi-Fi drop and rejoin, configuration saves by
 * the user, a midnight (new history day, energy ledger day change) — is forced into the first
 * minutes of a short run of the whole gateway in XS (tests/bench/day/scenarios.ts, 'events'). The live slots after all of it must not exceed the live slots just before it: every
 * structure that fills lazily is a fixed table made at start. The negative control runs the same
 * with a leak of one small object a simulated minute, which the same check must catch.
 * Mock flash (files, store keys) is left out by the harness, as on the device it is not heap.
 */
import type { DayResult } from '../bench/day/gateway_day';
import { runXsDay } from '../bench/day/run_xs_day';
import { EVENTS_RUN } from '../bench/day/scenarios';

function beforeAndAfter(day: DayResult): { before: number; after: number[]; series: string } {
  const at = (minute: number) => day.live.series.find(([m]) => m === minute);
  const before = at(EVENTS_RUN.beforeMinute);
  if (!before) throw new Error(`no live sample at minute ${EVENTS_RUN.beforeMinute}`);
  const after = day.live.series.filter(([m]) => m >= EVENTS_RUN.settledFromMinute).map(([, slots]) => slots);
  return { before: before[1], after, series: day.live.series.map(([m, slots]) => `${m}:${slots}`).join(' ') };
}

describe('XS retained heap after first-time events', () => {
  jest.setTimeout(300_000);
  let events: DayResult;
  let leaking: DayResult;

  beforeAll(() => {
    events = runXsDay(EVENTS_RUN.steps, 97, 'events');
    leaking = runXsDay(EVENTS_RUN.steps, 97, 'events_leak');
  });

  it('the events happened: alerts raised and cleared, a new day file, the store written', () => {
    expect(events.counts.polls).toBeGreaterThan(1000);
    expect(events.live.flash.filesAtEnd).toBeGreaterThanOrEqual(3); // two days of history + the alert journal
    expect(events.live.flash.keysAtEnd).toBeGreaterThanOrEqual(3);
    expect(events.live.flash.perFileSlots).toBeGreaterThan(0);
    expect(events.live.flash.perKeySlots).toBeGreaterThan(0);
    expect(events.counts.logLines).toBeGreaterThanOrEqual(4 + 4); // start-up lines + 2 raised + 2 cleared
  });

  it('the links went down and came back twice, and the user saved the configuration through the web API twice, all after the first sample that counts', () => {
    expect(events.counts.mqttSessions).toBe(3);
    expect(events.counts.wifiJoins).toBe(3);
    // The system event log, oldest first: the over-voltage is raised at 2:05, after the sample at minute 2.
    const log = events.systemEvents;
    const after = log.slice(log.indexOf('alert_raised OVER_VOLTAGE'));
    expect(after).toEqual(
      expect.arrayContaining(['alert_raised MQTT_DISCONNECTED', 'alert_cleared MQTT_DISCONNECTED', 'alert_raised WIFI_DISCONNECTED', 'alert_cleared WIFI_DISCONNECTED', 'wifi_disconnected', 'wifi_connected', 'mqtt_disconnected', 'mqtt_connected']),
    );
    expect(after.filter((type) => type === 'config_updated')).toHaveLength(2);
    expect(after.filter((type) => type === 'alert_cleared MQTT_DISCONNECTED' || type === 'alert_cleared WIFI_DISCONNECTED')).toHaveLength(4);
  });

  it('the live slots after them never exceed the live slots before them', () => {
    const { before, after, series } = beforeAndAfter(events);
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect({ peakAfter: Math.max(...after), series }).toEqual({ peakAfter: before, series });
  });

  it('negative control: a leak of one small object a minute fails the same check', () => {
    const { before, after } = beforeAndAfter(leaking);
    expect(Math.max(...after)).toBeGreaterThan(before);
    expect(Math.max(...after) - before).toBeGreaterThanOrEqual(4 * 2); // ≥ 4 minutes of an object with one property
  });
});
