/**
 * The conformance scenario: the whole gateway (every module) on the deterministic mock host
 * against the simulated TinyBMS, 90 s of virtual time: a normal run through the test cycle,
 * MQTT and Wi-Fi coming up, a BMS silence (stale data, comm-lost alert) and its recovery, then
 * a few REST reads. It returns everything observable; XS and Node must return the same.
 */
import type { HttpResponse } from '../../../hosts/ports/http';
import { createGateway } from '../../../modules/gateway/gateway';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { toHex } from '../../../modules/util/hex';
import { createScenarioHost } from './scenario_host';

export interface ScenarioResult {
  live: LiveData[];
  can: string[];
  limits: string[];
  alerts: string[];
  mqtt: { published: number; topics: string[]; sample: string[] };
  history: { files: unknown; csv: string | undefined };
  prometheus: string;
  http: Record<string, { status: number; body: string }>;
  phases: string[];
  log_lines: number;
}

const TICK_MS = 100;
const RUN_MS = 90_000;
const SILENCE_FROM_MS = 30_000;
const SILENCE_UNTIL_MS = 72_000;

/** `flush` lets pending promise jobs run (setImmediate on both engines). */
export async function runGatewayScenario(flush: () => Promise<void>): Promise<ScenarioResult> {
  const { host, clock, simulator, can, mqtt, radio, logLines } = createScenarioHost();
  const gateway = createGateway(host, { web: { port: 80, telemetryPeriodMs: 1000 }, mqttBackoffBaseMs: 1000 });
  const result: ScenarioResult = {
    live: [],
    can: [],
    limits: [],
    alerts: [],
    mqtt: { published: 0, topics: [], sample: [] },
    history: { files: [], csv: undefined },
    prometheus: '',
    http: {},
    phases: [],
    log_lines: 0,
  };
  gateway.bus.subscribe('bms.data', (data) => result.live.push(data));
  gateway.bus.subscribe('charge.limits', (l) =>
    result.limits.push(`${clock.now()} ${l.charge_voltage_limit_v} ${l.charge_current_limit_a} ${l.discharge_current_limit_a} ${l.charge_allowed} ${l.discharge_allowed} ${l.reasons.join('+')}`),
  );
  gateway.bus.subscribe('alert.raised', (a) => result.alerts.push(`${clock.now()} raised ${a.code} ${a.message}`));
  gateway.bus.subscribe('alert.cleared', (a) => result.alerts.push(`${clock.now()} cleared ${a.code}`));

  simulator.start();
  gateway.start();
  const configured = gateway.config.update({ mqtt: { enabled: true, broker_uri: 'mqtt://broker.local:1883' }, wifi: { ssid: 'battery-room', password: 'correct horse' } });
  if (!configured.ok) throw new Error(`scenario config refused: ${JSON.stringify(configured.errors)}`);

  let wifiUp = false;
  for (let t = 0; t < RUN_MS; t += TICK_MS) {
    clock.advance(TICK_MS);
    await flush();
    if (!wifiUp && radio.calls.some((c) => c.call === 'connectStation')) {
      radio.reportConnected('192.168.1.50');
      wifiUp = true;
    }
    if (t === SILENCE_FROM_MS) simulator.injectFault({ kind: 'bms_silence' });
    if (t === SILENCE_UNTIL_MS) simulator.clearFaults();
    if (t % 5000 === 0) result.phases.push(`${t} ${simulator.snapshot().phase}`);
    for (const connection of mqtt.connections) connection.ackAll();
  }

  for (const frame of can.sent) result.can.push(`${frame.timestamp_ms} ${frame.id.toString(16)} ${toHex(frame.data)}`);
  const sent = mqtt.connections.flatMap((c) => c.sent);
  result.mqtt.published = sent.length;
  result.mqtt.topics = [...new Set(sent.map((m) => m.topic))].sort();
  result.mqtt.sample = sent.slice(-40).map((m) => `${m.topic} q${m.qos}${m.retain ? 'r' : ''} ${m.payload}`);
  const files = gateway.history.files();
  result.history.files = files;
  result.history.csv = files.length ? gateway.history.csv(files[files.length - 1].date) : undefined;
  result.prometheus = gateway.monitoring.prometheus();
  for (const path of ['/api/status', '/api/data', '/api/alarms', '/api/can/status', '/api/uart/status', '/api/config']) {
    result.http[path] = await request(gateway.web, path);
  }
  gateway.stop();
  simulator.stop();
  result.log_lines = logLines.length;
  return result;
}

async function request(web: ReturnType<typeof createGateway>['web'], path: string): Promise<{ status: number; body: string }> {
  if (!web) throw new Error('the scenario gateway has no web server');
  const empty: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };
  const response: HttpResponse = await web.handleRequest({ method: 'GET', url: path, headers: { host: 'gateway' }, remoteAddress: '10.0.0.2', body: empty });
  return { status: response.status, body: await bodyText(response.body) };
}

async function bodyText(body: HttpResponse['body']): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  const chunks: number[] = [];
  if (body instanceof Uint8Array) chunks.push(...body);
  else for await (const chunk of body) chunks.push(...chunk);
  return decodeUtf8(chunks);
}

function decodeUtf8(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const extra = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    let code = extra ? b & (0x3f >> extra) : b;
    for (let k = 1; k <= extra; k++) code = (code << 6) | (bytes[i + k] & 0x3f);
    out += String.fromCodePoint(code);
    i += extra + 1;
  }
  return out;
}
