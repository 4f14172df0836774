/**
 * The self-tests of /api/diagnostics, each a small function of what it checks: BMS link alive,
 * CAN running, store writable, clock sane. A check that does not apply is skipped, not passed.
 */
import type { CanPortStatus } from '../../hosts/ports/can';
import type { FileStore } from '../../hosts/ports/files';
import type { KeyValueStore } from '../../hosts/ports/store';
import { errorMessage } from '../util/error_message';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface SelfTestCheck {
  name: 'bms_link' | 'can_running' | 'store_writable' | 'history_writable' | 'clock_sane';
  status: CheckStatus;
  detail: string;
}

/** Wall time before this means the clock was never set. */
const EARLIEST_SANE_WALL_MS = Date.UTC(2020, 0, 1);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Alive = valid BMS data no older than the staleness limit. */
export function checkBmsLink(lastValidAt: number | undefined, now: number, staleAfterMs: number): SelfTestCheck {
  if (lastValidAt === undefined) return { name: 'bms_link', status: 'fail', detail: 'no valid BMS data since start' };
  const age = now - lastValidAt;
  return age <= staleAfterMs
    ? { name: 'bms_link', status: 'pass', detail: `last valid data ${seconds(age)} ago` }
    : { name: 'bms_link', status: 'fail', detail: `last valid data ${seconds(age)} ago (stale after ${seconds(staleAfterMs)})` };
}

export function checkCanRunning(enabled: boolean, status: () => CanPortStatus): SelfTestCheck {
  if (!enabled) return { name: 'can_running', status: 'skip', detail: 'CAN disabled in the configuration' };
  try {
    const s = status();
    const counters = `tx errors ${s.txErrorCounter}, rx errors ${s.rxErrorCounter}, bus errors ${s.busErrorCount}`;
    return s.state === 'running'
      ? { name: 'can_running', status: 'pass', detail: `running (${counters})` }
      : { name: 'can_running', status: 'fail', detail: `state ${s.state} (${counters})` };
  } catch (error) {
    return { name: 'can_running', status: 'fail', detail: `status unavailable: ${errorMessage(error)}` };
  }
}

/** Writes a probe value, reads it back and removes it. Each call is a flash write: throttle it. */
export function checkStoreWritable(store: KeyValueStore, probeKey: string, token: string): SelfTestCheck {
  try {
    store.put(probeKey, token);
    const back = store.get(probeKey);
    store.delete(probeKey);
    return back === token
      ? { name: 'store_writable', status: 'pass', detail: 'probe written, read back and removed' }
      : { name: 'store_writable', status: 'fail', detail: `probe read back as ${JSON.stringify(back)}, wrote ${JSON.stringify(token)}` };
  } catch (error) {
    return { name: 'store_writable', status: 'fail', detail: `probe failed: ${errorMessage(error)}` };
  }
}

/** Path of the history probe: outside the history folder, so no reader ever sees it. */
export const HISTORY_PROBE_PATH = 'diag/probe.txt';

/**
 * Appends a probe line where history lives, checks its size and removes it. Fails too when the
 * history logger's last flush failed (`writeFailing`), e.g. a full history folder.
 */
export function checkHistoryWritable(files: FileStore, token: string, writeFailing = false): SelfTestCheck {
  try {
    files.append(HISTORY_PROBE_PATH, token);
    const size = files.size(HISTORY_PROBE_PATH);
    files.delete(HISTORY_PROBE_PATH);
    if (size !== token.length) return { name: 'history_writable', status: 'fail', detail: `probe has ${size} bytes, wrote ${token.length}` };
  } catch (error) {
    return { name: 'history_writable', status: 'fail', detail: `history cannot be written: ${errorMessage(error)}` };
  }
  if (writeFailing) return { name: 'history_writable', status: 'fail', detail: 'the last history write failed (see history_logger metrics)' };
  return { name: 'history_writable', status: 'pass', detail: 'probe appended, measured and removed' };
}

/** Monotonic time never goes back between checks; wall time has been set (after 2020). */
export function checkClockSane(now: number, previousNow: number | undefined, wallMs: number): SelfTestCheck {
  if (!Number.isFinite(now) || (previousNow !== undefined && now < previousNow)) {
    return { name: 'clock_sane', status: 'fail', detail: `monotonic clock went back from ${previousNow} to ${now} ms` };
  }
  if (!(wallMs >= EARLIEST_SANE_WALL_MS)) {
    return { name: 'clock_sane', status: 'fail', detail: `wall clock not set (${Number.isFinite(wallMs) ? new Date(wallMs).toISOString() : String(wallMs)})` };
  }
  return { name: 'clock_sane', status: 'pass', detail: `wall clock ${new Date(wallMs).toISOString()}` };
}

