/**
 * The simulator's control panel (hosts that run the simulated TinyBMS: /api/sim/*): what the
 * simulated battery is doing, its mode and speed, and every fault kind the simulator offers with
 * its parameters — the list comes from the gateway (/api/sim/controls), so new kinds appear here
 * without a UI change. Reading is open; changing needs sign-in.
 */
import { useState } from 'preact/hooks';
import { auth } from '../api/auth';
import { apiSend } from '../api/client';
import { Card } from '../components/card';
import { LoginForm } from '../components/login_form';
import { Notice } from '../components/notice';
import { Stat } from '../components/stat';
import { duration, fixed } from '../format';
import { useStore } from '../state/store';
import { useApi } from '../state/use_api';

export interface FaultParameter {
  name: string;
  label: string;
  kind: 'integer' | 'number' | 'choice';
  unit?: string;
  min?: number;
  max?: number;
  step?: number;
  choices?: string[];
  required?: boolean;
  hint?: string;
}
export interface FaultKindInfo {
  kind: string;
  label: string;
  description: string;
  parameters: FaultParameter[];
  described: boolean;
}
interface Controls {
  modes: string[];
  max_speed: number;
  fault_kinds: FaultKindInfo[];
}
interface SimStatus {
  mode: string;
  speed: number;
  running: boolean;
  phase: string;
  model_time_s: number;
  pack_voltage_v: number;
  pack_current_a: number;
  state_of_charge_pct: number;
  charger: { connected: boolean; phase: string; current_a: number };
  protections: string[];
  faults: { id: number; kind: string; started_at_ms: number; ends_at_ms: number | null; parameters: Record<string, unknown> }[];
}

const SPEEDS = [1, 10, 60, 600];

/** The fault request from the form's text values: numbers as numbers, empty left out, extra JSON merged. */
export function faultRequest(info: FaultKindInfo, values: Record<string, string>, extraJson = ''): { ok: true; body: Record<string, unknown> } | { ok: false; error: string } {
  const body: Record<string, unknown> = { kind: info.kind };
  for (const p of info.parameters) {
    const text = (values[p.name] ?? '').trim();
    if (text === '') {
      if (p.required) return { ok: false, error: `${p.label} is needed` };
      continue;
    }
    if (p.kind === 'choice') body[p.name] = text;
    else {
      const n = Number(text);
      if (!Number.isFinite(n)) return { ok: false, error: `${p.label} must be a number` };
      body[p.name] = n;
    }
  }
  if (extraJson.trim() !== '') {
    try {
      const extra = JSON.parse(extraJson) as unknown;
      if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) return { ok: false, error: 'extra parameters must be a JSON object' };
      Object.assign(body, extra, { kind: info.kind });
    } catch {
      return { ok: false, error: 'extra parameters are not valid JSON' };
    }
  }
  return { ok: true, body };
}

function FaultForm(props: { info: FaultKindInfo; disabled: boolean; onInject: (body: Record<string, unknown>) => Promise<void> }) {
  const { info } = props;
  const [values, setValues] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const request = faultRequest(info, values, extra);
    if (!request.ok) return setError(request.error);
    setError(null);
    await props.onInject(request.body);
  };
  return (
    <form class="fault-form" onSubmit={submit} data-testid={`fault-${info.kind}`}>
      <div class="fault-head">
        <strong>{info.label}</strong>
        <span class="muted small">{info.description}</span>
      </div>
      <div class="fault-params">
        {info.parameters.map((p) => (
          <label key={p.name} class="param">
            <span>
              {p.label}
              {p.unit ? ` (${p.unit})` : ''}
              {p.required ? ' *' : ''}
            </span>
            {p.kind === 'choice' ? (
              <select name={p.name} value={values[p.name] ?? ''} onChange={(e) => setValues({ ...values, [p.name]: (e.target as HTMLSelectElement).value })}>
                <option value="">default</option>
                {(p.choices ?? []).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                name={p.name}
                type="number"
                inputMode="decimal"
                min={p.min}
                max={p.max}
                step={p.step ?? (p.kind === 'integer' ? 1 : 'any')}
                placeholder={p.hint ?? (p.required ? '' : 'default')}
                value={values[p.name] ?? ''}
                onInput={(e) => setValues({ ...values, [p.name]: (e.target as HTMLInputElement).value })}
              />
            )}
          </label>
        ))}
        {!info.described && (
          <label class="param wide">
            <span>Extra parameters (JSON)</span>
            <input name="extra" placeholder='{"name": value}' value={extra} onInput={(e) => setExtra((e.target as HTMLInputElement).value)} />
          </label>
        )}
        <button type="submit" class="primary" disabled={props.disabled}>
          Inject
        </button>
      </div>
      {error && <p class="field-error">{error}</p>}
    </form>
  );
}

