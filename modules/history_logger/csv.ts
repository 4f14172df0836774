/**
 * The history CSV (gateway-api.md §History): header first, one line per sample. Pure: samples
 * in, text out, and back. Every number has a fixed count of decimals, so a line cut short by a
 * power failure never reads as a valid sample: it fails the format and is dropped on read.
 */
import type { LiveData } from '../uart_bms/live_data';

/** One sample as the JSON view gives it; null where the BMS had no such value. */
export interface HistorySample {
  /** Wall-clock ms. */
  timestamp_ms: number;
  pack_voltage_v: number;
  pack_current_a: number;
  state_of_charge_pct: number;
  max_temperature_c: number | null;
  min_temperature_c: number | null;
  max_cell_voltage_mv: number | null;
  min_cell_voltage_mv: number | null;
}

type NumericKey = Exclude<keyof HistorySample, 'timestamp_ms'>;

interface Column {
  header: string;
  key: NumericKey;
  decimals: number;
  /** Sample units per CSV unit (cells are mV in JSON, V in the CSV like the pack voltage). */
  scale: number;
  optional: boolean;
}

const column = (header: string, key: NumericKey, decimals: number, optional = false, scale = 1): Column =>
  ({ header, key, decimals, scale, optional });

/** The spec's six columns, then the cell extremes. Files with only the first six still read. */
const COLUMNS: readonly Column[] = Object.freeze([
  column('voltage', 'pack_voltage_v', 3),
  column('current', 'pack_current_a', 2),
  column('soc', 'state_of_charge_pct', 1),
  column('temp_max', 'max_temperature_c', 1, true),
  column('temp_min', 'min_temperature_c', 1, true),
  column('cell_max', 'max_cell_voltage_mv', 3, true, 1000),
  column('cell_min', 'min_cell_voltage_mv', 3, true, 1000),
]);

const BASIC_COLUMN_COUNT = 5;
const MISSING = 'NA';
// Checked by hand, not with module-level RegExps: this module is preloaded, and mcsim (SDK 8.2.3,
// release) segfaulted in RegExp.prototype.exec under test() while history was being read.
const ISO_SHAPE = 'dddd-dd-ddTdd:dd:dd.dddZ';

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `yyyy-mm-ddThh:mm:ss.sssZ`, as toISOString writes it. */
function isIsoTimestamp(text: string): boolean {
  if (text.length !== ISO_SHAPE.length) return false;
  for (let i = 0; i < ISO_SHAPE.length; i++) {
    const code = text.charCodeAt(i);
    if (ISO_SHAPE[i] === 'd' ? !isDigit(code) : code !== ISO_SHAPE.charCodeAt(i)) return false;
  }
  return true;
}

/** `-?digits.digits` with exactly `decimals` digits after the point: a cut-short number never matches. */
function isFixedDecimal(text: string, decimals: number): boolean {
  const start = text.startsWith('-') ? 1 : 0;
  const point = text.indexOf('.');
  if (point <= start || text.length - point - 1 !== decimals) return false;
  for (let i = start; i < text.length; i++) if (i !== point && !isDigit(text.charCodeAt(i))) return false;
  return true;
}

export type CsvLayout = 'basic' | 'with_cells';

function columnsOf(layout: CsvLayout): readonly Column[] {
  return layout === 'basic' ? COLUMNS.slice(0, BASIC_COLUMN_COUNT) : COLUMNS;
}

export function csvHeader(layout: CsvLayout = 'with_cells'): string {
  return ['timestamp', ...columnsOf(layout).map((c) => c.header)].join(',');
}

const finiteOrNull = (value: number, present = true) => (present && Number.isFinite(value) ? value : null);

/** The sample a valid snapshot gives at `wallMs`; undefined when a required value is not a number. */
export function sampleOf(data: LiveData, wallMs: number): HistorySample | undefined {
  const hasTemperature = data.temp_sensor_count > 0;
  const hasCells = data.cell_count > 0;
  const sample: HistorySample = {
    timestamp_ms: wallMs,
    pack_voltage_v: data.pack_voltage_v,
    pack_current_a: data.pack_current_a,
    state_of_charge_pct: data.state_of_charge_pct,
    max_temperature_c: finiteOrNull(data.max_temperature_c, hasTemperature),
    min_temperature_c: finiteOrNull(data.min_temperature_c, hasTemperature),
    max_cell_voltage_mv: finiteOrNull(data.max_cell_voltage_mv, hasCells),
    min_cell_voltage_mv: finiteOrNull(data.min_cell_voltage_mv, hasCells),
  };
  const required = [wallMs, sample.pack_voltage_v, sample.pack_current_a, sample.state_of_charge_pct];
  return required.every(Number.isFinite) ? sample : undefined;
}

