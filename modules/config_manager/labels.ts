/**
 * The words a person sees for a config field: section titles and field labels derived from the
 * schema keys. Shared by the web UI's form and the server's cross-field messages, so an error
 * names the field the way the form shows it.
 */

export const SECTION_TITLES: Readonly<Record<string, string>> = Object.freeze({
  wifi: 'Wi-Fi',
  mqtt: 'MQTT',
  can: 'CAN',
  bms: 'BMS link',
  alerts: 'Alert thresholds',
  charge: 'Charge control',
  web: 'Web access',
  history: 'History',
});

const WORDS: Readonly<Record<string, string>> = Object.freeze({ soc: 'SOC', mqtt: 'MQTT', uri: 'URI', ca: 'CA', id: 'ID', ssid: 'SSID', ap: 'AP', cvl: 'CVL', can: 'CAN' });
/** Unit suffixes dropped from labels (the unit is shown beside the input). */
const UNIT_SUFFIXES: readonly string[] = Object.freeze(['ms', 's', 'mv', 'c', 'a', 'pct', 'kbps', 'v', 'days']);

/** "poll_interval_ms" → "Poll interval". */
export function labelFor(key: string): string {
  const words = key.split('_');
  if (words.length > 1 && UNIT_SUFFIXES.includes(words[words.length - 1])) words.pop();
  const text = words.map((w) => WORDS[w] ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "bms.poll_interval_ms" → "“Poll interval” (BMS link)": the label as the form shows it, with its section. */
export function fieldLabel(path: string): string {
  const dotAt = path.indexOf('.');
  if (dotAt < 0) return `“${labelFor(path)}”`;
  const section = path.slice(0, dotAt);
  return `“${labelFor(path.slice(path.lastIndexOf('.') + 1))}” (${SECTION_TITLES[section] ?? section})`;
}
