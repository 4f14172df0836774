/**
 * XS side of the poll-step profile: the gateway day with the profiler's wrappers on the clock,
 * the event bus and the UART link, plus the decode path alone on one poll answer.
 */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { EventBus } from '../../../modules/event_bus/event_bus';
import { Framer } from '../../../modules/uart_bms/framer';
import { UartLink } from '../../../modules/uart_bms/link';
import { runGatewayDay } from '../day/gateway_day';
import { decodePollAnswer, liveReadAnswer } from '../poll_cycle';
import { ResponseFramer } from '../../../modules/uart_bms/framer';
import { Profiler } from './profiler';
import { Condition } from '../../../modules/alert_manager/condition';
import { limitPosition, MEASURED_ALERT_CODES } from '../../../modules/alert_manager/limits';
import { SilenceWatch } from '../../../modules/alert_manager/silence_watch';
import { AlertManager } from '../../../modules/alert_manager/alert_manager';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { createTestContext } from '../../unit/alert_manager/support/context';
import { decodeFramedResponse } from '../../../modules/uart_bms/responses';
import { liveDataFromReadAnswer, liveDataFromRegisters } from '../../../modules/uart_bms/live_decode';
import { float32FromBits, wordsToUint32 } from '../../../modules/uart_bms/words';

declare const print: (text: string) => void;
declare const setImmediate: (fn: () => void) => void;
declare const resetMeter: (limit: number, index: number) => number;
declare const xsMemory: (out: number[]) => void;
declare const BENCH_STEPS: number;

const profiler = new Profiler({ takeComputrons: () => resetMeter(0, 0), memory: (out) => xsMemory(out) });
type Fn = (...args: unknown[]) => unknown;

/** Mean computrons, slots and chunk bytes of `body` over 100 runs (after one to warm up). */
function measure(body: (i: number) => unknown): { computrons: number; slots: number; chunks: number } {
  const memory = [0, 0, 0, 0];
  body(0);
  xsMemory(memory);
  const [slots, chunks] = memory;
  resetMeter(0, 0);
  for (let i = 1; i <= 100; i++) body(i);
  const computrons = resetMeter(0, 0);
  xsMemory(memory);
  return { computrons: Math.round(computrons / 100), slots: Math.round((memory[0] - slots) / 100), chunks: Math.round((memory[1] - chunks) / 100) };
}

/** The decode path's pieces alone on one realistic poll answer (the whole answer in one chunk). */
function measurePieces(): Record<string, { computrons: number; slots: number; chunks: number }> {
  const answer = liveReadAnswer();
  const framer = new ResponseFramer();
  const frame = framer.push(answer).frames[0];
  const decoded = decodeFramedResponse(frame);
  if (!decoded.ok || decoded.value.kind !== 'read_holding_registers') throw new Error('poll answer did not decode');
  const values = decoded.value.values;
  const bits = wordsToUint32(values[36], values[37]);
  const data = liveDataFromReadAnswer(frame, 0) as LiveData;
  const bare = createTestContext();
  const watched = createTestContext();
  const alerts = new AlertManager(watched.ctx, { journal: false });
  alerts.start();
  const thresholds = watched.ctx.config().alerts;
  const conditions = MEASURED_ALERT_CODES.map(() => new Condition());
  const watch = new SilenceWatch(watched.clock);
  return {
    'alerts: limitPosition ×6': measure(() => {
      for (let k = 0; k < MEASURED_ALERT_CODES.length; k++) limitPosition(MEASURED_ALERT_CODES[k], data, thresholds);
    }),
    'alerts: Condition.observe ×6': measure((i) => {
      for (let k = 0; k < conditions.length; k++) conditions[k].observe(i, false, true, 5000);
    }),
    'alerts: SilenceWatch heard + arm': measure(() => {
      watch.heard();
      watch.arm(10000, () => undefined);
    }),
    'alerts: ctx.config().alerts': measure(() => watched.ctx.config().alerts),
    empty: measure(() => undefined),
    'bms.data published and drained, no subscriber': measure((i) => bare.emit('bms.data', { ...data, timestamp_ms: i })),
    'bms.data published and drained, alert_manager subscribed': measure((i) => watched.emit('bms.data', { ...data, timestamp_ms: i })),
    'framer.push (117 B answer, one chunk)': measure(() => framer.push(answer)),
    'decodeFramedResponse': measure(() => decodeFramedResponse(frame)),
    'liveDataFromRegisters (register array)': measure((i) => liveDataFromRegisters(values, i)),
    'liveDataFromReadAnswer (frame bytes)': measure((i) => liveDataFromReadAnswer(frame, i)),
    'float32FromBits': measure(() => float32FromBits(bits)),
    'decodePollAnswer (32 B chunks, all three)': measure((i) => decodePollAnswer(framer, answer, i)),
  };
}

const subscribed: Record<string, number> = {};

/** Wraps the clock, the bus and the UART link (after the pieces were measured bare). */
function instrument(): void {
  const clockProto = VirtualClock.prototype as unknown as Record<string, Fn>;
  for (const key of ['setTimer', 'setInterval']) {
    const original = clockProto[key];
    clockProto[key] = function (this: unknown, ms: unknown, fn: unknown) {
      const label = `timer ${profiler.callerLabel(2)}`;
      return profiler.run(`clock.${key}`, () => original.call(this, ms, profiler.wrap(label, fn as Fn)));
    };
  }
  profiler.wrapMethod(VirtualClock.prototype, 'clear', 'clock.clear');
  profiler.wrapMethod(VirtualClock.prototype, 'now', 'clock.now');

  const busProto = EventBus.prototype as unknown as Record<string, Fn>;
  const subscribe = busProto.subscribe;
  busProto.subscribe = function (this: unknown, name: unknown, subscriber: unknown) {
    const label = `sub ${String(name)} #${(subscribed[String(name)] = (subscribed[String(name)] ?? 0) + 1)} < ${profiler.callerLabel(2, 4)}`;
    return subscribe.call(this, name, profiler.wrap(label, subscriber as Fn));
  };
  profiler.wrapMethod(EventBus.prototype, 'publish', 'bus.publish');
  profiler.wrapMethod(UartLink.prototype, 'receive', 'link.receive');
  profiler.wrapMethod(UartLink.prototype, 'run', 'link.run');
  profiler.wrapMethod(Framer.prototype, 'push', 'framer.push');
}

const pieces = measurePieces();
instrument();
runGatewayDay({
  steps: BENCH_STEPS,
  sampleEvery: 1_000_000_000,
  flush: () => new Promise<void>((resolve) => setImmediate(resolve)),
  onStep: (kind) => profiler.endStep(kind),
}).then(
  (day) => print(`RESULT ${JSON.stringify({ polls: day.counts.polls, pieces, poll: profiler.report('poll'), 'poll:max': profiler.report('poll:max'), output: profiler.report('output'), idle: profiler.report('idle') })}`),
  (error: unknown) => print(`ERROR ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`),
);
