/**
 * OtaPort on Node: two firmware slots as files in a folder plus a state file that plays the
 * ESP32's otadata and bootloader. An upload streams into the inactive slot (`slot-b.bin.part`,
 * renamed when activated); a restart is simulated by `NodeOtaSlots.boot()` on the same folder,
 * which boots an activated image as pending-verify, and returns to the previous image when a
 * pending one is booted again without having been confirmed (it crashed or restarted first).
 *
 * Layout: <dir>/ota-state.json and <dir>/ota-state-b.json (two copies of the state, as ESP-IDF's
 * two otadata sectors: each carries a sequence number and a checksum, a save overwrites the older
 * copy and fsyncs it, a boot takes the newest valid one), <dir>/slot-a.bin, <dir>/slot-b.bin
 * (the factory image has none). A boot never fails on this folder: unreadable state falls back
 * to the other copy, then to the factory slot; a folder that cannot be written leaves OTA
 * disabled with `problem` saying why (the gateway runs on, without updates).
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
  /** Security version of the image each slot holds (anti-rollback; 0 when unknown). */
  securityVersions?: Record<SlotName, number>;
  /** Lowest security version an image may have: raised when an image is confirmed (ESP-IDF's eFuse). */
  securityFloor?: number;
}

/** One copy of the state on disk. */
interface StateCopy {
  seq: number;
  checksum: number;
  state: SlotState;
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

/** The two copies; `ota-state.json` is the first for compatibility with the one-copy layout. */
export const OTA_STATE_FILES = ['ota-state.json', 'ota-state-b.json'] as const;
const other = (slot: SlotName): SlotName => (slot === 'a' ? 'b' : 'a');

export class NodeOtaSlots implements OtaPort {
  #options: NodeOtaSlotsOptions;
  #state: SlotState;
  #seq: number;
  #problem: string | undefined;
  #bootNotes: string[];
  #rolledBackAtBoot = false;
  #fd: number | undefined;
  #expected: number | undefined;
  #written = 0;
  #ended = false;

  private constructor(options: NodeOtaSlotsOptions, loaded: LoadedState) {
    this.#options = options;
    this.#state = loaded.state;
    this.#seq = loaded.seq;
    this.#bootNotes = loaded.notes;
  }

  /**
   * One (simulated) boot: what the bootloader does with the state copies, then the port. Never
   * throws for the folder's sake: see `problem` and `bootNotes`.
   */
  static boot(options: NodeOtaSlotsOptions): NodeOtaSlots {
    let folderProblem: string | undefined;
    try {
      fs.mkdirSync(options.dir, { recursive: true });
      if (!fs.statSync(options.dir).isDirectory()) throw new Error('not a folder');
    } catch (error) {
      folderProblem = `the OTA folder ${options.dir} is not usable (${(error as Error).message}); remove whatever is in its place or make it a writable folder`;
    }
    const slots = new NodeOtaSlots(options, folderProblem ? { ...factoryState(options), notes: [] } : readState(options));
    slots.#problem = folderProblem;
    if (!folderProblem) slots.#sweepPartFiles();
    slots.#bootloader();
    return slots;
  }

  /** The last rollback the bootloader or the health check did, if any. */
  get lastRollback(): { version: string; reason: string } | null {
    return this.#state.lastRollback;
  }

  /** Why updates are unavailable (the OTA folder cannot be written), or undefined. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** What this boot had to repair in the state copies (a damaged copy, a swept `.part`). */
  get bootNotes(): readonly string[] {
    return this.#bootNotes;
  }

