export type AlertLevel = 'info' | 'warning' | 'error';

export type AlertCode =
  | 'OVER_VOLTAGE'
  | 'UNDER_VOLTAGE'
  | 'OVER_TEMP'
  | 'OVER_CURRENT'
  | 'CELL_IMBALANCE'
  | 'BMS_COMM_LOST'
  | 'MQTT_DISCONNECTED'
  | 'WIFI_DISCONNECTED';

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
  'BMS_COMM_LOST',
  'MQTT_DISCONNECTED',
  'WIFI_DISCONNECTED',
]);

/** Fixed severity per code, as the spec table gives it. */
export const ALERT_LEVELS: Readonly<Record<AlertCode, AlertLevel>> = Object.freeze({
  OVER_VOLTAGE: 'error',
  UNDER_VOLTAGE: 'error',
  OVER_TEMP: 'error',
  OVER_CURRENT: 'warning',
  CELL_IMBALANCE: 'warning',
  BMS_COMM_LOST: 'error',
  MQTT_DISCONNECTED: 'warning',
  WIFI_DISCONNECTED: 'warning',
});

export function isAlertCode(value: unknown): value is AlertCode {
  return typeof value === 'string' && (ALERT_CODES as readonly string[]).includes(value);
}
