/**
 * The whole gateway (every module: UART poller, CAN publisher, alerts, history, monitoring,
 * MQTT, web server with a WebSocket telemetry client, Wi-Fi) against the simulated TinyBMS on a
 * virtual clock, stepped 100 ms at a time for as long as asked (a day = 864 000 steps). The
 * engine's meters are booked per category (meter.ts): the step figures are the gateway's own;
 * the clock, the simulated BMS and the mock ports are reported apart. Every `sampleEvery`
 * steps the heap is collected first, so that step's slot and chunk allocation is exact and the
 * live heap is known. Portable: the bench runs it in XS (meters) and on Node (wall time).
 */
import type { Host } from '../../../hosts/host';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { type FaultSpec, TinyBmsSimulator } from '../../../hosts/mocks/tinybms/index';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { CanPort } from '../../../hosts/ports/can';
import type { HttpHandlers, HttpPort, WebSocketConnection, WebSocketSession } from '../../../hosts/ports/http';
import type { MqttConnection, MqttConnectionHandlers, MqttPort } from '../../../hosts/ports/mqtt';
import type { SerialPort } from '../../../hosts/ports/serial';
import type { ConfigResult } from '../../../modules/config_manager/config_manager';
import { createGateway, type Gateway } from '../../../modules/gateway/gateway';
import { ScriptedRadio } from '../../unit/wifi/scripted_radio';
import { scenarioCrypto } from '../../xs/scenario/scenario_host';
import { CategoryMeter, UnmeteredCategoryMeter, meteredPort, type Category, type EngineMeters, type Tally } from './meter';

const NO_METERS: EngineMeters = { takeComputrons: () => 0, memory: () => undefined, collectGarbage: () => undefined };

export const STEP_MS = 100;
export const STEPS_PER_DAY = (24 * 3600 * 1000) / STEP_MS;
/** The live heap is recorded every 5 simulated minutes (288 points a day), in shorter runs 8 times. */
const LIVE_SERIES_STEPS = 3000;
const WS_PING_STEPS = 20_000 / STEP_MS;

export interface DayOptions {
  steps: number;
  /** Every this many steps: collect garbage first, measure that step's allocation and the live heap. */
  sampleEvery: number;
  /** The engine's meters (XS); without them nothing is wrapped and the run is plain (Node timing). */
  engine?: EngineMeters;
  /** Lets pending promise jobs run. */
  flush: () => Promise<void>;
  /** Wall clock in ms (Node: the latency probe); absent in XS. */
  wallMs?: () => number;
  /** bms.poll_interval_ms (with a response timeout 20 ms shorter, at most the default 200); the config default (250) when absent. */
  pollIntervalMs?: number;
  /** Wall clock at the start (default 2026-06-21 00:00 UTC); later, to cross a midnight in a short run. */
  startWallMs?: number;
  /** Steps between the points of `live.series` (default every 5 simulated minutes, shorter runs 8 points). */
  seriesEverySteps?: number;
  /** Faults the simulated BMS gets at the start of these steps (before that step's sample is taken they have not happened). */
  faults?: { atStep: number; spec: FaultSpec }[];
  /**
   * Link outages from `atStep` until `untilStep`: 'mqtt', the broker drops the session and refuses
   * connections; 'wifi', the radio reports a drop and does not join again until the end.
   */
  outages?: { link: 'mqtt' | 'wifi'; atStep: number; untilStep: number }[];
  /** What a user does at these steps (a configuration save through the web API), run as the gateway's work; the step waits for it. */
  actions?: { atStep: number; run(gateway: Gateway, web: HttpHandlers): void | Promise<void> }[];
  /** Run as the gateway once it is started and configured (the leak of the negative control). */
  afterStart?(gateway: Gateway): void;
  /** After every step: what kind it was (the profiler's breakdown); undefined in the first simulated minute, which the figures skip. */
  onStep?(kind: 'poll' | 'output' | 'idle' | undefined): void;
  /**
   * Everything the run emits, as it is emitted (fingerprint.ts: proof that a speed-up changed no
   * byte): UART both ways, CAN frames, MQTT topic + payload, WebSocket texts, log lines, and at the
   * end each history file. Absent in the bench: nothing is wrapped then.
   */
  tap?(channel: 'uart_tx' | 'uart_rx' | 'can' | 'mqtt' | 'ws' | 'log' | 'file', data: string | Uint8Array): void;
  /**
   * Node: the mock UART's copies and the simulated BMS's answers are carved from slabs of this many
   * bytes (V8 pays about 1 µs for each typed array over 64 bytes). Absent in XS, where a slab would
   * only add to the live heap the bench reports.
   */
  slabBytes?: number;
}

