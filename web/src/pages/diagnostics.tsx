/** Self-test results and health metrics, MQTT link details, and a restart button. */
import { useState } from 'preact/hooks';
import { auth } from '../api/auth';
import { apiSend } from '../api/client';
import { Card } from '../components/card';
import { ConfirmButton } from '../components/confirm_button';
import { JsonView } from '../components/json_view';
import { Notice } from '../components/notice';
import { status } from '../state/live';
import { useStore } from '../state/store';
import { useApi } from '../state/use_api';

export function DiagnosticsPage() {
  const diagnostics = useApi<unknown>('/api/diagnostics', { intervalMs: 5000 });
  const mqtt = useApi<unknown>('/api/mqtt/status', { intervalMs: 5000 });
  const gateway = useStore(status);
  const signedIn = !!useStore(auth).header;
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const restart = async () => {
    try {
      await apiSend('POST', '/api/system/restart', {});
      setMessage({ kind: 'ok', text: 'Restarting — the page reconnects by itself.' });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div class="page diagnostics">
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div class="grid grid-2">
        <Card title="Health and performance" testId="diagnostics">
          {diagnostics.error ? <Notice kind="error">{diagnostics.error.message}</Notice> : <JsonView value={diagnostics.data} />}
        </Card>
        <div class="stack">
          <Card title="Gateway status">
            <JsonView value={gateway} />
          </Card>
          <Card title="MQTT">{mqtt.error ? <Notice kind="error">{mqtt.error.message}</Notice> : <JsonView value={mqtt.data} />}</Card>
          <Card title="Maintenance">
            <p class="muted small">
              Metrics for Prometheus: <a href="/metrics">/metrics</a>
            </p>
            <ConfirmButton disabled={!signedIn} onConfirm={restart}>
              Restart gateway
            </ConfirmButton>
            {!signedIn && <p class="muted small">Sign in (e.g. on the Configuration page) to restart.</p>}
          </Card>
        </div>
      </div>
    </div>
  );
}
