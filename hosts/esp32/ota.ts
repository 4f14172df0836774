/**
 * OtaPort on the SDK's `embedded:update` writing the next OTA partition ("nextota"); the
 * bootloader's rollback (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE) keeps a new image pending until
 * the core confirms it with markValid(). `complete()` validates the image and sets it to boot.
 */
import Flash from 'embedded:storage/flash';
import Update, { type Updater } from 'embedded:update';
import FFI from 'mc/ffi';
import type { ClockPort } from '../ports/clock';
import type { OtaPort, OtaSlotInfo } from '../ports/ota';

export class OtaStateError extends Error {
  override name = 'OtaStateError';
}

export interface Esp32OtaOptions {
  natives: FFI;
  clock: ClockPort;
  /** Restarts the device (after the answer to the upload had time to go out). */
  restart(): void;
  restartDelayMs?: number;
}

export class Esp32Ota implements OtaPort {
  #options: Esp32OtaOptions;
  #updater: Updater | undefined;
  /** Undefined when the caller did not know the size (streamed multipart). */
  #expected: number | undefined;
  #slotBytes: number | undefined;
  #written = 0;
  #ended = false;
  #pending: string | undefined;

  constructor(options: Esp32OtaOptions) {
    this.#options = options;
  }

  begin(size?: number): void {
    if (this.#updater) throw new OtaStateError('an update is already being written');
    if (size !== undefined && !(size > 0)) throw new RangeError(`image size must be positive, got ${size}`);
    this.#slotSize(); // read before the updater holds the partition
    const partition = Flash.open({ path: 'nextota' });
    this.#updater = Update.open(size === undefined ? { partition } : { partition, byteLength: size });
    this.#expected = size;
    this.#written = 0;
    this.#ended = false;
  }

  write(chunk: Uint8Array): void {
    const updater = this.#active();
    if (this.#ended) throw new OtaStateError('the image was already ended');
    const limit = this.#expected ?? this.#slotSize();
    if (this.#written + chunk.length > limit) {
      this.abort();
      throw new OtaStateError(this.#expected === undefined ? `image larger than the ${limit}-byte slot` : `image larger than announced (${limit} bytes)`);
    }
    updater.write(chunk);
    this.#written += chunk.length;
  }

  end(): void {
    this.#active();
    if (this.#expected !== undefined && this.#written !== this.#expected) {
      const written = this.#written;
      this.abort();
      throw new OtaStateError(`image ended after ${written} of ${this.#expected} bytes`);
    }
    this.#ended = true;
  }

  abort(): void {
    const updater = this.#updater;
    this.#updater = undefined;
    this.#ended = false;
    try {
      updater?.close();
    } catch {
      // Nothing was activated; the partition is simply rewritten next time.
    }
  }

  activate(version: string): void {
    const updater = this.#active();
    if (!this.#ended) throw new OtaStateError('end() the image before activating it');
    try {
      updater.complete();
    } finally {
      this.#updater = undefined;
      try {
        updater.close();
      } catch {
        // complete() may already have released it.
      }
    }
    this.#pending = version;
    this.#options.clock.setTimer(this.#options.restartDelayMs ?? 1500, () => this.#options.restart());
  }

  markValid(): void {
    const err = this.#options.natives.gw_ota_mark_valid();
    if (err !== 0) throw new OtaStateError(`confirming the running image failed (esp_err ${err})`);
  }

  rollback(): void {
    const err = this.#options.natives.gw_ota_rollback();
    // Only returns when there is nothing to roll back to.
    throw new OtaStateError(`rollback failed (esp_err ${err}): no previous image`);
  }

  info(): OtaSlotInfo {
    const natives = this.#options.natives;
    const info: OtaSlotInfo = {
      running: natives.gw_ota_running_label(),
      pendingVerify: natives.gw_ota_pending_verify() === 1,
      slotBytes: this.#slotSize(),
    };
    if (this.#pending !== undefined) info.pending = this.#pending;
    return info;
  }

  /** Size of the partition the next image goes to (read once). */
  #slotSize(): number {
    if (this.#slotBytes === undefined) {
      const flash = Flash.open({ path: 'nextota' });
      try {
        this.#slotBytes = flash.status().size;
      } finally {
        flash.close();
      }
    }
    return this.#slotBytes;
  }

  #active(): Updater {
    if (!this.#updater) throw new OtaStateError('no update in progress (call begin first)');
    return this.#updater;
  }
}
