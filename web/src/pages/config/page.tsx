/**
 * Configuration editor: one tab per section, Save sends only the changed fields, and every
 * error of a 400 answer is shown under its own field (tabs count their errors). Import, export
 * and factory reset sit beside it.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiDownload, apiGet, apiSend } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { ApiFieldError, GatewayConfig } from '../../api/types';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm_button';
import { FileButton } from '../../components/file_button';
import { Notice } from '../../components/notice';
import { ProtectedPage } from '../../components/require_auth';
import { ConfigField } from './field';
import { PasswordChange } from './password';
import { changesOf, formSections, toFormValues, type FormValue, type FormValues } from './model';

type Outcome = { kind: 'ok' | 'error'; text: string; general?: ApiFieldError[] } | null;

function ConfigEditor() {
  const sections = useMemo(formSections, []);
  const [original, setOriginal] = useState<FormValues | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [tab, setTab] = useState(sections[0].id);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const adopt = (config: unknown) => {
    const form = toFormValues(config, sections);
    setOriginal(form);
    setValues(form);
  };

  const load = async () => {
    try {
      adopt(await apiGet<GatewayConfig>('/api/config', { auth: true }));
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => void load(), []);

  const showFailure = (e: unknown, what: string) => {
    if (!(e instanceof ApiError)) return setOutcome({ kind: 'error', text: `${what}: ${String(e)}` });
    const byField = e.byField();
    const known = new Set(sections.flatMap((s) => s.fields.map((f) => f.path)));
    setErrors(Object.fromEntries(Object.entries(byField).filter(([path]) => known.has(path))));
    // Errors the form cannot place (document-level, or a field it does not show) go on top.
    const general = e.errors.filter((err) => !err.field || !known.has(err.field));
    const first = sections.find((s) => s.fields.some((f) => byField[f.path]));
    if (first) setTab(first.id);
    const fieldCount = e.errors.length - general.length;
    setOutcome({ kind: 'error', text: `${what}: ${fieldCount > 0 ? `${fieldCount} field${fieldCount > 1 ? 's' : ''} need attention` : e.message}`, general });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!original) return;
    const { patch, count } = changesOf(sections, original, values);
    if (count === 0) return setOutcome({ kind: 'ok', text: 'Nothing changed' });
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await apiSend<unknown>('POST', '/api/config', patch);
      setErrors({});
      // The answer is the new config; if a server only says "ok", read it back.
      if (answer && typeof answer === 'object' && 'mqtt' in (answer as object)) adopt(answer);
      else await load();
      setOutcome({ kind: 'ok', text: `Saved ${count} change${count > 1 ? 's' : ''}` });
    } catch (e) {
      showFailure(e, 'Not saved');
    } finally {
      setBusy(false);
    }
  };

  const importDocument = async (document: unknown, name: string) => {
    setOutcome(null);
    setBusy(true);
    try {
      await apiSend('POST', '/api/config/import', document);
      setErrors({});
      await load();
      setOutcome({ kind: 'ok', text: `Imported ${name}` });
    } catch (e) {
      showFailure(e, 'Import refused, nothing changed');
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    setBusy(true);
    try {
      await apiSend('POST', '/api/config/reset', {});
      setErrors({});
      await load();
      setOutcome({ kind: 'ok', text: 'Factory defaults restored' });
    } catch (e) {
      showFailure(e, 'Reset failed');
    } finally {
      setBusy(false);
    }
  };

  const [mqttTest, setMqttTest] = useState<{ ok: boolean; text: string } | null>(null);
  /** Tries the MQTT settings as edited (unsaved; masked secrets mean the stored ones). Saves nothing. */
  const testMqtt = async () => {
    if (!original) return;
    setMqttTest(null);
    setBusy(true);
    try {
      const settings = changesOf(sections, original, values).patch.mqtt ?? {};
      const answer = await apiSend<{ ok: boolean; broker: string; error: string; duration_ms: number }>('POST', '/api/mqtt/test', settings);
      setMqttTest(
        answer.ok
          ? { ok: true, text: `Connected to ${answer.broker} in ${answer.duration_ms} ms` }
          : { ok: false, text: `Could not connect to ${answer.broker || 'the broker'}: ${answer.error}` },
      );
    } catch (e) {
      setMqttTest({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const onChange = (path: string, value: FormValue) => setValues((v) => ({ ...v, [path]: value }));
  if (loadError) return <Notice kind="error">Could not load the configuration: {loadError}</Notice>;
  if (!original) return <p class="muted">Loading configuration…</p>;

  const pending = changesOf(sections, original, values).count;
  const current = sections.find((s) => s.id === tab) ?? sections[0];
  const errorCount = (id: string) => sections.find((s) => s.id === id)!.fields.filter((f) => errors[f.path]?.length).length;

  return (
    <>
      {outcome && (
        <Notice kind={outcome.kind} testId="config-outcome">
          {outcome.text}
          {outcome.general && outcome.general.length > 0 && (
            <ul>
              {outcome.general.map((g, i) => (
                <li key={i}>{g.field ? `${g.field}: ${g.message}` : g.message}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      <form class="card config-form" onSubmit={save} noValidate data-testid="config-form">
        <nav class="tabs" role="tablist">
          {sections.map((s) => (
            <button type="button" role="tab" aria-selected={s.id === tab} class={s.id === tab ? 'tab active' : 'tab'} key={s.id} onClick={() => setTab(s.id)} data-testid={`tab-${s.id}`}>
              {s.title}
              {errorCount(s.id) > 0 && <span class="count bad">{errorCount(s.id)}</span>}
            </button>
          ))}
        </nav>
        <div class="form-grid" role="tabpanel">
          {current.fields.map((spec) => (
            <ConfigField key={spec.path} spec={spec} value={values[spec.path]} changed={values[spec.path] !== original[spec.path]} errors={errors[spec.path]} onChange={onChange} />
          ))}
        </div>
        {current.id === 'mqtt' && mqttTest && (
          <Notice kind={mqttTest.ok ? 'ok' : 'error'} testId="mqtt-test-result">
            {mqttTest.text}
          </Notice>
        )}
        <footer class="form-actions">
          {current.id === 'mqtt' && (
            <button type="button" disabled={busy} onClick={() => void testMqtt()} data-testid="mqtt-test">
              Test connection
            </button>
          )}
          <span class="muted">{pending > 0 ? `${pending} unsaved change${pending > 1 ? 's' : ''}` : 'No unsaved changes'}</span>
          <button type="button" disabled={busy || pending === 0} onClick={() => (setValues(original), setErrors({}))}>
            Discard
          </button>
          <button type="submit" class="primary" disabled={busy} data-testid="config-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </footer>
      </form>
      <Card title="Backup and restore">
        <div class="row">
          <button type="button" onClick={() => apiDownload('/api/config/export', 'tinybms-gw-config.json').catch((e) => showFailure(e, 'Export failed'))}>
            Export configuration
          </button>
          <FileButton label="Import configuration…" testId="config-import" onJson={importDocument} onError={(text) => setOutcome({ kind: 'error', text })} />
          <ConfirmButton disabled={busy} onConfirm={reset}>
            Factory reset
          </ConfirmButton>
        </div>
        <p class="muted small">Exports leave secrets masked; importing a masked secret keeps the current one. An import is validated whole before anything changes, and never changes the web login (change the password below).</p>
      </Card>
      <PasswordChange />
    </>
  );
}

export function ConfigPage() {
  return (
    <ProtectedPage name="config">
      <ConfigEditor />
    </ProtectedPage>
  );
}
