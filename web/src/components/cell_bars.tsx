/**
 * Cell voltages as a bar chart: lowest and highest cell highlighted, balancing cells marked.
 * Bars are scaled to the spread of the pack (not from 0 V) so a few mV of imbalance are visible.
 */
import { DASH } from '../format';

export interface CellBarsProps {
  cells: number[] | undefined;
  /** 1-based cell numbers being balanced. */
  balancing: number[] | undefined;
  stale?: boolean;
}

const MIN_HEIGHT_PCT = 12;

/** TinyBMS reports 0.1 mV steps: whole mV above the bars, tenths in legend and tooltip. */
const tenths = (mv: number): string => (Math.round(mv * 10) / 10).toString();

export function CellBars({ cells, balancing, stale }: CellBarsProps) {
  if (!cells || cells.length === 0) return <p class="muted">{DASH} no cell data yet</p>;
  const min = Math.min(...cells);
  const max = Math.max(...cells);
  const spread = max - min;
  const floor = min - Math.max(20, spread);
  const span = max + 5 - floor;
  const minIndex = cells.indexOf(min);
  const maxIndex = cells.indexOf(max);
  const balancingSet = new Set(balancing ?? []);
  return (
    <div class={`cells ${stale ? 'is-stale' : ''}`}>
      <div class="cells-bars" role="list" aria-label="Cell voltages" style={{ gridTemplateColumns: `repeat(${cells.length}, minmax(0, 1fr))` }}>
        {cells.map((mv, i) => {
          const number = i + 1;
          const roles = [i === minIndex && spread > 0 ? 'is-min' : '', i === maxIndex && spread > 0 ? 'is-max' : '', balancingSet.has(number) ? 'is-balancing' : ''];
          const height = MIN_HEIGHT_PCT + ((100 - MIN_HEIGHT_PCT) * (mv - floor)) / span;
          return (
            <div class={`cell ${roles.join(' ')}`} role="listitem" key={number} data-testid={`cell-${number}`} title={`Cell ${number}: ${tenths(mv)} mV${balancingSet.has(number) ? ' (balancing)' : ''}`}>
              <div class="cell-mv">{Math.round(mv)}</div>
              <div class="cell-track">
                <div class="cell-bar" style={{ height: `${height.toFixed(1)}%` }} />
              </div>
              <div class="cell-no">{number}</div>
            </div>
          );
        })}
      </div>
      <div class="cells-legend">
        <span class="legend-min">
          min {tenths(min)} mV (cell {minIndex + 1})
        </span>
        <span class="legend-max">
          max {tenths(max)} mV (cell {maxIndex + 1})
        </span>
        <span>Δ {tenths(spread)} mV</span>
        <span class="legend-bal">{balancingSet.size > 0 ? `balancing: ${[...balancingSet].sort((a, b) => a - b).join(', ')}` : 'not balancing'}</span>
      </div>
    </div>
  );
}