/** Computrons per step, in buckets of 100, for percentiles without keeping every step. */
class Histogram {
  readonly buckets = new Uint32Array(4000);
  count = 0;
  max = 0;
  add(value: number): void {
    this.count++;
    if (value > this.max) this.max = value;
    this.buckets[Math.min(this.buckets.length - 1, Math.floor(value / 100))]++;
  }
  percentile(p: number): number {
    let seen = 0;
    const wanted = Math.ceil(this.count * p);
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= wanted) return (i + 1) * 100;
    }
    return this.max;
  }
  summary(): { steps: number; p50: number; p99: number; max: number } {
    return { steps: this.count, p50: this.percentile(0.5), p99: this.percentile(0.99), max: this.max };
  }
}

interface AllocationStats {
  samples: number;
  maxSlots: number;
  maxChunkBytes: number;
  meanSlots: number;
  meanChunkBytes: number;
}

class AllocationTally {
  samples = 0;
  maxSlots = 0;
  maxChunks = 0;
  sumSlots = 0;
  sumChunks = 0;
  add(slots: number, chunks: number): void {
    this.samples++;
    this.sumSlots += slots;
    this.sumChunks += chunks;
    if (slots > this.maxSlots) this.maxSlots = slots;
    if (chunks > this.maxChunks) this.maxChunks = chunks;
  }
  stats(): AllocationStats {
    const n = Math.max(1, this.samples);
    return { samples: this.samples, maxSlots: this.maxSlots, maxChunkBytes: this.maxChunks, meanSlots: Math.round(this.sumSlots / n), meanChunkBytes: Math.round(this.sumChunks / n) };
  }
}

export interface DayResult {
  steps: number;
  /** Gateway computrons per step that handled a UART answer and sent nothing out (CAN, MQTT, WS). */
  pollSteps: { steps: number; p50: number; p99: number; max: number };
  /** Gateway computrons per step with output (1 s CAN cycle, MQTT, WebSocket telemetry). */
  outputSteps: { steps: number; p50: number; p99: number; max: number };
  /** Every step, gateway only. */
  allSteps: { steps: number; p50: number; p99: number; max: number };
  pollAllocation: AllocationStats;
  outputAllocation: AllocationStats;
  /** Whole-run totals per category (computrons, slots, chunk bytes): what was excluded, and how much. */
  totals: { computrons: Tally; slots: Tally; chunks: Tally };
  /** Computrons of the meter's own wrapper per metered call, moved from caller and callee to the harness. */
  meterCallCost: { callerCost: number; insideCost: number };
  /** Live heap of the gateway (after gc, minus the machine before the gateway existed; history file bytes excluded). */
  live: {
    baselineSlots: number;
    baselineChunkBytes: number;
    peakSlots: number;
    peakChunkBytes: number;
    slotsAfterWarmup: number;
    slotsAtEnd: number;
    chunkBytesAfterWarmup: number;
    chunkBytesAtEnd: number;
    /** The mock flash left out of the figures above: slots per file and per store key (measured), and how many there were after warm-up and at the end. */
    flash: { perFileSlots: number; perKeySlots: number; filesAfterWarmup: number; filesAtEnd: number; keysAfterWarmup: number; keysAtEnd: number };
    /** [simulated minute, live slots, live chunk bytes] every 5 minutes (shorter runs: every eighth): growth or plateau. */
    series: [number, number, number][];
  };
  /** Wall ms from a UART answer reaching the gateway to the end of that instant's work (Node only). */
  uartToCanMs: Float64Array;
  counts: { answers: number; canFrames: number; mqttMessages: number; wsMessages: number; wsClosed: number; polls: number; logLines: number; historyBytes: number; mqttSessions: number; wifiJoins: number };
  /** The gateway's system event log at the end, oldest first: `type` or `type CODE` (read after the last measurement). */
  systemEvents: string[];
}

