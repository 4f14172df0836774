/**
 * PEM text to DER bytes, for the TLS stack (which takes DER) and for public keys, and Base64 out
 * (the WebSocket accept key). Pure: no SDK calls, tested on Node.
 */
import { base64Decode } from '../../../modules/web_server/text_codecs';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard Base64 with padding (RFC 4648 §4). */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64_ALPHABET[(chunk >> 18) & 63] + BASE64_ALPHABET[(chunk >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64_ALPHABET[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? BASE64_ALPHABET[chunk & 63] : '=';
  }
  return out;
}

export class PemError extends Error {
  override name = 'PemError';
}

/**
 * The DER bytes of the first PEM block whose label ends with `label` ("CERTIFICATE",
 * "PUBLIC KEY", "PRIVATE KEY" also matching "RSA PRIVATE KEY" / "EC PRIVATE KEY").
 */
export function pemToDer(pem: string, label: string): ArrayBuffer {
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let match = pattern.exec(pem); match; match = pattern.exec(pem)) {
    if (match[1].endsWith(label)) {
      const bytes = base64Decode(match[2].replace(/\s+/g, ''));
      if (!bytes) throw new PemError(`the ${match[1]} block is not valid base64`);
      if (bytes.length === 0) throw new PemError(`the ${match[1]} block is empty`);
      return bytes.slice().buffer;
    }
  }
  throw new PemError(`no "${label}" block in the PEM text`);
}
