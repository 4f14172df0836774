/**
 * Web password hashing: PBKDF2-HMAC-SHA256 with a per-password random salt, through the
 * host's crypto port. The password itself is never stored or logged.
 */
import type { CryptoPort } from '../../hosts/ports/crypto';
import { fromHex, toHex } from '../util/hex';
import { utf8Encode } from '../util/utf8';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

export interface PasswordCredential {
  password_hash: string;
  password_salt: string;
  password_iterations: number;
}

/** Why `password` is not acceptable as a new web password, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (typeof password !== 'string') return 'the password must be text';
  if (password.length < PASSWORD_MIN_LENGTH) return `the password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `the password has at most ${PASSWORD_MAX_LENGTH} characters`;
  if (/[\x00-\x1f\x7f]/.test(password)) return 'the password cannot contain control characters';
  return undefined;
}

export function derivePassword(crypto: CryptoPort, password: string, salt: Uint8Array, iterations: number): Uint8Array {
  return crypto.pbkdf2Sha256(utf8Encode(password), salt, iterations, HASH_BYTES);
}

export function createCredential(crypto: CryptoPort, password: string, iterations: number): PasswordCredential {
  const salt = crypto.randomBytes(SALT_BYTES);
  return {
    password_hash: toHex(derivePassword(crypto, password, salt, iterations)).toLowerCase(),
    password_salt: toHex(salt).toLowerCase(),
    password_iterations: iterations,
  };
}

/** Compares every byte whatever the first difference, so timing does not reveal a matching prefix. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) difference |= (a[i % (a.length || 1)] ?? 0) ^ (b[i % (b.length || 1)] ?? 0);
  return difference === 0;
}

export function credentialMatches(crypto: CryptoPort, credential: PasswordCredential, password: string): boolean {
  const derived = derivePassword(crypto, password, fromHex(credential.password_salt), credential.password_iterations);
  return constantTimeEqual(derived, fromHex(credential.password_hash));
}
