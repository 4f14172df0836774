/** The XS machine's own heaps (Moddable hosts, from the SDK's Instrumentation; absent in release builds). */
export interface XsHeapFigures {
  slot_heap_used_bytes: number;
  chunk_heap_used_bytes: number;
  keys_used: number;
  modules_loaded: number;
  garbage_collections: number;
}

export interface HeapFigures {
  freeBytes: number;
  totalBytes: number;
  minimumFreeBytes?: number;
  xs?: XsHeapFigures;
}

export interface SystemPort {
  readonly platform: 'esp32' | 'sim' | 'node' | 'xs-test';
  readonly firmwareVersion: string;
  restart(): void;
  heap(): HeapFigures;
  uptimeMs(): number;
  /**
   * What the host could not set up at boot, and what it repaired: storage it runs without
   * (each problem names the path and the fix) and damage it recovered from. The gateway raises
   * STORAGE_FAULT for problems and logs the notes; it runs either way.
   */
  bootReport?(): BootReport;
}

export interface BootReport {
  problems: readonly string[];
  notes: readonly string[];
}
