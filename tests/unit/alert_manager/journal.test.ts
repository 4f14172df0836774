/** The alert journal: latched alerts and the event log survive a restart, in bounded storage. */
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { AlertManager } from '../../../modules/alert_manager';
import { JOURNAL_FILES } from '../../../modules/alert_manager/journal';
import { createTestContext } from './support/context';

function restarted(t: ReturnType<typeof createTestContext>, capacity = 10): AlertManager {
  const again = new AlertManager(t.ctx, { eventLogCapacity: capacity });
  again.start();
  return again;
}

describe('alert journal', () => {
  it('brings back unacknowledged alerts latched and the newest events, with ids that continue', () => {
    const t = createTestContext();
    const first = new AlertManager(t.ctx, { eventLogCapacity: 10 });
    first.start();
    first.raiseSystem('CONFIG_RECOVERED', 'previous generation loaded');
    first.storageFault('history', false, 'disk full');
    first.raiseSystem('OTA_ROLLED_BACK', 'rolled back');
    first.acknowledge(['OTA_ROLLED_BACK']);
    const lastId = first.events(1)[0].id;
    first.stop();

    const second = restarted(t);
    const alerts = second.activeAlerts();
    expect(alerts.map((a) => `${a.code}:${a.active}`).sort()).toEqual(['CONFIG_RECOVERED:false', 'STORAGE_FAULT:false']);
    expect(second.events(100).map((e) => e.message)).toEqual(first.events(100).map((e) => e.message));
    second.recordEvent('info', 'user_action', 'after restart');
    expect(second.events(1)[0].id).toBe(lastId + 1);
    expect(second.metrics()).toMatchObject({ journal_restored: true });
  });

  it('keeps at most twice the capacity on disk and always the newest capacity events', () => {
    const t = createTestContext();
    const manager = new AlertManager(t.ctx, { eventLogCapacity: 10 });
    manager.start();
    for (let i = 1; i <= 95; i++) manager.recordEvent('info', 'user_action', `event ${i}`);
    const lines = JOURNAL_FILES.map((f) => (t.files.read(f) ?? '').split('\n').filter(Boolean).length);
    expect(lines[0] + lines[1]).toBeLessThanOrEqual(20);
    expect(restarted(t).events(10).map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `event ${95 - i}`));
  });

  it('skips a torn last line and survives an unreadable alerts record', () => {
    const t = createTestContext();
    const manager = new AlertManager(t.ctx, { eventLogCapacity: 10 });
    manager.start();
    manager.recordEvent('info', 'user_action', 'kept');
    t.files.append(JOURNAL_FILES[0], '{"id":99,"mess');
    t.store.put('alerts', '{ torn');
    const again = restarted(t);
    expect(again.events(10).some((e) => e.message === 'kept')).toBe(true);
    expect(again.events(10).some((e) => /saved alerts are unreadable/.test(e.message))).toBe(true);
    expect(again.activeAlerts()).toEqual([]);
  });

  it('raises STORAGE_FAULT when the journal cannot be written and clears it when it can again; alerts work throughout', () => {
    const files = new MemoryFiles();
    const t = createTestContext({ files });
    const manager = new AlertManager(t.ctx);
    manager.start();
    const append = files.append.bind(files);
    files.append = () => {
      throw new Error('EIO');
    };
    manager.recordEvent('info', 'user_action', 'not journaled');
    expect(manager.activeAlerts().map((a) => `${a.code}:${a.active}`)).toEqual(['STORAGE_FAULT:true']);
    files.append = append;
    manager.recordEvent('info', 'user_action', 'journaled again');
    expect(manager.activeAlerts().map((a) => `${a.code}:${a.active}`)).toEqual(['STORAGE_FAULT:false']);
    expect(manager.metrics().journal_write_failures_total).toBeGreaterThanOrEqual(1);
  });
});
