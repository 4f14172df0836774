/**
 * Home Assistant MQTT discovery: one retained config message per entity under
 * <discovery_prefix>/<component>/<node_id>/<object_id>/config. Object ids are stable across
 * versions (dashboards depend on them); names follow HA's has_entity_name rules.
 * Battery entities need both the gateway and fresh battery data to be available.
 */
import type { GatewayTopics } from './topics';

export interface DeviceIdentity {
  /** Unique per gateway on the broker: derived from the MQTT client id. */
  nodeId: string;
  name: string;
  firmwareVersion: string;
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

interface Entity {
  component: 'sensor' | 'binary_sensor';
  objectId: string;
  name: string;
  topic: keyof GatewayTopics;
  source: Source;
  template?: string;
  deviceClass?: string;
  unit?: string;
  stateClass?: 'measurement';
  precision?: number;
  icon?: string;
  attributesFromState?: boolean;
}

const V = { deviceClass: 'voltage', unit: 'V', stateClass: 'measurement' } as const;
const A = { deviceClass: 'current', unit: 'A', stateClass: 'measurement' } as const;
const C = { deviceClass: 'temperature', unit: '°C', stateClass: 'measurement', precision: 1 } as const;

const ENTITIES: readonly Entity[] = Object.freeze([
  { component: 'sensor', objectId: 'pack_voltage', name: 'Pack voltage', topic: 'voltage', source: 'battery', ...V, precision: 2 },
  { component: 'sensor', objectId: 'pack_current', name: 'Pack current', topic: 'current', source: 'battery', ...A, precision: 2 },
  { component: 'sensor', objectId: 'power', name: 'Power', topic: 'status', source: 'battery', template: '{{ value_json.battery.power }}', deviceClass: 'power', unit: 'W', stateClass: 'measurement', precision: 0 },
  { component: 'sensor', objectId: 'state_of_charge', name: 'State of charge', topic: 'soc', source: 'battery', deviceClass: 'battery', unit: '%', stateClass: 'measurement', precision: 1 },
  { component: 'sensor', objectId: 'state_of_health', name: 'State of health', topic: 'status', source: 'battery', template: '{{ value_json.battery.soh }}', unit: '%', stateClass: 'measurement', icon: 'mdi:battery-heart-variant' },
  { component: 'sensor', objectId: 'max_cell_voltage', name: 'Max cell voltage', topic: 'cellVoltageMax', source: 'battery', ...V, precision: 3 },
  { component: 'sensor', objectId: 'min_cell_voltage', name: 'Min cell voltage', topic: 'cellVoltageMin', source: 'battery', ...V, precision: 3 },
  { component: 'sensor', objectId: 'cell_delta', name: 'Cell voltage delta', topic: 'status', source: 'battery', template: '{{ (value_json.cells.voltage_delta * 1000) | round(0) }}', deviceClass: 'voltage', unit: 'mV', stateClass: 'measurement', precision: 0 },
  { component: 'sensor', objectId: 'max_temperature', name: 'Max temperature', topic: 'temperatureMax', source: 'battery', ...C },
  { component: 'sensor', objectId: 'min_temperature', name: 'Min temperature', topic: 'temperatureMin', source: 'battery', ...C },
  { component: 'sensor', objectId: 'average_temperature', name: 'Average temperature', topic: 'status', source: 'battery', template: '{{ value_json.temperature.avg }}', ...C },
  { component: 'sensor', objectId: 'active_alarms', name: 'Active alarms', topic: 'alarms', source: 'gateway', template: '{{ value_json.count }}', icon: 'mdi:alert-circle-outline', attributesFromState: true },
  { component: 'binary_sensor', objectId: 'alarm', name: 'Alarm', topic: 'alarms', source: 'gateway', template: "{{ 'ON' if value_json.count > 0 else 'OFF' }}", deviceClass: 'problem' },
  { component: 'sensor', objectId: 'charge_voltage_limit', name: 'Charge voltage limit', topic: 'limits', source: 'gateway', template: '{{ value_json.charge_voltage_limit_v }}', ...V, precision: 2 },
  { component: 'sensor', objectId: 'charge_current_limit', name: 'Charge current limit', topic: 'limits', source: 'gateway', template: '{{ value_json.charge_current_limit_a }}', ...A, precision: 1 },
  { component: 'sensor', objectId: 'discharge_current_limit', name: 'Discharge current limit', topic: 'limits', source: 'gateway', template: '{{ value_json.discharge_current_limit_a }}', ...A, precision: 1 },
  { component: 'sensor', objectId: 'discharge_voltage_limit', name: 'Discharge voltage limit', topic: 'limits', source: 'gateway', template: '{{ value_json.discharge_voltage_limit_v }}', ...V, precision: 2 },
]);

/** Cell entities exist for the cells the BMS reports (up to 16 on a TinyBMS s516). */
export const MAX_CELL_ENTITIES = 16;

function cellEntity(cell: number): Entity {
  const number = String(cell).padStart(2, '0');
  return { component: 'sensor', objectId: `cell_${number}_voltage`, name: `Cell ${cell} voltage`, topic: 'cells', source: 'battery', template: `{{ value_json.voltages[${cell - 1}] }}`, ...V, precision: 3 };
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
  const cells = Math.max(0, Math.min(MAX_CELL_ENTITIES, Math.floor(options.cellCount)));
  const entities = [...ENTITIES, ...Array.from({ length: cells }, (_, i) => cellEntity(i + 1))];
  return entities.map((entity) => ({
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
  if (entity.stateClass) config.state_class = entity.stateClass;
  if (entity.precision !== undefined) config.suggested_display_precision = entity.precision;
  if (entity.icon) config.icon = entity.icon;
  if (entity.attributesFromState) config.json_attributes_topic = topics[entity.topic];
  config.device = {
    identifiers: [device.nodeId],
    name: device.name,
    manufacturer: 'TinyBMS-GW',
    model: 'TinyBMS gateway (Energus TinyBMS s516)',
    sw_version: device.firmwareVersion,
  };
  return config;
}
