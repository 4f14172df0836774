/**
 * Readers for the parts of the contract that leave the exact JSON shape open (a list may come
 * bare or wrapped in an object; a link state as a word or a boolean). Each returns one shape.
 */
import type { HistoryFile, HistorySample, LinkStatus, RegisterInfo } from './types';

/** The array itself, or the first array found under one of `keys`. */
export function listOf<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    for (const key of keys) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

export type LinkLevel = 'up' | 'warn' | 'down' | 'off' | 'unknown';

const UP_WORDS = ['connected', 'online', 'up', 'running', 'ok', 'active', 'error_active', 'got_ip'];
const WARN_WORDS = ['connecting', 'reconnecting', 'error_warning', 'error_passive', 'degraded', 'starting', 'recovering', 'stale'];
const OFF_WORDS = ['disabled', 'off', 'stopped', 'not_configured'];

/** The link's state word: `state`, or a module metric ending in `_state` ("can_state"). */
function stateWord(link: LinkStatus): string {
  const key = 'state' in link ? 'state' : Object.keys(link).find((k) => k.endsWith('_state'));
  const value = key ? link[key] : undefined;
  return typeof value === 'string' ? value.toLowerCase() : '';
}

const FLAG_NAMES = ['connected', 'online', 'link_up', 'up'];

/** The link's up/down flag: a plain name, or a module metric ending in one ("uart_link_up", "mqtt_connected"). */
function upFlag(link: LinkStatus): boolean | undefined {
  for (const name of FLAG_NAMES) if (typeof link[name] === 'boolean') return link[name] as boolean;
  const key = Object.keys(link).find((k) => typeof link[k] === 'boolean' && FLAG_NAMES.some((name) => k.endsWith(`_${name}`)));
  return key ? (link[key] as boolean) : undefined;
}

/** A traffic-light level and a word for one link of /api/status. */
export function linkLevel(link: LinkStatus | undefined): { level: LinkLevel; label: string } {
  if (!link || typeof link !== 'object') return { level: 'unknown', label: 'unknown' };
  if (link.enabled === false) return { level: 'off', label: 'disabled' };
  if (link.present === false) return { level: 'off', label: 'not present' };
  const state = stateWord(link);
  if (state) {
    const label = state.replace(/_/g, ' ');
    if (UP_WORDS.includes(state)) return { level: 'up', label };
    if (WARN_WORDS.includes(state)) return { level: 'warn', label };
    if (OFF_WORDS.includes(state)) return { level: 'off', label };
    return { level: 'down', label };
  }
  const flag = upFlag(link);
  if (flag === true) return { level: 'up', label: 'connected' };
  if (flag === false) return { level: 'down', label: 'disconnected' };
  return { level: 'unknown', label: 'unknown' };
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A register with `min`/`max` whether the server sends them flat or as `range`. */
export function normalizeRegister(raw: Record<string, unknown>): RegisterInfo | null {
  const address = num(raw.address);
  if (address === undefined) return null;
  const value = num(raw.value);
  const range = raw.range;
  let min = num(raw.min);
  let max = num(raw.max);
  if (Array.isArray(range)) {
    min ??= num(range[0]);
    max ??= num(range[1]);
  } else if (typeof range === 'object' && range !== null) {
    min ??= num((range as Record<string, unknown>).min);
    max ??= num((range as Record<string, unknown>).max);
  }
  const out: RegisterInfo = { address, name: typeof raw.name === 'string' ? raw.name : `Register ${address}` };
  if (value !== undefined) out.value = value;
  const fallback = num(raw.default);
  if (fallback !== undefined) out.default = fallback;
  if (Array.isArray(raw.options)) {
    out.options = (raw.options as { value?: unknown; label?: unknown }[])
      .filter((o) => num(o?.value) !== undefined)
      .map((o) => ({ value: o.value as number, label: typeof o.label === 'string' ? o.label : String(o.value) }));
  }
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  const step = num(raw.step) ?? num(raw.scale) ?? num(raw.resolution);
  if (step !== undefined) out.step = step;
  for (const key of ['key', 'unit', 'category', 'description'] as const) if (typeof raw[key] === 'string') out[key] = raw[key] as string;
  if (raw.read_only === true || raw.access === 'r' || raw.access === 'ro' || raw.writable === false) out.read_only = true;
  return out;
}

const DAY = /(\d{4}-\d{2}-\d{2})/;

/** History day files from `[{date|name, size}]` or plain names, newest first. */
export function normalizeHistoryFiles(body: unknown): HistoryFile[] {
  const out: HistoryFile[] = [];
  for (const item of listOf<unknown>(body, 'files', 'days')) {
    const raw = typeof item === 'string' ? { name: item } : (item as Record<string, unknown>);
    const date = [raw.date, raw.name, raw.file].map((v) => (typeof v === 'string' ? DAY.exec(v)?.[1] : undefined)).find(Boolean);
    if (!date) continue;
    const file: HistoryFile = { date };
    if (typeof raw.name === 'string') file.name = raw.name;
    const size = num(raw.size) ?? num(raw.size_bytes) ?? num(raw.bytes);
    if (size !== undefined) file.size = size;
    out.push(file);
  }
  return out.sort((a, b) => b.date.localeCompare(a.date));
}

/** The first of `names` that holds a number in `row`, else NaN (a gap in the chart). */
function pick(row: Record<string, unknown>, ...names: string[]): number {
  for (const name of names) {
    const value = num(row[name]);
    if (value !== undefined) return value;
  }
  return NaN;
}

/**
 * History rows, oldest first (rows missing a timestamp are dropped). Rows come with the CSV
 * column names (voltage, soc …) or the live-data names (pack_voltage_v, state_of_charge_pct …).
 */
export function normalizeHistorySamples(body: unknown): HistorySample[] {
  const rows = listOf<Record<string, unknown>>(body, 'samples', 'data', 'history', 'records');
  const out: HistorySample[] = [];
  for (const row of rows) {
    const timestamp = num(row.timestamp) ?? num(row.timestamp_ms) ?? (typeof row.timestamp === 'string' ? Date.parse(row.timestamp) : undefined);
    if (timestamp === undefined || Number.isNaN(timestamp)) continue;
    out.push({
      timestamp,
      voltage: pick(row, 'voltage', 'pack_voltage_v'),
      current: pick(row, 'current', 'pack_current_a'),
      soc: pick(row, 'soc', 'state_of_charge_pct'),
      temp_max: pick(row, 'temp_max', 'max_temperature_c'),
      temp_min: pick(row, 'temp_min', 'min_temperature_c'),
      cell_max: pick(row, 'cell_max', 'max_cell_voltage_mv'),
      cell_min: pick(row, 'cell_min', 'min_cell_voltage_mv'),
    });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}
