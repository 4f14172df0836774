/** Time to go (the BMS's estimate), energy today / this month, and equivalent full cycles (GET /api/energy). */
import { duration, fixed } from '../format';
import { useApi } from '../state/use_api';
import { Card } from './card';
import { Stat } from './stat';

interface Bucket {
  charged_wh: number;
  discharged_wh: number;
}
interface EnergyReport {
  today: Bucket & { date: string };
  this_month: Bucket & { month: string };
  days: (Bucket & { date: string })[];
  months: (Bucket & { month: string })[];
  equivalent_full_cycles: number | null;
  cycle_basis: string;
}

const kwh = (wh: number | undefined) => (typeof wh === 'number' ? (Math.abs(wh) >= 1000 ? fixed(wh / 1000, 2, 'kWh') : fixed(wh, 0, 'Wh')) : '—');

/** "3 h 20 min to empty" while discharging; the BMS reports 0 when it does not estimate. */
export function timeToGo(seconds: unknown, currentA: unknown): string {
  if (typeof seconds !== 'number' || seconds <= 0) return '—';
  const direction = typeof currentA === 'number' && currentA > 0.05 ? 'to full' : 'to empty';
  return `${duration(seconds)} ${direction}`;
}

export function EnergyCard(props: { timeLeftS?: number; currentA?: number; stale: boolean }) {
  const energy = useApi<EnergyReport>('/api/energy', { intervalMs: 60_000 });
  const e = energy.data;
  const month = e?.this_month;
  const lastDays = (e?.days ?? []).slice(-7);
  const peak = Math.max(1, ...lastDays.map((d) => Math.max(d.charged_wh, d.discharged_wh)));
  return (
    <Card title="Energy" class="energy" testId="energy-card">
      <div class={`stats ${props.stale ? 'is-stale' : ''}`}>
        <Stat label="Time to go" value={timeToGo(props.timeLeftS, props.currentA)} hint="The BMS's estimate at the present current" testId="time-to-go" />
        <Stat label="Today in / out" value={`${kwh(e?.today.charged_wh)} / ${kwh(e?.today.discharged_wh)}`} testId="energy-today" />
        <Stat label="Month in / out" hint={month?.month} value={`${kwh(month?.charged_wh)} / ${kwh(month?.discharged_wh)}`} testId="energy-month" />
        <Stat label="Cycles" value={e?.equivalent_full_cycles === null || e === null ? '—' : fixed(e.equivalent_full_cycles, 1)} hint={e?.cycle_basis ?? 'Equivalent full cycles'} testId="cycle-count" />
      </div>
      {lastDays.length > 0 && (
        <div class="day-bars" aria-label="Energy per day, last 7 days" data-testid="energy-days">
          {lastDays.map((d) => (
            <div class="day-bar" key={d.date} title={`${d.date}: in ${kwh(d.charged_wh)}, out ${kwh(d.discharged_wh)}`}>
              <span class="bar in" style={{ height: `${(d.charged_wh / peak) * 100}%` }} />
              <span class="bar out" style={{ height: `${(d.discharged_wh / peak) * 100}%` }} />
              <span class="day-label">{d.date.slice(5)}</span>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
