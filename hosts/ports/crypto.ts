export interface Sha256Stream {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

export type SignatureAlgorithm = 'rsa-pkcs1-sha256' | 'ecdsa-p256-sha256';

export interface CryptoPort {
  sha256(data: Uint8Array): Uint8Array;
  createSha256(): Sha256Stream;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array;
  randomBytes(count: number): Uint8Array;
  /** Verify `signature` over a SHA-256 `digest` with a PEM public key. */
  verifySignature(algorithm: SignatureAlgorithm, publicKeyPem: string, digest: Uint8Array, signature: Uint8Array): boolean;
}
