/** The last hour of live values (kept in the browser from the telemetry stream, 1 Hz). */
import { Card } from '../components/card';
import { LineChart, type ChartSeries } from '../components/line_chart';
import { Notice } from '../components/notice';
import { useState } from 'preact/hooks';
import { battery, cellHour, lastHour, seriesVersion } from '../state/live';
import { useStore } from '../state/store';

interface ChartSpec {
  title: string;
  /** Column indexes in lastHour (1 = voltage … 7 = max temperature). */
  columns: number[];
  series: ChartSeries[];
  units: Record<string, string>;
  testId: string;
}

const CHARTS: ChartSpec[] = [
  {
    title: 'Pack voltage and current',
    columns: [1, 2],
    series: [
      { label: 'Voltage (V)', colorVar: '--c1', scale: 'V', digits: 2 },
      { label: 'Current (A)', colorVar: '--c2', scale: 'A', digits: 1 },
    ],
    units: { V: 'V', A: 'A' },
    testId: 'chart-pack',
  },
  {
    title: 'Power and state of charge',
    columns: [3, 4],
    series: [
      { label: 'Power (W)', colorVar: '--c3', scale: 'W', digits: 0 },
      { label: 'SOC (%)', colorVar: '--c4', scale: '%', digits: 1 },
    ],
    units: { W: 'W', '%': '%' },
    testId: 'chart-power',
  },
  {
    title: 'Lowest and highest cell',
    columns: [5, 6],
    series: [
      { label: 'Min cell (mV)', colorVar: '--min', scale: 'mV', digits: 0 },
      { label: 'Max cell (mV)', colorVar: '--max', scale: 'mV', digits: 0 },
    ],
    units: { mV: 'mV' },
    testId: 'chart-cells',
  },
  {
    title: 'Highest temperature',
    columns: [7],
    series: [{ label: 'Max temp (°C)', colorVar: '--c5', scale: '°C', digits: 1 }],
    units: { '°C': '°C' },
    testId: 'chart-temp',
  },
];

const CELL_COLOURS = ['--c1', '--c2', '--c3', '--c4', '--c5', '--min', '--max', '--bal'];

/** Every cell's voltage over the last hour, cells chosen by the user (all by default). */
function CellHistory(props: { version: number }) {
  const live = useStore(battery);
  const count = live?.data.cell_count ?? live?.data.cell_voltage_mv?.length ?? 0;
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const columns = cellHour.columns();
  const shown = Array.from({ length: count }, (_, i) => i).filter((i) => !hidden.has(i));
  const toggle = (i: number) => setHidden((h) => new Set(h.has(i) ? [...h].filter((x) => x !== i) : [...h, i]));
  return (
    <Card title="Every cell (last hour)" testId="cell-history">
      <div class="cell-picker" role="group" aria-label="Cells shown">
        {Array.from({ length: count }, (_, i) => (
          <label key={i}>
            <input type="checkbox" checked={!hidden.has(i)} onChange={() => toggle(i)} data-testid={`cell-toggle-${i + 1}`} /> {i + 1}
          </label>
        ))}
        <button type="button" class="ghost" onClick={() => setHidden(new Set())}>
          All
        </button>
        <button type="button" class="ghost" onClick={() => setHidden(new Set(Array.from({ length: count }, (_, i) => i)))}>
          None
        </button>
      </div>
      {shown.length > 0 && (
        <LineChart
          data={[columns[0], ...shown.map((i) => columns[i + 1])]}
          series={shown.map((i) => ({ label: `Cell ${i + 1} (mV)`, colorVar: CELL_COLOURS[i % CELL_COLOURS.length], scale: 'mV', digits: 0 }))}
          units={{ mV: 'mV' }}
          version={props.version}
          height={260}
          testId="chart-every-cell"
        />
      )}
    </Card>
  );
}

export function ChartsPage() {
  const version = useStore(seriesVersion);
  const columns = lastHour.columns();
  return (
    <div class="page charts">
      {lastHour.length < 2 && <Notice kind="info">Collecting samples — the charts start from the gateway's stored history and fill from live telemetry (one point per second, the last hour kept).</Notice>}
      <div class="grid grid-2">
        {CHARTS.map((chart) => (
          <Card title={chart.title} key={chart.testId}>
            <LineChart data={[columns[0], ...chart.columns.map((c) => columns[c])]} series={chart.series} units={chart.units} version={version} testId={chart.testId} />
          </Card>
        ))}
      </div>
      <CellHistory version={version} />
    </div>
  );
}
