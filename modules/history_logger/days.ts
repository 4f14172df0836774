/**
 * Day files of the history: `history/YYYY-MM-DD.csv`, one per UTC day of the host's wall clock
 * (no time zones on XS: Intl is absent, so the day boundary is UTC midnight).
 */
export const HISTORY_DIR = 'history';

/** Wall clocks before this have not been set (no SNTP yet): samples would land in 1970. */
export const EARLIEST_PLAUSIBLE_WALL_MS = Date.UTC(2020, 0, 1);

/** The UTC calendar day of a wall-clock time, YYYY-MM-DD. */
export function dayOf(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isDay(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const [year, month, day] = text.split('-').map(Number);
  const time = Date.UTC(year, month - 1, day);
  return Number.isFinite(time) && dayOf(time) === text;
}

export function dayPath(day: string): string {
  return `${HISTORY_DIR}/${day}.csv`;
}

/** The day a file name stands for, or undefined for any other file. */
export function dayOfFileName(name: string): string | undefined {
  const day = name.endsWith('.csv') ? name.slice(0, -4) : '';
  return isDay(day) ? day : undefined;
}
