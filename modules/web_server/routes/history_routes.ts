/**
 * History reads and downloads (open) and erase (user + CSRF). A day is only ever named by a
 * validated calendar date, and file names are built here from it, so no request can reach a
 * path of its choosing.
 */
import { oneOf, queryInteger, validateBody } from '../body_schema';
import { ApiError, download, json } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import type { RouteTable } from '../router';
import type { HistoryService } from '../services';

/** A real calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function isHistoryDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= daysInMonth;
}

/** The requested day, or the newest stored one when none was asked for. */
function chooseDate(query: ReadonlyMap<string, string>, history: HistoryService): string | undefined {
  const asked = query.get('date');
  if (asked !== undefined) {
    if (!isHistoryDate(asked)) throw new ApiError(400, 'invalid_date', 'date must be a calendar date written YYYY-MM-DD', { field: 'date' });
    return asked;
  }
  const days = history.days().map((d) => d.date).sort();
  return days[days.length - 1];
}

function noSuchDay(date: string): ApiError {
  return new ApiError(404, 'no_history', `no history for ${date}`, { field: 'date' });
}

export function historyRoutes(kit: RouteKit): RouteTable {
  const history = () => need(kit.services.history, 'history');
  return [
    {
      method: 'GET',
      path: '/api/history',
      access: 'open',
      handle: ({ query }) => {
        const service = history();
        const limit = queryInteger(query, 'limit', { min: 1, max: 5000, default: 100 });
        const offset = queryInteger(query, 'offset', { min: 0, max: 1_000_000, default: 0 });
        const date = chooseDate(query, service);
        if (date === undefined) return json(200, { date: null, total: 0, offset, limit, samples: [] });
        const samples = service.samples(date);
        if (!samples) throw noSuchDay(date);
        // Offset counts back from the newest sample; the page itself reads oldest first (chart order).
        const end = Math.max(0, samples.length - offset);
        return json(200, { date, total: samples.length, offset, limit, samples: samples.slice(Math.max(0, end - limit), end) });
      },
    },
    {
      method: 'GET',
      path: '/api/history/files',
      access: 'open',
      handle: () => {
        const days = [...history().days()].sort((a, b) => (a.date < b.date ? 1 : -1));
        return json(200, { files: days.map((d) => ({ date: d.date, name: `${d.date}.csv`, size_bytes: d.size_bytes })) });
      },
    },
    {
      method: 'GET',
      path: '/api/history/download',
      access: 'open',
      handle: ({ query }) => {
        const service = history();
        const format = validateBody(oneOf(['csv', 'json'] as const), query.get('format') ?? 'csv', 'format');
        const date = chooseDate(query, service);
        if (date === undefined) throw new ApiError(404, 'no_history', 'no history recorded yet', { field: 'date' });
        if (format === 'csv') {
          const csv = service.csv(date);
          if (csv === undefined) throw noSuchDay(date);
          return download(csv, 'text/csv; charset=utf-8', `history-${date}.csv`);
        }
        const samples = service.samples(date);
        if (!samples) throw noSuchDay(date);
        return download(JSON.stringify({ date, samples }), 'application/json; charset=utf-8', `history-${date}.json`);
      },
    },
    {
      method: 'DELETE',
      path: '/api/history',
      access: 'user_csrf',
      handle: ({ user }) => {
        history().erase();
        kit.journal.add('history_erased', 'warning', `history erased by ${user}`);
        return json(200, { erased: true });
      },
    },
  ];
}
