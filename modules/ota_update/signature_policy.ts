/**
 * Which signature scheme a public key implies, and the shape a signature for it must have:
 * RSA keys (2048 or 4096 bit) verify RSA-PKCS#1 v1.5 with SHA-256, P-256 keys ECDSA with
 * SHA-256. Only the key decides, so an image signed for another scheme cannot choose its check.
 */
import type { SignatureAlgorithm } from '../../hosts/ports/crypto';
import { fromHex } from '../util/hex';
import { base64Decode } from '../web_server/text_codecs';
import { OtaError } from './ota_error';

// DER-encoded OBJECT IDENTIFIERs (tag, length, value) as they appear in a SubjectPublicKeyInfo.
const OID_RSA_ENCRYPTION = fromHex('06092a864886f70d010101');
const OID_EC_PUBLIC_KEY = fromHex('06072a8648ce3d0201');
const OID_PRIME256V1 = fromHex('06082a8648ce3d030107');

/** RSA-2048 and RSA-4096 signatures are exactly the modulus size. */
const RSA_SIGNATURE_BYTES = [256, 512];
/** ECDSA P-256: IEEE P1363 r‖s, or DER SEQUENCE { r, s } of at most 72 bytes. */
const ECDSA_RAW_BYTES = 64;
const ECDSA_DER_MAX_BYTES = 72;
/** Largest signature part accepted (an RSA-4096 signature). */
export const MAX_SIGNATURE_BYTES = 512;

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

/** The DER inside a "-----BEGIN PUBLIC KEY-----" PEM block, or undefined. */
function spkiDer(pem: string): Uint8Array | undefined {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  return match ? base64Decode(match[1].replace(/\s+/g, '')) : undefined;
}

/** The scheme for an OTA public key; an OtaError (no_public_key) for anything unusable. */
export function signatureAlgorithmFor(publicKeyPem: string): SignatureAlgorithm {
  const der = spkiDer(publicKeyPem);
  if (!der || der.length < 32) throw new OtaError('no_public_key', 'the OTA public key is not a "BEGIN PUBLIC KEY" PEM block');
  if (contains(der, OID_RSA_ENCRYPTION)) return 'rsa-pkcs1-sha256';
  if (contains(der, OID_EC_PUBLIC_KEY)) {
    if (!contains(der, OID_PRIME256V1)) throw new OtaError('no_public_key', 'the OTA public key is an EC key on a curve other than P-256');
    return 'ecdsa-p256-sha256';
  }
  throw new OtaError('no_public_key', 'the OTA public key is neither RSA nor EC P-256');
}

/** Refuses a signature whose size cannot fit the scheme, before any arithmetic. */
export function checkSignatureShape(algorithm: SignatureAlgorithm, signature: Uint8Array): void {
  if (algorithm === 'rsa-pkcs1-sha256') {
    if (!RSA_SIGNATURE_BYTES.includes(signature.length)) {
      throw new OtaError('signature_malformed', `the signature has ${signature.length} bytes; an RSA-2048/4096 signature has 256/512 (send the raw .sig file)`);
    }
    return;
  }
  const isDer = signature[0] === 0x30 && signature.length <= ECDSA_DER_MAX_BYTES && signature.length >= 8;
  if (signature.length !== ECDSA_RAW_BYTES && !isDer) {
    throw new OtaError('signature_malformed', `the signature has ${signature.length} bytes; an ECDSA P-256 signature is 64 bytes (r‖s) or DER of at most 72`);
  }
}
