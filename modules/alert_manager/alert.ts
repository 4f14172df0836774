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
