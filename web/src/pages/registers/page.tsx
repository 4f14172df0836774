/**
 * TinyBMS settings registers ("Battery Insider"-style): metadata from /api/registers, values
 * edited in place, checked against each register's range and step before sending, written with
 * one POST and read back. Backup/restore through export/import.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiDownload, apiGet, apiSend } from '../../api/client';
import { ApiError } from '../../api/errors';
import { listOf, normalizeRegister } from '../../api/normalize';
import type { RegisterInfo } from '../../api/types';
import { Card } from '../../components/card';
import { FileButton } from '../../components/file_button';
import { Notice } from '../../components/notice';
import { ProtectedPage } from '../../components/require_auth';
import { DASH } from '../../format';
import { BmsCommands } from './commands';
import { errorTarget, registerProblem } from './rules';

function ValueInput(props: { reg: RegisterInfo; text: string; invalid: boolean; onInput: (text: string) => void }) {
  const { reg } = props;
  const common = { 'data-testid': `reg-${reg.address}`, 'aria-invalid': props.invalid, disabled: reg.read_only, 'aria-label': reg.name };
  if (reg.options && reg.options.length > 0) {
    return (
      <select {...common} value={props.text} onChange={(e) => props.onInput(e.currentTarget.value)}>
        {props.text === '' && <option value="">{DASH}</option>}
        {reg.options.map((o) => (
          <option key={o.value} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }
  return <input type="text" inputMode="decimal" {...common} value={props.text} onInput={(e) => props.onInput(e.currentTarget.value)} />;
}

function RegisterEditor() {
  const [registers, setRegisters] = useState<RegisterInfo[] | null>(null);
  const [edits, setEdits] = useState<Record<number, string>>({});
  const [serverErrors, setServerErrors] = useState<Record<number, string>>({});
  const [category, setCategory] = useState('all');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const load = async () => {
    try {
      const list = listOf<Record<string, unknown>>(await apiGet<unknown>('/api/registers', { auth: true }), 'registers')
        .map(normalizeRegister)
        .filter((r): r is RegisterInfo => r !== null);
      setRegisters(list.sort((a, b) => a.address - b.address));
    } catch (e) {
      setOutcome({ kind: 'error', text: `Could not read the BMS settings: ${e instanceof Error ? e.message : String(e)}` });
    }
  };
  useEffect(() => void load(), []);

  const categories = useMemo(() => [...new Set((registers ?? []).map((r) => r.category).filter((c): c is string => !!c))], [registers]);
  const shownValue = (r: RegisterInfo) => edits[r.address] ?? (r.value === undefined ? '' : String(r.value));
  const changed = (registers ?? []).filter((r) => edits[r.address] !== undefined && edits[r.address] !== (r.value === undefined ? '' : String(r.value)));
  const problems: Record<number, string> = {};
  for (const r of changed) {
    const problem = registerProblem(r, edits[r.address]);
    if (problem) problems[r.address] = problem;
  }

  const write = async () => {
    setBusy(true);
    setOutcome(null);
    setServerErrors({});
    const sent = changed;
    try {
      await apiSend('POST', '/api/registers', { registers: sent.map((r) => ({ address: r.address, value: Number(edits[r.address]) })) });
      setEdits({});
      await load();
      setOutcome({ kind: 'ok', text: `Wrote ${sent.length} register${sent.length > 1 ? 's' : ''} and read them back` });
    } catch (e) {
      if (e instanceof ApiError) {
        const placed: Record<number, string> = {};
        for (const err of e.errors) {
          const address = errorTarget(err.field, sent);
          if (address !== null) placed[address] = err.message;
        }
        setServerErrors(placed);
      }
      setOutcome({ kind: 'error', text: `Not written: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (document: unknown, name: string) => {
    setBusy(true);
    try {
      await apiSend('POST', '/api/registers/import', document);
      await load();
      setOutcome({ kind: 'ok', text: `Restored settings from ${name}` });
    } catch (e) {
      setOutcome({ kind: 'error', text: `Restore refused: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  };

  const shown = (registers ?? []).filter((r) => category === 'all' || r.category === category);
  return (
    <>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <Card
        title="TinyBMS settings"
        actions={
          <>
            <button type="button" onClick={() => apiDownload('/api/registers/export', 'tinybms-registers.json').catch((e) => setOutcome({ kind: 'error', text: String(e) }))}>
              Export
            </button>
            <FileButton label="Import…" onJson={restore} onError={(text) => setOutcome({ kind: 'error', text })} />
          </>
        }
      >
        {registers === null && <p class="muted">Reading registers from the BMS…</p>}
        {categories.length > 1 && (
          <div class="chips">
            {['all', ...categories].map((c) => (
              <button type="button" key={c} class={c === category ? 'chip active' : 'chip'} onClick={() => setCategory(c)}>
                {c.replace(/_/g, ' ')}
              </button>
            ))}
          </div>
        )}
        <div class="table-wrap">
          <table class="registers" data-testid="registers">
            <thead>
              <tr>
                <th>Address</th>
                <th>Name</th>
                <th>Value</th>
                <th>Unit</th>
                <th>Range</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const problem = problems[r.address] ?? serverErrors[r.address];
                const isChanged = changed.includes(r);
                return (
                  <tr key={r.address} class={`${isChanged ? 'is-changed' : ''} ${problem ? 'has-error' : ''}`}>
                    <td class="mono">
                      {r.address} <span class="muted">0x{r.address.toString(16).padStart(4, '0')}</span>
                    </td>
                    <td title={r.description ?? r.key}>{r.name}</td>
                    <td>
                      <ValueInput reg={r} text={shownValue(r)} invalid={!!problem} onInput={(text) => setEdits((all) => ({ ...all, [r.address]: text }))} />
                      {problem && <div class="field-error">{problem}</div>}
                    </td>
                    <td>{r.unit ?? ''}</td>
                    <td class="muted">{r.options ? `${r.options.length} choices` : r.min !== undefined || r.max !== undefined ? `${r.min ?? DASH} – ${r.max ?? DASH}` : DASH}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <footer class="form-actions">
          <span class="muted">{changed.length > 0 ? `${changed.length} change${changed.length > 1 ? 's' : ''}` : 'No changes'}</span>
          <button type="button" disabled={busy || changed.length === 0} onClick={() => (setEdits({}), setServerErrors({}))}>
            Discard
          </button>
          <button type="button" class="primary" disabled={busy || changed.length === 0 || Object.keys(problems).length > 0} onClick={write}>
            {busy ? 'Writing…' : 'Write to BMS'}
          </button>
        </footer>
      </Card>
      <BmsCommands />
    </>
  );
}

export function RegistersPage() {
  return (
    <ProtectedPage name="registers">
      <RegisterEditor />
    </ProtectedPage>
  );
}
