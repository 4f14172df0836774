/**
 * PEM text to DER bytes, for the TLS stack (which takes DER) and for public keys. Pure: no SDK
 * calls, tested on Node.
 */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class PemError extends Error {
  override name = 'PemError';
}

export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '');
  if (clean.length % 4 === 1) throw new PemError('base64 text has an impossible length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const digit = BASE64.indexOf(clean[i]);
    if (digit < 0) throw new PemError(`not base64: "${clean[i]}"`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * The DER bytes of the first PEM block whose label ends with `label` ("CERTIFICATE",
 * "PUBLIC KEY", "PRIVATE KEY" also matching "RSA PRIVATE KEY" / "EC PRIVATE KEY").
 */
export function pemToDer(pem: string, label: string): ArrayBuffer {
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let match = pattern.exec(pem); match; match = pattern.exec(pem)) {
    if (match[1].endsWith(label)) {
      const bytes = base64Decode(match[2]);
      if (bytes.length === 0) throw new PemError(`the ${match[1]} block is empty`);
      return bytes.slice().buffer;
    }
  }
  throw new PemError(`no "${label}" block in the PEM text`);
}
