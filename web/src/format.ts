/** Number and time formatting for display; "—" for anything missing. */

export const DASH = '—';

export function fixed(value: unknown, digits: number, unit = ''): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DASH;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function bytes(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DASH;
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${(value / 1024 / 1024).toFixed(2)} MB`;
}

export function duration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Wall-clock times look like a date; small numbers are gateway uptime (monotonic ms). */
export function timestamp(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return DASH;
  if (ms < 1e11) return `uptime ${duration(ms / 1000)}`;
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Today's date in local time as YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
