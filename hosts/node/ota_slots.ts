/**
 * OtaPort on Node: two firmware slots as files in a folder plus a state file that plays the
 * ESP32's otadata and bootloader. An upload streams into the inactive slot (`slot-b.bin.part`,
 * renamed when activated); a restart is simulated by `NodeOtaSlots.boot()` on the same folder,
 * which boots an activated image as pending-verify, and returns to the previous image when a
 * pending one is booted again without having been confirmed (it crashed or restarted first).
 *
 * Layout: <dir>/ota-state.json, <dir>/slot-a.bin, <dir>/slot-b.bin (the factory image has none).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClockPort } from '../ports/clock';
import type { OtaPort, OtaSlotInfo } from '../ports/ota';

type SlotName = 'a' | 'b';

interface SlotState {
  /** Version held by each slot; null for an empty slot. */
  versions: Record<SlotName, string | null>;
  running: SlotName;
  /** The slot a rollback returns to. */
  previous: SlotName | null;
  /** Activated, boots at the next restart. */
  next: SlotName | null;
  pendingVerify: boolean;
  /** Boots of the pending image without a confirmation. */
  bootAttempts: number;
  lastRollback: { version: string; reason: string } | null;
}

export class OtaSlotError extends Error {
  override name = 'OtaSlotError';
}

export interface NodeOtaSlotsOptions {
  dir: string;
  /** Version of the image in slot a on first use. */
  factoryVersion: string;
  clock: ClockPort;
  /** The host's restart (after activation and rollback). */
  restart(): void;
  restartDelayMs?: number;
  /** Slot capacity (default 4 MiB). */
  slotBytes?: number;
  /** Boots a pending image gets before the bootloader gives it up (default 1, as ESP-IDF). */
  maxBootAttempts?: number;
}

const STATE_FILE = 'ota-state.json';
const other = (slot: SlotName): SlotName => (slot === 'a' ? 'b' : 'a');

export class NodeOtaSlots implements OtaPort {
  #options: NodeOtaSlotsOptions;
  #state: SlotState;
  #fd: number | undefined;
  #expected: number | undefined;
  #written = 0;
  #ended = false;

  private constructor(options: NodeOtaSlotsOptions, state: SlotState) {
    this.#options = options;
    this.#state = state;
  }

  /** One (simulated) boot: what the bootloader does with the state file, then the port. */
  static boot(options: NodeOtaSlotsOptions): NodeOtaSlots {
    fs.mkdirSync(options.dir, { recursive: true });
    const slots = new NodeOtaSlots(options, readState(options));
    slots.#bootloader();
    return slots;
  }

  /** The last rollback the bootloader or the health check did, if any. */
  get lastRollback(): { version: string; reason: string } | null {
    return this.#state.lastRollback;
  }

