/// <reference path="../../../typings/sdk/instrumentation.d.ts" />
/**
 * XS heap figures on the Moddable hosts: read from the SDK's Instrumentation (stand-in here, with
 * the item names of modules/base/instrumentation/modInstrumentation.c), absent in release builds
 * (where every Instrumentation call answers undefined), and shown in /api/diagnostics and /metrics.
 */
import { Monitoring } from '../../../modules/monitoring/monitoring';
import { createTestContext } from '../alert_manager/support/context';

const mockInstrumentation = { release: false, values: new Map<string, number>() };
const NAMES = ['', 'Timers', 'XS Slot Heap Used', 'XS Chunk Heap Used', 'XS Keys Used', 'XS Garbage Collection Count', 'XS Modules Loaded'];

jest.mock(
  'instrumentation',
  () => ({
    __esModule: true,
    default: class {
      static map(name: string) {
        if (mockInstrumentation.release) return undefined;
        const index = NAMES.indexOf(name);
        return index > 0 ? index : undefined;
      }
      static get(index: number) {
        return mockInstrumentation.release ? undefined : mockInstrumentation.values.get(NAMES[index]);
      }
    },
  }),
  { virtual: true },
);

import { createXsHeapReader } from '../../../hosts/esp32/moddable/xs_heap';

describe('XS heap figures (Instrumentation)', () => {
  beforeEach(() => {
    mockInstrumentation.release = false;
    mockInstrumentation.values = new Map([
      ['XS Slot Heap Used', 501_234],
      ['XS Chunk Heap Used', 40_960],
      ['XS Keys Used', 1_432],
      ['XS Modules Loaded', 187],
      ['XS Garbage Collection Count', 12],
    ]);
  });

  it('reads the slot and chunk heaps, keys, modules and collections each time it is asked', () => {
    const read = createXsHeapReader();
    expect(read()).toEqual({ slot_heap_used_bytes: 501_234, chunk_heap_used_bytes: 40_960, keys_used: 1_432, modules_loaded: 187, garbage_collections: 12 });
    mockInstrumentation.values.set('XS Slot Heap Used', 600_000);
    expect(read()?.slot_heap_used_bytes).toBe(600_000);
  });

  it('says nothing in a release build, where Instrumentation is compiled out', () => {
    mockInstrumentation.release = true;
    expect(createXsHeapReader()()).toBeUndefined();
  });

  it('shows in /api/diagnostics (null without it) and as tinybms_xs_* gauges', () => {
    const xs = createXsHeapReader()();
    const t = createTestContext();
    const heap = t.ctx.host.system.heap();
    const monitoring = new Monitoring({ ...t.ctx, host: { ...t.ctx.host, system: { ...t.ctx.host.system, heap: () => ({ ...heap, xs }) } } });
    expect(monitoring.diagnostics().heap.xs).toEqual(xs);
    const text = monitoring.prometheus();
    expect(text).toContain('\n# TYPE tinybms_xs_slot_heap_used_bytes gauge\ntinybms_xs_slot_heap_used_bytes 501234\n');
    expect(text).toContain('\ntinybms_xs_garbage_collections 12\n');
    expect(new Monitoring(t.ctx).diagnostics().heap.xs).toBeNull();
  });
});
