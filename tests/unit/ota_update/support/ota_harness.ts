/**
 * The OTA module on real parts except the flash: Node OTA slots in a temp folder (files), the
 * Node crypto port, a VirtualClock and the gateway bus. `reboot()` plays a restart: the slots
 * boot again from their state file and a fresh module starts, as new firmware would.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../../hosts/node/crypto';
import { NodeOtaSlots } from '../../../../hosts/node/ota_slots';
import type { OtaPort } from '../../../../hosts/ports/ota';
import { createGatewayBus, type GatewayBus, type GatewayEventName, type GatewayEvents } from '../../../../modules/event_bus/events';
import { OtaUpdate, type OtaUpdateOptions } from '../../../../modules/ota_update';

export const FACTORY_VERSION = '1.0.0-factory';
const OTA_EVENTS: GatewayEventName[] = ['ota.started', 'ota.progress', 'ota.completed', 'ota.failed', 'ota.confirmed', 'ota.rolled_back'];

/** Counts what reaches the flash: the largest single write and whether anything was begun. */
export class RecordingPort implements OtaPort {
  largestWrite = 0;
  begun = 0;
  constructor(readonly inner: OtaPort) {}
  begin(size?: number) {
    this.begun++;
    this.inner.begin(size);
  }
  write(chunk: Uint8Array) {
    this.largestWrite = Math.max(this.largestWrite, chunk.length);
    this.inner.write(chunk);
  }
  end = () => this.inner.end();
  abort = () => this.inner.abort();
  activate = (version: string, securityVersion?: number) => this.inner.activate(version, securityVersion);
  markValid = () => this.inner.markValid();
  rollback = () => this.inner.rollback();
  info = () => this.inner.info();
}

export interface OtaHarness {
  dir: string;
  clock: VirtualClock;
  bus: GatewayBus;
  port: RecordingPort;
  slots: NodeOtaSlots;
  ota: OtaUpdate;
  restarts: number;
  logs: string[];
  events: { name: GatewayEventName; payload: unknown }[];
  /** Deliver bus events and due timers. */
  deliver(): void;
  /** Files in the slot folder, sorted. */
  files(): string[];
  reboot(): void;
  close(): void;
}

export function startOta(options: OtaUpdateOptions, slotOptions: { slotBytes?: number } = {}): OtaHarness {
  const dir = mkdtempSync(join(tmpdir(), 'tinybms-ota-'));
  const clock = new VirtualClock();
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const events: OtaHarness['events'] = [];
  for (const name of OTA_EVENTS) bus.subscribe(name, (payload) => events.push({ name, payload }));
  const logs: string[] = [];
  const crypto = createNodeCrypto();
  const harness = {
    dir,
    clock,
    bus,
    restarts: 0,
    logs,
    events,
  } as OtaHarness;
  const boot = () => {
    harness.slots = NodeOtaSlots.boot({ dir, factoryVersion: FACTORY_VERSION, clock, restart: () => harness.restarts++, ...slotOptions });
    harness.port = new RecordingPort(harness.slots);
    harness.ota = new OtaUpdate({ host: { clock, crypto, ota: harness.port }, bus, logger: (tag) => ({
      debug: () => {},
      info: (m) => logs.push(`info ${tag} ${m}`),
      warn: (m) => logs.push(`warn ${tag} ${m}`),
      error: (m) => logs.push(`error ${tag} ${m}`),
    }) }, options);
    harness.ota.start();
  };
  boot();
  harness.deliver = () => clock.runDue();
  harness.files = () => readdirSync(dir).sort();
  harness.reboot = () => {
    harness.ota.stop();
    boot();
  };
  harness.close = () => {
    harness.ota.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return harness;
}

export function eventsNamed<K extends GatewayEventName>(harness: OtaHarness, name: K): GatewayEvents[K][] {
  return harness.events.filter((event) => event.name === name).map((event) => event.payload as GatewayEvents[K]);
}
