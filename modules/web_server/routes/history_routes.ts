/**
 * History reads and downloads (open) and erase (user + CSRF). A day is only ever named by a
 * validated calendar date, and file names are built here from it, so no request can reach a
 * path of its choosing. Pages and downloads are streamed (chunked) as the day file is read: a
 * whole day (~780 KB of CSV) never sits in memory, which the ESP32's heap could not hold.
 */
import { isDay } from '../../history_logger/days';
import { oneOf, queryInteger, validateBody } from '../body_schema';
import { ApiError, download, json, JSON_TYPE } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import { del, get, type RouteTable } from '../router';
import type { HistoryService } from '../services';


/** The requested day (checked), or undefined for "the newest". */
function askedDate(query: ReadonlyMap<string, string>): string | undefined {
  const asked = query.get('date');
  if (asked !== undefined && !isDay(asked)) throw new ApiError(400, 'invalid_date', 'date must be a calendar date written YYYY-MM-DD', { field: 'date' });
  return asked;
}

function newestDate(history: HistoryService): string | undefined {
  const files = history.files();
  return files.length > 0 ? files[files.length - 1].date : undefined;
}

function noSuchDay(date: string): ApiError {
  return new ApiError(404, 'no_history', `no history for ${date}`, { field: 'date' });
}

export function historyRoutes(kit: RouteKit): RouteTable {
  const history = () => need(kit.services.history, 'history');
  return [
    get('/api/history', 'open', ({ query }) => {
      const limit = queryInteger(query, 'limit', { min: 1, max: 10_000, default: 100 });
      const offset = queryInteger(query, 'offset', { min: 0, max: 10_000_000, default: 0 });
      const date = askedDate(query);
      const page = history().pageJson(date, limit, offset);
      if (page) return { status: 200, headers: { 'Content-Type': JSON_TYPE }, body: page };
      if (date !== undefined) throw noSuchDay(date);
      return json(200, { date: null, total: 0, offset, limit, samples: [] });
    }),
    get('/api/history/files', 'open', () => {
      // Newest first, as a file list reads.
      const files = history().files().map((f) => ({ date: f.date, name: f.name, size_bytes: f.size_bytes }));
      return json(200, { files: files.reverse() });
    }),
    get('/api/history/download', 'open', ({ query }) => {
      const service = history();
      const format = validateBody(oneOf(['csv', 'json'] as const), query.get('format') ?? 'csv', 'format');
      const date = askedDate(query) ?? newestDate(service);
      if (date === undefined) throw new ApiError(404, 'no_history', 'no history recorded yet', { field: 'date' });
      const body = service.download(date, format);
      if (!body) throw noSuchDay(date);
      return format === 'csv'
        ? download(body, 'text/csv; charset=utf-8', `history-${date}.csv`)
        : download(body, JSON_TYPE, `history-${date}.json`);
    }),
    del('/api/history', 'user_csrf', ({ user }) => {
      history().erase();
      kit.audit('warn', `history erased by ${user}`);
      return json(200, { erased: true });
    }),
  ];
}
