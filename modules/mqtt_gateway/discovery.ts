/**
 * Home Assistant MQTT discovery: one retained config message per entity under
 * <discovery_prefix>/<component>/<node_id>/<object_id>/config, generated from the ENTITIES table
 * (a per-pack device later reuses the table with its own DeviceIdentity and `viaDevice`).
 * Object ids are stable across versions (dashboards depend on them); names follow HA's
 * has_entity_name rules. Battery entities need both the gateway and fresh battery data.
 */
import { ALERT_CODES } from '../alert_manager/alert';
import type { OnlineStatusName } from '../uart_bms/live_data';
import type { GatewayTopics } from './topics';

export interface DeviceIdentity {
  /** Unique per gateway on the broker: derived from the MQTT client id. */
  nodeId: string;
  name: string;
  firmwareVersion: string;
  model?: string;
  /** The node id of the device this one is reached through (a pack behind the gateway). */
  viaDevice?: string;
}

export interface DiscoveryOptions {
  discoveryPrefix: string;
  topics: GatewayTopics;
  device: DeviceIdentity;
  /** Per-cell entities; 0 until the first valid BMS data tells how many cells there are. */
  cellCount: number;
}

export interface DiscoveryMessage {
  topic: string;
  payload: string;
}

type Source = 'battery' | 'gateway';
export type Component = 'sensor' | 'binary_sensor' | 'event';

export interface Entity {
  component: Component;
  objectId: string;
  name: string;
  topic: keyof GatewayTopics;
  source: Source;
  template?: string;
  deviceClass?: string;
  unit?: string;
  /** HA converts to this unit for display (energy in kWh while the payload stays Wh). */
  suggestedUnit?: string;
  stateClass?: 'measurement' | 'total' | 'total_increasing';
  precision?: number;
  icon?: string;
  attributesFromState?: boolean;
  diagnostic?: boolean;
  /** enum sensors: every state the template can give. */
  options?: readonly string[];
  /** event entities. */
  eventTypes?: readonly string[];
  payloadOn?: string;
  payloadOff?: string;
}

const V = { deviceClass: 'voltage', unit: 'V', stateClass: 'measurement' } as const;
const A = { deviceClass: 'current', unit: 'A', stateClass: 'measurement' } as const;
const C = { deviceClass: 'temperature', unit: '°C', stateClass: 'measurement', precision: 1 } as const;
const ENERGY = { deviceClass: 'energy', unit: 'Wh', suggestedUnit: 'kWh', stateClass: 'total_increasing', precision: 0 } as const;
const DIAGNOSTIC = { source: 'gateway', diagnostic: true } as const;

export const ONLINE_STATUSES: readonly OnlineStatusName[] = Object.freeze(['charging', 'fully_charged', 'discharging', 'regeneration', 'idle', 'fault', 'unknown']);

/** A JSON boolean as ON/OFF for binary sensors. */
const onOff = (expression: string) => `{{ 'ON' if ${expression} else 'OFF' }}`;

