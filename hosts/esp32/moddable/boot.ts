/**
 * What every Moddable host builds the same way: the clock and log (with timer errors reported
 * through the log, never left to abort XS) and the ports that are pure SDK — store, files,
 * MQTT, HTTP. The platform hosts add their hardware around these.
 */
import { ChunkedStore } from '../../../modules/config_manager/chunked_store';
import { openOrRefuse, refusingFiles } from '../../refusing_ports';
import type { FileStore } from '../../ports/files';
import type { HttpPort } from '../../ports/http';
import type { LogLevel } from '../../ports/log';
import type { MqttPort } from '../../ports/mqtt';
import type { KeyValueStore } from '../../ports/store';
import type { TextEncoderPort } from '../../ports/text';
import { ModdableClock } from './clock';
import { SdkFileStore } from './files';
import { SdkHttpPort } from './http_server';
import { describeError, TraceLog } from './log';
import { SdkMqttPort } from './mqtt';
import { PREFERENCE_MAX_KEY_LENGTH, PreferenceStore } from './preference_store';
import type { HostSettings } from './settings';
import { createSdkTextEncoder } from './text';

export interface ClockAndLog {
  clock: ModdableClock;
  log: TraceLog;
  /** An error sink for callbacks: logs `what` and the error. */
  report(what: string): (error: unknown) => void;
}

export function createClockAndLog(level: LogLevel): ClockAndLog {
  const sink: { log?: TraceLog } = {};
  const report = (what: string) => (error: unknown) => sink.log?.log('error', 'host', `${what}: ${describeError(error)}`);
  const clock = new ModdableClock(report('timer callback threw'));
  const log = new TraceLog(level, () => clock.now());
  sink.log = log;
  return { clock, log, report };
}

export interface SdkPorts {
  store: KeyValueStore;
  files: FileStore;
  mqtt: MqttPort;
  http: HttpPort;
  text: TextEncoderPort;
  /** Storage that could not be opened (the gateway runs without it and raises STORAGE_FAULT). */
  bootProblems: string[];
}

/** `fileRoot` is mc/config's file.root (LittleFS "/" on the ESP32, "/tmp/" on Linux). */
export function createSdkPorts(settings: HostSettings, fileRoot: string, base: ClockAndLog): SdkPorts {
  const bootProblems: string[] = [];
  const filesRoot = `${fileRoot}${settings.filesFolder}/`;
  // A LittleFS that cannot be mounted or a file where the folder belongs must not stop the BMS→CAN path.
  const files = openOrRefuse(
    () => new SdkFileStore({ root: filesRoot }),
    refusingFiles,
    `the history folder ${filesRoot} cannot be used`,
    'history and the event journal are not written',
    'erase the storage partition (idf.py erase-region for "storage") or reflash, then restart',
    bootProblems,
  );
  for (const problem of bootProblems) base.log.log('error', 'host', problem);
  return {
    store: new ChunkedStore(new PreferenceStore(settings.storeDomain), { maxKeyLength: PREFERENCE_MAX_KEY_LENGTH }),
    files,
    mqtt: new SdkMqttPort(base.clock),
    http: new SdkHttpPort({ clock: base.clock, log: base.log }),
    text: createSdkTextEncoder(),
    bootProblems,
  };
}

