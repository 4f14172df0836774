/**
 * Home Assistant's MQTT discovery rules, as its documentation and sensor constants state them
 * (sensor device classes with their allowed units and state classes; binary_sensor and event
 * device classes; entity categories; enum and event requirements). A discovery config HA would
 * reject or log as invalid gives at least one problem here.
 */

/** Sensor device class → units HA accepts and the state classes it allows (empty: none allowed). */
export const SENSOR_DEVICE_CLASSES: Readonly<Record<string, { units: readonly (string | null)[]; stateClasses: readonly string[] }>> = {
  battery: { units: ['%'], stateClasses: ['measurement'] },
  current: { units: ['A', 'mA'], stateClasses: ['measurement'] },
  voltage: { units: ['V', 'mV', 'µV', 'kV', 'MV'], stateClasses: ['measurement'] },
  power: { units: ['mW', 'W', 'kW', 'MW', 'GW', 'TW', 'BTU/h'], stateClasses: ['measurement'] },
  apparent_power: { units: ['VA', 'kVA'], stateClasses: ['measurement'] },
  energy: { units: ['J', 'kJ', 'MJ', 'GJ', 'mWh', 'Wh', 'kWh', 'MWh', 'GWh', 'TWh', 'cal', 'kcal', 'Mcal', 'Gcal'], stateClasses: ['total', 'total_increasing'] },
  energy_storage: { units: ['J', 'kJ', 'MJ', 'GJ', 'mWh', 'Wh', 'kWh', 'MWh', 'GWh', 'TWh', 'cal', 'kcal', 'Mcal', 'Gcal'], stateClasses: ['measurement'] },
  temperature: { units: ['°C', '°F', 'K'], stateClasses: ['measurement'] },
  duration: { units: ['d', 'h', 'min', 's', 'ms', 'µs'], stateClasses: ['measurement', 'total', 'total_increasing'] },
  signal_strength: { units: ['dB', 'dBm'], stateClasses: ['measurement'] },
  frequency: { units: ['Hz', 'kHz', 'MHz', 'GHz'], stateClasses: ['measurement'] },
  timestamp: { units: [null], stateClasses: [] },
  enum: { units: [null], stateClasses: [] },
};

export const BINARY_SENSOR_DEVICE_CLASSES: readonly string[] = [
  'battery', 'battery_charging', 'carbon_monoxide', 'cold', 'connectivity', 'door', 'garage_door', 'gas', 'heat', 'light', 'lock', 'moisture', 'motion',
  'moving', 'occupancy', 'opening', 'plug', 'power', 'presence', 'problem', 'running', 'safety', 'smoke', 'sound', 'tamper', 'update', 'vibration', 'window',
];

export const EVENT_DEVICE_CLASSES: readonly string[] = ['button', 'doorbell', 'motion'];

const STATE_CLASSES = ['measurement', 'total', 'total_increasing'];
const TOPIC = /^[^/#+]+\/(sensor|binary_sensor|event)\/[a-zA-Z0-9_-]+\/[a-zA-Z0-9_-]+\/config$/;

type Config = Record<string, unknown>;

/** Every rule a single config breaks (empty when HA accepts it). */
export function discoveryProblems(topic: string, config: Config): string[] {
  const problems: string[] = [];
  const match = TOPIC.exec(topic);
  if (!match) return [`${topic}: not <prefix>/<component>/<node_id>/<object_id>/config`];
  const component = match[1];
  const say = (text: string) => problems.push(`${topic}: ${text}`);
  const deviceClass = config.device_class as string | undefined;
  const unit = (config.unit_of_measurement as string | undefined) ?? null;
  const stateClass = config.state_class as string | undefined;

  if (typeof config.unique_id !== 'string' || config.unique_id === '') say('no unique_id');
  if (typeof config.state_topic !== 'string' || config.state_topic === '') say('no state_topic');
  const device = config.device as Config | undefined;
  if (!device || !Array.isArray(device.identifiers) || device.identifiers.length === 0) say('device without identifiers');
  if (config.entity_category !== undefined && config.entity_category !== 'diagnostic' && !(config.entity_category === 'config' && component !== 'sensor'))
    say(`entity_category ${String(config.entity_category)} not allowed for a ${component}`);

  if (component === 'sensor') {
    if (stateClass !== undefined && !STATE_CLASSES.includes(stateClass)) say(`unknown state_class ${stateClass}`);
    if (deviceClass !== undefined) {
      const rule = SENSOR_DEVICE_CLASSES[deviceClass];
      if (!rule) say(`unknown sensor device_class ${deviceClass}`);
      else {
        if (!rule.units.includes(unit)) say(`unit ${String(unit)} is not valid for device_class ${deviceClass} (expected ${rule.units.join(', ')})`);
        if (stateClass !== undefined && !rule.stateClasses.includes(stateClass)) say(`state_class ${stateClass} is impossible for device_class ${deviceClass}`);
      }
    }
    const isEnum = deviceClass === 'enum';
    if (isEnum && (!Array.isArray(config.options) || config.options.length === 0)) say('enum sensor without options');
    if (!isEnum && config.options !== undefined) say('options on a sensor that is not an enum');
    if (isEnum && config.suggested_display_precision !== undefined) say('display precision on an enum sensor');
    if (config.suggested_unit_of_measurement !== undefined && deviceClass === undefined) say('suggested unit without a device class to convert by');
    if (config.suggested_unit_of_measurement !== undefined && deviceClass && !SENSOR_DEVICE_CLASSES[deviceClass]?.units.includes(config.suggested_unit_of_measurement as string))
      say(`suggested unit ${String(config.suggested_unit_of_measurement)} not a ${deviceClass} unit`);
  } else {
    for (const key of ['unit_of_measurement', 'state_class', 'suggested_display_precision', 'options']) if (config[key] !== undefined) say(`${key} on a ${component}`);
    if (component === 'binary_sensor' && deviceClass !== undefined && !BINARY_SENSOR_DEVICE_CLASSES.includes(deviceClass)) say(`unknown binary_sensor device_class ${deviceClass}`);
    if (component === 'event') {
      if (deviceClass !== undefined && !EVENT_DEVICE_CLASSES.includes(deviceClass)) say(`unknown event device_class ${deviceClass}`);
      if (!Array.isArray(config.event_types) || config.event_types.length === 0) say('event without event_types');
    }
  }
  return problems;
}

/** Problems across a whole announcement, including unique_ids used twice. */
export function announcementProblems(messages: readonly { topic: string; payload: string }[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const { topic, payload } of messages) {
    if (payload === '') continue;
    const config = JSON.parse(payload) as Config;
    problems.push(...discoveryProblems(topic, config));
    const id = String(config.unique_id);
    if (ids.has(id)) problems.push(`${topic}: unique_id ${id} also used by ${ids.get(id)}`);
    ids.set(id, topic);
  }
  return problems;
}

/** The `value_json.a.b[3]` paths a value template reads. */
export function templatePaths(template: string): string[][] {
  const out: string[][] = [];
  for (const match of template.matchAll(/value_json((?:\.[a-z_]+|\[\d+\])+)/g)) out.push(match[1].split(/\.|\[|\]/).filter((part) => part !== ''));
  return out;
}
