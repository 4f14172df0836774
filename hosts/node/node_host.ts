/**
 * Assembles the Node Host: real clock, console log, folder-backed store and files, node:crypto
 * and process figures; serial and CAN come from the caller (links to the TinyBMS simulator and
 * a virtual CAN bus), network ports when the caller has them.
 * Data layout: <dataDir>/store/<key>.value for the key/value store, <dataDir>/files/ for history.
 * A folder that cannot be used (a file in its place, no permission) never stops the host: the
 * port is replaced by one that refuses every operation with the path and the fix, and the
 * problem is in `system.bootReport()` (the gateway raises STORAGE_FAULT and runs on).
 */
import * as path from 'node:path';
import type { Host } from '../host';
import type { CanPort } from '../ports/can';
import type { ClockPort } from '../ports/clock';
import type { HttpPort } from '../ports/http';
import type { LogLevel, LogPort } from '../ports/log';
import type { MqttPort } from '../ports/mqtt';
import type { OtaPort } from '../ports/ota';
import type { SerialPort } from '../ports/serial';
import { openOrRefuse, refusingFiles, refusingStore } from '../refusing_ports';
import type { WifiPort } from '../ports/wifi';
import { NodeClock } from './clock';
import { createNodeCrypto } from './crypto';
import { FolderFileStore } from './file_store';
import { FileKeyValueStore } from './kv_store';
import { ConsoleLog } from './log';
import { createNodeSystem } from './system';

export interface NodeHostOptions {
  serial: SerialPort;
  /** UARTs of packs 2…N (several TinyBMS in parallel). */
  extraSerials?: readonly SerialPort[];
  can: CanPort;
  dataDir: string;
  logLevel?: LogLevel;
  /** Replaces the console log (tests collect lines). */
  log?: LogPort;
  /** Replaces the real-time clock (e.g. a VirtualClock for fast simulation). */
  clock?: ClockPort;
  firmwareVersion?: string;
  /** Called for a requested restart; without it a restart is only logged. */
  restart?(): void;
  mqtt?: MqttPort;
  http?: HttpPort;
  wifi?: WifiPort;
  ota?: OtaPort;
  /** Problems and repairs found before the host was built (the OTA slots boot first). */
  bootReport?: { problems: readonly string[]; notes: readonly string[] };
}

export interface NodeHost extends Host {
  /** Cancel the timers of the clock this host created (no effect on a clock passed in). */
  close(): void;
}

export function createNodeHost(options: NodeHostOptions): NodeHost {
  const log = options.log ?? new ConsoleLog({ minimumLevel: options.logLevel ?? 'info' });
  const ownClock = options.clock
    ? undefined
    : new NodeClock({ onTimerError: (error) => log.log('error', 'host', `timer callback threw: ${(error as Error)?.stack ?? String(error)}`) });
  const clock = options.clock ?? (ownClock as NodeClock);
  const restart = options.restart ?? (() => log.log('warn', 'host', 'restart requested, but this process has no restart handler'));
  const problems = [...(options.bootReport?.problems ?? [])];
  const notes = [...(options.bootReport?.notes ?? [])];
  const storeDir = path.join(options.dataDir, 'store');
  const filesDir = path.join(options.dataDir, 'files');
  const store = openOrRefuse(
    () => new FileKeyValueStore(storeDir),
    (problem) => refusingStore(problem),
    `the settings folder ${storeDir} cannot be used`,
    'configuration and counters are not saved',
    FIX,
    problems,
  );
  const files = openOrRefuse(
    () => new FolderFileStore(filesDir),
    (problem) => refusingFiles(problem),
    `the history folder ${filesDir} cannot be used`,
    'history and the event journal are not written',
    FIX,
    problems,
  );
  for (const problem of problems) log.log('error', 'host', problem);
  for (const note of notes) log.log('warn', 'host', note);
  return {
    clock,
    log,
    serial: options.serial,
    extraSerials: options.extraSerials,
    can: options.can,
    store,
    files,
    crypto: createNodeCrypto(),
    system: createNodeSystem({ firmwareVersion: options.firmwareVersion ?? '0.0.0-dev', restart, bootReport: { problems, notes } }),
    mqtt: options.mqtt,
    http: options.http,
    wifi: options.wifi,
    ota: options.ota,
    text: new TextEncoder(),
    close: () => ownClock?.clearAll(),
  };
}

const FIX = 'remove whatever is in its place or make it a writable folder (DATA_DIR), then restart';
