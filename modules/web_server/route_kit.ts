/** What the route tables are built from, and the helpers they share. */
import type { Host } from '../../hosts/host';
import type { Logger } from '../util/logger';
import type { CsrfTokens } from './csrf';
import type { EnergyLedger } from './energy_ledger';
import type { GxView } from './gx_view';
import type { GatewayState } from './gateway_state';
import { ApiError } from './responses';
import type { WebServerServices } from './services';

export interface BodyLimits {
  /** Ordinary JSON requests (16 KiB by default). */
  jsonBytes: number;
  /** Configuration documents, which may carry PEM certificates. */
  configBytes: number;
}

export interface RouteKit {
  host: Host;
  services: WebServerServices;
  state: GatewayState;
  /** Notable actions by users (writes, commands, restarts): logged and put in the system event log, never with secrets. */
  audit(level: 'info' | 'warn', message: string): void;
  csrf: CsrfTokens;
  logger: Logger;
  limits: BodyLimits;
  restartDelayMs: number;
  /** Energy per day/month and equivalent cycles, when the gateway has energy counters. */
  energyLedger?: EnergyLedger;
  /** The "does the GX see the battery?" facts. */
  gx?: GxView;
  /** Optional parts this gateway has (the UI shows their pages): filled once the router is built. */
  features: { simulator: boolean };
}

/** The service, or a 503 saying it is not available on this gateway (yet). */
export function need<T>(service: T | undefined, name: string): T {
  if (service === undefined) throw new ApiError(503, `${name}_unavailable`, `${name.replace(/_/g, ' ')} is not available on this gateway`);
  return service;
}
