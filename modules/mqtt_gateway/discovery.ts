/**
 * Home Assistant MQTT discovery: one retained config message per entity under
 * <discovery_prefix>/<component>/<node_id>/<object_id>/config, generated from the ENTITIES table
 * Several packs: the bank is the gateway device; each pack is a device of its own with the
 * battery entities of the table on its own topics, linked to the bank with `via_device`.
 * Object ids are stable across versions (dashboards depend on them); names follow HA's
 * has_entity_name rules. Battery entities need both the gateway and fresh battery data.
 */
import { ALERT_CODES, alertCodesFor, PACK_ALERT_BASES, packAlertCode } from '../alert_manager/alert';
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
  /** Packs in the bank (default 1): with more, the alert event also lists the per-pack codes. */
  packCount?: number;
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
const DIAGNOSTIC = { diagnostic: true } as const;

export const ONLINE_STATUSES: readonly OnlineStatusName[] = Object.freeze(['charging', 'fully_charged', 'discharging', 'regeneration', 'idle', 'fault', 'unknown']);

/** A JSON boolean as ON/OFF for binary sensors. */
const onOff = (expression: string) => `{{ 'ON' if ${expression} else 'OFF' }}`;
/** The value at `path` of the topic's JSON payload. */
const json = (path: string) => `{{ value_json.${path} }}`;

/** Topics the gateway publishes whatever the battery does; the others need fresh battery data. */
const GATEWAY_SOURCED: readonly (keyof GatewayTopics)[] = Object.freeze(['energy', 'alarms', 'alerts', 'limits', 'diagnostics', 'bmsAvailability']);

type EntityDetails = Omit<Entity, 'component' | 'objectId' | 'name' | 'topic' | 'source'>;

/** One entity of the table: its source follows from its topic. */
const entity =
  (component: Component) =>
  (objectId: string, name: string, topic: keyof GatewayTopics, details: EntityDetails = {}): Entity => ({
    component,
    objectId,
    name,
    topic,
    source: GATEWAY_SOURCED.includes(topic) ? 'gateway' : 'battery',
    ...details,
  });
const sensor = entity('sensor');
const binary = entity('binary_sensor');

const ENTITIES: readonly Entity[] = Object.freeze([
  sensor('pack_voltage', 'Pack voltage', 'voltage', { ...V, precision: 2 }),
  sensor('pack_current', 'Pack current', 'current', { ...A, precision: 2 }),
  sensor('power', 'Power', 'status', { template: json('battery.power'), deviceClass: 'power', unit: 'W', stateClass: 'measurement', precision: 0 }),
  sensor('state_of_charge', 'State of charge', 'soc', { deviceClass: 'battery', unit: '%', stateClass: 'measurement', precision: 1 }),
  sensor('state_of_health', 'State of health', 'status', { template: json('battery.soh'), unit: '%', stateClass: 'measurement', icon: 'mdi:battery-heart-variant' }),
  sensor('remaining_capacity', 'Remaining capacity', 'status', { template: json('battery.remaining_ah'), unit: 'Ah', stateClass: 'measurement', precision: 1, icon: 'mdi:battery-clock' }),
  sensor('time_to_go', 'Time to go', 'status', { template: json('battery.time_left_s'), deviceClass: 'duration', unit: 's', stateClass: 'measurement', precision: 0 }),
  sensor('online_status', 'Battery status', 'status', { template: json('battery.online_status'), deviceClass: 'enum', options: ONLINE_STATUSES, icon: 'mdi:battery-sync' }),
  sensor('max_cell_voltage', 'Max cell voltage', 'cellVoltageMax', { ...V, precision: 3 }),
  sensor('min_cell_voltage', 'Min cell voltage', 'cellVoltageMin', { ...V, precision: 3 }),
  sensor('max_cell_number', 'Max cell number', 'status', { template: json('cells.max_cell'), icon: 'mdi:numeric' }),
  sensor('min_cell_number', 'Min cell number', 'status', { template: json('cells.min_cell'), icon: 'mdi:numeric' }),
  sensor('cell_delta', 'Cell voltage delta', 'status', { template: '{{ (value_json.cells.voltage_delta * 1000) | round(0) }}', deviceClass: 'voltage', unit: 'mV', stateClass: 'measurement', precision: 0 }),
  binary('balancing', 'Balancing', 'status', { template: onOff('value_json.cells.balancing'), icon: 'mdi:scale-balance' }),
  sensor('max_temperature', 'Max temperature', 'temperatureMax', C),
  sensor('min_temperature', 'Min temperature', 'temperatureMin', C),
  sensor('average_temperature', 'Average temperature', 'status', { template: json('temperature.avg'), ...C }),
  sensor('charged_energy', 'Charged energy', 'energy', { template: json('charged_wh'), ...ENERGY }),
  sensor('discharged_energy', 'Discharged energy', 'energy', { template: json('discharged_wh'), ...ENERGY }),
  sensor('cycle_count', 'Equivalent full cycles', 'energy', { template: json('cycles'), stateClass: 'total_increasing', precision: 1, icon: 'mdi:battery-sync-outline' }),
  sensor('active_alarms', 'Active alarms', 'alarms', { template: json('count'), icon: 'mdi:alert-circle-outline', attributesFromState: true }),
  binary('alarm', 'Alarm', 'alarms', { template: onOff('value_json.count > 0'), deviceClass: 'problem' }),
  entity('event')('alert', 'Alert', 'alerts', { template: "{{ {'event_type': value_json.code, 'level': value_json.level, 'message': value_json.message} | to_json }}", eventTypes: ALERT_CODES, icon: 'mdi:alert' }),
  sensor('charge_voltage_limit', 'Charge voltage limit', 'limits', { template: json('charge_voltage_limit_v'), ...V, precision: 2 }),
  sensor('charge_current_limit', 'Charge current limit', 'limits', { template: json('charge_current_limit_a'), ...A, precision: 1 }),
  sensor('discharge_current_limit', 'Discharge current limit', 'limits', { template: json('discharge_current_limit_a'), ...A, precision: 1 }),
  sensor('discharge_voltage_limit', 'Discharge voltage limit', 'limits', { template: json('discharge_voltage_limit_v'), ...V, precision: 2 }),
  binary('charge_allowed', 'Charge allowed', 'limits', { template: onOff('value_json.charge_allowed'), icon: 'mdi:battery-arrow-up' }),
  binary('discharge_allowed', 'Discharge allowed', 'limits', { template: onOff('value_json.discharge_allowed'), icon: 'mdi:battery-arrow-down' }),
  sensor('wifi_signal', 'Wi-Fi signal', 'diagnostics', { ...DIAGNOSTIC, template: json('wifi_rssi_dbm'), deviceClass: 'signal_strength', unit: 'dBm', stateClass: 'measurement', precision: 0 }),
  sensor('uptime', 'Uptime', 'diagnostics', { ...DIAGNOSTIC, template: json('uptime_s'), deviceClass: 'duration', unit: 's', stateClass: 'total_increasing', precision: 0 }),
  sensor('firmware', 'Firmware', 'diagnostics', { ...DIAGNOSTIC, template: json('firmware'), icon: 'mdi:chip' }),
  binary('bms_link', 'BMS link', 'bmsAvailability', { ...DIAGNOSTIC, deviceClass: 'connectivity', payloadOn: 'online', payloadOff: 'offline' }),
  sensor('can_bus', 'CAN bus', 'diagnostics', { ...DIAGNOSTIC, template: json('can_state'), deviceClass: 'enum', options: ['running', 'error_passive', 'bus_off', 'recovering', 'stopped', 'unknown'], icon: 'mdi:connection' }),
]);

