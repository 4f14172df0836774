/**
 * The Host: everything the gateway core knows about a platform. Each host (esp32, sim, node,
 * the XS test harness) builds one and hands it to the core; the core imports nothing else.
 * Optional ports are absent on hosts without that hardware or network.
 */
import type { CanPort } from './ports/can';
import type { ClockPort } from './ports/clock';
import type { CryptoPort } from './ports/crypto';
import type { FileStore } from './ports/files';
import type { HttpPort } from './ports/http';
import type { LogPort } from './ports/log';
import type { MqttPort } from './ports/mqtt';
import type { OtaPort } from './ports/ota';
import type { SerialPort } from './ports/serial';
import type { KeyValueStore } from './ports/store';
import type { SystemPort } from './ports/system';
import type { TextEncoderPort } from './ports/text';
import type { WifiPort } from './ports/wifi';

export interface Host {
  clock: ClockPort;
  log: LogPort;
  /** The TinyBMS UART (pack 1 of a bank). */
  serial: SerialPort;
  /** Several TinyBMS in parallel: the UARTs of packs 2…N (ESP32-S3: at most one more, UART2). */
  extraSerials?: readonly SerialPort[];
  can: CanPort;
  store: KeyValueStore;
  files: FileStore;
  crypto?: CryptoPort;
  system: SystemPort;
  mqtt?: MqttPort;
  http?: HttpPort;
  wifi?: WifiPort;
  ota?: OtaPort;
  /** The platform's UTF-8 encoder; without it the core encodes in JavaScript (slow on XS). */
  text?: TextEncoderPort;
}

export type { CanPort, ClockPort, CryptoPort, FileStore, HttpPort, LogPort, MqttPort, OtaPort, SerialPort, KeyValueStore, SystemPort, TextEncoderPort, WifiPort };
