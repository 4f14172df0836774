/** One-shot TinyBMS commands (POST /api/command): SOC reset, clear events/statistics, BMS restart. */
import { useState } from 'preact/hooks';
import { apiSend } from '../../api/client';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm_button';
import { Notice } from '../../components/notice';

export function BmsCommands() {
  const [soc, setSoc] = useState('100');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const run = async (label: string, command: string, parameters: Record<string, unknown> = {}) => {
    setBusy(true);
    setOutcome(null);
    try {
      await apiSend('POST', '/api/command', { command, parameters });
      setOutcome({ kind: 'ok', text: `${label}: done` });
    } catch (e) {
      setOutcome({ kind: 'error', text: `${label}: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="BMS commands">
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <div class="row">
        <label class="field inline">
          <span class="field-label">SOC (%)</span>
          <input type="text" inputMode="decimal" value={soc} size={5} onInput={(e) => setSoc(e.currentTarget.value)} />
        </label>
        <ConfirmButton disabled={busy} onConfirm={() => run('Set SOC', 'reset_soc', { value: Number(soc) })}>
          Set SOC
        </ConfirmButton>
        <ConfirmButton disabled={busy} onConfirm={() => run('Clear events', 'clear_events')}>
          Clear BMS events
        </ConfirmButton>
        <ConfirmButton disabled={busy} onConfirm={() => run('Clear statistics', 'clear_statistics')}>
          Clear statistics
        </ConfirmButton>
        <ConfirmButton disabled={busy} onConfirm={() => run('Restart BMS', 'restart_bms')}>
          Restart BMS
        </ConfirmButton>
      </div>
    </Card>
  );
}
