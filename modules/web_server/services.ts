/**
 * What the web server needs from the rest of the gateway, as small interfaces it owns. Each is
 * shaped after the module that provides it, so the composition (modules/gateway/) passes the
 * modules themselves: ConfigManager, AlertManager, HistoryLogger, UartBmsPoller, CanPublisher,
 * and any GatewayModule as a metrics source. Every service but the configuration is optional;
 * its endpoints answer 503 `<name>_unavailable` without it. Live data, charge limits, link and
 * alert events come from the bus.
 */
import type { ChargeLimits } from '../event_bus/events';
import type { CanFrame } from '../../hosts/ports/can';
import type { Alert, AlertCode } from '../alert_manager/alert';
import type { ConfigResult } from '../config_manager/config_manager';
import type { GatewayConfig, MqttConfig } from '../config_manager/config_types';

/** A JSON-ready record (numbers, strings, booleans, nested records and arrays). */
export type StatusRecord = Record<string, unknown>;

/** ConfigManager. */
export interface ConfigService {
  get(): GatewayConfig;
  getMasked(): GatewayConfig;
  update(partial: unknown): ConfigResult;
  /** What update(partial) would give, checked alike, without storing anything. */
  preview(partial: unknown): ConfigResult;
  reset(): ConfigResult;
  export(options?: { includeSecrets?: boolean }): string;
  import(json: string): ConfigResult;
  verifyWebPassword(user: string, password: string): boolean;
  setWebPassword(password: string): ConfigResult;
  /** What the last load did about an unusable stored config (for /api/status and the UI banner). */
  recoveryStatus?(): { recovery: 'none' | 'recovered' | 'reset'; cause: string; problem: string; damaged_kept: boolean };
  /** True while the documented first-boot password is accepted (the UI's banner). */
  usesDefaultPassword?(): boolean;
}

/** Any GatewayModule: its counters and states are its status (UART poller, CAN driver, MQTT client). */
export interface MetricsSource {
  metrics(): StatusRecord;
}

/** MqttClient: its status, and one throw-away connection for the UI's "test connection". */
export interface MqttService extends MetricsSource {
  testConnection?(settings: MqttConfig): Promise<{ ok: boolean; broker: string; error: string; duration_ms: number }>;
}

/** AlertManager. */
export interface AlertService {
  /** Active and latched alerts, oldest first; entries may carry extra fields (`acknowledged`, `active`). */
  activeAlerts(): readonly Alert[];
  /** Acknowledge by code, or all; answers the codes acknowledged. */
  acknowledge(codes?: readonly AlertCode[] | 'all'): readonly AlertCode[];
  /** Remove latched alerts (all when no codes); answers the codes cleared. */
  clear(codes?: readonly AlertCode[]): readonly AlertCode[];
}

/** AlertManager's system event log: newest first, a listener for /ws/events, and the web's own entries. */
export interface EventService {
  events(limit: number): readonly object[];
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: object) => void): () => void;
  /** Logs what users did through the API (writes, commands, restarts, imports) and login lockouts. */
  recordEvent(level: 'info' | 'warning', type: 'user_action' | 'login_lockout', message: string): void;
}

/** HistoryLogger. Dates are YYYY-MM-DD, checked before they get here. */
export interface HistoryService {
  /** Stored days, oldest first. */
  files(): readonly { date: string; name: string; size_bytes: number }[];
  /** A page of one day as a streamed JSON object, the newest day when `date` is undefined; undefined when there is none. */
  pageJson(date: string | undefined, limit: number, offset: number): AsyncIterable<Uint8Array> | undefined;
  /** The day as a streamed CSV or JSON download; undefined when there is no such day. */
  download(date: string, format: 'csv' | 'json'): AsyncIterable<Uint8Array> | undefined;
  erase(): number;
}

/** Prometheus text exposition format 0.0.4 and the JSON diagnostics (the monitoring module). */
export interface MonitoringService {
  diagnostics(): StatusRecord;
  prometheus(): string;
}

/** CanPublisher. */
export interface EnergyService {
  energyTotals(): { charged_wh: number; discharged_wh: number };
}

/** UartBmsPoller: settings reads and checked writes with read-back, control commands. */
export interface BmsService {
  /** Settings 300–343 in each register's type (a UINT32 as its two words), keyed by address. */
  readSettings(): Promise<Map<number, number>>;
  /** Write words starting at `address`; resolves with the values read back. `crossChecked`: checkSettings already passed for it. */
  writeRegisters(address: number, values: readonly number[], options?: { crossChecked?: boolean }): Promise<number[]>;
  /** Why these writes, together, would be refused by the BMS as it is now (empty = fine). */
  checkSettings?(writes: readonly { address: number; values: readonly number[] }[]): Promise<{ address: number; key?: string; message: string }[]>;
  command(option: 'clear_events' | 'clear_statistics' | 'reset_bms'): Promise<void>;
}

export interface OtaUpload {
  contentType: string;
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
  /** Asked to install below the anti-rollback floor (honoured on development builds only). */
  allowDowngrade?: boolean;
}

/** Provided by the OTA module (modules/ota_update, otaWebService): streams, verifies and activates an image. */
export interface OtaService {
  upload(upload: OtaUpload): Promise<StatusRecord>;
  /** Running and pending versions, health check: the `ota` part of /api/status. */
  status?(): StatusRecord;
}

/** Turns raw traffic into the `decoded` part of /ws/uart and /ws/can messages. */
export interface FrameDecoders {
  uart?(bytes: Uint8Array, direction: 'tx' | 'rx'): StatusRecord | undefined;
  can?(frame: CanFrame): StatusRecord | undefined;
}

export interface WebServerServices {
  config: ConfigService;
  alerts?: AlertService;
  events?: EventService;
  history?: HistoryService;
  monitoring?: MonitoringService;
  bms?: BmsService;
  energy?: EnergyService;
  /** /api/uart/status: the poller's metrics. */
  uart?: MetricsSource;
  /** /api/can/status: the CAN driver's metrics (the host CAN port's status without it). */
  can?: MetricsSource;
  /** /api/mqtt/status and /api/mqtt/test: the MQTT client. */
  mqtt?: MqttService;
  wifi?: MetricsSource;
  ota?: OtaService;
  decoders?: FrameDecoders;
  /** Several packs: a pack's own charge limits (before the bank rules), for `packs` in /api/status. */
  packLimits?(pack: number): ChargeLimits | undefined;
}
