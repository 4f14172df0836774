/** The key decides the scheme; signatures of the wrong size are refused before any arithmetic. */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OtaError } from '../../../modules/ota_update/ota_error';
import { checkSignatureShape, signatureAlgorithmFor } from '../../../modules/ota_update/signature_policy';
import { makeKeys } from './support/upload_fixtures';

const spki = (key: { export(o: object): string | Buffer }) => key.export({ type: 'spki', format: 'pem' }).toString();

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof OtaError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('signatureAlgorithmFor', () => {
  it('maps RSA keys to PKCS#1 v1.5 and P-256 keys to ECDSA', () => {
    expect(signatureAlgorithmFor(makeKeys('rsa2048').publicPem)).toBe('rsa-pkcs1-sha256');
    expect(signatureAlgorithmFor(makeKeys('p256').publicPem)).toBe('ecdsa-p256-sha256');
  });

  it('reads the committed development key, explanatory text and all', () => {
    expect(signatureAlgorithmFor(readFileSync('certs/ota-public.pem', 'utf8'))).toBe('rsa-pkcs1-sha256');
  });

  it.each([
    ['an empty string', ''],
    ['a private key', makeKeys('p256').privatePem],
    ['a P-384 key', spki(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey)],
    ['an Ed25519 key', spki(generateKeyPairSync('ed25519').publicKey)],
    ['broken base64', '-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----'],
  ])('refuses %s as no_public_key', (_what, pem) => {
    expect(refusal(() => signatureAlgorithmFor(pem)).code).toBe('no_public_key');
  });
});

describe('checkSignatureShape', () => {
  it('accepts RSA-2048/4096 sizes and P-256 raw or DER', () => {
    expect(() => checkSignatureShape('rsa-pkcs1-sha256', new Uint8Array(256))).not.toThrow();
    expect(() => checkSignatureShape('rsa-pkcs1-sha256', new Uint8Array(512))).not.toThrow();
    expect(() => checkSignatureShape('ecdsa-p256-sha256', new Uint8Array(64))).not.toThrow();
    expect(() => checkSignatureShape('ecdsa-p256-sha256', Uint8Array.of(0x30, ...new Array(69).fill(1)))).not.toThrow();
  });

  it.each([
    ['rsa-pkcs1-sha256', 255],
    ['rsa-pkcs1-sha256', 384],
    ['ecdsa-p256-sha256', 63],
    ['ecdsa-p256-sha256', 256],
  ] as const)('refuses a %s signature of %i bytes, saying what size it expects', (algorithm, size) => {
    const { code, message } = refusal(() => checkSignatureShape(algorithm, new Uint8Array(size).fill(0x01)));
    expect(code).toBe('signature_malformed');
    expect(message).toContain(`${size} bytes`);
  });
});
