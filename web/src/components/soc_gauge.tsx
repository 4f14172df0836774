/** State of charge as a 270° arc gauge (SVG, no canvas: crisp at any size and theme). */
import { DASH } from '../format';

const RADIUS = 52;
const SWEEP = 270;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;
const ARC = (CIRCUMFERENCE * SWEEP) / 360;

function tone(soc: number): string {
  if (soc < 15) return 'bad';
  if (soc < 35) return 'warn';
  return 'good';
}

export function SocGauge(props: { soc: number | undefined; soh?: number | undefined; stale?: boolean }) {
  const valid = typeof props.soc === 'number' && Number.isFinite(props.soc);
  const soc = valid ? Math.max(0, Math.min(100, props.soc as number)) : 0;
  const filled = (ARC * soc) / 100;
  return (
    <div class={`gauge ${props.stale ? 'is-stale' : ''}`} role="meter" aria-label="State of charge" aria-valuemin={0} aria-valuemax={100} aria-valuenow={valid ? soc : undefined}>
      <svg viewBox="0 0 120 120" aria-hidden="true">
        <circle class="gauge-track" cx="60" cy="60" r={RADIUS} stroke-dasharray={`${ARC} ${CIRCUMFERENCE}`} transform="rotate(135 60 60)" />
        <circle
          class={`gauge-fill tone-${tone(soc)}`}
          cx="60"
          cy="60"
          r={RADIUS}
          stroke-dasharray={`${filled} ${CIRCUMFERENCE}`}
          transform="rotate(135 60 60)"
        />
      </svg>
      <div class="gauge-text">
        <div class="gauge-value" data-testid="soc-value">
          {valid ? `${soc.toFixed(1)} %` : DASH}
        </div>
        <div class="gauge-label">State of charge</div>
        {typeof props.soh === 'number' && <div class="gauge-sub">SOH {props.soh.toFixed(0)} %</div>}
      </div>
    </div>
  );
}