export function SimulatorPage() {
  const sim = useApi<SimStatus>('/api/sim/status', { intervalMs: 2000 });
  const controls = useApi<Controls>('/api/sim/controls');
  const signedIn = !!useStore(auth).header;
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [speed, setSpeed] = useState('');
  const [busy, setBusy] = useState(false);

  if (sim.error?.status === 404) return <Notice kind="info">This gateway runs on real hardware: there is no simulator to control.</Notice>;

  const act = async (what: string, path: string, body: unknown) => {
    setBusy(true);
    try {
      await apiSend('POST', path, body);
      setMessage({ kind: 'ok', text: what });
      await sim.reload();
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const s = sim.data;
  const disabled = busy || !signedIn;

  return (
    <div class="page simulator">
      {message && (
        <Notice kind={message.kind} testId="sim-message">
          {message.text}
        </Notice>
      )}
      <div class="grid grid-2">
        <Card title="Simulated battery" testId="sim-status">
          <div class="stats">
            <Stat label="Mode" value={s?.mode ?? '—'} testId="sim-mode" />
            <Stat label="Speed" value={s ? `${s.speed}×` : '—'} testId="sim-speed" />
            <Stat label="Phase" value={s?.phase ?? '—'} />
            <Stat label="SOC" value={fixed(s?.state_of_charge_pct, 1, '%')} />
            <Stat label="Voltage" value={fixed(s?.pack_voltage_v, 2, 'V')} />
            <Stat label="Current" value={fixed(s?.pack_current_a, 1, 'A')} />
            <Stat label="Charger" value={s ? (s.charger.connected ? `${s.charger.phase.toUpperCase()} ${fixed(s.charger.current_a, 1, 'A')}` : 'off') : '—'} />
            <Stat label="Model time" value={duration(s?.model_time_s)} />
          </div>
          {s && s.protections.length > 0 && <p class="muted small">BMS protections: {s.protections.join(', ').replace(/_/g, ' ')}</p>}
        </Card>
        <Card title="Mode and speed" testId="sim-controls">
          {!signedIn && <LoginForm />}
          <div class="row wrap" role="group" aria-label="Mode">
            {(controls.data?.modes ?? []).map((mode) => (
              <button type="button" key={mode} class={s?.mode === mode ? 'primary' : ''} aria-pressed={s?.mode === mode} disabled={disabled} onClick={() => void act(`Mode: ${mode}`, '/api/sim/mode', { mode })} data-testid={`sim-mode-${mode}`}>
                {mode}
              </button>
            ))}
          </div>
          <div class="row wrap" role="group" aria-label="Speed">
            {SPEEDS.filter((x) => x <= (controls.data?.max_speed ?? 3600)).map((x) => (
              <button type="button" key={x} class={s?.speed === x ? 'primary' : ''} disabled={disabled} onClick={() => void act(`Speed: ${x}×`, '/api/sim/speed', { speed: x })} data-testid={`sim-speed-${x}`}>
                {x}×
              </button>
            ))}
            <form
              class="inline"
              onSubmit={(e) => {
                e.preventDefault();
                void act(`Speed: ${speed}×`, '/api/sim/speed', { speed: Number(speed) });
              }}
            >
              <input type="number" min={0} max={controls.data?.max_speed} step="any" placeholder="custom" value={speed} onInput={(e) => setSpeed((e.target as HTMLInputElement).value)} aria-label="Custom speed" />
              <button type="submit" disabled={disabled || speed === ''}>
                Set
              </button>
            </form>
          </div>
          <p class="muted small">Model seconds per real second, up to {controls.data?.max_speed ?? '…'}×. Modes: realistic (a free-running day), test (a fast charge/discharge cycle), demo.</p>
        </Card>
      </div>
      <Card title="Faults" testId="sim-faults">
        {(s?.faults.length ?? 0) > 0 ? (
          <ul class="active-faults" data-testid="sim-active-faults">
            {s!.faults.map((f) => (
              <li key={f.id} data-testid={`sim-active-${f.kind}`}>
                <span class="pill status-fault">{f.kind.replace(/_/g, ' ')}</span>
                <span class="mono small">{Object.entries(f.parameters).map(([k, v]) => `${k}=${String(v)}`).join(' ')}</span>
                {f.ends_at_ms !== null && <span class="muted small">ends by itself</span>}
                <button type="button" disabled={disabled} onClick={() => void act(`Cleared ${f.kind}`, '/api/sim/faults/clear', { id: f.id })}>
                  Clear
                </button>
              </li>
            ))}
            <li>
              <button type="button" disabled={disabled} onClick={() => void act('All faults cleared', '/api/sim/faults/clear', {})} data-testid="sim-clear-all">
                Clear all
              </button>
            </li>
          </ul>
        ) : (
          <p class="muted">No fault active.</p>
        )}
        {(controls.data?.fault_kinds ?? []).map((info) => (
          <FaultForm key={info.kind} info={info} disabled={disabled} onInject={(body) => act(`Injected ${info.label}`, '/api/sim/faults', body)} />
        ))}
      </Card>
    </div>
  );
}
