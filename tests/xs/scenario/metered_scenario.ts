/**
 * The conformance scenario with XS's meter on every turn of the event loop: each timer callback
 * (UART poll, CAN publish, WebSocket feeds …), each round of promise jobs between turns, then
 * every GET route and every WebSocket channel, a request's body read one chunk per turn as a
 * socket would take it. `take()` returns the computrons since the previous call (xsnap's
 * resetMeter); the test asserts the per-turn budget on what this returns.
 */
import type { ClockPort, TimerHandle } from '../../../hosts/ports/clock';
import type { HttpResponse, WebSocketConnection } from '../../../hosts/ports/http';
import { createGateway } from '../../../modules/gateway/gateway';
import { portableEncode, utf8Encode } from '../../../modules/util/utf8';
import { createScenarioHost } from './scenario_host';

export interface Meter {
  /** Computrons used since the previous call. */
  take(): number;
}

export interface TurnCost {
  what: string;
  computrons: number;
}

export interface HandlerCost {
  what: string;
  status: number;
  bytes: number;
  turns: number;
  max_turn: number;
  total: number;
}

export interface MeteredResult {
  /** The costliest turns of the 90 s run (timer callbacks and promise-job rounds), most first. */
  top_turns: TurnCost[];
  turns: number;
  routes: HandlerCost[];
  websocket: HandlerCost[];
  /** The same /metrics text through the portable JavaScript encoder: what the platform encoder saves. */
  control: { portable_encode_metrics: number };
}

const TICK_MS = 100;
const RUN_MS = 90_000;
const PASSWORD = 'xs-password-1';
const AUTH = { authorization: 'Basic YWRtaW46eHMtcGFzc3dvcmQtMQ==' }; // admin:xs-password-1

/** Every GET the web API serves (and the UI), with the query strings the UI sends. */
export const METERED_ROUTES = [
  '/api/status',
  '/api/data',
  '/api/alarms',
  '/api/alerts',
  '/api/events',
  '/api/can/status',
  '/api/uart/status',
  '/api/mqtt/status',
  '/api/diagnostics',
  '/api/config',
  '/api/config/export',
  '/api/mqtt/config',
  '/api/security/csrf',
  '/api/registers',
  '/api/registers/export',
  '/api/history?limit=5000',
  '/api/history/files',
  '/api/history/download?format=csv',
  '/api/history/download?format=json',
  '/metrics',
  '/metrics',
  '/',
];

