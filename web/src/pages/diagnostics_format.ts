/**
 * How the diagnostics page shows a metric: a readable label from its key and a value in human
 * units chosen by the key's suffix (_ms, _s, _bytes, _pct, _total …). Pure, so it is unit-tested.
 */
import { bytes, DASH, duration } from '../format';

const WORDS: Record<string, string> = { tx: 'TX', rx: 'RX', ws: 'WebSocket', mqtt: 'MQTT', uart: 'UART', can: 'CAN', crc: 'CRC', csrf: 'CSRF', ota: 'OTA', soc: 'SOC', wifi: 'Wi-Fi', rssi: 'RSSI', ms: '', id: 'ID', http: 'HTTP', cvl: 'CVL', ccl: 'CCL', dcl: 'DCL', '2xx': '2xx', '3xx': '3xx', '4xx': '4xx', '5xx': '5xx' };
const UNIT_WORDS = new Set(['ms', 's', 'bytes', 'pct', 'total', 'v', 'a', 'w', 'wh', 'c', 'mv', 'dbm']);

/** "web_responses_5xx_total" → "Responses 5xx" (the module prefix is dropped when given). */
export function metricLabel(key: string, moduleName = ''): string {
  let words = key.split('_');
  const prefix = moduleName.split('_')[0];
  if (words.length > 1 && (words[0] === prefix || words[0] === moduleName)) words = words.slice(1);
  while (words.length > 1 && UNIT_WORDS.has(words[words.length - 1])) words.pop();
  const text = words.map((w) => WORDS[w] ?? w).filter((w) => w !== '').join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const grouped = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/** The value with its unit, judged from the key. */
export function metricValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return DASH;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value.replace(/_/g, ' ');
  if (typeof value !== 'number' || !Number.isFinite(value)) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (key.endsWith('_ms_ago') || key.endsWith('_ms') || key.endsWith('_age_ms')) {
    if (value < 0) return DASH;
    return value < 1000 ? `${grouped(Math.round(value * 10) / 10)} ms` : duration(value / 1000);
  }
  if (key.endsWith('_s')) return duration(value);
  if (key.endsWith('_bytes')) return bytes(value);
  if (key.endsWith('_pct')) return `${grouped(Math.round(value * 10) / 10)} %`;
  if (key.endsWith('_mv')) return `${grouped(value)} mV`;
  if (key.endsWith('_v')) return `${value.toFixed(2)} V`;
  if (key.endsWith('_a')) return `${value.toFixed(1)} A`;
  if (key.endsWith('_wh')) return `${grouped(Math.round(value))} Wh`;
  if (key.endsWith('_dbm')) return `${value} dBm`;
  return grouped(value);
}

/** A metric worth a warning colour: errors, failures, drops and refusals that are not zero. */
export function metricIsBad(key: string, value: unknown): boolean {
  if (typeof value === 'number') return value > 0 && /(error|fail|dropped|lost|timeout|crc|bus_off|refused|rejected|overflow|gaps|corrupt)/.test(key) && !key.endsWith('_ms');
  if (typeof value === 'string') return key === 'state' && /(error|bus_off|failed|stopped)/.test(value);
  return false;
}

/** Names of the self-test checks in words. */
export const CHECK_LABELS: Record<string, string> = {
  bms_link: 'BMS answers on the UART',
  can_running: 'CAN bus running',
  store_writable: 'Settings storage writable',
  clock_sane: 'Clock plausible',
};
