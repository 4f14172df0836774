/**
 * What every core module is built from: the host's ports, the bus, the current configuration
 * and a tagged logger. Modules never import a host; the composition (gateway.ts) hands this in.
 */
import type { Host } from '../../hosts/host';
import type { GatewayConfig } from '../config_manager/config_types';
import type { GatewayBus } from '../event_bus/events';
import type { Logger } from '../util/logger';

export interface GatewayContext {
  host: Host;
  bus: GatewayBus;
  /** Always the latest validated configuration. */
  config(): GatewayConfig;
  logger(tag: string): Logger;
}

/** Counters and gauges a module exposes to monitoring; names are snake_case with units. */
export type MetricValue = number | boolean | string;
export type ModuleMetrics = Record<string, MetricValue>;

export interface GatewayModule {
  readonly name: string;
  start(): void;
  stop(): void;
  metrics(): ModuleMetrics;
}
