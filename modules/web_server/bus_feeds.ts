/**
 * Bus events and the system event log into the WebSocket channels: /ws/telemetry on a timer,
 * /ws/events, /ws/alerts, /ws/uart and /ws/can as things happen.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { Alert } from '../alert_manager/alert';
import type { GatewayBus } from '../event_bus/events';
import { toHex } from '../util/hex';
import type { GatewayState } from './gateway_state';
import type { EnergyService, EventService, FrameDecoders, StatusRecord } from './services';
import { energyFields, telemetryMessage } from './telemetry';
import type { WebSocketChannel, WebSocketHub } from './ws_hub';
import { errorMessage } from '../util/error_message';

export const WS_PATHS = Object.freeze({
  telemetry: '/ws/telemetry',
  events: '/ws/events',
  alerts: '/ws/alerts',
  uart: '/ws/uart',
  can: '/ws/can',
});

export interface BusFeedOptions {
  bus: GatewayBus;
  clock: ClockPort;
  state: GatewayState;
  events?: EventService;
  hub: WebSocketHub;
  decoders?: FrameDecoders;
  energy?: EnergyService;
  telemetryPeriodMs: number;
  uartMessagesPerSecond: number;
  canMessagesPerSecond: number;
}

export class BusFeeds {
  readonly telemetry: WebSocketChannel;
  readonly events: WebSocketChannel;
  readonly alerts: WebSocketChannel;
  readonly uart: WebSocketChannel;
  readonly can: WebSocketChannel;
  #options: BusFeedOptions;
  #unsubscribe: (() => void)[] = [];
  #timer: TimerHandle | undefined;

  constructor(options: BusFeedOptions) {
    this.#options = options;
    const hub = options.hub;
    this.telemetry = hub.channel(WS_PATHS.telemetry);
    this.events = hub.channel(WS_PATHS.events);
    this.alerts = hub.channel(WS_PATHS.alerts);
    this.uart = hub.channel(WS_PATHS.uart, { maxPerSecond: options.uartMessagesPerSecond });
    this.can = hub.channel(WS_PATHS.can, { maxPerSecond: options.canMessagesPerSecond });
  }

  start(): void {
    const { bus, state, events } = this.#options;
    this.#unsubscribe = [
      ...state.attach(bus),
      bus.subscribe('alert.raised', (alert) => this.#alert(alert, true)),
      bus.subscribe('alert.cleared', (alert) => this.#alert(alert, false)),
      // Frame events cost a bus event per frame: the feeds take them only while a client watches.
      this.#whileListening(this.uart, () =>
        bus.subscribe('uart.frame', (e) =>
          this.uart.broadcast(() => ({
            type: 'uart',
            direction: e.direction,
            hex: toHex(e.bytes, ' '),
            decoded: this.#decode(() => this.#options.decoders?.uart?.(e.bytes, e.direction)),
            timestamp_ms: e.timestamp_ms,
          })),
        ),
      ),
      this.#whileListening(this.can, () =>
        bus.subscribe('can.frame', (e) =>
          this.can.broadcast(() => ({
            type: 'can',
            direction: e.direction,
            id: `0x${e.frame.id.toString(16).toUpperCase().padStart(3, '0')}`,
            hex: toHex(e.frame.data, ' '),
            decoded: this.#decode(() => this.#options.decoders?.can?.(e.frame)),
            timestamp_ms: e.timestamp_ms,
          })),
        ),
      ),
    ];
    if (events) this.#unsubscribe.push(events.onEvent((event) => this.events.broadcast(() => ({ type: 'event', data: event }))));
    this.#timer = this.#options.clock.setInterval(this.#options.telemetryPeriodMs, () => this.#sendTelemetry());
  }

  /** Subscribes while `channel` has clients; the returned function ends it for good. */
  #whileListening(channel: WebSocketChannel, subscribe: () => () => void): () => void {
    let unsubscribe: (() => void) | undefined = channel.size > 0 ? subscribe() : undefined;
    channel.onListening = (listening) => {
      unsubscribe?.();
      unsubscribe = listening ? subscribe() : undefined;
    };
    return () => {
      channel.onListening = undefined;
      unsubscribe?.();
      unsubscribe = undefined;
    };
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#options.clock.clear(this.#timer);
    this.#timer = undefined;
  }

  /** Send one telemetry message now (also used to greet a new client). */
  telemetryNow(): Record<string, unknown> {
    const { state, clock, energy } = this.#options;
    return telemetryMessage(
      { data: state.latest, ageMs: state.dataAgeMs(), fresh: state.dataFresh(), limits: state.limits, energy: energyFields(energy) },
      clock.wallTime(),
    );
  }

  #sendTelemetry(): void {
    this.telemetry.broadcast(() => this.telemetryNow());
  }

  #alert(alert: Alert, active: boolean): void {
    this.alerts.broadcast(() => ({ timestamp: alert.timestamp, level: alert.level, code: alert.code, message: alert.message, active }));
    this.events.broadcast(() => (active ? { type: 'new_alarms', data: [alert] } : { type: 'alarm_cleared', data: alert }));
  }

  #decode(run: () => StatusRecord | undefined): StatusRecord {
    try {
      return run() ?? {};
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }
}
