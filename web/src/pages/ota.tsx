/**
 * Firmware update: a signed image and its signature, uploaded as multipart with a progress bar
 * (XMLHttpRequest: fetch cannot report upload progress). When the gateway answers 503 (no OTA
 * service) the form is shown disabled with the reason.
 */
import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth';
import { apiGet, mutationHeaders } from '../api/client';
import { ApiError, parseErrorBody } from '../api/errors';
import { Card } from '../components/card';
import { Notice } from '../components/notice';
import { ProtectedPage } from '../components/require_auth';
import { bytes } from '../format';
import { useStore } from '../state/store';

const ENDPOINT = '/api/ota/upload';

/** Unknown until an upload is tried: the gateway only says 503 in answer to one. */
type Availability = { state: 'available' } | { state: 'unavailable'; reason: string };

function upload(form: FormData, headers: Record<string, string>, onProgress: (sent: number, total: number) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', ENDPOINT);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    xhr.onerror = () => reject(new ApiError(0, [{ code: 'network', message: 'Upload interrupted' }]));
    xhr.send(form);
  });
}

function OtaForm() {
  const signedIn = !!useStore(auth).header;
  const [availability, setAvailability] = useState<Availability>({ state: 'available' });
  const [firmware, setFirmware] = useState<File | null>(null);
  const [signature, setSignature] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [phase, setPhase] = useState<'idle' | 'uploading' | 'verifying' | 'done' | 'failed'>('idle');
  const [message, setMessage] = useState<string | null>(null);

  const start = async (event: Event) => {
    event.preventDefault();
    if (!firmware || !signature) return;
    const form = new FormData();
    form.append('firmware', firmware, firmware.name);
    form.append('signature', signature, signature.name);
    setPhase('uploading');
    setMessage(null);
    setProgress({ sent: 0, total: firmware.size + signature.size });
    try {
      const send = async (fresh: boolean) =>
        upload(form, await mutationHeaders(fresh), (sent, total) => {
          setProgress({ sent, total });
          if (sent >= total) setPhase('verifying');
        });
      let answer = await send(false);
      if (answer.status === 403) answer = await send(true);
      if (answer.status === 503) {
        setAvailability({ state: 'unavailable', reason: 'Firmware update is not available on this gateway (503).' });
      }
      if (answer.status < 200 || answer.status >= 300) {
        let json: unknown = null;
        try {
          json = JSON.parse(answer.body);
        } catch {
          // Plain-text error body.
        }
        throw new ApiError(answer.status, parseErrorBody(answer.status, json, answer.body));
      }
      const result = JSON.parse(answer.body) as { version?: string; sha256?: string; algorithm?: string };
      setProgress((p) => p && { sent: p.total, total: p.total });
      setPhase('done');
      setMessage(
        `Signature verified (${result.algorithm ?? 'signed'}); version ${result.version ?? '?'} (SHA-256 ${(result.sha256 ?? '').slice(0, 16)}…) is activated. ` +
          'The gateway restarts into it and keeps it once it has run with a live BMS link; otherwise it rolls back to the current firmware.',
      );
    } catch (e) {
      setPhase('failed');
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };

  const rollback = useLastRollback();
  const disabled = availability.state !== 'available' || !signedIn || phase === 'uploading' || phase === 'verifying';
  const pct = progress && progress.total > 0 ? Math.min(100, (100 * progress.sent) / progress.total) : 0;
  return (
    <Card title="Firmware update" testId="ota">
      {rollback && (
        <Notice kind="warn" testId="ota-last-rollback">
          Firmware {rollback.version} was rolled back{rollback.at_this_boot ? ' at this start' : ''}: {rollback.reason}.
        </Notice>
      )}
      {availability.state === 'unavailable' && (
        <Notice kind="warn" testId="ota-unavailable">
          {availability.reason}
        </Notice>
      )}
      <form class="ota-form" onSubmit={start}>
        <fieldset disabled={availability.state !== 'available'}>
          <label class="field">
            <span class="field-label">Firmware image (.bin)</span>
            <input type="file" accept=".bin,application/octet-stream" onChange={(e) => setFirmware(e.currentTarget.files?.[0] ?? null)} />
            {firmware && <span class="field-hint">{bytes(firmware.size)}</span>}
          </label>
          <label class="field">
            <span class="field-label">Signature (.sig)</span>
            <input type="file" accept=".sig,application/octet-stream" onChange={(e) => setSignature(e.currentTarget.files?.[0] ?? null)} />
          </label>
          <button type="submit" class="primary" disabled={disabled || !firmware || !signature} data-testid="ota-submit">
            Upload and install
          </button>
        </fieldset>
      </form>
      {progress && (
        <div class="progress-wrap">
          <progress max={100} value={pct} data-testid="ota-progress" />
          <span class="muted small" data-testid="ota-status">
            {phase === 'verifying' ? 'Verifying signature…' : `${bytes(progress.sent)} of ${bytes(progress.total)} (${pct.toFixed(0)} %)`}
          </span>
        </div>
      )}
      {message && (
        <Notice kind={phase === 'done' ? 'ok' : 'error'} testId="ota-result">
          {message}
        </Notice>
      )}
    </Card>
  );
}

interface LastRollback {
  version: string;
  reason: string;
  at_this_boot: boolean;
}

/** /api/status → ota.last_rollback: the last automatic return to the previous image. */
function useLastRollback(): LastRollback | undefined {
  const [rollback, setRollback] = useState<LastRollback | undefined>(undefined);
  useEffect(() => {
    void apiGet<{ ota?: { last_rollback?: LastRollback | null } | null }>('/api/status').then((s) => setRollback(s.ota?.last_rollback ?? undefined), () => undefined);
  }, []);
  return rollback;
}

export function OtaPage() {
  return (
    <ProtectedPage name="ota">
      <OtaForm />
    </ProtectedPage>
  );
}
