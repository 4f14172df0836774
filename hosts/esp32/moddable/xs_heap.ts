/**
 * The XS heaps from the SDK's Instrumentation ("XS Slot Heap Used" …), for /api/diagnostics on the
 * Moddable hosts. Instrumentation answers only in debug (-d) and instrumented (-i) builds; in a
 * release build the reader says so by returning undefined.
 */
import Instrumentation from 'instrumentation';
import type { XsHeapFigures } from '../../ports/system';

const ITEMS = {
  slot_heap_used_bytes: 'XS Slot Heap Used',
  chunk_heap_used_bytes: 'XS Chunk Heap Used',
  keys_used: 'XS Keys Used',
  modules_loaded: 'XS Modules Loaded',
  garbage_collections: 'XS Garbage Collection Count',
} as const;
/** The SDK's typings take only the names it lists (InstrumentationKeys), not any string. */
type ItemName = (typeof ITEMS)[keyof typeof ITEMS];

export function createXsHeapReader(): () => XsHeapFigures | undefined {
  const indexes: Partial<Record<keyof XsHeapFigures, number>> = {};
  for (const [field, name] of Object.entries(ITEMS) as [keyof XsHeapFigures, ItemName][]) {
    const index = Instrumentation.map(name);
    if (index === undefined) return () => undefined;
    indexes[field] = index;
  }
  return () => {
    const out = {} as XsHeapFigures;
    for (const [field, index] of Object.entries(indexes) as [keyof XsHeapFigures, number][]) {
      const value = Instrumentation.get(index);
      if (value === undefined) return undefined;
      out[field] = value;
    }
    return out;
  };
}
