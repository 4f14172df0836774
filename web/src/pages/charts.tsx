/** The last hour of live values (kept in the browser from the telemetry stream, 1 Hz). */
import { Card } from '../components/card';
import { LineChart, type ChartSeries } from '../components/line_chart';
import { Notice } from '../components/notice';
import { lastHour, seriesVersion } from '../state/live';
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
    </div>
  );
}
