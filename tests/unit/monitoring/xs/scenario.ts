/**
 * One run of alert_manager, history_logger and monitoring on the virtual clock and memory
 * mocks. Portable: xs_portability.test.ts runs it on Node and inside bare XS and compares.
 */
import { MemoryFiles } from '../../../../hosts/mocks/memory_files';
import { AlertManager } from '../../../../modules/alert_manager';
import { HistoryLogger } from '../../../../modules/history_logger';
import { Monitoring } from '../../../../modules/monitoring';
import { createTestContext, liveData } from '../../alert_manager/support/context';

export function runScenario() {
  const files = new MemoryFiles({ capacityBytes: 1_000_000 });
  const t = createTestContext({ files, config: { history: { sample_interval_s: 3600, retention_days: 2 } } });
  const alerts = new AlertManager(t.ctx, { journal: false }); // the torn write below is meant for history, not the journal
  const history = new HistoryLogger(t.ctx, { reserveBytes: 0 });
  const monitoring = new Monitoring(t.ctx);
  for (const module of [alerts, history, monitoring]) module.start();
  monitoring.register(alerts);
  monitoring.register(history);

  // Three days of hourly samples with a high cell; one write torn by a power cut.
  for (let hour = 0; hour < 72; hour++) {
    if (hour === 60) files.failNextAppend('power cut', 17);
    t.clock.advance(3_599_000);
    t.emit('bms.data', liveData(t.clock.now(), { pack_current_a: -hour / 4 }, { 7: 3600 + hour }, 3580 + hour));
    t.clock.advance(1_000);
  }
  const page = history.read('2026-03-03', 3, 10);
  // Then silence: BMS_COMM_LOST.
  t.clock.advance(30_000);
  const prometheus = monitoring.prometheus();
  const diagnostics = monitoring.diagnostics();
  for (const module of [alerts, history, monitoring]) module.stop();
  return {
    alerts: alerts.activeAlerts().map((a) => `${a.code}|${a.level}|${a.active}|${a.count}|${a.message}`),
    events: alerts.events(4).map((e) => `${e.type}|${e.message}`),
    days: history.files().map((d) => `${d.name}:${d.size_bytes}`),
    page: page && { total: page.total, rejected: page.rejected_lines, torn: page.torn_tail, first: page.samples[0] },
    csvHead: history.csv('2026-03-04')?.split('\n').slice(0, 2),
    prometheusLines: prometheus.split('\n').length,
    prometheusSample: prometheus.split('\n').filter((l) => /^tinybms_(alert_manager_raised_total|history_logger_samples_written_total|self_test_passed)/.test(l)),
    selfTest: diagnostics.self_test.checks.map((c) => `${c.name}:${c.status}`),
    historyMetrics: diagnostics.modules.history_logger,
  };
}
