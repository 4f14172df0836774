/**
 * The banner for what storage did to this boot: a configuration recovered from its previous
 * generation or reset to safe defaults (/api/status `config.recovery`), and storage areas that
 * fail now (`storage_faults`). Checked at load and every 30 s; nothing shows when all is well.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiGet } from '../api/client';
import { Notice } from './notice';

interface StorageStatus {
  config?: { recovery: 'none' | 'recovered' | 'reset'; cause: string; problem: string; damaged_kept: boolean } | null;
  storage_faults?: string[];
}

const REFRESH_MS = 30_000;

export function StorageBanner() {
  const [status, setStatus] = useState<StorageStatus | undefined>(undefined);
  useEffect(() => {
    const load = () => void apiGet<StorageStatus>('/api/status').then(setStatus, () => undefined);
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const recovery = status?.config?.recovery ?? 'none';
  const faults = status?.storage_faults ?? [];
  if (recovery === 'none' && faults.length === 0) return null;
  const kept = status?.config?.damaged_kept ? ' The damaged copy is kept for inspection.' : '';
  return (
    <div class="storage-banner" data-testid="storage-banner">
      {recovery === 'recovered' && (
        <Notice kind="warn" testId="config-recovered">
          The stored configuration was damaged ({status?.config?.cause}); the previous good one was loaded. Check your recent changes.{kept}
        </Notice>
      )}
      {recovery === 'reset' && (
        <Notice kind="error" testId="config-reset">
          No stored configuration was usable ({status?.config?.cause}): the gateway runs on safe defaults. The web password and access-point
          passphrase are recovery secrets shown only on the device console.{kept}
        </Notice>
      )}
      {faults.map((fault) => (
        <Notice kind="error" key={fault} testId="storage-fault">
          {fault}
        </Notice>
      ))}
    </div>
  );
}
