/**
 * PEM text to DER bytes, for the TLS stack (which takes DER) and for public keys. Pure: no SDK
 * calls, tested on Node.
 */
import { base64Decode } from '../../../modules/web_server/text_codecs';

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