const ENTITIES: readonly Entity[] = Object.freeze([
  { component: 'sensor', objectId: 'pack_voltage', name: 'Pack voltage', topic: 'voltage', source: 'battery', ...V, precision: 2 },
  { component: 'sensor', objectId: 'pack_current', name: 'Pack current', topic: 'current', source: 'battery', ...A, precision: 2 },
  { component: 'sensor', objectId: 'power', name: 'Power', topic: 'status', source: 'battery', template: '{{ value_json.battery.power }}', deviceClass: 'power', unit: 'W', stateClass: 'measurement', precision: 0 },
  { component: 'sensor', objectId: 'state_of_charge', name: 'State of charge', topic: 'soc', source: 'battery', deviceClass: 'battery', unit: '%', stateClass: 'measurement', precision: 1 },
  { component: 'sensor', objectId: 'state_of_health', name: 'State of health', topic: 'status', source: 'battery', template: '{{ value_json.battery.soh }}', unit: '%', stateClass: 'measurement', icon: 'mdi:battery-heart-variant' },
  { component: 'sensor', objectId: 'remaining_capacity', name: 'Remaining capacity', topic: 'status', source: 'battery', template: '{{ value_json.battery.remaining_ah }}', unit: 'Ah', stateClass: 'measurement', precision: 1, icon: 'mdi:battery-clock' },
  { component: 'sensor', objectId: 'time_to_go', name: 'Time to go', topic: 'status', source: 'battery', template: '{{ value_json.battery.time_left_s }}', deviceClass: 'duration', unit: 's', stateClass: 'measurement', precision: 0 },
  { component: 'sensor', objectId: 'online_status', name: 'Battery status', topic: 'status', source: 'battery', template: '{{ value_json.battery.online_status }}', deviceClass: 'enum', options: ONLINE_STATUSES, icon: 'mdi:battery-sync' },
  { component: 'sensor', objectId: 'max_cell_voltage', name: 'Max cell voltage', topic: 'cellVoltageMax', source: 'battery', ...V, precision: 3 },
  { component: 'sensor', objectId: 'min_cell_voltage', name: 'Min cell voltage', topic: 'cellVoltageMin', source: 'battery', ...V, precision: 3 },
  { component: 'sensor', objectId: 'max_cell_number', name: 'Max cell number', topic: 'status', source: 'battery', template: '{{ value_json.cells.max_cell }}', icon: 'mdi:numeric' },
  { component: 'sensor', objectId: 'min_cell_number', name: 'Min cell number', topic: 'status', source: 'battery', template: '{{ value_json.cells.min_cell }}', icon: 'mdi:numeric' },
  { component: 'sensor', objectId: 'cell_delta', name: 'Cell voltage delta', topic: 'status', source: 'battery', template: '{{ (value_json.cells.voltage_delta * 1000) | round(0) }}', deviceClass: 'voltage', unit: 'mV', stateClass: 'measurement', precision: 0 },
  { component: 'binary_sensor', objectId: 'balancing', name: 'Balancing', topic: 'status', source: 'battery', template: onOff('value_json.cells.balancing'), icon: 'mdi:scale-balance' },
  { component: 'sensor', objectId: 'max_temperature', name: 'Max temperature', topic: 'temperatureMax', source: 'battery', ...C },
  { component: 'sensor', objectId: 'min_temperature', name: 'Min temperature', topic: 'temperatureMin', source: 'battery', ...C },
  { component: 'sensor', objectId: 'average_temperature', name: 'Average temperature', topic: 'status', source: 'battery', template: '{{ value_json.temperature.avg }}', ...C },
  { component: 'sensor', objectId: 'charged_energy', name: 'Charged energy', topic: 'energy', source: 'gateway', template: '{{ value_json.charged_wh }}', ...ENERGY },
  { component: 'sensor', objectId: 'discharged_energy', name: 'Discharged energy', topic: 'energy', source: 'gateway', template: '{{ value_json.discharged_wh }}', ...ENERGY },
  { component: 'sensor', objectId: 'cycle_count', name: 'Equivalent full cycles', topic: 'energy', source: 'gateway', template: '{{ value_json.cycles }}', stateClass: 'total_increasing', precision: 1, icon: 'mdi:battery-sync-outline' },
  { component: 'sensor', objectId: 'active_alarms', name: 'Active alarms', topic: 'alarms', source: 'gateway', template: '{{ value_json.count }}', icon: 'mdi:alert-circle-outline', attributesFromState: true },
  { component: 'binary_sensor', objectId: 'alarm', name: 'Alarm', topic: 'alarms', source: 'gateway', template: onOff('value_json.count > 0'), deviceClass: 'problem' },
  { component: 'event', objectId: 'alert', name: 'Alert', topic: 'alerts', source: 'gateway', template: "{{ {'event_type': value_json.code, 'level': value_json.level, 'message': value_json.message} | to_json }}", eventTypes: ALERT_CODES, icon: 'mdi:alert' },
  { component: 'sensor', objectId: 'charge_voltage_limit', name: 'Charge voltage limit', topic: 'limits', source: 'gateway', template: '{{ value_json.charge_voltage_limit_v }}', ...V, precision: 2 },
  { component: 'sensor', objectId: 'charge_current_limit', name: 'Charge current limit', topic: 'limits', source: 'gateway', template: '{{ value_json.charge_current_limit_a }}', ...A, precision: 1 },
  { component: 'sensor', objectId: 'discharge_current_limit', name: 'Discharge current limit', topic: 'limits', source: 'gateway', template: '{{ value_json.discharge_current_limit_a }}', ...A, precision: 1 },
  { component: 'sensor', objectId: 'discharge_voltage_limit', name: 'Discharge voltage limit', topic: 'limits', source: 'gateway', template: '{{ value_json.discharge_voltage_limit_v }}', ...V, precision: 2 },
  { component: 'binary_sensor', objectId: 'charge_allowed', name: 'Charge allowed', topic: 'limits', source: 'gateway', template: onOff('value_json.charge_allowed'), icon: 'mdi:battery-arrow-up' },
  { component: 'binary_sensor', objectId: 'discharge_allowed', name: 'Discharge allowed', topic: 'limits', source: 'gateway', template: onOff('value_json.discharge_allowed'), icon: 'mdi:battery-arrow-down' },
  { component: 'sensor', objectId: 'wifi_signal', name: 'Wi-Fi signal', topic: 'diagnostics', ...DIAGNOSTIC, template: '{{ value_json.wifi_rssi_dbm }}', deviceClass: 'signal_strength', unit: 'dBm', stateClass: 'measurement', precision: 0 },
  { component: 'sensor', objectId: 'uptime', name: 'Uptime', topic: 'diagnostics', ...DIAGNOSTIC, template: '{{ value_json.uptime_s }}', deviceClass: 'duration', unit: 's', stateClass: 'total_increasing', precision: 0 },
  { component: 'sensor', objectId: 'firmware', name: 'Firmware', topic: 'diagnostics', ...DIAGNOSTIC, template: '{{ value_json.firmware }}', icon: 'mdi:chip' },
  { component: 'binary_sensor', objectId: 'bms_link', name: 'BMS link', topic: 'bmsAvailability', ...DIAGNOSTIC, deviceClass: 'connectivity', payloadOn: 'online', payloadOff: 'offline' },
  { component: 'sensor', objectId: 'can_bus', name: 'CAN bus', topic: 'diagnostics', ...DIAGNOSTIC, template: '{{ value_json.can_state }}', deviceClass: 'enum', options: ['running', 'error_passive', 'bus_off', 'recovering', 'stopped', 'unknown'], icon: 'mdi:connection' },
]);