/** A problem binary sensor for an alert code, from the retained alarm list. */
function alarmEntity(objectCode: string, code: string): Entity {
  const lower = objectCode.toLowerCase();
  return binary(`alarm_${lower}`, `Alarm ${lower.replace(/_/g, ' ')}`, 'alarms', { template: onOff(`'${code}' in value_json.codes`), deviceClass: 'problem' });
}

/** One problem binary sensor per alert code. */
const ALARM_ENTITIES: readonly Entity[] = Object.freeze(ALERT_CODES.map((code) => alarmEntity(code, code)));

/** Cell entities exist for the cells the BMS reports (up to 16 on a TinyBMS s516). */
export const MAX_CELL_ENTITIES = 16;

function cellEntity(cell: number): Entity {
  const number = String(cell).padStart(2, '0');
  return sensor(`cell_${number}_voltage`, `Cell ${cell} voltage`, 'cells', { template: json(`voltages[${cell - 1}]`), ...V, precision: 3 });
}

function withCells(entities: Entity[], cellCount: number): Entity[] {
  const cells = Math.max(0, Math.min(MAX_CELL_ENTITIES, Math.floor(cellCount)));
  for (let i = 1; i <= cells; i++) entities.push(cellEntity(i));
  return entities;
}

/** Every entity of the gateway (the battery, or the bank of several packs) with `cellCount` cells, in announcement order. */
export function discoveryEntities(cellCount: number, packCount = 1): Entity[] {
  const entities = packCount > 1 ? ENTITIES.map((e) => (e.eventTypes ? { ...e, eventTypes: alertCodesFor(packCount) } : e)) : [...ENTITIES];
  return withCells([...entities, ...ALARM_ENTITIES], cellCount);
}

/** One pack's device: its battery entities, its BMS link, and a problem sensor per per-pack alert (from the bank's alarm list). */
export function packDiscoveryEntities(pack: number, cellCount: number): Entity[] {
  const own = ENTITIES.filter((e) => e.source === 'battery' || e.topic === 'bmsAvailability');
  const alarms = PACK_ALERT_BASES.map((base) => alarmEntity(base, packAlertCode(base, pack)));
  return withCells([...own, ...alarms], cellCount);
}

/** A pack's device: its own node id and name, reached through the bank (the gateway device). */
export function packDevice(bank: DeviceIdentity, pack: number): DeviceIdentity {
  return { nodeId: `${bank.nodeId}_pack${pack}`, name: `${bank.name} pack ${pack}`, firmwareVersion: bank.firmwareVersion, model: 'Energus TinyBMS s516 (pack of a bank)', viaDevice: bank.nodeId };
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
  return messagesFor(discoveryEntities(options.cellCount, options.packCount), options);
}

/** Several packs: pack `pack`'s device; `topics` are that pack's (packTopics), `device` its packDevice. */
export function packDiscoveryMessages(options: DiscoveryOptions & { pack: number }): DiscoveryMessage[] {
  return messagesFor(packDiscoveryEntities(options.pack, options.cellCount), options);
}

function messagesFor(entities: Entity[], options: DiscoveryOptions): DiscoveryMessage[] {
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
