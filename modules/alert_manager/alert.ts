export type AlertLevel = 'info' | 'warning' | 'error';

export type AlertCode =
  | 'OVER_VOLTAGE'
  | 'UNDER_VOLTAGE'
  | 'OVER_TEMP'
  | 'OVER_CURRENT'
  | 'CELL_IMBALANCE'
  /** No cell temperature sensor reads (the board sensor never counts): charging is stopped. */
  | 'NO_CELL_TEMPERATURE'
  | 'BMS_COMM_LOST'
  | 'MQTT_DISCONNECTED'
  | 'WIFI_DISCONNECTED'
  /** A storage area (settings, history, journal, OTA slots) cannot be read or written; the BMS→CAN path runs on. */
  | 'STORAGE_FAULT'
  /** The stored configuration was damaged; the previous good generation was loaded. */
  | 'CONFIG_RECOVERED'
  /** No stored configuration generation was usable; safe defaults run (with a recovery password, not the factory one). */
  | 'CONFIG_RESET'
  /** A new firmware image was given up and the previous one runs again. */
  | 'OTA_ROLLED_BACK';

/** The alert as the API, WebSocket and MQTT carry it. */
export interface Alert {
  timestamp: number;
  level: AlertLevel;
  code: AlertCode;
  message: string;
}

/** Every code, in the order of the spec table (gateway-api.md §Alerts). */
export const ALERT_CODES: readonly AlertCode[] = Object.freeze([
  'OVER_VOLTAGE',
  'UNDER_VOLTAGE',
  'OVER_TEMP',
  'OVER_CURRENT',
  'CELL_IMBALANCE',
  'NO_CELL_TEMPERATURE',
  'BMS_COMM_LOST',
  'MQTT_DISCONNECTED',
  'WIFI_DISCONNECTED',
  'STORAGE_FAULT',
  'CONFIG_RECOVERED',
  'CONFIG_RESET',
  'OTA_ROLLED_BACK',
]);

/** Fixed severity per code, as the spec table gives it. */
export const ALERT_LEVELS: Readonly<Record<AlertCode, AlertLevel>> = Object.freeze({
  OVER_VOLTAGE: 'error',
  UNDER_VOLTAGE: 'error',
  OVER_TEMP: 'error',
  OVER_CURRENT: 'warning',
  CELL_IMBALANCE: 'warning',
  NO_CELL_TEMPERATURE: 'error',
  BMS_COMM_LOST: 'error',
  MQTT_DISCONNECTED: 'warning',
  WIFI_DISCONNECTED: 'warning',
  STORAGE_FAULT: 'error',
  CONFIG_RECOVERED: 'warning',
  CONFIG_RESET: 'error',
  OTA_ROLLED_BACK: 'warning',
});

/** Alerts about the gateway's own state, raised by the composition or a storage fault, not by a measurement. */
export type SystemAlertCode = Extract<AlertCode, 'STORAGE_FAULT' | 'CONFIG_RECOVERED' | 'CONFIG_RESET' | 'OTA_ROLLED_BACK'>;

export function isAlertCode(value: unknown): value is AlertCode {
  return typeof value === 'string' && (ALERT_CODES as readonly string[]).includes(value);
}
