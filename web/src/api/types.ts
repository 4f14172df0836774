/**
 * Payloads of the gateway's REST and WebSocket API (../shared/spec/gateway-api.md), as the UI
 * reads them. Types the core already defines are imported, not copied; the rest mirror the
 * contract. Fields the contract leaves open are optional: the UI shows "—" when one is absent.
 */
import type { Alert, AlertCode, AlertLevel } from '../../../modules/alert_manager/alert';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import type { ChargeLimits } from '../../../modules/event_bus/events';
import type { LiveData, OnlineStatusName } from '../../../modules/uart_bms/live_data';

export type { Alert, AlertCode, AlertLevel, ChargeLimits, GatewayConfig, LiveData, OnlineStatusName };

/** CVL/CCL/DCL/DVL as they appear beside live values. */
export type LimitFields = Pick<
  ChargeLimits,
  'charge_voltage_limit_v' | 'charge_current_limit_a' | 'discharge_current_limit_a' | 'discharge_voltage_limit_v'
>;

/** GET /api/data: the live-data snapshot, its age, and (when the server adds them) the charge limits and energy counters. */
export type BatteryData = Partial<LiveData> &
  Partial<LimitFields> & {
    age_ms?: number;
    /** Gateway wall-clock ms of a telemetry message. */
    timestamp?: number;
    /** Why the charge limits are what they are (charge-control state, active protections). */
    limit_reasons?: string[];
    /** The one reason holding each limit (the dashboard's "Why"). */
    limiting?: { cvl?: string; ccl?: string; dcl?: string };
    /** TinyBMS cut-offs (registers 315–320) tighter than the configuration right now. */
    bms_bounds?: string[];
    charged_energy_wh?: number;
    discharged_energy_wh?: number;
  };

/** One link's state in /api/status. Servers say it as a state name, a boolean, or both. */
export interface LinkStatus {
  state?: string;
  connected?: boolean;
  online?: boolean;
  link_up?: boolean;
  up?: boolean;
  enabled?: boolean;
  /** false: the host has no such link at all (e.g. no Wi-Fi radio on Node). */
  present?: boolean;
  [detail: string]: unknown;
}

/** GET /api/status */
export interface GatewayStatus {
  firmware_version?: string;
  version?: string;
  uptime_s?: number;
  uptime_ms?: number;
  wifi?: LinkStatus;
  mqtt?: LinkStatus;
  can?: LinkStatus;
  uart?: LinkStatus;
  /** Summary values, charge limits and energy counters, with `data_valid` and `age_ms`. */
  battery?: BatteryData;
  charge_limits?: Partial<ChargeLimits>;
  [other: string]: unknown;
}

/** /ws/telemetry message. */
export interface TelemetryMessage {
  type: 'telemetry';
  data: BatteryData;
}

/** An alert as GET /api/alarms lists it (`{ alerts: [...] }`); acknowledgement and latching are server additions. */
export type ActiveAlert = Alert & { acknowledged?: boolean; active?: boolean; latched?: boolean };

/** /ws/events message. */
export interface EventsMessage {
  type: 'event' | 'new_alarms' | 'alarm_cleared';
  data: unknown;
}

/** GET /api/events entry. */
export interface SystemEvent {
  timestamp?: number;
  timestamp_ms?: number;
  type?: string;
  name?: string;
  message?: string;
  [detail: string]: unknown;
}

/** One history row (CSV header timestamp,voltage,current,soc,temp_max,temp_min[,cell_max,cell_min]); NaN = not recorded. */
export interface HistorySample {
  timestamp: number;
  voltage: number;
  current: number;
  soc: number;
  temp_max: number;
  temp_min: number;
  /** mV */
  cell_max: number;
  cell_min: number;
}

/** GET /api/history/files entry. */
export interface HistoryFile {
  /** YYYY-MM-DD */
  date: string;
  name?: string;
  size?: number;
}

/** One TinyBMS settings register (GET /api/registers), in user units. */
export interface RegisterInfo {
  address: number;
  /** Stable name used by exports ("fully_charged_voltage_mv"). */
  key?: string;
  name: string;
  unit?: string;
  min?: number;
  max?: number;
  /** Step between allowed values (the register's scale, e.g. 0.1 for tenths). */
  step?: number;
  /** A choice register: the allowed values and their labels. */
  options?: { value: number; label: string }[];
  /** Latest value read from the BMS; absent until it has been read. */
  value?: number;
  default?: number;
  category?: string;
  description?: string;
  read_only?: boolean;
}

/** /ws/uart message. */
export interface UartFrameMessage {
  type: 'uart';
  direction: 'tx' | 'rx';
  hex: string;
  decoded?: Record<string, unknown> | null;
  timestamp?: number;
}

/** /ws/can message. */
export interface CanFrameMessage {
  type: 'can';
  id: string;
  hex: string;
  decoded?: Record<string, unknown> | null;
  direction?: 'tx' | 'rx';
  timestamp?: number;
}

/** GET /api/security/csrf */
export interface CsrfToken {
  token: string;
  expires_in_s: number;
}

/** One error of a 400 answer: `field` is the dotted config path ("mqtt.keepalive_s") when one field is at fault. */
export interface ApiFieldError {
  code: string;
  message: string;
  field?: string;
}
