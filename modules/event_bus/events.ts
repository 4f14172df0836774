/**
 * Every event of the gateway, name → payload type (the C firmware's APP_EVENT_ID_* list).
 * Subscribers get the payload typed by the event name; there are no untyped payloads.
 */
import type { CanFrame } from '../../hosts/ports/can';
import type { Alert } from '../alert_manager/alert';
import type { GatewayConfig } from '../config_manager/config_types';
import type { LiveData } from '../uart_bms/live_data';
import { EventBus, type EventBusOptions } from './event_bus';

export interface ChargeLimits {
  charge_voltage_limit_v: number;
  charge_current_limit_a: number;
  discharge_current_limit_a: number;
  discharge_voltage_limit_v: number;
  charge_allowed: boolean;
  discharge_allowed: boolean;
  /** Why the limits are what they are (state name and active protections). */
  reasons: string[];
  /** The one reason holding each limit where it is (the tightest candidate), for the dashboard's "Why". */
  limiting?: { cvl: string; ccl: string; dcl: string };
  /** TinyBMS cut-offs (registers 315–320) that are tighter than the configuration right now. */
  bms_bounds?: string[];
}

export type StorageArea = 'settings' | 'history' | 'journal' | 'energy' | 'ota' | 'host';

export interface GatewayEvents {
  /** A poll finished: fresh data (`data_valid`) or a failed poll's last-known values marked invalid. */
  'bms.data': LiveData;
  /** The BMS link went up or down (poll success after failures, or silence). */
  'bms.link': { online: boolean; reason: string };
  /** Several packs (bank): one pack's poll, fresh or marked invalid; 'bms.data' then carries the bank. */
  'bms.pack': { pack: number; data: LiveData };
  /** Several packs: one pack's link went up or down. */
  'bms.pack_link': { pack: number; online: boolean; reason: string };
  'uart.frame': { direction: 'tx' | 'rx'; bytes: Uint8Array; timestamp_ms: number; /** Several packs: which UART. */ pack?: number };
  /** Settings registers (300–343) as the BMS answered them: a read, or the read-back after a write. Raw words from `address` on. */
  'bms.settings': { address: number; words: number[]; /** Several packs: whose BMS answered. */ pack?: number };
  'config.updated': { config: GatewayConfig; changed: string[] };
  'wifi.connected': { ssid: string; ip: string };
  'wifi.disconnected': { reason: string };
  'mqtt.connected': { broker: string };
  'mqtt.disconnected': { reason: string };
  'alert.raised': Alert;
  'alert.cleared': Alert;
  'can.tx_ok': { id: number };
  'can.tx_failed': { id: number; reason: 'queue_full' | 'bus_off' | 'stopped' };
  'can.frame': { direction: 'tx' | 'rx'; frame: CanFrame; timestamp_ms: number };
  'charge.limits': ChargeLimits;
  'ota.started': { size: number };
  /** Upload bytes received so far and the declared upload size (0 when the client sent none). */
  'ota.progress': { written: number; size: number; phase: 'receiving' | 'verifying' };
  'ota.completed': { version: string };
  'ota.failed': { reason: string };
  /** The pending image passed its health check and was marked valid. */
  'ota.confirmed': { version: string };
  /**
   * A storage area failed (`ok: false`) or works again (`ok: true`). Features degrade (history,
   * config saves, counters, OTA); the BMS→CAN path never depends on storage.
   */
  'storage.fault': { area: StorageArea; ok: boolean; message: string };
  /** The pending image failed its health check; the previous image boots next. */
  'ota.rolled_back': { version: string; reason: string };
}

export type GatewayEventName = keyof GatewayEvents;
export type GatewayBus = EventBus<GatewayEvents>;

export function createGatewayBus(options: EventBusOptions): GatewayBus {
  return new EventBus<GatewayEvents>(options);
}