export async function runMeteredScenario(flush: () => Promise<void>, meter: Meter): Promise<MeteredResult> {
  const { host, clock, simulator, mqtt, radio } = createScenarioHost();
  const turns: TurnCost[] = [];
  const channels = ['/ws/telemetry', '/ws/events', '/ws/alerts', '/ws/uart', '/ws/can'];
  /** Per channel: messages, bytes, and the costliest turn that sent one. */
  const wsStats = new Map(channels.map((path) => [path, { messages: 0, bytes: 0, turns: 0, maxTurn: 0, total: 0 }]));
  // Each timer callback is one turn on the device: meter it alone, and charge it to the WebSocket channels it sent on.
  const wrap = (ms: number, fn: () => void) => () => {
    turns.push({ what: 'promise jobs', computrons: meter.take() });
    const sentBefore = channels.map((path) => wsStats.get(path)?.messages ?? 0);
    fn();
    const computrons = meter.take();
    turns.push({ what: `timer ${ms} ms`, computrons });
    channels.forEach((path, i) => {
      const stats = wsStats.get(path);
      if (!stats || stats.messages === sentBefore[i]) return;
      stats.turns++;
      stats.total += computrons;
      stats.maxTurn = Math.max(stats.maxTurn, computrons);
    });
  };
  const meteredClock: ClockPort = {
    now: () => clock.now(),
    wallTime: () => clock.wallTime(),
    setTimer: (ms: number, fn: () => void): TimerHandle => clock.setTimer(ms, wrap(ms, fn)),
    setInterval: (ms: number, fn: () => void): TimerHandle => clock.setInterval(ms, wrap(ms, fn)),
    clear: (timer) => clock.clear(timer),
  };
  const gateway = createGateway({ ...host, clock: meteredClock }, { web: { port: 80, telemetryPeriodMs: 1000, webSocket: { idleTimeoutMs: 365 * 86_400_000 } }, mqttBackoffBaseMs: 1000 });
  const web = gateway.web;
  if (!web) throw new Error('the scenario gateway has no web server');

  if (!gateway.config.setWebPassword(PASSWORD).ok) throw new Error('scenario password refused');
  simulator.start();
  gateway.start();
  // A signed-in client on every WebSocket channel for the whole run (after the password is set,
  // so the upgrade's Basic credentials are accepted; the idle limit is lifted: these clients never ping).
  for (const path of channels) {
    const session = web.handleWebSocket({ method: 'GET', url: path, headers: { host: 'gateway', ...AUTH }, remoteAddress: '10.0.0.3' });
    if (!session) throw new Error(`no WebSocket session for ${path}`);
    const stats = wsStats.get(path) as { messages: number; bytes: number };
    const connection: WebSocketConnection = {
      send: (text) => {
        stats.messages++;
        stats.bytes += utf8Encode(text).length; // the host encodes each message once
      },
      bufferedAmount: () => 0,
      close: () => undefined,
    };
    session.open(connection);
  }

  const configured = gateway.config.update({ mqtt: { enabled: true, broker_uri: 'mqtt://broker.local:1883' }, wifi: { ssid: 'battery-room', password: 'correct horse' } });
  if (!configured.ok) throw new Error(`scenario config refused: ${JSON.stringify(configured.errors)}`);
  meter.take();
  let wifiUp = false;
  for (let t = 0; t < RUN_MS; t += TICK_MS) {
    clock.advance(TICK_MS);
    await flush();
    turns.push({ what: 'promise jobs', computrons: meter.take() });
    if (!wifiUp && radio.calls.some((c) => c.call === 'connectStation')) {
      radio.reportConnected('192.168.1.50');
      wifiUp = true;
    }
    if (t === 30_000) simulator.injectFault({ kind: 'bms_silence' });
    if (t === 72_000) simulator.clearFaults();
    for (const connection of mqtt.connections) connection.ackAll();
    meter.take(); // the driver loop above is the test's, not the gateway's
  }

  const routes: HandlerCost[] = [];
  // Routes that wait on the BMS (register reads) need the clock to move; timers it fires are turns of their own.
  const idle = async () => {
    clock.advance(10);
    await flush();
  };
  for (const path of METERED_ROUTES) routes.push(await meteredRequest(web, path, idle, flush, meter));

  const websocket: HandlerCost[] = channels.map((path) => {
    const stats = wsStats.get(path) as { messages: number; bytes: number; turns: number; maxTurn: number; total: number };
    return { what: `WS ${path} (${stats.messages} messages)`, status: 101, bytes: stats.bytes, turns: stats.turns, max_turn: stats.maxTurn, total: stats.total };
  });
  const metricsText = gateway.monitoring.prometheus();
  meter.take();
  portableEncode(metricsText);
  const control = { portable_encode_metrics: meter.take() };
  gateway.stop();
  simulator.stop();
  const top = turns.filter((t) => t.computrons > 0).sort((a, b) => b.computrons - a.computrons);
  return { top_turns: top.slice(0, 10), turns: turns.length, routes, websocket, control };
}

async function meteredRequest(
  web: NonNullable<ReturnType<typeof createGateway>['web']>,
  path: string,
  idle: () => Promise<void>,
  flush: () => Promise<void>,
  meter: Meter,
): Promise<HandlerCost> {
  const empty: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };
  const costs: number[] = [];
  meter.take();
  let response: HttpResponse | undefined;
  web.handleRequest({ method: 'GET', url: path, headers: { host: 'gateway', ...AUTH }, remoteAddress: '10.0.0.2', body: empty }).then((r) => (response = r));
  await flush();
  costs.push(meter.take());
  for (let waited = 0; !response; waited += 10) {
    if (waited > 10_000) throw new Error(`${path}: no response after 10 s`);
    await idle();
    costs.push(meter.take());
  }
  let bytes = 0;
  const body = response.body;
  if (typeof body === 'string') {
    bytes = utf8Encode(body).length; // what the host does with a string body, in the same turn
    costs[0] += meter.take();
  } else if (body instanceof Uint8Array) bytes = body.length;
  else if (body) {
    // One chunk per turn, as the socket's writable callbacks pull them.
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      let step: IteratorResult<Uint8Array> | undefined;
      iterator.next().then((s) => (step = s));
      await flush();
      while (!step) await flush();
      costs.push(meter.take());
      if (step.done) break;
      bytes += step.value.length;
    }
  }
  return { what: `GET ${path}`, status: response.status, bytes, turns: costs.length, max_turn: Math.max(...costs), total: costs.reduce((a, b) => a + b, 0) };
}
