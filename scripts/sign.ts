/**
 * Signs a firmware image for OTA: writes `<image>.sig`, the raw signature over the image's
 * SHA-256 that the gateway checks before activating anything. RSA keys give RSA-PKCS#1 v1.5
 * (256 or 512 bytes), P-256 keys ECDSA (DER). Same output as
 * `openssl dgst -sha256 -sign <key> -out <image>.sig <image>`.
 *
 *   npm run sign -- <image> [--key <private key PEM>] [--out <signature file>]
 *
 * The default key is .data/ota-keys/ota-private.pem (made by certs/make-ota-keys.sh).
 */
import { createHash, createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_HEAD_BYTES, imageSecurityVersion } from '../modules/ota_update/image_version';

export const DEFAULT_KEY_FILE = join('.data', 'ota-keys', 'ota-private.pem');

export type SigningAlgorithm = 'rsa-pkcs1-sha256' | 'ecdsa-p256-sha256';

export interface Signed {
  signature: Uint8Array;
  algorithm: SigningAlgorithm;
  /** SHA-256 of the image, hex. */
  sha256: string;
}

export class SigningError extends Error {
  override name = 'SigningError';
}

function signingKey(privateKeyPem: string): { key: KeyObject; algorithm: SigningAlgorithm } {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new SigningError(`not a usable private key PEM: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (bits !== 2048 && bits !== 4096) throw new SigningError(`RSA keys must have 2048 or 4096 bits, this one has ${bits}`);
    return { key, algorithm: 'rsa-pkcs1-sha256' };
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, algorithm: 'ecdsa-p256-sha256' };
  throw new SigningError(`unsupported key (${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}); use RSA-2048/4096 or EC P-256`.replace(' )', ')'));
}

/** Feeds `read(buffer)` (returns bytes read, 0 at the end) through hash and signer without holding the image. */
function signStream(read: (buffer: Uint8Array) => number, privateKeyPem: string): Signed {
  const { key, algorithm } = signingKey(privateKeyPem);
  const signer = createSign('sha256');
  const hash = createHash('sha256');
  const verifier = createVerify('sha256');
  const buffer = new Uint8Array(64 * 1024);
  for (let n = read(buffer); n > 0; n = read(buffer)) {
    const chunk = buffer.subarray(0, n);
    signer.update(chunk);
    verifier.update(chunk);
    hash.update(chunk);
  }
  const signature = new Uint8Array(signer.sign(key));
  // A key/format mix-up should fail here, not on the gateway.
  if (!verifier.verify(createPublicKey(key), signature)) throw new SigningError('the new signature does not verify with the key’s public half');
  return { signature, algorithm, sha256: hash.digest('hex') };
}

export function signBytes(image: Uint8Array, privateKeyPem: string): Signed {
  let at = 0;
  return signStream((buffer) => {
    const n = Math.min(buffer.length, image.length - at);
    buffer.set(image.subarray(at, at + n));
    at += n;
    return n;
  }, privateKeyPem);
}

/** Signs the file at `imagePath`; writes the signature to `outPath` (default `<image>.sig`). */
export function signFile(imagePath: string, privateKeyPem: string, outPath = `${imagePath}.sig`): Signed & { out: string } {
  let fd: number;
  try {
    fd = openSync(imagePath, 'r');
  } catch (error) {
    throw new SigningError(`cannot read the image: ${(error as Error).message}`);
  }
  let signed: Signed;
  try {
    signed = signStream((buffer) => readSync(fd, buffer), privateKeyPem);
  } finally {
    closeSync(fd);
  }
  writeFileSync(outPath, signed.signature);
  return { ...signed, out: outPath };
}

function parseArguments(argv: string[]): { image: string; key: string; out?: string } {
  let image: string | undefined;
  let key = DEFAULT_KEY_FILE;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--key' || arg === '--out') {
      const value = argv[++i];
      if (!value) throw new SigningError(`${arg} needs a file name`);
      if (arg === '--key') key = value;
      else out = value;
    } else if (arg.startsWith('-')) throw new SigningError(`unknown option ${arg}`);
    else if (image === undefined) image = arg;
    else throw new SigningError(`one image at a time (got ${image} and ${arg})`);
  }
  if (!image) throw new SigningError('usage: npm run sign -- <image> [--key <private key PEM>] [--out <signature file>]');
  return { image, key, out };
}

/**
 * The anti-rollback security version the gateway will read from the signed image
 * (esp_app_desc_t.secure_version, set by CONFIG_BOOTLOADER_APP_SECURE_VERSION): a gateway whose
 * confirmed firmware has a higher one refuses this image.
 */
function securityLine(imagePath: string): string {
  const head = new Uint8Array(IMAGE_HEAD_BYTES);
  const fd = openSync(imagePath, 'r');
  let got: number;
  try {
    got = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return `security version ${imageSecurityVersion(head.subarray(0, got))}`;
}

export function main(argv: string[]): number {
  try {
    const options = parseArguments(argv);
    let pem: string;
    try {
      pem = readFileSync(options.key, 'utf8');
    } catch {
      throw new SigningError(`cannot read the private key ${options.key} (make one with certs/make-ota-keys.sh, or pass --key)`);
    }
    const signed = signFile(options.image, pem, options.out);
    console.log(`${signed.out}: ${signed.algorithm}, ${signed.signature.length} bytes, image sha256 ${signed.sha256}, ${securityLine(options.image)}`);
    return 0;
  } catch (error) {
    console.error(`sign: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof SigningError ? 2 : 1;
  }
}

if (/sign\.ts$/.test(process.argv[1] ?? '')) process.exitCode = main(process.argv.slice(2));
