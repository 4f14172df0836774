/** SystemPort for a Node process: V8 heap figures, uptime, and restart handed to the process owner. */
import { performance } from 'node:perf_hooks';
import type { BootReport, HeapFigures, SystemPort } from '../ports/system';

export interface NodeSystemOptions {
  firmwareVersion: string;
  /** What "restart" means here (re-create the gateway, exit for a supervisor...). */
  restart(): void;
  bootReport?: BootReport;
}

export function createNodeSystem(options: NodeSystemOptions): SystemPort {
  const started = performance.now();
  let minimumFree = Infinity;
  return {
    platform: 'node',
    firmwareVersion: options.firmwareVersion,
    restart: () => options.restart(),
    heap(): HeapFigures {
      const usage = process.memoryUsage();
      const freeBytes = usage.heapTotal - usage.heapUsed;
      minimumFree = Math.min(minimumFree, freeBytes);
      return { freeBytes, totalBytes: usage.heapTotal, minimumFreeBytes: minimumFree };
    },
    uptimeMs: () => performance.now() - started,
    bootReport: () => options.bootReport ?? { problems: [], notes: [] },
  };
}
