/** monitoring's public surface: the module, the cycle timer for other modules, the Prometheus codec. */
export { Monitoring } from './monitoring';
export type { DiagnosticsReport, MetricSource, MonitoringOptions, SelfTestReport } from './monitoring';
export { CycleTimer } from './cycle_timer';
export type { CycleMetrics } from './cycle_timer';
export { convertMetricKey, escapeHelp, escapeLabelValue, familiesOf, formatValue, MetricNames, renderPrometheus, snakeCase } from './prometheus';
export type { MetricFamily, MetricSample, MetricType } from './prometheus';
export type { CheckStatus, SelfTestCheck } from './self_test';
