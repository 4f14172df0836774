/**
 * A name for an uploaded image: the version string of its ESP-IDF application descriptor when it
 * is an ESP32 app image, else a short SHA-256 tag. ESP-IDF layout: a 24-byte image header
 * (magic 0xE9), an 8-byte segment header, then esp_app_desc_t (magic 0xABCD5432 at +0, version
 * char[32] at +16), so the version sits at bytes 48..80 of the image.
 */
import { toHex } from '../util/hex';

const ESP_IMAGE_MAGIC = 0xe9;
const APP_DESC_OFFSET = 32;
const APP_DESC_MAGIC = 0xabcd5432;
const VERSION_OFFSET = APP_DESC_OFFSET + 16;
const VERSION_BYTES = 32;
/** The image bytes imageVersion() looks at. */
export const IMAGE_HEAD_BYTES = VERSION_OFFSET + VERSION_BYTES;

function descriptorVersion(head: Uint8Array): string | undefined {
  if (head.length < IMAGE_HEAD_BYTES || head[0] !== ESP_IMAGE_MAGIC) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.length);
  if (view.getUint32(APP_DESC_OFFSET, true) !== APP_DESC_MAGIC) return undefined;
  let version = '';
  for (let i = VERSION_OFFSET; i < VERSION_OFFSET + VERSION_BYTES; i++) {
    const byte = head[i];
    if (byte === 0) break;
    if (byte < 0x20 || byte > 0x7e) return undefined; // Not text: do not show it as a version.
    version += String.fromCharCode(byte);
  }
  return version || undefined;
}

/**
 * The anti-rollback security version: esp_app_desc_t.secure_version (uint32 LE at +4 of the
 * descriptor, set by CONFIG_BOOTLOADER_APP_SECURE_VERSION at build time). It lies inside the
 * signed image, so it cannot be changed without breaking the signature. 0 for an image without
 * an ESP-IDF descriptor.
 */
export function imageSecurityVersion(head: Uint8Array): number {
  if (head.length < IMAGE_HEAD_BYTES || head[0] !== ESP_IMAGE_MAGIC) return 0;
  const view = new DataView(head.buffer, head.byteOffset, head.length);
  if (view.getUint32(APP_DESC_OFFSET, true) !== APP_DESC_MAGIC) return 0;
  return view.getUint32(APP_DESC_OFFSET + 4, true);
}

/** `head` is the image's first bytes (IMAGE_HEAD_BYTES suffice); `digest` its SHA-256. */
export function imageVersion(head: Uint8Array, digest: Uint8Array): string {
  return descriptorVersion(head) ?? `sha256-${toHex(digest.subarray(0, 6)).toLowerCase()}`;
}