/** One CSV line, newline included. */
export function formatLine(sample: HistorySample, layout: CsvLayout = 'with_cells'): string {
  const fields = [new Date(sample.timestamp_ms).toISOString()];
  for (const c of columnsOf(layout)) {
    const value = sample[c.key];
    fields.push(value === null ? MISSING : (value / c.scale).toFixed(c.decimals));
  }
  return `${fields.join(',')}\n`;
}

export interface ParsedDay {
  layout: CsvLayout;
  samples: HistorySample[];
  /** Complete lines that are not valid samples (garbage, a cut line closed by a later write). */
  rejected_lines: number;
  /** The text ended in a partial line (no newline): a write cut by a power failure. */
  torn_tail: boolean;
}

function parseNumber(text: string, c: Column): number | null | undefined {
  if (text === MISSING) return c.optional ? null : undefined;
  if (!isFixedDecimal(text, c.decimals)) return undefined;
  const value = Number(text) * c.scale;
  return c.scale === 1 ? value : Math.round(value);
}

function parseLine(line: string, columns: readonly Column[]): HistorySample | undefined {
  const fields = line.split(',');
  if (fields.length !== columns.length + 1 || !isIsoTimestamp(fields[0])) return undefined;
  const timestamp = Date.parse(fields[0]);
  if (!Number.isFinite(timestamp)) return undefined;
  const sample: Record<string, number | null> = { timestamp_ms: timestamp };
  for (let i = 0; i < columns.length; i++) {
    const value = parseNumber(fields[i + 1], columns[i]);
    if (value === undefined) return undefined;
    sample[columns[i].key] = value;
  }
  // A basic-layout file has no cell columns.
  sample.max_cell_voltage_mv ??= null;
  sample.min_cell_voltage_mv ??= null;
  return sample as unknown as HistorySample;
}

function layoutOfHeader(line: string): CsvLayout | undefined {
  if (line === csvHeader('with_cells')) return 'with_cells';
  if (line === csvHeader('basic')) return 'basic';
  return undefined;
}

/** What one complete line of a day file is. */
export type LineVerdict = HistorySample | 'skip' | 'rejected';

/**
 * Classifies the complete lines of a day file in order: the first non-empty line is the header
 * (it fixes the layout; without a readable header the full layout is assumed and that line is
 * read as a sample), empty lines are skipped, a valid line is a sample, anything else is rejected.
 */
export class DayLines {
  #layout: CsvLayout | undefined;

  /** `layout`: when resuming past the header, the layout it gave. */
  constructor(layout?: CsvLayout) {
    this.#layout = layout;
  }

  /** Undefined until the first non-empty line has been seen. */
  get layout(): CsvLayout | undefined {
    return this.#layout;
  }

  /** `line` without its newline; undefined for a line too long to keep (always rejected). */
  classify(line: string | undefined): LineVerdict {
    if (line === '') return 'skip'; // the separator written after an unclean end
    if (this.#layout === undefined) {
      this.#layout = line === undefined ? undefined : layoutOfHeader(line);
      if (this.#layout !== undefined) return 'skip';
      this.#layout = 'with_cells';
    }
    return (line !== undefined && parseLine(line, columnsOf(this.#layout))) || 'rejected';
  }
}

/**
 * Reads a day file held as text, keeping every valid line: a torn last line (no newline) is
 * dropped, as is any complete line that is not a valid sample. For small texts; day files are
 * read in bounded pieces by day_reader.
 */
export function parseDay(text: string): ParsedDay {
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const reader = new DayLines();
  const samples: HistorySample[] = [];
  let rejected = 0;
  for (const line of lines) {
    const verdict = reader.classify(line);
    if (verdict === 'rejected') rejected++;
    else if (verdict !== 'skip') samples.push(verdict);
  }
  return { layout: reader.layout ?? 'with_cells', samples, rejected_lines: rejected, torn_tail: tail !== '' };
}

/** A clean CSV of `samples`: header and one line each. */
export function formatDay(samples: readonly HistorySample[], layout: CsvLayout = 'with_cells'): string {
  return csvHeader(layout) + '\n' + samples.map((s) => formatLine(s, layout)).join('');
}