  begin(expectedSize?: number): void {
    if (this.#fd !== undefined) throw new OtaSlotError('an update is already being written');
    if (expectedSize !== undefined && expectedSize > this.#slotBytes) throw new OtaSlotError(`image of ${expectedSize} bytes exceeds the ${this.#slotBytes}-byte slot`);
    this.#fd = fs.openSync(this.#partPath(), 'w');
    this.#expected = expectedSize;
    this.#written = 0;
    this.#ended = false;
  }

  write(chunk: Uint8Array): void {
    const fd = this.#open();
    if (this.#ended) throw new OtaSlotError('the image was already ended');
    if (this.#written + chunk.length > (this.#expected ?? this.#slotBytes)) {
      this.abort();
      throw new OtaSlotError(`image larger than ${this.#expected ?? this.#slotBytes} bytes`);
    }
    fs.writeSync(fd, chunk);
    this.#written += chunk.length;
  }

  end(): void {
    const fd = this.#open();
    if (this.#expected !== undefined && this.#written !== this.#expected) {
      const written = this.#written;
      this.abort();
      throw new OtaSlotError(`image ended after ${written} of ${this.#expected} bytes`);
    }
    fs.fsyncSync(fd);
    this.#ended = true;
  }

  abort(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    this.#ended = false;
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(this.#partPath(), { force: true });
  }

  activate(version: string): void {
    const fd = this.#open();
    if (!this.#ended) throw new OtaSlotError('end() the image before activating it');
    fs.closeSync(fd);
    this.#fd = undefined;
    const slot = other(this.#state.running);
    fs.renameSync(this.#partPath(), this.#slotPath(slot));
    this.#state.versions[slot] = version;
    this.#state.next = slot;
    this.#save();
    this.#scheduleRestart();
  }

  markValid(): void {
    if (!this.#state.pendingVerify) return;
    this.#state.pendingVerify = false;
    this.#state.bootAttempts = 0;
    this.#save();
  }

  rollback(): void {
    const reason = 'health check failed';
    if (!this.#rollBack(reason)) throw new OtaSlotError('no previous image to roll back to');
    this.#save();
    this.#scheduleRestart();
  }

  info(): OtaSlotInfo {
    const { versions, running, previous, next, pendingVerify } = this.#state;
    const info: OtaSlotInfo = { running: versions[running] ?? '', pendingVerify, slotBytes: this.#slotBytes };
    if (next) info.pending = versions[next] ?? '';
    if (previous && versions[previous]) info.previous = versions[previous] as string;
    return info;
  }

  get #slotBytes(): number {
    return this.#options.slotBytes ?? 4 * 1024 * 1024;
  }

  /** ESP-IDF's rule: an image still pending at its next boot is given up. */
  #bootloader(): void {
    const state = this.#state;
    if (state.next) {
      state.previous = state.running;
      state.running = state.next;
      state.next = null;
      state.pendingVerify = true;
      state.bootAttempts = 1;
    } else if (state.pendingVerify) {
      if (state.bootAttempts >= (this.#options.maxBootAttempts ?? 1)) this.#rollBack('restarted before it was confirmed');
      else state.bootAttempts++;
    }
    this.#save();
  }

  #rollBack(reason: string): boolean {
    const state = this.#state;
    if (!state.previous) return false;
    state.lastRollback = { version: state.versions[state.running] ?? '', reason };
    state.running = state.previous;
    state.previous = null;
    state.pendingVerify = false;
    state.bootAttempts = 0;
    return true;
  }

  #scheduleRestart(): void {
    this.#options.clock.setTimer(this.#options.restartDelayMs ?? 1500, () => this.#options.restart());
  }

  #open(): number {
    if (this.#fd === undefined) throw new OtaSlotError('no update in progress (call begin first)');
    return this.#fd;
  }

  #partPath(): string {
    return `${this.#slotPath(other(this.#state.running))}.part`;
  }

  #slotPath(slot: SlotName): string {
    return path.join(this.#options.dir, `slot-${slot}.bin`);
  }

  /** Written whole to a temporary file and renamed over the old one: never half a state. */
  #save(): void {
    const file = path.join(this.#options.dir, STATE_FILE);
    fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(this.#state, null, 2)}\n`);
    fs.renameSync(`${file}.tmp`, file);
  }
}

function readState(options: NodeOtaSlotsOptions): SlotState {
  const file = path.join(options.dir, STATE_FILE);
  if (!fs.existsSync(file)) {
    return { versions: { a: options.factoryVersion, b: null }, running: 'a', previous: null, next: null, pendingVerify: false, bootAttempts: 0, lastRollback: null };
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SlotState;
  } catch (error) {
    throw new OtaSlotError(`the OTA state file ${file} is unreadable: ${(error as Error).message}`);
  }
}

/** The OTA public key the Node gateway checks images against (certs/ota-public.pem by default). */
export function readOtaPublicKey(file = path.join(process.cwd(), 'certs', 'ota-public.pem')): string {
  return fs.readFileSync(file, 'utf8');
}
