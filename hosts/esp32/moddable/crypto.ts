/**
 * CryptoPort on the SDK's native SHA-256 (`crypt` Digest): HMAC and PBKDF2 built on it
 * (RFC 2104, RFC 8018), signatures in signature.ts, random bytes from the host's source
 * (the ESP32's hardware RNG; /dev/urandom on the simulator).
 */
import { Digest } from 'crypt';
import type { CryptoPort, Sha256Stream } from '../../ports/crypto';
import { verifyDigestSignature } from './signature';

const BLOCK = 64;

/** The bytes as an ArrayBuffer of exactly their length (Digest takes whole buffers). */
function exact(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.slice().buffer as ArrayBuffer;
}

export function sdkSha256(data: Uint8Array): Uint8Array {
  const digest = new Digest('SHA256');
  digest.write(exact(data));
  return new Uint8Array(digest.close());
}

/** HMAC-SHA256 with the padded keys computed once, for the PBKDF2 loop. */
class Hmac {
  #digest = new Digest('SHA256');
  #inner: ArrayBuffer;
  #outer: ArrayBuffer;

  constructor(key: Uint8Array) {
    const block = new Uint8Array(BLOCK);
    block.set(key.length > BLOCK ? sdkSha256(key) : key);
    this.#inner = block.map((b) => b ^ 0x36).buffer;
    this.#outer = block.map((b) => b ^ 0x5c).buffer;
  }

  mac(...parts: Uint8Array[]): Uint8Array {
    const digest = this.#digest;
    digest.reset();
    digest.write(this.#inner);
    for (const part of parts) digest.write(exact(part));
    const inner = digest.close();
    digest.reset();
    digest.write(this.#outer);
    digest.write(inner);
    return new Uint8Array(digest.close());
  }
}

export function createSdkCrypto(randomBytes: (count: number) => Uint8Array): CryptoPort {
  return {
    sha256: sdkSha256,
    createSha256(): Sha256Stream {
      const digest = new Digest('SHA256');
      return {
        update: (data) => digest.write(exact(data)),
        digest: () => new Uint8Array(digest.close()),
      };
    },
    hmacSha256: (key, data) => new Hmac(key).mac(data),
    pbkdf2Sha256(password, salt, iterations, length) {
      if (!(iterations >= 1) || !(length >= 1)) throw new RangeError('PBKDF2 needs at least one iteration and one byte');
      const hmac = new Hmac(password);
      const out = new Uint8Array(length);
      for (let block = 1, at = 0; at < length; block++) {
        const counter = Uint8Array.of(block >>> 24, (block >>> 16) & 0xff, (block >>> 8) & 0xff, block & 0xff);
        let u = hmac.mac(salt, counter);
        const t = u.slice();
        for (let i = 1; i < iterations; i++) {
          u = hmac.mac(u);
          for (let j = 0; j < t.length; j++) t[j] ^= u[j];
        }
        out.set(t.subarray(0, Math.min(t.length, length - at)), at);
        at += t.length;
      }
      return out;
    },
    randomBytes,
    verifySignature: verifyDigestSignature,
  };
}
