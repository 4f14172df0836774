/** "Does the GX see the battery?" — the verdict in words, then the facts behind it (GET /api/can/gx). */
import { fixed } from '../format';
import { useApi } from '../state/use_api';
import type { GxReport } from '../../../modules/web_server/gx_view';
import { Card } from './card';
import { GX_VERDICT_TEXT, gxProblemText } from './gx_text';
import { Notice } from './notice';

/** Some frames go out every 10 s (victron-can.md §4); older than this one was missed. */
const STALE_FRAME_S = 12;
const VERDICT_TONE = { yes: 'good', no: 'bad', unknown: 'warn' } as const;
const FRAME_NAMES: Record<string, string> = {
  '0x305': 'GX keep-alive',
  '0x307': 'GX identification',
  '0x351': 'Charge limits (DVCC)',
  '0x355': 'SOC / SOH',
  '0x356': 'Voltage, current, temperature',
  '0x35A': 'Alarms and warnings',
  '0x35E': 'Manufacturer',
  '0x35F': 'Battery info',
  '0x370': 'Name',
  '0x371': 'Name',
  '0x372': 'Module counts',
  '0x373': 'Cell extremes',
  '0x374': 'Lowest cell',
  '0x375': 'Highest cell',
  '0x376': 'Coldest sensor',
  '0x377': 'Hottest sensor',
  '0x378': 'Energy counters',
  '0x379': 'Installed capacity',
  '0x382': 'Family',
};

export function GxPanel() {
  const gx = useApi<GxReport>('/api/can/gx', { intervalMs: 3000 });
  const r = gx.data;
  return (
    <Card title="Does the GX see the battery?" testId="gx-panel">
      {gx.error && <Notice kind="error">{gx.error.message}</Notice>}
      {r && (
        <>
          <p class={`verdict tone-${VERDICT_TONE[r.verdict]}`} data-testid="gx-verdict" data-verdict={r.verdict}>
            {GX_VERDICT_TEXT[r.verdict]}
          </p>
          {r.problems.length > 0 && (
            <ul class="problems" data-testid="gx-problems">
              {r.problems.map(gxProblemText).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <dl class="kv compact">
            <div class="kv-row">
              <dt>Keep-alive from the GX (0x305)</dt>
              <dd data-testid="gx-keepalive">{r.keepalive_seen ? `seen ${fixed(r.keepalive_age_s, 1, 's')} ago` : r.keepalive_age_s === null ? 'never seen' : `last ${fixed(r.keepalive_age_s, 0, 's')} ago`}</dd>
            </div>
            {r.inverter_signature && (
              <div class="kv-row">
                <dt>GX identifies as</dt>
                <dd>{r.inverter_signature}</dd>
              </div>
            )}
            <div class="kv-row">
              <dt>CAN driver</dt>
              <dd>{r.can_state.replace(/_/g, ' ')}</dd>
            </div>
            <div class="kv-row">
              <dt>DVCC limits sent</dt>
              <dd data-testid="gx-limits">
                {r.limits
                  ? `charge ≤ ${fixed(r.limits.charge_voltage_limit_v, 2, 'V')} at ${fixed(r.limits.charge_current_limit_a, 1, 'A')} ${r.limits.charge_allowed ? '' : '(charging blocked) '}· discharge ${fixed(r.limits.discharge_current_limit_a, 1, 'A')}${r.limits.discharge_allowed ? '' : ' (blocked)'}`
                  : 'none yet'}
              </dd>
            </div>
          </dl>
          {r.frames.length > 0 && (
            <div class="table-wrap">
              <table class="data compact" data-testid="gx-frames">
                <thead>
                  <tr>
                    <th>Frame</th>
                    <th>What</th>
                    <th>Last</th>
                  </tr>
                </thead>
                <tbody>
                  {r.frames.map((f) => (
                    <tr key={`${f.direction}${f.id}`} class={f.age_s > STALE_FRAME_S ? 'is-stale' : ''}>
                      <td class="mono">
                        {f.direction === 'rx' ? '← ' : '→ '}
                        {f.id}
                      </td>
                      <td>{FRAME_NAMES[f.id] ?? ''}</td>
                      <td>{fixed(f.age_s, 1, 's ago')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
