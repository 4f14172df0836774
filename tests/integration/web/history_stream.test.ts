/**
 * History pages and downloads of a full day (17 280 samples, ~1.2 MB) over real HTTP from a
 * real folder: streamed chunked while the file is read, the torn last line left out, any number
 * of clients at once, and a client that hangs up mid-download does not disturb the next one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDay, parseDay } from '../../../modules/history_logger';
import { dayFileText, fullDay, SAMPLES_PER_DAY } from '../../unit/history_logger/support/full_day';
import { jsonOf, startWebGateway, type WebGateway } from './support/web_gateway';

const DATE = '2026-03-13';
const DAY = fullDay(Date.UTC(2026, 2, 13));
const TORN = '2026-03-13T23:59:59.000Z,52.1';

describe('history streamed over HTTP', () => {
  let gw: WebGateway;
  beforeAll(async () => {
    // No BMS: the logger writes nothing, the day file below is all the history there is.
    gw = await startWebGateway({ bms: false });
    const folder = path.join(gw.dataDir, 'files', 'history');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `${DATE}.csv`), dayFileText(DAY) + TORN);
  });
  afterAll(async () => {
    await gw.close();
  });

  it('downloads the day as CSV, chunked, without the torn last line', async () => {
    const response = await fetch(`${gw.base}/api/history/download?format=csv&date=${DATE}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="history-${DATE}.csv"`);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-length')).toBeNull();
    const text = await response.text();
    expect(text).toBe(formatDay(DAY));
    expect(parseDay(text).samples).toHaveLength(SAMPLES_PER_DAY);
  });

  it('downloads the day as one JSON document, chunked', async () => {
    const response = await fetch(`${gw.base}/api/history/download?format=json&date=${DATE}`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="history-${DATE}.json"`);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(await response.json()).toEqual({ date: DATE, samples: DAY });
  });

  it('pages the day as the web UI does, 5 000 samples at a time, with the counts', async () => {
    const samples: unknown[] = [];
    for (let offset = 0; offset < SAMPLES_PER_DAY + 5000; offset += 5000) {
      const page = await jsonOf(await fetch(`${gw.base}/api/history?date=${DATE}&limit=5000&offset=${offset}`));
      expect(page).toMatchObject({ date: DATE, total: SAMPLES_PER_DAY, offset, limit: 5000, rejected_lines: 0, torn_tail: true });
      samples.push(...page.samples);
    }
    expect(samples).toEqual(DAY);
    const newest = await jsonOf(await fetch(`${gw.base}/api/history?limit=2&offset=17000`));
    expect(newest).toMatchObject({ date: DATE, samples: DAY.slice(17_000, 17_002) });
  });

  it('serves several downloads at once, each complete', async () => {
    const texts = await Promise.all([0, 1, 2].map(async () => (await fetch(`${gw.base}/api/history/download?format=csv&date=${DATE}`)).text()));
    for (const text of texts) expect(text).toBe(formatDay(DAY));
  });

  it('survives a client hanging up mid-download and serves the next one whole', async () => {
    const abort = new AbortController();
    const response = await fetch(`${gw.base}/api/history/download?format=json&date=${DATE}`, { signal: abort.signal });
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    abort.abort();
    await expect(reader.read()).rejects.toThrow();
    const next = await fetch(`${gw.base}/api/history/download?format=csv&date=${DATE}`);
    expect(await next.text()).toBe(formatDay(DAY));
  });

  it('answers 404 for a day without a file, before any body is sent', async () => {
    for (const url of [`/api/history?date=2026-03-12`, `/api/history/download?format=json&date=2026-03-12`]) {
      const response = await fetch(`${gw.base}${url}`);
      expect([url, response.status]).toEqual([url, 404]);
      expect((await jsonOf(response)).error).toMatchObject({ code: 'no_history', field: 'date' });
    }
  });
});
