/**
 * monitoring: collects counters and gauges from registered sources (every GatewayModule, the
 * event bus), heap and uptime from the system port, runs the self-tests, and renders them as
 * the /api/diagnostics JSON and the /metrics Prometheus text. A source that throws is reported
 * as down; it never breaks the rest.
 */
import type { XsHeapFigures } from '../../hosts/ports/system';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import { CycleTimer } from './cycle_timer';
import { familiesOf, type MetricFamily, MetricNames, renderPrometheus } from './prometheus';
import { checkBmsLink, checkCanRunning, checkClockSane, checkHistoryWritable, checkStoreWritable, type SelfTestCheck } from './self_test';
import { errorMessage } from '../util/error_message';

/** Anything with a name and metrics; every GatewayModule is one. */
export interface MetricSource {
  readonly name: string;
  metrics(): ModuleMetrics;
}

export interface MonitoringOptions {
  /** The store probe writes flash: run it at most this often (default 60 s); between, reuse the result. */
  storeProbeIntervalMs?: number;
  /** ≤ 15 characters for ESP32 NVS. */
  storeProbeKey?: string;
  /** True while history writes fail (the history logger's state); the self-test then fails. */
  historyWriteFailing?: () => boolean;
}

export type SelfTestReport = { passed: boolean; checks: SelfTestCheck[] };

/** The /api/diagnostics body. */
export type DiagnosticsReport = {
  /** Wall-clock ms. */
  timestamp: number;
  platform: string;
  firmware_version: string;
  uptime_s: number;
  /** `xs`: the XS machine's heaps on Moddable debug/instrumented builds, else null. */
  heap: { free_bytes: number; total_bytes: number; minimum_free_bytes: number | null; xs: XsHeapFigures | null };
  self_test: SelfTestReport;
  /** Per source: its metrics, or the error its metrics() threw. */
  modules: Record<string, ModuleMetrics | { error: string }>;
};

// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const SOURCE_NAME = (): RegExp => /^[a-z][a-z0-9_]{0,39}$/;

type Collected = { name: string; metrics: ModuleMetrics } | { name: string; error: string };

export class Monitoring implements GatewayModule {
  readonly name = 'monitoring';
  #ctx: GatewayContext;
  #sources = new Map<string, MetricSource>();
  #probeIntervalMs: number;
  #probeKey: string;
  #probe: { at: number; check: SelfTestCheck } | undefined;
  #probeCount = 0;
  #historyProbe: { at: number; check: SelfTestCheck } | undefined;
  #historyWriteFailing: () => boolean;
  #lastValidAt: number | undefined;
  #previousNow: number | undefined;
  #unsubscribe: (() => void) | undefined;
  #collectTimer: CycleTimer;
  #counters = { sourceErrors: 0, reports: 0, skippedSamples: 0, selfTestFailures: 0 };
  #names = new MetricNames();

  constructor(ctx: GatewayContext, options: MonitoringOptions = {}) {
    this.#ctx = ctx;
    this.#probeIntervalMs = options.storeProbeIntervalMs ?? 60_000;
    this.#probeKey = options.storeProbeKey ?? 'diag_probe';
    this.#historyWriteFailing = options.historyWriteFailing ?? (() => false);
    this.#collectTimer = new CycleTimer(ctx.host.clock);
    this.register(this);
    this.register({ name: 'event_bus', metrics: () => busMetrics(ctx) });
  }

