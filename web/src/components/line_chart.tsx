/**
 * uPlot behind a Preact component: builds the plot once per series layout and theme, resizes
 * with its container, and only swaps data on updates (uPlot redraws fast from columns).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useStore } from '../state/store';
import { cssVar, themeVersion } from '../state/theme';

export interface ChartSeries {
  label: string;
  /** CSS custom property holding the colour (var names, so themes apply). */
  colorVar: string;
  /** Scale key; series on a second scale get an axis on the right. */
  scale?: string;
  digits?: number;
}

export interface LineChartProps {
  /** uPlot columns: x in seconds, then one column per series. */
  data: number[][];
  series: ChartSeries[];
  /** Changes whenever `data` changed in place. */
  version: number;
  height?: number;
  /** Unit shown on each scale's axis. */
  units?: Record<string, string>;
  testId?: string;
  /** The visible time window (seconds); the whole data when absent. */
  xRange?: readonly [number, number] | null;
  /** A drag-select zoomed in (a range) or a double-click zoomed out (null): charts on a page follow together. */
  onZoom?: (range: [number, number] | null) => void;
}

/** Fit the data with 10 % headroom, never stretched to include 0 (53 V on a 0–100 V axis shows nothing). */
function fitRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = max === min ? Math.max(Math.abs(max) * 0.02, 1) : (max - min) * 0.1;
  return [min - pad, max + pad];
}

function options(props: LineChartProps, width: number, zoomed: (range: [number, number] | null) => void): uPlot.Options {
  const text = cssVar('--text-muted') || '#666';
  const grid = cssVar('--grid') || 'rgba(128,128,128,0.2)';
  const scales = [...new Set(props.series.map((s) => s.scale ?? 'y'))];
  const axis = (scale: string, side: 0 | 1 | 2 | 3): uPlot.Axis => ({
    scale,
    side,
    stroke: text,
    grid: { stroke: grid, width: 1, show: side === 3 },
    ticks: { stroke: grid, width: 1 },
    label: props.units?.[scale],
    size: 56,
  });
  return {
    width,
    height: props.height ?? 220,
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width <= 0) return;
          zoomed([u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')]);
        },
      ],
    },
    scales: { x: { time: true }, ...Object.fromEntries(scales.map((scale) => [scale, { range: fitRange }])) },
    axes: [
      { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
      ...scales.map((scale, i) => axis(scale, i === 0 ? 3 : 1)),
    ],
    series: [
      {},
      ...props.series.map((s) => ({
        label: s.label,
        scale: s.scale ?? 'y',
        stroke: cssVar(s.colorVar) || '#888',
        width: 1.5,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(s.digits ?? 2)),
      })),
    ],
  };
}

export function LineChart(props: LineChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useStore(themeVersion);
  const layout = props.series.map((s) => `${s.label}:${s.scale ?? 'y'}`).join('|');
  const onZoom = useRef(props.onZoom);
  onZoom.current = props.onZoom;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const made = new uPlot(options(props, element.clientWidth || 600, (range) => onZoom.current?.(range)), props.data as uPlot.AlignedData, element);
    plot.current = made;
    // uPlot's double-click zooms out: tell the page so its other charts follow.
    const zoomOut = () => onZoom.current?.(null);
    element.addEventListener('dblclick', zoomOut);
    const observer = new ResizeObserver(() => made.setSize({ width: element.clientWidth, height: props.height ?? 220 }));
    observer.observe(element);
    return () => {
      element.removeEventListener('dblclick', zoomOut);
      observer.disconnect();
      made.destroy();
      plot.current = null;
    };
    // Rebuilt only when the layout or theme changes; data updates go through setData below.
  }, [layout, theme, props.height]);

  const [rangeMin, rangeMax] = props.xRange ?? [undefined, undefined];
  useEffect(() => {
    const made = plot.current;
    if (!made) return;
    made.setData(props.data as uPlot.AlignedData, rangeMin === undefined);
    if (rangeMin !== undefined && rangeMax !== undefined) made.setScale('x', { min: rangeMin, max: rangeMax });
    const element = host.current;
    if (element) {
      element.dataset.xMin = String(made.scales.x.min ?? '');
      element.dataset.xMax = String(made.scales.x.max ?? '');
    }
  }, [props.version, props.data, rangeMin, rangeMax, layout, theme]);

  return <div class="chart" ref={host} data-testid={props.testId} data-points={props.data[0]?.length ?? 0} data-first-s={props.data[0]?.[0]} />;
}
