/**
 * Signature checks over a SHA-256 digest for the OTA image, from a PEM public key: RSA PKCS#1
 * v1.5 with BigInt modular exponentiation, ECDSA P-256 with the curve code the Node host uses
 * (hosts/node/p256.ts is plain ES). Pure: no SDK calls, tested on Node against node:crypto.
 */
import { bytesToBigInt, verifyP256 } from '../../node/p256';
import type { SignatureAlgorithm } from '../../ports/crypto';
import { fromHex } from '../../../modules/util/hex';
import { pemToDer } from './pem';

export class PublicKeyError extends Error {
  override name = 'PublicKeyError';
}

const OID_RSA = '2a864886f70d010101';
const OID_EC = '2a8648ce3d0201';
const OID_P256 = '2a8648ce3d030107';
// DER prefix of DigestInfo { sha256, digest } (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO = fromHex('3031300d060960864801650304020105000420');

export type PublicKey = { kind: 'rsa'; modulus: bigint; exponent: bigint; size: number } | { kind: 'ec-p256'; x: bigint; y: bigint };

interface Element {
  tag: number;
  body: Uint8Array;
  next: number;
}

function readElement(der: Uint8Array, at: number): Element {
  const tag = der[at];
  let length = der[at + 1];
  let start = at + 2;
  if (tag === undefined || length === undefined) throw new PublicKeyError('public key DER ends early');
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new PublicKeyError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i];
    start += count;
  }
  if (start + length > der.length) throw new PublicKeyError('public key DER ends early');
  return { tag, body: der.subarray(start, start + length), next: start + length };
}

function expect(element: Element, tag: number, what: string): Uint8Array {
  if (element.tag !== tag) throw new PublicKeyError(`public key DER: expected ${what}`);
  return element.body;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----") holding an RSA or P-256 key. */
export function parsePublicKey(pem: string): PublicKey {
  let der: Uint8Array;
  try {
    der = new Uint8Array(pemToDer(pem, 'PUBLIC KEY'));
  } catch (error) {
    throw new PublicKeyError(`not a usable public key PEM: ${error instanceof Error ? error.message : String(error)}`);
  }
  const spki = expect(readElement(der, 0), 0x30, 'SubjectPublicKeyInfo');
  const algorithmElement = readElement(spki, 0);
  const algorithm = expect(algorithmElement, 0x30, 'AlgorithmIdentifier');
  const oidElement = readElement(algorithm, 0);
  const oid = hex(expect(oidElement, 0x06, 'algorithm OID'));
  const bits = expect(readElement(spki, algorithmElement.next), 0x03, 'BIT STRING');
  if (bits[0] !== 0) throw new PublicKeyError('public key BIT STRING has unused bits');
  const key = bits.subarray(1);
  if (oid === OID_RSA) {
    const sequence = expect(readElement(key, 0), 0x30, 'RSAPublicKey');
    const modulusElement = readElement(sequence, 0);
    const modulusBytes = expect(modulusElement, 0x02, 'modulus');
    const exponent = bytesToBigInt(expect(readElement(sequence, modulusElement.next), 0x02, 'exponent'));
    const modulus = bytesToBigInt(modulusBytes);
    const size = modulusBytes[0] === 0 ? modulusBytes.length - 1 : modulusBytes.length;
    return { kind: 'rsa', modulus, exponent, size };
  }
  if (oid === OID_EC) {
    const curve = hex(expect(readElement(algorithm, oidElement.next), 0x06, 'curve OID'));
    if (curve !== OID_P256) throw new PublicKeyError('only the P-256 curve is supported');
    if (key.length !== 65 || key[0] !== 0x04) throw new PublicKeyError('EC public key must be an uncompressed P-256 point');
    return { kind: 'ec-p256', x: bytesToBigInt(key.subarray(1, 33)), y: bytesToBigInt(key.subarray(33)) };
  }
  throw new PublicKeyError(`unsupported public key algorithm (OID ${oid})`);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function verifyRsa(key: Extract<PublicKey, { kind: 'rsa' }>, digest: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== key.size) return false;
  const s = bytesToBigInt(signature);
  if (s >= key.modulus) return false;
  let m = modPow(s, key.exponent, key.modulus);
  const encoded = new Uint8Array(key.size);
  for (let i = key.size - 1; i >= 0 && m > 0n; i--) {
    encoded[i] = Number(m & 0xffn);
    m >>= 8n;
  }
  // EM = 00 01 FF…FF 00 DigestInfo digest (RFC 8017 §9.2), compared whole.
  const tail = SHA256_DIGEST_INFO.length + digest.length;
  const padding = key.size - tail - 3;
  if (padding < 8) return false;
  let differences = encoded[0] | (encoded[1] ^ 0x01) | encoded[2 + padding];
  for (let i = 2; i < 2 + padding; i++) differences |= encoded[i] ^ 0xff;
  const start = 3 + padding;
  for (let i = 0; i < SHA256_DIGEST_INFO.length; i++) differences |= encoded[start + i] ^ SHA256_DIGEST_INFO[i];
  for (let i = 0; i < digest.length; i++) differences |= encoded[start + SHA256_DIGEST_INFO.length + i] ^ digest[i];
  return differences === 0;
}

export function verifyDigestSignature(algorithm: SignatureAlgorithm, publicKeyPem: string, digest: Uint8Array, signature: Uint8Array): boolean {
  if (digest.length !== 32) throw new RangeError(`a SHA-256 digest has 32 bytes, got ${digest.length}`);
  const key = parsePublicKey(publicKeyPem);
  if (algorithm === 'rsa-pkcs1-sha256') {
    if (key.kind !== 'rsa') throw new PublicKeyError('rsa-pkcs1-sha256 needs an RSA key');
    return verifyRsa(key, digest, signature);
  }
  if (algorithm === 'ecdsa-p256-sha256') {
    if (key.kind !== 'ec-p256') throw new PublicKeyError('ecdsa-p256-sha256 needs a P-256 key');
    return verifyP256(key.x, key.y, digest, signature);
  }
  throw new PublicKeyError(`unknown signature algorithm: ${String(algorithm)}`);
}
