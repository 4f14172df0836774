/**
 * Bus events into the web server's outputs: the event journal, and the WebSocket channels
 * (/ws/telemetry on a timer, /ws/events, /ws/alerts, /ws/uart, /ws/can as events arrive).
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { Alert } from '../alert_manager/alert';
import type { GatewayBus } from '../event_bus/events';
import { toHex } from '../util/hex';
import type { EventJournal } from './event_journal';
import type { GatewayState } from './gateway_state';
import type { EnergyService, FrameDecoders, StatusRecord } from './services';
import { telemetryMessage } from './telemetry';
import type { WebSocketChannel, WebSocketHub } from './ws_hub';

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
  journal: EventJournal;
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
    options.journal.onAdd((entry) => this.events.broadcast(() => ({ type: 'event', data: entry })));
  }

  start(): void {
    const { bus, journal, state } = this.#options;
    this.#unsubscribe = [
      ...state.attach(bus),
      bus.subscribe('bms.link', (e) => journal.add('bms_link', e.online ? 'info' : 'error', `BMS link ${e.online ? 'up' : 'down'}: ${e.reason}`)),
      bus.subscribe('alert.raised', (alert) => this.#alert(alert, true)),
      bus.subscribe('alert.cleared', (alert) => this.#alert(alert, false)),
      bus.subscribe('config.updated', (e) => journal.add('config_updated', 'info', `configuration changed: ${e.changed.join(', ')}`, { changed: e.changed })),
      bus.subscribe('wifi.connected', (e) => journal.add('wifi', 'info', `Wi-Fi connected to ${e.ssid} (${e.ip})`)),
      bus.subscribe('wifi.disconnected', (e) => journal.add('wifi', 'warning', `Wi-Fi disconnected: ${e.reason}`)),
      bus.subscribe('mqtt.connected', (e) => journal.add('mqtt', 'info', `MQTT connected to ${e.broker}`)),
      bus.subscribe('mqtt.disconnected', (e) => journal.add('mqtt', 'warning', `MQTT disconnected: ${e.reason}`)),
      bus.subscribe('ota.started', (e) => journal.add('ota', 'info', `firmware upload started (${e.size} bytes)`)),
      bus.subscribe('ota.completed', (e) => journal.add('ota', 'info', `firmware ${e.version} ready`)),
      bus.subscribe('ota.failed', (e) => journal.add('ota', 'error', `firmware update failed: ${e.reason}`)),
      bus.subscribe('uart.frame', (e) =>
        this.uart.broadcast(() => ({
          type: 'uart',
          direction: e.direction,
          hex: toHex(e.bytes, ' '),
          decoded: this.#decode(() => this.#options.decoders?.uart?.(e.bytes, e.direction)),
          timestamp_ms: e.timestamp_ms,
        })),
      ),
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
    ];
    this.#timer = this.#options.clock.setInterval(this.#options.telemetryPeriodMs, () => this.#sendTelemetry());
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
      { data: state.latest, ageMs: state.dataAgeMs(), fresh: state.dataFresh(), limits: state.limits, energy: energy?.energy() },
      clock.wallTime(),
    );
  }

  #sendTelemetry(): void {
    this.telemetry.broadcast(() => this.telemetryNow());
  }

  #alert(alert: Alert, active: boolean): void {
    this.#options.journal.add(active ? 'alert_raised' : 'alert_cleared', active ? alert.level : 'info', `${alert.code} ${active ? 'raised' : 'cleared'}: ${alert.message}`, {
      code: alert.code,
    });
    this.alerts.broadcast(() => ({ timestamp: alert.timestamp, level: alert.level, code: alert.code, message: alert.message, active }));
    this.events.broadcast(() => (active ? { type: 'new_alarms', data: [alert] } : { type: 'alarm_cleared', data: alert }));
  }

  #decode(run: () => StatusRecord | undefined): StatusRecord {
    try {
      return run() ?? {};
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
}