  /** Add a source; its name becomes the metric prefix. Returns a function that removes it. */
  register(source: MetricSource): () => void {
    if (!SOURCE_NAME().test(source.name)) throw new RangeError(`metric source name must be snake_case (a-z, 0-9, _), got ${JSON.stringify(source.name)}`);
    if (this.#sources.has(source.name)) throw new RangeError(`metric source "${source.name}" is already registered`);
    this.#sources.set(source.name, source);
    return () => {
      if (this.#sources.get(source.name) === source) this.#sources.delete(source.name);
    };
  }

  start(): void {
    this.#unsubscribe ??= this.#ctx.bus.subscribe('bms.data', (data) => {
      if (data.data_valid) this.#lastValidAt = this.#ctx.host.clock.now();
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  selfTest(): SelfTestReport {
    const { host } = this.#ctx;
    const config = this.#ctx.config();
    const now = host.clock.now();
    const checks = [
      checkBmsLink(this.#lastValidAt, now, config.bms.stale_after_ms),
      checkCanRunning(config.can.enabled, () => host.can.status()),
      this.#storeCheck(now),
      this.#historyCheck(now),
      checkClockSane(now, this.#previousNow, host.clock.wallTime()),
    ];
    this.#previousNow = Math.max(now, this.#previousNow ?? now);
    const failed = checks.filter((c) => c.status === 'fail').length;
    this.#counters.selfTestFailures = failed;
    return { passed: failed === 0, checks };
  }

  diagnostics(): DiagnosticsReport {
    return this.#collectTimer.measure(() => {
      this.#counters.reports++;
      const { system, clock } = this.#ctx.host;
      const heap = system.heap();
      const selfTest = this.selfTest();
      const modules: DiagnosticsReport['modules'] = {};
      for (const entry of this.#collect()) modules[entry.name] = 'error' in entry ? { error: entry.error } : entry.metrics;
      return {
        timestamp: clock.wallTime(),
        platform: system.platform,
        firmware_version: system.firmwareVersion,
        uptime_s: system.uptimeMs() / 1000,
        heap: { free_bytes: heap.freeBytes, total_bytes: heap.totalBytes, minimum_free_bytes: heap.minimumFreeBytes ?? null, xs: heap.xs ?? null },
        self_test: selfTest,
        modules,
      };
    });
  }

  /** Prometheus text exposition format 0.0.4. */
  prometheus(): string {
    return this.#collectTimer.measure(() => {
      this.#counters.reports++;
      const { system } = this.#ctx.host;
      const heap = system.heap();
      const gauge = (name: string, help: string, samples: MetricFamily['samples']): MetricFamily => ({ name: `tinybms_${name}`, help, type: 'gauge', samples });
      const families: MetricFamily[] = [
        gauge('build_info', 'Firmware version and platform', [{ labels: { version: system.firmwareVersion, platform: system.platform }, value: 1 }]),
        gauge('uptime_seconds', 'Time since the gateway started', [{ value: system.uptimeMs() / 1000 }]),
        gauge('heap_free_bytes', 'Free heap', [{ value: heap.freeBytes }]),
        gauge('heap_size_bytes', 'Total heap', [{ value: heap.totalBytes }]),
      ];
      if (heap.minimumFreeBytes !== undefined) families.push(gauge('heap_minimum_free_bytes', 'Lowest free heap since start', [{ value: heap.minimumFreeBytes }]));
      if (heap.xs) for (const [key, value] of Object.entries(heap.xs)) families.push(gauge(`xs_${key}`, `XS machine: ${key.replace(/_/g, ' ')}`, [{ value }]));
      const checks = this.selfTest().checks.filter((c) => c.status !== 'skip');
      families.push(gauge('self_test_passed', 'Self-test result: 1 passed, 0 failed (skipped checks absent)', checks.map((c) => ({ labels: { check: c.name }, value: c.status === 'pass' ? 1 : 0 }))));
      const collected = this.#collect();
      families.push(gauge('metric_source_up', 'Whether the source answered its metrics (1) or threw (0)', collected.map((c) => ({ labels: { source: c.name }, value: 'error' in c ? 0 : 1 }))));
      for (const entry of collected) if ('metrics' in entry) families.push(...familiesOf(entry.name, entry.metrics, this.#names.convert));
      const { text, skipped } = renderPrometheus(families);
      this.#counters.skippedSamples += skipped;
      return text;
    });
  }

  metrics(): ModuleMetrics {
    return {
      sources: this.#sources.size,
      source_errors_total: this.#counters.sourceErrors,
      reports_total: this.#counters.reports,
      self_test_failures: this.#counters.selfTestFailures,
      store_probes_total: this.#probeCount,
      prometheus_samples_skipped_total: this.#counters.skippedSamples,
      ...prefixed('collect_', this.#collectTimer.metrics()),
    };
  }

  #collect(): Collected[] {
    const out: Collected[] = [];
    for (const source of this.#sources.values()) {
      try {
        out.push({ name: source.name, metrics: { ...source.metrics() } });
      } catch (error) {
        this.#counters.sourceErrors++;
        out.push({ name: source.name, error: errorMessage(error) });
      }
    }
    return out;
  }

  #historyCheck(now: number): SelfTestCheck {
    if (this.#historyProbe && now - this.#historyProbe.at < this.#probeIntervalMs && !this.#historyWriteFailing()) return this.#historyProbe.check;
    const check = checkHistoryWritable(this.#ctx.host.files, `probe-${now}\n`, this.#historyWriteFailing());
    this.#historyProbe = { at: now, check };
    return check;
  }

  #storeCheck(now: number): SelfTestCheck {
    if (this.#probe && now - this.#probe.at < this.#probeIntervalMs) return this.#probe.check;
    this.#probeCount++;
    const check = checkStoreWritable(this.#ctx.host.store, this.#probeKey, `probe-${this.#probeCount}-${now}`);
    this.#probe = { at: now, check };
    return check;
  }
}

function prefixed(prefix: string, metrics: Record<string, number>): ModuleMetrics {
  const out: ModuleMetrics = {};
  for (const [key, value] of Object.entries(metrics)) out[prefix + key] = value;
  return out;
}

/** The bus reports camelCase counts; give them metric names. */
function busMetrics(ctx: GatewayContext): ModuleMetrics {
  const m = ctx.bus.metrics();
  return {
    queue_depth: m.queueDepth,
    queue_high_water: m.queueHighWater,
    subscribers: m.subscribers,
    published_total: m.published,
    delivered_total: m.delivered,
    dropped_total: m.dropped,
    subscriber_errors_total: m.subscriberErrors,
  };
}
