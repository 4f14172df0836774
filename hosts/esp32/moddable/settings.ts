/**
 * The build-time settings a Moddable host reads from `mc/config` (manifest.json "config"),
 * checked once at boot so a bad manifest value stops with a clear message instead of a
 * confusing driver error. Pure: tested on Node.
 */
import { LOG_LEVELS, type LogLevel } from '../../ports/log';

export interface HostSettings {
  firmwareVersion: string;
  logLevel: LogLevel;
  httpPort: number;
  sntpHost: string;
  uart: { port: number; transmit: number; receive: number; baud: number };
  /** Pack 2's TinyBMS (config.gateway.uart2 with enabled: true); absent for a single pack. */
  uart2?: { port: number; transmit: number; receive: number; baud: number };
  can: { transmit: number; receive: number; bitrate: number };
  /** Preference (NVS) domain of the key/value store, ≤ 15 characters. */
  storeDomain: string;
  /** Folder under the file system root for history files. */
  filesFolder: string;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Source = Record<string, unknown>;

function section(source: Source, name: string): Source {
  const value = source[name];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new SettingsError(`config.${name} must be an object`);
  return value as Source;
}

function integer(source: Source, path: string, name: string, fallback: number, min: number, max: number): number {
  const value = source[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`config.${path}.${name} must be an integer ${min}–${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function text(source: Source, path: string, name: string, fallback: string, pattern: RegExp): string {
  const value = source[name] ?? fallback;
  if (typeof value !== 'string' || !pattern.test(value)) throw new SettingsError(`config.${path}.${name} is not valid: ${JSON.stringify(value)}`);
  return value;
}

/** `config` is the whole mc/config object; the gateway's settings sit under `config.gateway`. */
export function readHostSettings(config: Source): HostSettings {
  const gateway = section(config, 'gateway');
  const uart = section(gateway, 'uart');
  const can = section(gateway, 'can');
  const logLevel = gateway.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new SettingsError(`config.gateway.logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  const settings: HostSettings = {
    firmwareVersion: text(gateway, 'gateway', 'firmwareVersion', '0.0.0-dev', /^[0-9A-Za-z.+-]{1,32}$/),
    logLevel: logLevel as LogLevel,
    httpPort: integer(gateway, 'gateway', 'httpPort', 80, 1, 65535),
    sntpHost: text(gateway, 'gateway', 'sntpHost', 'pool.ntp.org', /^[A-Za-z0-9.-]{1,253}$/),
    uart: {
      port: integer(uart, 'gateway.uart', 'port', 1, 0, 2),
      transmit: integer(uart, 'gateway.uart', 'transmit', 37, 0, 48),
      receive: integer(uart, 'gateway.uart', 'receive', 36, 0, 48),
      baud: integer(uart, 'gateway.uart', 'baud', 115200, 1200, 2000000),
    },
    can: {
      transmit: integer(can, 'gateway.can', 'transmit', 5, 0, 48),
      receive: integer(can, 'gateway.can', 'receive', 4, 0, 48),
      bitrate: integer(can, 'gateway.can', 'bitrate', 500000, 125000, 1000000),
    },
    storeDomain: text(gateway, 'gateway', 'storeDomain', 'gw', /^[A-Za-z0-9_]{1,15}$/),
    filesFolder: text(gateway, 'gateway', 'filesFolder', 'gw', /^[A-Za-z0-9_-]{1,32}$/),
  };
  const uart2 = gateway.uart2 === undefined ? undefined : section(gateway, 'uart2');
  if (uart2 && uart2.enabled === true) {
    settings.uart2 = {
      port: integer(uart2, 'gateway.uart2', 'port', 2, 0, 2),
      transmit: integer(uart2, 'gateway.uart2', 'transmit', 17, 0, 48),
      receive: integer(uart2, 'gateway.uart2', 'receive', 18, 0, 48),
      baud: integer(uart2, 'gateway.uart2', 'baud', 115200, 1200, 2000000),
    };
    if (settings.uart2.port === settings.uart.port) throw new SettingsError(`config.gateway.uart2.port must differ from gateway.uart.port (${settings.uart.port})`);
  }
  const pins = [settings.uart.transmit, settings.uart.receive, settings.can.transmit, settings.can.receive];
  if (settings.uart2) pins.push(settings.uart2.transmit, settings.uart2.receive);
  if (new Set(pins).size !== pins.length) throw new SettingsError(`UART and CAN pins must all differ, got ${pins.join(', ')}`);
  return settings;
}