/** One problem binary sensor per alert code, from the retained alarm list. */
const ALARM_ENTITIES: readonly Entity[] = Object.freeze(
  ALERT_CODES.map((code): Entity => ({
    component: 'binary_sensor',
    objectId: `alarm_${code.toLowerCase()}`,
    name: `Alarm ${code.toLowerCase().replace(/_/g, ' ')}`,
    topic: 'alarms',
    source: 'gateway',
    template: onOff(`'${code}' in value_json.codes`),
    deviceClass: 'problem',
  })),
);

/** Cell entities exist for the cells the BMS reports (up to 16 on a TinyBMS s516). */
export const MAX_CELL_ENTITIES = 16;

function cellEntity(cell: number): Entity {
  const number = String(cell).padStart(2, '0');
  return { component: 'sensor', objectId: `cell_${number}_voltage`, name: `Cell ${cell} voltage`, topic: 'cells', source: 'battery', template: `{{ value_json.voltages[${cell - 1}] }}`, ...V, precision: 3 };
}

/** Every entity of one pack with `cellCount` cells, in announcement order. */
export function discoveryEntities(cellCount: number): Entity[] {
  const cells = Math.max(0, Math.min(MAX_CELL_ENTITIES, Math.floor(cellCount)));
  const out = [...ENTITIES, ...ALARM_ENTITIES];
  for (let i = 1; i <= cells; i++) out.push(cellEntity(i));
  return out;
}

/** A node id HA accepts (letters, digits, _ and -) from the MQTT client id. */
export function nodeIdFrom(clientId: string): string {
  const cleaned = clientId.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  return cleaned === '' ? 'tinybms_gw' : cleaned;
}

export function discoveryTopic(prefix: string, component: string, nodeId: string, objectId: string): string {
  return `${prefix}/${component}/${nodeId}/${objectId}/config`;
}

export function discoveryMessages(options: DiscoveryOptions): DiscoveryMessage[] {
  return discoveryEntities(options.cellCount).map((entity) => ({
    topic: discoveryTopic(options.discoveryPrefix, entity.component, options.device.nodeId, entity.objectId),
    payload: JSON.stringify(entityConfig(entity, options)),
  }));
}

function entityConfig(entity: Entity, options: DiscoveryOptions): Record<string, unknown> {
  const { topics, device } = options;
  const availability = [{ topic: topics.availability }];
  if (entity.source === 'battery') availability.push({ topic: topics.bmsAvailability });
  const config: Record<string, unknown> = {
    name: entity.name,
    has_entity_name: true,
    unique_id: `${device.nodeId}_${entity.objectId}`,
    state_topic: topics[entity.topic],
    availability,
    availability_mode: 'all',
    payload_available: 'online',
    payload_not_available: 'offline',
  };
  if (entity.template) config.value_template = entity.template;
  if (entity.deviceClass) config.device_class = entity.deviceClass;
  if (entity.unit) config.unit_of_measurement = entity.unit;
  if (entity.suggestedUnit) config.suggested_unit_of_measurement = entity.suggestedUnit;
  if (entity.stateClass) config.state_class = entity.stateClass;
  if (entity.precision !== undefined) config.suggested_display_precision = entity.precision;
  if (entity.options) config.options = entity.options;
  if (entity.eventTypes) config.event_types = entity.eventTypes;
  if (entity.payloadOn !== undefined) config.payload_on = entity.payloadOn;
  if (entity.payloadOff !== undefined) config.payload_off = entity.payloadOff;
  if (entity.icon) config.icon = entity.icon;
  if (entity.diagnostic) config.entity_category = 'diagnostic';
  if (entity.attributesFromState) config.json_attributes_topic = topics[entity.topic];
  const deviceBlock: Record<string, unknown> = {
    identifiers: [device.nodeId],
    name: device.name,
    manufacturer: 'TinyBMS-GW',
    model: device.model ?? 'TinyBMS gateway (Energus TinyBMS s516)',
    sw_version: device.firmwareVersion,
  };
  if (device.viaDevice) deviceBlock.via_device = device.viaDevice;
  config.device = deviceBlock;
  config.origin = { name: 'TinyBMS-GW', sw_version: device.firmwareVersion };
  return config;
}
