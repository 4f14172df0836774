/**
 * What an upload's parts are for. `firmware` streams into the image writer as it arrives;
 * `signature` (at most 512 bytes) is kept until the end. The two may come in either order: the
 * image goes to the inactive slot while streaming and is only activated once the whole body has
 * arrived and the signature verified. Anything else is refused with its name.
 */
import { type ImageWriter } from './image_writer';
import type { MultipartSink, PartHeaders } from './multipart';
import { OtaError } from './ota_error';
import { MAX_SIGNATURE_BYTES } from './signature_policy';

type PartName = 'firmware' | 'signature';
type PartState = 'absent' | 'open' | 'done';

export class UploadParts implements MultipartSink {
  #writer: ImageWriter;
  #signature = new Uint8Array(MAX_SIGNATURE_BYTES);
  #signatureLength = 0;
  #current: PartName | undefined;
  #states: Record<PartName, PartState> = { firmware: 'absent', signature: 'absent' };

  constructor(writer: ImageWriter) {
    this.#writer = writer;
  }

  partStart(headers: PartHeaders): void {
    const name = headers.name;
    if (name !== 'firmware' && name !== 'signature') {
      throw new OtaError('unexpected_part', `unexpected form field "${name.slice(0, 40)}": send only "firmware" and "signature"`);
    }
    if (this.#states[name] !== 'absent') throw new OtaError('unexpected_part', `the "${name}" part came twice`);
    this.#states[name] = 'open';
    this.#current = name;
    if (name === 'firmware') this.#writer.begin();
  }

  partData(bytes: Uint8Array): void {
    if (this.#current === 'firmware') {
      this.#writer.write(bytes);
      return;
    }
    if (this.#signatureLength + bytes.length > MAX_SIGNATURE_BYTES) {
      throw new OtaError('signature_malformed', `the signature part exceeds ${MAX_SIGNATURE_BYTES} bytes (send the raw .sig file)`);
    }
    this.#signature.set(bytes, this.#signatureLength);
    this.#signatureLength += bytes.length;
  }

  partEnd(): void {
    if (this.#current) this.#states[this.#current] = 'done';
    this.#current = undefined;
  }

  /** After the closing boundary: the signature, once both parts came whole and non-empty. */
  signature(): Uint8Array {
    if (this.#states.firmware !== 'done') throw new OtaError('missing_part', 'the upload has no "firmware" part');
    if (this.#states.signature !== 'done') throw new OtaError('missing_part', 'the upload has no "signature" part');
    if (this.#writer.written === 0) throw new OtaError('missing_part', 'the "firmware" part is empty');
    if (this.#signatureLength === 0) throw new OtaError('missing_part', 'the "signature" part is empty');
    return this.#signature.subarray(0, this.#signatureLength);
  }

  /** Bytes held for the signature (bounded by MAX_SIGNATURE_BYTES). */
  get heldBytes(): number {
    return this.#signatureLength;
  }
}