/**
 * A broker that accepts at once and acknowledges every publish on the next instant, keeping
 * nothing; while `refusing`, every connection attempt is closed at once, and `drop` ends the session.
 */
class BenchBroker implements MqttPort {
  published = 0;
  sessions = 0;
  refusing = false;
  #session: MqttConnectionHandlers | undefined;
  constructor(
    readonly clock: VirtualClock,
    readonly tap?: DayOptions['tap'],
  ) {}
  drop(reason: string): void {
    const session = this.#session;
    this.#session = undefined;
    if (session) this.clock.setTimer(0, () => session.onClose(reason));
  }
  connect(_options: unknown, handlers: MqttConnectionHandlers): MqttConnection {
    if (this.refusing) this.clock.setTimer(0, () => handlers.onClose('connection refused'));
    else
      this.clock.setTimer(0, () => {
        this.sessions++;
        this.#session = handlers;
        handlers.onConnect();
      });
    const clock = this.clock;
    return {
      publish: (topic, payload, _options, settled) => {
        this.published++;
        if (this.tap) {
          this.tap('mqtt', topic);
          this.tap('mqtt', payload);
        }
        if (settled) clock.setTimer(0, settled);
      },
      subscribe: () => undefined,
      close: () => undefined,
    };
  }
}

/**
 * Slots the mock flash holds per file (MemoryFiles) and per key (MemoryStore), measured in this
 * engine with scratch instances: on a device files and keys are in flash, not in the heap, so
 * the live figure leaves them out, as it leaves out the file bytes. The second file and key are
 * measured, so a first-use cost of the mock (its map's table) is not taken for a per-item one.
 */
function flashItemSlots(meter: CategoryMeter): { perFile: number; perKey: number } {
  const files = new MemoryFiles();
  const store = new MemoryStore();
  files.append('scratch/a.csv', 'a\n');
  store.put('scratch_a', 'a');
  const [before] = meter.collect();
  files.append('scratch/b.csv', 'b\n');
  const [withFile] = meter.collect();
  store.put('scratch_b', 'b');
  const [withKey] = meter.collect();
  return { perFile: withFile - before, perKey: withKey - withFile };
}

/** The CAN port with every frame handed to `send` shown to the tap first. */
function tappedCan(can: VirtualCanBus, tap: NonNullable<DayOptions['tap']>): CanPort {
  return {
    send: (frame) => {
      tap('can', new Uint8Array([frame.id >> 8, frame.id & 0xff, ...frame.data]));
      return can.send(frame);
    },
    onReceive: (callback) => can.onReceive(callback),
    status: () => can.status(),
    recover: () => can.recover(),
  };
}

/** Throws when a configuration save was refused. */
export function checkSaved(result: ConfigResult, what: string): void {
  if (!result.ok) throw new Error(`${what} refused: ${JSON.stringify(result.errors)}`);
}