  begin(expectedSize?: number): void {
    if (this.#problem) throw new OtaSlotError(`updates are unavailable: ${this.#problem}`);
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

  activate(version: string, securityVersion = 0): void {
    const fd = this.#open();
    if (!this.#ended) throw new OtaSlotError('end() the image before activating it');
    fs.closeSync(fd);
    this.#fd = undefined;
    const slot = other(this.#state.running);
    fs.renameSync(this.#partPath(), this.#slotPath(slot));
    this.#state.versions[slot] = version;
    this.#state.securityVersions = { ...(this.#state.securityVersions ?? { a: 0, b: 0 }), [slot]: securityVersion };
    this.#state.next = slot;
    this.#save();
    this.#scheduleRestart();
  }

  markValid(): void {
    if (!this.#state.pendingVerify) return;
    this.#state.pendingVerify = false;
    this.#state.bootAttempts = 0;
    // As ESP-IDF burns the secure version into eFuse once the new image is confirmed.
    const running = this.#state.securityVersions?.[this.#state.running] ?? 0;
    this.#state.securityFloor = Math.max(this.#state.securityFloor ?? 0, running);
    this.#save();
  }

  rollback(): void {
    const reason = 'health check failed';
    if (!this.#rollBack(reason)) throw new OtaSlotError('no previous image to roll back to');
    this.#save();
    this.#scheduleRestart();
  }

  info(): OtaSlotInfo {
    const { versions, running, previous, next, pendingVerify, lastRollback } = this.#state;
    const info: OtaSlotInfo = { running: versions[running] ?? '', pendingVerify, slotBytes: this.#slotBytes };
    if (next) info.pending = versions[next] ?? '';
    if (previous && versions[previous]) info.previous = versions[previous] as string;
    if (this.#state.securityFloor) info.securityFloor = this.#state.securityFloor;
    if (lastRollback) info.lastRollback = { ...lastRollback, atThisBoot: this.#rolledBackAtBoot };
    if (this.#problem) info.unavailable = this.#problem;
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
      if (state.bootAttempts >= (this.#options.maxBootAttempts ?? 1)) this.#rolledBackAtBoot = this.#rollBack('restarted before it was confirmed');
      else state.bootAttempts++;
    }
    if (this.#problem) return;
    try {
      this.#save();
    } catch (error) {
      // A read-only or full disk: the gateway boots; updates wait until the state can be written.
      this.#problem = `the OTA state in ${this.#options.dir} cannot be written (${(error as Error).message}); free space or make the folder writable, then restart`;
    }
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

  /** An upload's `.part` left by a crash is never activated: remove it at boot. */
  #sweepPartFiles(): void {
    for (const name of safeList(this.#options.dir)) {
      if (!name.endsWith('.part') && !name.endsWith('.tmp')) continue;
      try {
        fs.rmSync(path.join(this.#options.dir, name), { force: true });
        this.#bootNotes.push(`removed ${name} left by an interrupted write`);
      } catch {
        // Read-only folder: the file is ignored all the same (only renamed slots boot).
      }
    }
  }

  /**
   * Overwrites the older copy (the newer one stays intact until this one is durable) with the
   * next sequence number and a checksum, and fsyncs file and folder.
   */
  #save(): void {
    this.#seq++;
    const body = JSON.stringify(this.#state);
    const copy: StateCopy = { seq: this.#seq, checksum: fnv1a(body), state: this.#state };
    writeDurably(path.join(this.#options.dir, OTA_STATE_FILES[this.#seq % 2]), `${JSON.stringify(copy)}\n`);
  }
}

type LoadedState = { state: SlotState; seq: number; notes: string[] };

function factoryState(options: NodeOtaSlotsOptions): { state: SlotState; seq: number } {
  return {
    state: { versions: { a: options.factoryVersion, b: null }, running: 'a', previous: null, next: null, pendingVerify: false, bootAttempts: 0, lastRollback: null },
    seq: 0,
  };
}

/** FNV-1a over UTF-16 units: catches a torn or edited copy. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const SLOT = (value: unknown): value is SlotName => value === 'a' || value === 'b';

/** The shape a state must have to be followed; anything else is damage. */
function isSlotState(value: unknown): value is SlotState {
  const s = value as SlotState;
  if (!s || typeof s !== 'object' || !s.versions || typeof s.versions !== 'object') return false;
  const version = (v: unknown) => v === null || typeof v === 'string';
  return (
    version(s.versions.a) && version(s.versions.b) && SLOT(s.running) && typeof s.versions[s.running] === 'string' &&
    (s.previous === null || SLOT(s.previous)) && (s.next === null || SLOT(s.next)) &&
    typeof s.pendingVerify === 'boolean' && Number.isInteger(s.bootAttempts) &&
    (s.lastRollback === null || (typeof s.lastRollback === 'object' && typeof s.lastRollback.version === 'string'))
  );
}

/** One copy: its state and sequence number, or why it cannot be used. */
function readCopy(file: string): { seq: number; state: SlotState } | { problem: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { problem: `${file} cannot be read (${(error as Error).message})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `${file} is not valid JSON (${(error as Error).message})` };
  }
  const copy = parsed as StateCopy;
  if (copy && typeof copy === 'object' && 'checksum' in copy) {
    if (!Number.isInteger(copy.seq) || fnv1a(JSON.stringify(copy.state)) !== copy.checksum) return { problem: `${file} fails its checksum` };
    return isSlotState(copy.state) ? { seq: copy.seq, state: copy.state } : { problem: `${file} holds an unusable state` };
  }
  // The one-copy layout of earlier versions: no checksum, sequence 0.
  return isSlotState(parsed) ? { seq: 0, state: parsed } : { problem: `${file} holds an unusable state` };
}

/** The newest valid copy; the factory slot when none is valid (what a bootloader does with blank otadata). */
function readState(options: NodeOtaSlotsOptions): LoadedState {
  const notes: string[] = [];
  let best: { seq: number; state: SlotState } | undefined;
  for (const name of OTA_STATE_FILES) {
    const copy = readCopy(path.join(options.dir, name));
    if (!copy) continue;
    if ('problem' in copy) notes.push(copy.problem);
    else if (!best || copy.seq > best.seq) best = copy;
  }
  if (best) {
    if (notes.length > 0) notes.push('booted from the other, valid copy of the OTA state');
    return { ...best, notes };
  }
  const fallback = factoryState(options);
  if (notes.length > 0) notes.push('no valid OTA state copy: booted the factory slot (a)');
  return { ...fallback, seq: Math.max(fallback.seq, 1), notes };
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Temp file, fsync, rename, fsync of the folder: the file holds the old or the new text. */
export function writeDurably(file: string, text: string): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  let dirFd: number | undefined;
  try {
    dirFd = fs.openSync(path.dirname(file), 'r');
    fs.fsyncSync(dirFd);
  } catch {
    // Some filesystems refuse fsync on a folder; the rename is still atomic.
  } finally {
    if (dirFd !== undefined) fs.closeSync(dirFd);
  }
}

/** The OTA public key the Node gateway checks images against (certs/ota-public.pem by default). */
export function readOtaPublicKey(file = path.join(process.cwd(), 'certs', 'ota-public.pem')): string {
  return fs.readFileSync(file, 'utf8');
}
