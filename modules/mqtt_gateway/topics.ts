/**
 * The gateway's MQTT topics under the configurable prefix (../shared/spec/gateway-api.md §MQTT),
 * plus what the spec leaves to us: availability, battery-data availability, cells, alarms, limits.
 */
import type { MqttWill } from '../../hosts/ports/mqtt';
import type { MqttConfig } from '../config_manager/config_types';

export const ONLINE = 'online';
export const OFFLINE = 'offline';

export interface GatewayTopics {
  voltage: string;
  current: string;
  soc: string;
  temperatureMax: string;
  temperatureMin: string;
  cellVoltageMax: string;
  cellVoltageMin: string;
  /** JSON summary every 5 s. */
  status: string;
  /** One JSON message per raised alert, QoS 1, not retained. */
  alerts: string;
  /** The gateway itself: `online` while connected, `offline` by last will or clean shutdown. */
  availability: string;
  /** The battery data: `online` only while fresh, valid BMS data exists (stale values are not shown as current). */
  bmsAvailability: string;
  /** JSON: every cell voltage (V) and the cells being balanced. */
  cells: string;
  /** JSON: the active alerts. */
  alarms: string;
  /** JSON: CVL/CCL/DCL/DVL from charge control. */
  limits: string;
  /** JSON: charged/discharged energy (Wh, never decreasing) and equivalent full cycles. */
  energy: string;
  /** JSON: uptime, Wi-Fi signal, firmware, CAN bus state. */
  diagnostics: string;
}

/** `<prefix>/cells/<n>/voltage` (cell 1 first): the optional plain per-cell topics for Node-RED / Telegraf. */
export function cellVoltageTopic(prefix: string, cell: number): string {
  return `${prefix}/cells/${cell}/voltage`;
}

export function gatewayTopics(prefix: string): GatewayTopics {
  return {
    voltage: `${prefix}/voltage`,
    current: `${prefix}/current`,
    soc: `${prefix}/soc`,
    temperatureMax: `${prefix}/temperature/max`,
    temperatureMin: `${prefix}/temperature/min`,
    cellVoltageMax: `${prefix}/cells/voltage/max`,
    cellVoltageMin: `${prefix}/cells/voltage/min`,
    status: `${prefix}/status`,
    alerts: `${prefix}/alerts`,
    availability: `${prefix}/availability`,
    bmsAvailability: `${prefix}/bms/availability`,
    cells: `${prefix}/cells`,
    alarms: `${prefix}/alarms`,
    limits: `${prefix}/limits`,
    energy: `${prefix}/energy`,
    diagnostics: `${prefix}/diagnostics`,
  };
}

/** The last will the broker publishes when the gateway vanishes without a DISCONNECT. */
export function availabilityWill(mqtt: MqttConfig): MqttWill {
  return { topic: gatewayTopics(mqtt.topic_prefix).availability, payload: OFFLINE, qos: 1, retain: true };
}
