/**
 * What the web server needs from the rest of the gateway, as small interfaces it owns. The
 * composition (modules/gateway/) hands in the real modules or adapters over them; every service
 * but the configuration is optional and its endpoints answer 503 `<name>_unavailable` without it.
 * Live data, charge limits, link and alert events come from the bus, not from here.
 */
import type { CanFrame } from '../../hosts/ports/can';
import type { Alert, AlertCode } from '../alert_manager/alert';
import type { ConfigResult } from '../config_manager/config_manager';
import type { GatewayConfig } from '../config_manager/config_types';

/** A JSON-ready record (numbers, strings, booleans, nested records and arrays). */
export type StatusRecord = Record<string, unknown>;

/** ConfigManager satisfies this as it is. */
export interface ConfigService {
  get(): GatewayConfig;
  getMasked(): GatewayConfig;
  update(partial: unknown): ConfigResult;
  reset(): ConfigResult;
  export(options?: { includeSecrets?: boolean }): string;
  import(json: string): ConfigResult;
  verifyWebPassword(user: string, password: string): boolean;
  setWebPassword(password: string): ConfigResult;
}

export interface StatusSource {
  status(): StatusRecord;
}

export interface AlertService {
  /** Active alerts, oldest first; entries may carry extra fields (e.g. `acknowledged`). */
  active(): readonly Alert[];
  /** Clear latched alerts whose condition is gone; returns how many were cleared. */
  clearLatched(): number;
  /** Acknowledge active alerts by code, or all; returns how many were acknowledged. */
  acknowledge(codes: readonly AlertCode[] | 'all'): number;
}

export interface HistoryDay {
  /** YYYY-MM-DD */
  date: string;
  size_bytes: number;
}

/** One history sample (CSV header `timestamp,voltage,current,soc,temp_max,temp_min`). */
export type HistorySample = Record<string, number>;

export interface HistoryService {
  days(): readonly HistoryDay[];
  /** The day's samples, oldest first (a torn last line already dropped); undefined when no such day. */
  samples(date: string): readonly HistorySample[] | undefined;
  /** The day's CSV file as stored; undefined when no such day. */
  csv(date: string): string | undefined;
  erase(): void;
}

export interface MonitoringService {
  diagnostics(): StatusRecord;
  /** Prometheus text exposition format 0.0.4. */
  prometheus(): string;
}

export interface EnergyService {
  energy(): { charged_energy_wh: number; discharged_energy_wh: number };
}

/** A TinyBMS settings register as the register map describes it, with its latest known value. */
export interface RegisterInfo {
  address: number;
  key: string;
  name: string;
  unit: string;
  category: string;
  type: 'uint16' | 'int16' | 'uint8';
  /** User value = raw × scale. */
  scale: number;
  /** Range in user units. */
  min: number;
  max: number;
  /** When the register is a choice: the allowed user values and their labels. */
  options?: readonly { value: number; label: string }[];
  default?: number;
  writable: boolean;
  /** Latest value known (user units and raw), when known. */
  value?: number;
  raw?: number;
}

export interface RegisterService {
  list(): readonly RegisterInfo[];
  /** Write one raw value through the poller and read it back; resolves with the raw value read back. */
  write(address: number, raw: number): Promise<number>;
}

export type BmsCommand =
  | { command: 'reset_soc'; value_pct: number }
  | { command: 'clear_events' }
  | { command: 'clear_statistics' }
  | { command: 'restart_bms' };

export interface BmsCommandService {
  /** Resolves when the BMS acknowledged; rejects with a readable Error otherwise. */
  execute(command: BmsCommand): Promise<StatusRecord | void>;
}

export interface OtaUpload {
  contentType: string;
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
}

/** Provided by the OTA module (a later issue): streams, verifies and activates an image. */
export interface OtaService {
  upload(upload: OtaUpload): Promise<StatusRecord>;
}

/** Turns raw traffic into the `decoded` part of /ws/uart and /ws/can messages. */
export interface FrameDecoders {
  uart?(bytes: Uint8Array, direction: 'tx' | 'rx'): StatusRecord | undefined;
  can?(frame: CanFrame): StatusRecord | undefined;
}

export interface WebServerServices {
  config: ConfigService;
  alerts?: AlertService;
  history?: HistoryService;
  monitoring?: MonitoringService;
  mqtt?: StatusSource;
  /** Defaults to the host CAN port's own status. */
  can?: StatusSource;
  uart?: StatusSource;
  wifi?: StatusSource;
  energy?: EnergyService;
  registers?: RegisterService;
  commands?: BmsCommandService;
  ota?: OtaService;
  decoders?: FrameDecoders;
}
