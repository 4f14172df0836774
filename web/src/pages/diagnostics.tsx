/**
 * Diagnostics designed for reading: the self-test as pass/fail rows, the system in human units,
 * then every module's counters in its own collapsible group (problem counters highlighted), the
 * MQTT link and maintenance. The raw JSON stays one link away (/api/diagnostics, /metrics).
 */
import { useState } from 'preact/hooks';
import { auth } from '../api/auth';
import { apiSend } from '../api/client';
import { Card } from '../components/card';
import { ConfirmButton } from '../components/confirm_button';
import { Notice } from '../components/notice';
import { bytes, duration } from '../format';
import { useStore } from '../state/store';
import { useApi } from '../state/use_api';
import { CHECK_LABELS, metricIsBad, metricLabel, metricValue } from './diagnostics_format';

interface Check {
  name: string;
  status: 'pass' | 'fail' | 'skip' | string;
  detail: string;
}
interface Diagnostics {
  platform?: string;
  firmware_version?: string;
  uptime_s?: number;
  heap?: { free_bytes?: number; total_bytes?: number; minimum_free_bytes?: number | null };
  self_test?: { passed: boolean; checks: Check[] };
  modules?: Record<string, Record<string, unknown>>;
}

const MODULE_TITLES: Record<string, string> = {
  uart_bms: 'BMS link (UART)',
  can_victron: 'CAN driver',
  can_publisher: 'Victron publisher and charge control',
  mqtt_client: 'MQTT client',
  mqtt_gateway: 'MQTT topics',
  web_server: 'Web server',
  config_manager: 'Configuration',
  alert_manager: 'Alerts',
  history_logger: 'History',
  monitoring: 'Monitoring',
  ota_update: 'Firmware update',
  wifi: 'Wi-Fi',
  event_bus: 'Event bus',
};

function SelfTest(props: { report: Diagnostics['self_test'] }) {
  const report = props.report;
  if (!report) return <p class="muted">No self-test on this gateway.</p>;
  return (
    <>
      <p class={`verdict tone-${report.passed ? 'good' : 'bad'}`} data-testid="self-test-verdict">
        {report.passed ? 'All checks pass.' : `${report.checks.filter((c) => c.status === 'fail').length} check(s) fail.`}
      </p>
      <ul class="checks" data-testid="self-test">
        {report.checks.map((check) => (
          <li key={check.name} class={`check check-${check.status}`} data-testid={`check-${check.name}`} data-status={check.status}>
            <span class="check-mark" aria-hidden="true">
              {check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '–'}
            </span>
            <span class="check-name">{CHECK_LABELS[check.name] ?? check.name.replace(/_/g, ' ')}</span>
            <span class="check-status">{check.status}</span>
            <span class="check-detail">{check.detail}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function ModuleGroup(props: { name: string; metrics: Record<string, unknown> }) {
  const entries = Object.entries(props.metrics);
  const bad = entries.filter(([k, v]) => metricIsBad(k, v)).length;
  return (
    <details class="module-group" data-testid={`module-${props.name}`} open={bad > 0}>
      <summary>
        <span class="module-title">{MODULE_TITLES[props.name] ?? props.name.replace(/_/g, ' ')}</span>
        <span class="muted small">{entries.length} values</span>
        {bad > 0 && <span class="count bad">{bad}</span>}
      </summary>
      {'error' in props.metrics && entries.length === 1 ? (
        <Notice kind="error">{String(props.metrics.error)}</Notice>
      ) : (
        <dl class="kv metrics">
          {entries.map(([key, value]) => (
            <div class={`kv-row ${metricIsBad(key, value) ? 'is-bad' : ''}`} key={key} title={key}>
              <dt>{metricLabel(key, props.name)}</dt>
              <dd>{metricValue(key, value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </details>
  );
}

export function DiagnosticsPage() {
  const diagnostics = useApi<Diagnostics>('/api/diagnostics', { intervalMs: 5000 });
  const signedIn = !!useStore(auth).header;
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const d = diagnostics.data;
  const heap = d?.heap;
  const usedPct = heap?.total_bytes ? Math.round((1 - (heap.free_bytes ?? 0) / heap.total_bytes) * 100) : null;

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
      {diagnostics.error && <Notice kind="error">{diagnostics.error.message}</Notice>}
      <div class="grid grid-2">
        <Card title="Self-test" testId="diagnostics">
          <SelfTest report={d?.self_test} />
        </Card>
        <Card title="System" testId="diagnostics-system">
          <dl class="kv">
            <div class="kv-row">
              <dt>Firmware</dt>
              <dd>{d?.firmware_version ?? '—'}</dd>
            </div>
            <div class="kv-row">
              <dt>Platform</dt>
              <dd>{d?.platform ?? '—'}</dd>
            </div>
            <div class="kv-row">
              <dt>Uptime</dt>
              <dd data-testid="diagnostics-uptime">{duration(d?.uptime_s)}</dd>
            </div>
            <div class="kv-row">
              <dt>Memory free</dt>
              <dd>
                {bytes(heap?.free_bytes)} of {bytes(heap?.total_bytes)}
                {usedPct !== null && ` (${usedPct} % used)`}
              </dd>
            </div>
            {typeof heap?.minimum_free_bytes === 'number' && (
              <div class="kv-row">
                <dt>Lowest free since start</dt>
                <dd>{bytes(heap.minimum_free_bytes)}</dd>
              </div>
            )}
          </dl>
          {usedPct !== null && (
            <div class="meter" aria-label="Memory used">
              <span style={{ width: `${usedPct}%` }} />
            </div>
          )}
        </Card>
      </div>
      <Card title="Modules" testId="diagnostics-modules">
        <p class="muted small">Counters since the gateway started, grouped by module; groups with problem counters open by themselves.</p>
        {d?.modules ? Object.entries(d.modules).map(([name, metrics]) => <ModuleGroup key={name} name={name} metrics={metrics} />) : <p class="muted">Loading…</p>}
      </Card>
      <Card title="Maintenance">
        <p class="muted small">
          Raw figures: <a href="/api/diagnostics">/api/diagnostics</a> · Prometheus: <a href="/metrics">/metrics</a>
        </p>
        <ConfirmButton disabled={!signedIn} onConfirm={restart}>
          Restart gateway
        </ConfirmButton>
        {!signedIn && <p class="muted small">Sign in (e.g. on the Configuration page) to restart.</p>}
      </Card>
    </div>
  );
}
