/** Stored history: pick a day, chart it, download it as CSV or JSON, or erase it all. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { auth } from '../api/auth';
import { apiGet, apiSend } from '../api/client';
import { ApiError } from '../api/errors';
import { normalizeHistoryFiles, normalizeHistorySamples } from '../api/normalize';
import type { HistorySample } from '../api/types';
import { Card } from '../components/card';
import { ConfirmButton } from '../components/confirm_button';
import { LineChart } from '../components/line_chart';
import { Notice } from '../components/notice';
import { bytes, clockTime, today } from '../format';
import { useStore } from '../state/store';
import { useApi } from '../state/use_api';

/** The server's largest page. */
const PAGE_SIZE = 5000;
/** A day of 5 s samples is 17 280 rows (4 pages); stop well after that. */
const MAX_PAGES = 10;

async function loadDay(date: string): Promise<HistorySample[]> {
  const all: HistorySample[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    let body: unknown;
    try {
      body = await apiGet<unknown>(`/api/history?date=${date}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`);
    } catch (e) {
      // 404 = nothing stored for that day: an empty day, not a failure.
      if (e instanceof ApiError && e.status === 404) break;
      throw e;
    }
    const rows = normalizeHistorySamples(body);
    all.push(...rows);
    const total = (body as { total?: unknown })?.total;
    if (rows.length < PAGE_SIZE || (typeof total === 'number' && all.length >= total)) break;
  }
  // Pages may overlap if the day grows while we read: keep one row per timestamp.
  const seen = new Set<number>();
  return all.filter((s) => !seen.has(s.timestamp) && seen.add(s.timestamp)).sort((a, b) => a.timestamp - b.timestamp);
}

const COLUMNS = ['voltage', 'current', 'soc', 'temp_max', 'temp_min', 'cell_max', 'cell_min'] as const;

/** uPlot columns: time in seconds, then COLUMNS in order. */
function toColumns(samples: HistorySample[]): number[][] {
  const cols: number[][] = [[], ...COLUMNS.map(() => [])];
  for (const s of samples) {
    // Timestamps in ms (wall clock); uPlot wants seconds.
    cols[0].push(s.timestamp > 1e11 ? s.timestamp / 1000 : s.timestamp);
    COLUMNS.forEach((name, i) => cols[i + 1].push(s[name]));
  }
  return cols;
}

const WINDOWS: readonly { label: string; seconds: number }[] = [
  { label: 'Last 6 h', seconds: 6 * 3600 },
  { label: 'Last 1 h', seconds: 3600 },
  { label: 'Last 15 min', seconds: 900 },
];

const hhmm = (s: number) => clockTime(s * 1000).slice(0, 5);

/** Zoom presets ending at the day's last sample, and what is shown; drag on a chart to zoom, double-click to zoom out. */
function ZoomBar(props: { times: number[]; zoom: [number, number] | null; onZoom: (range: [number, number] | null) => void }) {
  const last = props.times[props.times.length - 1];
  const first = props.times[0];
  const [from, to] = props.zoom ?? [first, last];
  return (
    <div class="zoom-bar" data-testid="history-zoom" data-zoomed={props.zoom ? 'yes' : 'no'}>
      <button type="button" class={props.zoom ? '' : 'primary'} onClick={() => props.onZoom(null)} data-testid="zoom-all">
        Whole day
      </button>
      {WINDOWS.map((w) => (
        <button type="button" key={w.label} onClick={() => props.onZoom([Math.max(first, last - w.seconds), last])} data-testid={`zoom-${w.seconds}`}>
          {w.label}
        </button>
      ))}
      <span class="muted small" data-testid="zoom-range">
        Showing {hhmm(from)}–{hhmm(to)} · drag on a chart to zoom in, double-click to zoom out
      </span>
    </div>
  );
}

