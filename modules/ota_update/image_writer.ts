/**
 * Streams an image into the inactive slot through the OTA port while hashing it, refusing it
 * past the size limit. Keeps only the first bytes (for the version) and counters: the data
 * itself is never held. Nothing here activates anything.
 */
import type { Sha256Stream } from '../../hosts/ports/crypto';
import type { OtaPort } from '../../hosts/ports/ota';
import { IMAGE_HEAD_BYTES } from './image_version';
import { OtaError } from './ota_error';
import { errorMessage } from '../util/error_message';

export interface WrittenImage {
  size: number;
  digest: Uint8Array;
  /** The first IMAGE_HEAD_BYTES of the image (fewer when it is shorter). */
  head: Uint8Array;
}

export class ImageWriter {
  #port: OtaPort;
  #sha: Sha256Stream;
  #maxBytes: number;
  #head = new Uint8Array(IMAGE_HEAD_BYTES);
  #written = 0;
  #open = false;
  #largestWrite = 0;

  constructor(port: OtaPort, sha: Sha256Stream, maxBytes: number) {
    this.#port = port;
    this.#sha = sha;
    this.#maxBytes = maxBytes;
  }

  get written(): number {
    return this.#written;
  }

  /** The largest single write handed to the port (it is a view of one input chunk). */
  get largestWrite(): number {
    return this.#largestWrite;
  }

  begin(): void {
    this.#guard(() => this.#port.begin());
    this.#open = true;
  }

  write(bytes: Uint8Array): void {
    if (this.#written + bytes.length > this.#maxBytes) {
      throw new OtaError('image_too_large', `the image exceeds the ${this.#maxBytes}-byte firmware slot`);
    }
    if (this.#written < IMAGE_HEAD_BYTES) this.#head.set(bytes.subarray(0, IMAGE_HEAD_BYTES - this.#written), this.#written);
    this.#guard(() => this.#port.write(bytes));
    this.#sha.update(bytes);
    this.#written += bytes.length;
    if (bytes.length > this.#largestWrite) this.#largestWrite = bytes.length;
  }

  /** Ends the slot write; the image is complete but not active (abort() still discards it). */
  finish(): WrittenImage {
    this.#guard(() => this.#port.end());
    return { size: this.#written, digest: this.#sha.digest(), head: this.#head.subarray(0, Math.min(this.#written, IMAGE_HEAD_BYTES)) };
  }

  /** Makes the finished image boot next: call only after its signature verified. */
  activate(version: string, securityVersion = 0): void {
    this.#guard(() => this.#port.activate(version, securityVersion));
    this.#open = false;
  }

  /** Discards a started write; safe to call at any point, more than once. */
  abort(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#port.abort();
    } catch {
      // The slot is inactive and rewritten by the next upload either way.
    }
  }

  /** Port failures (flash errors, slot full) become write_failed with the port's reason. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof OtaError) throw error;
      throw new OtaError('write_failed', `writing the firmware slot failed: ${errorMessage(error)}`);
    }
  }
}
