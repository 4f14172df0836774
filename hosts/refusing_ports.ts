/**
 * Stand-ins for storage a host could not open at boot (a file where the folder belongs, a
 * missing partition): every operation throws `problem`, which names the path and the fix. The
 * gateway runs on them — history, saves and counters fail with STORAGE_FAULT — instead of not
 * booting, because the BMS→CAN path never needs storage. Portable: Node and Moddable hosts use it.
 */
import type { FileStore } from './ports/files';
import type { KeyValueStore } from './ports/store';

export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

export function refusingStore(problem: string): KeyValueStore {
  const refuse = (): never => {
    throw new StorageUnavailableError(problem);
  };
  return { get: refuse, put: refuse, delete: refuse };
}

export function refusingFiles(problem: string): FileStore {
  const refuse = (): never => {
    throw new StorageUnavailableError(problem);
  };
  return { append: refuse, read: refuse, readRange: refuse, size: refuse, list: refuse, delete: refuse, freeBytes: () => undefined };
}

/** The port `open` builds, or a refusing one, recording a problem that says what, the effect and the fix. */
export function openOrRefuse<T>(open: () => T, refuse: (problem: string) => T, what: string, effect: string, fix: string, problems: string[]): T {
  try {
    return open();
  } catch (error) {
    const problem = `${what} (${error instanceof Error ? error.message : String(error)}): ${effect}; ${fix}`;
    problems.push(problem);
    return refuse(problem);
  }
}
