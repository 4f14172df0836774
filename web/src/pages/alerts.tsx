/** Active alerts with acknowledge/clear, the live alert feed and recent system events. */
import { useState } from 'preact/hooks';
import { auth } from '../api/auth';
import { apiSend } from '../api/client';
import { ApiError } from '../api/errors';
import { listOf } from '../api/normalize';
import type { ActiveAlert, SystemEvent } from '../api/types';
import { Card } from '../components/card';
import { ConfirmButton } from '../components/confirm_button';
import { LoginForm } from '../components/login_form';
import { Notice } from '../components/notice';
import { DASH, timestamp } from '../format';
import { activeAlerts, alertFeed, alertsError, refreshAlerts } from '../state/alerts';
import { useStore } from '../state/store';
import { useApi } from '../state/use_api';

function AlertRow(props: { alert: ActiveAlert; onAcknowledge: (code: string) => void; busy: boolean }) {
  const { alert } = props;
  return (
    <li class={`alert-row level-${alert.level}`} data-testid={`alert-${alert.code}`} data-acknowledged={alert.acknowledged ? 'yes' : 'no'}>
      <span class={`pill level-${alert.level}`}>{alert.level}</span>
      <div class="alert-body">
        <div class="alert-code">{alert.code.replace(/_/g, ' ')}</div>
        <div class="alert-message">{alert.message}</div>
        <div class="muted small">
          {timestamp(alert.timestamp)}
          {alert.acknowledged ? ' · acknowledged' : ''}
          {alert.active === false ? ' · no longer active (latched)' : ''}
        </div>
      </div>
      {!alert.acknowledged && (
        <button type="button" disabled={props.busy} onClick={() => props.onAcknowledge(alert.code)}>
          Acknowledge
        </button>
      )}
    </li>
  );
}

export function AlertsPage() {
  const alerts = useStore(activeAlerts);
  const error = useStore(alertsError);
  const feed = useStore(alertFeed);
  const signedIn = !!useStore(auth).header;
  const events = useApi<unknown>('/api/events?limit=50', { intervalMs: 10_000 });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [wantLogin, setWantLogin] = useState(false);

  const act = async (label: string, path: string, body: unknown) => {
    if (!signedIn) return setWantLogin(true);
    setBusy(true);
    setResult(null);
    try {
      await apiSend('POST', path, body);
      setResult({ kind: 'ok', text: label });
      await refreshAlerts();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setWantLogin(true);
      setResult({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const list = alerts ?? [];
  return (
    <div class="page alerts">
      {error && <Notice kind="error">Could not load alerts: {error}</Notice>}
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      {wantLogin && !signedIn && <LoginForm />}
      <Card
        title={`Active alerts (${list.length})`}
        testId="active-alerts"
        actions={
          <>
            <button type="button" disabled={busy || list.length === 0} onClick={() => act('All alerts acknowledged', '/api/alarms/acknowledge', {})}>
              Acknowledge all
            </button>
            <ConfirmButton disabled={busy} onConfirm={() => act('Latched alerts cleared', '/api/alerts/clear', {})}>
              Clear latched
            </ConfirmButton>
          </>
        }
      >
        {alerts === null && !error && <p class="muted">Loading…</p>}
        {alerts !== null && list.length === 0 && (
          <p class="muted" data-testid="no-alerts">
            No active alerts.
          </p>
        )}
        <ul class="alert-list">
          {list.map((a) => (
            <AlertRow key={a.code} alert={a} busy={busy} onAcknowledge={(code) => act(`${code} acknowledged`, '/api/alarms/acknowledge', { codes: [code] })} />
          ))}
        </ul>
      </Card>

      <div class="grid grid-2">
        <Card title="Live alert feed (this session)">
          {feed.length === 0 ? (
            <p class="muted">Nothing since this page was opened.</p>
          ) : (
            <ul class="feed">
              {feed.map((a, i) => (
                <li key={i} class={a.active === false ? 'level-info' : `level-${a.level}`}>
                  <span class="muted small">{timestamp(a.timestamp)}</span> <strong>{a.code}</strong> {a.active === false ? 'cleared' : 'raised'}: {a.message}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Recent events">
          {events.error && <Notice kind="error">{events.error.message}</Notice>}
          <ul class="feed" data-testid="events">
            {listOf<SystemEvent>(events.data, 'events').map((e, i) => (
              <li key={i}>
                <span class="muted small">{timestamp(e.timestamp ?? e.timestamp_ms)}</span> <strong>{e.type ?? e.name ?? DASH}</strong> {e.message ?? ''}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