export function HistoryPage() {
  const files = useApi<unknown>('/api/history/files');
  const days = useMemo(() => normalizeHistoryFiles(files.data), [files.data]);
  const [date, setDate] = useState<string>('');
  const [samples, setSamples] = useState<HistorySample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  useEffect(() => setZoom(null), [date]);
  const signedIn = !!useStore(auth).header;

  useEffect(() => {
    if (!date && files.data !== null) setDate(days[0]?.date ?? today());
  }, [files.data, days, date]);

  useEffect(() => {
    if (!date) return;
    let cancelled = false;
    setSamples(null);
    setError(null);
    loadDay(date)
      .then((rows) => !cancelled && setSamples(rows))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [date]);

  const columns = useMemo(() => toColumns(samples ?? []), [samples]);

  const erase = async () => {
    setMessage(null);
    try {
      await apiSend('DELETE', '/api/history');
      setMessage('History erased');
      await files.reload();
      setSamples([]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div class="page history">
      {files.error && <Notice kind="error">Could not list history files: {files.error.message}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {message && <Notice kind="ok">{message}</Notice>}
      <Card
        title="Day"
        actions={
          date && (
            <>
              <a class="button" href={`/api/history/download?format=csv&date=${date}`} download={`history-${date}.csv`} data-testid="download-csv">
                CSV
              </a>
              <a class="button" href={`/api/history/download?format=json&date=${date}`} download={`history-${date}.json`} data-testid="download-json">
                JSON
              </a>
            </>
          )
        }
      >
        <div class="row">
          <label class="field inline">
            <span class="field-label">Date</span>
            <input type="date" value={date} max={today()} onChange={(e) => setDate(e.currentTarget.value)} data-testid="history-date" />
          </label>
          <div class="chips">
            {days.map((d) => (
              <button type="button" key={d.date} class={d.date === date ? 'chip active' : 'chip'} onClick={() => setDate(d.date)}>
                {d.date} {d.size !== undefined && <span class="muted small">{bytes(d.size)}</span>}
              </button>
            ))}
          </div>
        </div>
        <p class="muted small" data-testid="history-count">
          {samples === null ? (error ? 'Could not load this day' : 'Loading…') : `${samples.length} samples`}
        </p>
      </Card>
      {samples !== null && samples.length > 0 && (
        <ZoomBar times={columns[0]} zoom={zoom} onZoom={setZoom} />
      )}
      {samples !== null && samples.length > 0 && (
        <div class="grid grid-2">
          <Card title="Voltage and current">
            <LineChart
              data={[columns[0], columns[1], columns[2]]}
              version={samples.length}
              xRange={zoom}
              onZoom={setZoom}
              units={{ V: 'V', A: 'A' }}
              series={[
                { label: 'Voltage (V)', colorVar: '--c1', scale: 'V', digits: 2 },
                { label: 'Current (A)', colorVar: '--c2', scale: 'A', digits: 1 },
              ]}
              testId="history-chart"
            />
          </Card>
          {samples.some((s) => Number.isFinite(s.cell_max)) && (
            <Card title="Lowest and highest cell">
              <LineChart
                data={[columns[0], columns[7], columns[6]]}
                version={samples.length}
              xRange={zoom}
              onZoom={setZoom}
                units={{ mV: 'mV' }}
                series={[
                  { label: 'Min cell (mV)', colorVar: '--min', scale: 'mV', digits: 0 },
                  { label: 'Max cell (mV)', colorVar: '--max', scale: 'mV', digits: 0 },
                ]}
              />
            </Card>
          )}
          <Card title="SOC and temperature">
            <LineChart
              data={[columns[0], columns[3], columns[4], columns[5]]}
              version={samples.length}
              xRange={zoom}
              onZoom={setZoom}
              units={{ '%': '%', '°C': '°C' }}
              series={[
                { label: 'SOC (%)', colorVar: '--c4', scale: '%', digits: 1 },
                { label: 'Max temp (°C)', colorVar: '--max', scale: '°C', digits: 1 },
                { label: 'Min temp (°C)', colorVar: '--min', scale: '°C', digits: 1 },
              ]}
            />
          </Card>
        </div>
      )}
      {samples !== null && samples.length === 0 && <Notice kind="info">No samples stored for {date}.</Notice>}
      <Card title="Erase">
        <p class="muted">Deletes every stored day. Needs sign-in.</p>
        <ConfirmButton disabled={!signedIn} onConfirm={erase}>
          Erase history
        </ConfirmButton>
      </Card>
    </div>
  );
}