export async function runGatewayDay(options: DayOptions): Promise<DayResult> {
  const meter = options.engine ? new CategoryMeter(options.engine) : new UnmeteredCategoryMeter(NO_METERS);
  const flashCost = flashItemSlots(meter);
  // Fixed cost of a metered port call or callback, booked to the harness at each call (meter.ts).
  const meterCallCost = options.engine ? meter.calibrate() : { callerCost: 0, insideCost: 0 };
  const port = <T extends object>(target: T, inside?: Category): T => (options.engine ? meteredPort(meter, target, inside) : target);
  const clock = new VirtualClock(0, options.startWallMs ?? Date.UTC(2026, 5, 21, 0, 0, 0));
  const metered = { clock: port(clock, 'clock') };
  const link = createSerialLink({ clock: metered.clock, copySlabBytes: options.slabBytes });
  const can = new VirtualCanBus({ clock: metered.clock, recordLimit: 20 });
  const tap = options.tap;
  const broker = new BenchBroker(metered.clock, tap);
  const radio = new ScriptedRadio(metered.clock, { keepCalls: false });
  const files = new MemoryFiles();
  const store = new MemoryStore();
  const counts = { answers: 0, canFrames: 0, mqttMessages: 0, wsMessages: 0, wsClosed: 0, polls: 0, logLines: 0, historyBytes: 0, mqttSessions: 0, wifiJoins: 0 };
  let handlers: HttpHandlers | undefined;
  const http: HttpPort = {
    listen: async (listenOptions, given) => {
      handlers = given;
      return { port: listenOptions.port, close: async () => undefined };
    },
  };
  const deviceEnd = link.device;
  const counted = (send: (bytes: Uint8Array) => void) => (bytes: Uint8Array) => {
    counts.answers++;
    tap?.('uart_rx', bytes);
    send(bytes);
  };
  const countingDevice = {
    write: counted((bytes) => deviceEnd.write(bytes)),
    // The simulated BMS hands its answers over (serial_link.ts writeOwned): no copy at send.
    writeOwned: counted((bytes) => deviceEnd.writeOwned(bytes)),
    onReceive: (callback: (bytes: Uint8Array) => void) => deviceEnd.onReceive(callback),
    flush: () => deviceEnd.flush?.(),
  };
  // Built as 'bms': the callbacks it hands the serial port (its UART receive) are booked to it, not to the harness.
  meter.switchTo('bms');
  const simulator = new TinyBmsSimulator({ clock: metered.clock, serial: port(countingDevice), mode: 'realistic', seed: 5, answerSlabBytes: options.slabBytes });
  meter.switchTo('harness');
  // UART → CAN probe (Node): from an answer's bytes reaching the gateway to the end of that instant.
  // Stamped as the gateway's own receive callback is entered: a second listener on the link
  // would cost every delivered chunk a second copy.
  // Preallocated (one answer a poll, at most one a step at 10 Hz; grown if more): no array growth inside the run.
  let uartToCanMs = new Float64Array(options.wallMs ? options.steps + 16 : 0);
  let latencies = 0;
  const wallMs = options.wallMs;
  let answerAt = -1;
  const gatewaySerial: SerialPort = wallMs || tap
    ? {
        write: (bytes) => {
          tap?.('uart_tx', bytes);
          link.gateway.write(bytes);
        },
        flush: () => link.gateway.flush?.(),
        onReceive: (callback) =>
          link.gateway.onReceive((bytes) => {
            if (wallMs) answerAt = wallMs();
            callback(bytes);
          }),
      }
    : link.gateway;
  const host: Host = {
    clock: metered.clock,
    log: port({
      log: tap
        ? (...entry: unknown[]) => {
            counts.logLines++;
            tap('log', JSON.stringify(entry));
          }
        : () => void counts.logLines++,
    }),
    serial: port(gatewaySerial),
    can: port(tap ? tappedCan(can, tap) : can),
    store: port(store),
    files: port(files),
    crypto: port(scenarioCrypto()),
    system: port({
      platform: 'xs-test' as const,
      firmwareVersion: '0.1.0-bench',
      restart: () => undefined,
      heap: () => ({ freeBytes: 100000, totalBytes: 200000 }),
      uptimeMs: () => clock.now(),
    }),
    mqtt: port(broker),
    http: port(http),
    wifi: port(radio),
  };

  if (wallMs) {
    clock.onInstantEnd = () => {
      if (answerAt < 0) return;
      if (latencies === uartToCanMs.length) {
        const grown = new Float64Array(2 * uartToCanMs.length + 16);
        grown.set(uartToCanMs);
        uartToCanMs = grown;
      }
      uartToCanMs[latencies++] = wallMs() - answerAt;
      answerAt = -1;
    };
  }

  meter.switchTo('bms');
  simulator.start();
  meter.switchTo('harness');
  // After the first turn of the job loop: the bundle's top-level code is garbage by then.
  await options.flush();
  const [baselineSlots, baselineChunks] = meter.collect();
  meter.switchTo('gateway');
  const gateway = createGateway(host, { web: { port: 80, telemetryPeriodMs: 1000 }, mqttBackoffBaseMs: 1000 });
  gateway.start();
  const poll = options.pollIntervalMs;
  // Not kept in a variable of this function: the result holds the config of that moment, which a
  // later save would leave alive in this frame for the rest of the run (the live heap counts it).
  checkSaved(
    gateway.config.update({
      mqtt: { enabled: true, broker_uri: 'mqtt://broker.local:1883' },
      wifi: { ssid: 'battery-room', password: 'correct horse' },
      ...(poll ? { bms: { poll_interval_ms: poll, response_timeout_ms: Math.min(200, poll - 20) } } : {}),
    }),
    'bench config',
  );
  options.afterStart?.(gateway);
  meter.switchTo('harness');

  const wsConnection: WebSocketConnection = port({
    send: tap
      ? (text: string) => {
          counts.wsMessages++;
          tap('ws', text);
        }
      : () => void counts.wsMessages++,
    bufferedAmount: () => 0,
    close: () => void counts.wsClosed++,
  });
  let wsSession: WebSocketSession | undefined;
  let wsOpen = false;
  /** Station requests the radio has answered (joined). */
  let wifiAnswered = 0;
  let wifiOut = false;

  const all = new Histogram();
  const polls = new Histogram();
  const outputs = new Histogram();
  const pollAllocation = new AllocationTally();
  const outputAllocation = new AllocationTally();
  const warmupSteps = Math.min(36_000, Math.floor(options.steps / 10));
  const live: DayResult['live'] = { baselineSlots, baselineChunkBytes: baselineChunks, peakSlots: 0, peakChunkBytes: 0, slotsAfterWarmup: 0, slotsAtEnd: 0, chunkBytesAfterWarmup: 0, chunkBytesAtEnd: 0, flash: { perFileSlots: flashCost.perFile, perKeySlots: flashCost.perKey, filesAfterWarmup: 0, filesAtEnd: 0, keysAfterWarmup: 0, keysAtEnd: 0 }, series: [] };
  const seriesEvery = options.seriesEverySteps ?? Math.max(1, Math.min(LIVE_SERIES_STEPS, Math.floor(options.steps / 8)));
  // Made before the run so that recording the series adds nothing to the heap it measures.
  const series = new Float64Array(3 * Math.floor((options.steps - 1) / seriesEvery));
  const flashSlots = () => files.fileCount * flashCost.perFile + store.size * flashCost.perKey;
  const measureLive = (): [number, number] => {
    const [slots, chunks] = meter.collect();
    // Files and store keys are flash on the device: their objects here (per item, measured) are left out...
    const gatewaySlots = slots - baselineSlots - flashSlots();
    // ...and so are their contents: each history file twice in RAM (text and bytes, with buffer
    // room), and the store's keys and values (UTF-8 bytes; XS adds a terminator per string).
    const gatewayChunks = chunks - baselineChunks - files.heldBytes() - store.usedBytes();
    if (gatewaySlots > live.peakSlots) live.peakSlots = gatewaySlots;
    if (gatewayChunks > live.peakChunkBytes) live.peakChunkBytes = gatewayChunks;
    return [gatewaySlots, gatewayChunks];
  };

  const faults = options.faults ?? [];
  const outages = options.outages ?? [];
  const actions = options.actions ?? [];
  for (let step = 0; step < options.steps; step++) {
    const sampled = step > warmupSteps / 10 && step % options.sampleEvery === 0;
    if (sampled) measureLive();
    if (step === warmupSteps) {
      [live.slotsAfterWarmup, live.chunkBytesAfterWarmup] = measureLive();
      live.flash.filesAfterWarmup = files.fileCount;
      live.flash.keysAfterWarmup = store.size;
    }
    if (options.engine && step > 0 && step % seriesEvery === 0) {
      const [slots, chunks] = measureLive();
      const at = (step / seriesEvery - 1) * 3;
      series[at] = (step * STEP_MS) / 60_000;
      series[at + 1] = slots;
      series[at + 2] = chunks;
    }
    for (const fault of faults) {
      if (fault.atStep !== step) continue;
      meter.switchTo('bms');
      const injected = simulator.injectFault(fault.spec);
      meter.switchTo('harness');
      if (!injected.ok) throw new Error(`fault refused: ${JSON.stringify(injected)}`);
    }
    for (const outage of outages) {
      if (outage.atStep !== step && outage.untilStep !== step) continue;
      const starts = outage.atStep === step;
      meter.switchTo('host');
      if (outage.link === 'wifi') {
        wifiOut = starts;
        if (starts) radio.reportDisconnected('beacon timeout');
      } else {
        broker.refusing = starts;
        if (starts) broker.drop('connection reset by broker');
      }
      meter.switchTo('harness');
    }
    for (const action of actions) {
      if (action.atStep !== step) continue;
      if (!handlers) throw new Error('a user action needs the web server, which is not listening');
      meter.switchTo('gateway');
      const done = action.run(gateway, handlers);
      meter.switchTo('harness');
      await done;
    }
    const answers = counts.answers;
    const out = can.transmittedTotal + broker.published + counts.wsMessages;
    const computrons = meter.computrons.gateway;
    const slots = meter.slots.gateway;
    const chunks = meter.chunks.gateway;

    meter.switchTo('clock');
    clock.advance(STEP_MS);
    // The flush's own promise is the harness's; the promise jobs it lets run are the gateway's.
    meter.switchTo('harness');
    const flushed = options.flush();
    meter.switchTo('gateway');
    await flushed;
    meter.switchTo('harness');

    const used = meter.computrons.gateway - computrons;
    const output = can.transmittedTotal + broker.published + counts.wsMessages > out;
    const answered = counts.answers > answers;
    if (step >= 600) {
      all.add(used);
      if (output) outputs.add(used);
      else if (answered) polls.add(used);
      options.onStep?.(output ? 'output' : answered ? 'poll' : 'idle');
    } else options.onStep?.(undefined);
    if (sampled && !meter.collectedInside) (output ? outputAllocation : answered ? pollAllocation : undefined)?.add(meter.slots.gateway - slots, meter.chunks.gateway - chunks);

    if (!wifiOut && radio.stationRequests > wifiAnswered) {
      meter.switchTo('host');
      radio.reportConnected('192.168.1.50');
      meter.switchTo('harness');
      wifiAnswered = radio.stationRequests;
      counts.wifiJoins++;
    }
    if (!wsOpen && handlers) {
      meter.switchTo('gateway');
      wsSession = handlers.websocket({ method: 'GET', url: '/ws/telemetry', headers: { host: 'gateway' }, remoteAddress: '10.0.0.2' });
      wsSession?.open(wsConnection);
      meter.switchTo('harness');
      wsOpen = true;
    } else if (wsSession?.message && step % WS_PING_STEPS === 0) {
      // The web UI pings every 20 s; a client that never speaks is closed as idle after 75 s.
      meter.switchTo('gateway');
      wsSession.message('ping');
      meter.switchTo('harness');
    }
  }
  [live.slotsAtEnd, live.chunkBytesAtEnd] = measureLive();
  live.flash.filesAtEnd = files.fileCount;
  live.flash.keysAtEnd = store.size;
  for (let at = 0; at < series.length; at += 3) live.series.push([series[at], series[at + 1], series[at + 2]]);
  counts.canFrames = can.transmittedTotal;
  counts.mqttMessages = broker.published;
  counts.polls = counts.answers;
  counts.historyBytes = files.usedBytes();
  counts.mqttSessions = broker.sessions;
  const systemEvents = gateway.alerts
    .events()
    .reverse()
    .map((event) => (event.code ? `${event.type} ${event.code}` : event.type));
  if (tap) for (const path of files.paths()) tap('file', `${path}\n${files.read(path) ?? ''}`);
  meter.switchTo('gateway');
  gateway.stop();
  meter.switchTo('bms');
  simulator.stop();
  meter.switchTo('harness');
  return {
    steps: options.steps,
    pollSteps: polls.summary(),
    outputSteps: outputs.summary(),
    allSteps: all.summary(),
    pollAllocation: pollAllocation.stats(),
    outputAllocation: outputAllocation.stats(),
    totals: meter.snapshot(),
    meterCallCost,
    live,
    uartToCanMs: uartToCanMs.subarray(0, latencies),
    counts,
    systemEvents,
  };
}
