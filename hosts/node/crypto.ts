/**
 * CryptoPort on node:crypto. Signatures are checked over a SHA-256 digest (the OTA writer hashes
 * the streamed image itself): RSA PKCS#1 v1.5 by opening the signature with the public key and
 * comparing the DigestInfo it carries; ECDSA P-256 with the curve arithmetic in p256.ts. ECDSA
 * signatures may be DER or 64-byte r‖s.
 */
import * as nodeCrypto from 'node:crypto';
import type { CryptoPort, Sha256Stream, SignatureAlgorithm } from '../ports/crypto';
import { fromHex } from '../../modules/util/hex';
import { bytesToBigInt, verifyP256 } from './p256';

// DER prefix of DigestInfo { sha256, digest } (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO = fromHex('3031300d060960864801650304020105000420');

export class SignatureKeyError extends Error {
  override name = 'SignatureKeyError';
}

const bytes = (buffer: Uint8Array) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);

function publicKey(pem: string): nodeCrypto.KeyObject {
  try {
    return nodeCrypto.createPublicKey(pem);
  } catch (error) {
    throw new SignatureKeyError(`not a usable public key PEM: ${(error as Error).message}`);
  }
}

function verifyRsa(key: nodeCrypto.KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  if (key.asymmetricKeyType !== 'rsa') throw new SignatureKeyError(`rsa-pkcs1-sha256 needs an RSA key, got ${key.asymmetricKeyType}`);
  let opened: Uint8Array;
  try {
    opened = nodeCrypto.publicDecrypt({ key, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false; // wrong length or padding: not a signature by this key
  }
  const expected = new Uint8Array(SHA256_DIGEST_INFO.length + digest.length);
  expected.set(SHA256_DIGEST_INFO);
  expected.set(digest, SHA256_DIGEST_INFO.length);
  return opened.length === expected.length && nodeCrypto.timingSafeEqual(opened, expected);
}

function verifyEcdsa(key: nodeCrypto.KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new SignatureKeyError(`ecdsa-p256-sha256 needs a P-256 key, got ${key.asymmetricKeyType} ${curve ?? ''}`.trim());
  }
  // An uncompressed P-256 point (04 ‖ x ‖ y) ends the SPKI encoding.
  const point = bytes(key.export({ format: 'der', type: 'spki' })).subarray(-65);
  if (point[0] !== 0x04) throw new SignatureKeyError('compressed EC public keys are not supported');
  return verifyP256(bytesToBigInt(point.subarray(1, 33)), bytesToBigInt(point.subarray(33)), digest, signature);
}

export function createNodeCrypto(): CryptoPort {
  return {
    sha256: (data) => bytes(nodeCrypto.createHash('sha256').update(data).digest()),
    createSha256(): Sha256Stream {
      const hash = nodeCrypto.createHash('sha256');
      return {
        update: (data) => void hash.update(data),
        digest: () => bytes(hash.digest()),
      };
    },
    hmacSha256: (key, data) => bytes(nodeCrypto.createHmac('sha256', key).update(data).digest()),
    pbkdf2Sha256: (password, salt, iterations, length) => bytes(nodeCrypto.pbkdf2Sync(password, salt, iterations, length, 'sha256')),
    randomBytes: (count) => bytes(nodeCrypto.randomBytes(count)),
    verifySignature(algorithm: SignatureAlgorithm, publicKeyPem: string, digest: Uint8Array, signature: Uint8Array): boolean {
      if (digest.length !== 32) throw new RangeError(`a SHA-256 digest has 32 bytes, got ${digest.length}`);
      const key = publicKey(publicKeyPem);
      if (algorithm === 'rsa-pkcs1-sha256') return verifyRsa(key, digest, signature);
      if (algorithm === 'ecdsa-p256-sha256') return verifyEcdsa(key, digest, signature);
      throw new SignatureKeyError(`unknown signature algorithm: ${String(algorithm)}`);
    },
  };
}
