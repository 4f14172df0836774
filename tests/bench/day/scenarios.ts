/**
 * Named variants of the gateway day, chosen by name so that the XS bundle can carry them
 * (xs_entry.ts gets the name through a build-time constant).
 *
 * 'events' puts what happens for the first time late in a real day into a 9-minute run: a cell
 * over-voltage on the simulated BMS for 30 s at minute 2 (OVER_VOLTAGE and CELL_IMBALANCE raised,
 * then cleared and left latched; BMS fault events logged and read; alert journal and store
 * written), the MQTT broker gone for 30 s from 2:45 and 25 s from 4:40 (session dropped,
 * reconnects refused: MQTT_DISCONNECTED raised and cleared, alerts queued and sent after), a Wi-Fi
 * drop for 20 s from 3:20 and from 5:15 (WIFI_DISCONNECTED raised and cleared, the station joins
 * again), a configuration save by the user through the web API at 3:50 and another at 4:30 (login,
 * CSRF token, POST /api/config: an alert threshold changed and set back), a midnight at minute 4
 * (new history day, energy ledger day change), the energy ledger's first save at minute 5. The
 * live heap is sampled every simulated minute, the first sample that counts at minute 2, just
 * before the fault: each of these happens for the first time after it, except the user's first
 * login and save, at 1:00 (the remembered login is a bounded cache, and the first authenticated
 * request keeps ≈ 40 slots once). 'events_leak' is the same run with a deliberate leak in the
 * gateway (one small object kept per simulated minute): the negative control of the retained-heap
 * check.
 */
import type { HttpHandlers, HttpRequest } from '../../../hosts/ports/http';
import type { Gateway } from '../../../modules/gateway/gateway';
import { utf8Encode } from '../../../modules/util/utf8';
import { checkSaved, type DayOptions } from './gateway_day';

export type DayScenario = 'day' | 'events' | 'events_leak';
export const DAY_SCENARIOS: readonly DayScenario[] = ['day', 'events', 'events_leak'];

const MINUTE_STEPS = 600;
export const EVENTS_RUN = { steps: 9 * MINUTE_STEPS, beforeMinute: 2, settledFromMinute: 6 };
const at = (minutes: number, seconds: number) => minutes * MINUTE_STEPS + seconds * 10;

/** The web login of the run: user admin, password "battery room admin" (set at start). */
const WEB_PASSWORD = 'battery room admin';
const AUTHORIZATION = 'Basic YWRtaW46YmF0dGVyeSByb29tIGFkbWlu';

async function webRequest(web: HttpHandlers, method: string, url: string, headers: Record<string, string> = {}, body = ''): Promise<string> {
  const request: HttpRequest = {
    method,
    url,
    headers: { host: 'gateway', authorization: AUTHORIZATION, ...headers },
    remoteAddress: '10.0.0.3',
    body: {
      async *[Symbol.asyncIterator]() {
        if (body) yield utf8Encode(body);
      },
    },
  };
  const response = await web.request(request);
  const text = typeof response.body === 'string' ? response.body : '';
  if (response.status !== 200) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text;
}

/** What the web UI does to save a setting: a CSRF token for the login, then POST /api/config. */
const temperatureMax = (celsius: number) => async (_gateway: Gateway, web: HttpHandlers) => {
  const { token } = JSON.parse(await webRequest(web, 'GET', '/api/security/csrf')) as { token: string };
  await webRequest(web, 'POST', '/api/config', { 'content-type': 'application/json', 'x-csrf-token': token }, JSON.stringify({ alerts: { temperature_max_c: celsius } }));
};

export function scenarioOptions(name: DayScenario): Partial<DayOptions> {
  if (name === 'day') return {};
  const events: Partial<DayOptions> = {
    startWallMs: Date.UTC(2026, 5, 20, 23, 56, 0),
    seriesEverySteps: MINUTE_STEPS,
    faults: [{ atStep: at(EVENTS_RUN.beforeMinute, 3), spec: { kind: 'cell_overvoltage', cell: 3, voltageMv: 3800, durationS: 30 } }],
    outages: [
      { link: 'mqtt', atStep: at(2, 45), untilStep: at(3, 15) },
      { link: 'wifi', atStep: at(3, 20), untilStep: at(3, 40) },
      { link: 'mqtt', atStep: at(4, 40), untilStep: at(5, 5) },
      { link: 'wifi', atStep: at(5, 15), untilStep: at(5, 35) },
    ],
    afterStart: (gateway) => checkSaved(gateway.config.setWebPassword(WEB_PASSWORD), 'web password'),
    actions: [
      // The first login and save (its remembered login, a bounded cache) during warm-up; the same again after minute 2.
      { atStep: at(1, 0), run: temperatureMax(53) },
      { atStep: at(3, 50), run: temperatureMax(52) },
      { atStep: at(4, 30), run: temperatureMax(55) },
    ],
  };
  if (name === 'events') return events;
  return {
    ...events,
    afterStart: (gateway) => {
      events.afterStart?.(gateway);
      // A poll every 250 ms (the default): every 240th poll is one a minute.
      const kept: { poll: number }[] = [];
      let polls = 0;
      gateway.bus.subscribe('bms.data', () => {
        if (++polls % 240 === 0) kept.push({ poll: polls });
      });
    },
  };
}
