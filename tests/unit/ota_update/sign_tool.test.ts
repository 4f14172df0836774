/**
 * The signing workflow as a developer runs it: certs/make-ota-keys.sh makes a key pair,
 * `npm run sign` writes <image>.sig, and both openssl and the gateway's crypto port accept it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import { signatureAlgorithmFor } from '../../../modules/ota_update';

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinybms-sign-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8', cwd: process.cwd() });

describe.each(['rsa2048', 'p256'] as const)('%s keys', (type) => {
  const keys = () => join(dir, type);
  const image = () => join(dir, `${type}.bin`);

  beforeAll(() => {
    const made = run('certs/make-ota-keys.sh', [keys(), type]);
    expect(made.status).toBe(0);
    writeFileSync(image(), Buffer.alloc(200_000, 0xa5));
  });

  it('makes a private key only its owner can read and a public key the gateway accepts', () => {
    expect(statSync(join(keys(), 'ota-private.pem')).mode & 0o077).toBe(0);
    expect(signatureAlgorithmFor(readFileSync(join(keys(), 'ota-public.pem'), 'utf8'))).toBe(type === 'p256' ? 'ecdsa-p256-sha256' : 'rsa-pkcs1-sha256');
    const again = run('certs/make-ota-keys.sh', [keys(), type]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/refusing to overwrite/);
  });

  it('writes <image>.sig that openssl and the gateway verify', () => {
    const signed = run('npm', ['run', '--silent', 'sign', '--', image(), '--key', join(keys(), 'ota-private.pem')]);
    expect(signed.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(signed.status).toBe(0);
    const sig = `${image()}.sig`;
    expect(signed.stdout).toContain(`${sig}: ${type === 'p256' ? 'ecdsa-p256-sha256' : 'rsa-pkcs1-sha256'}`);
    const checked = run('openssl', ['dgst', '-sha256', '-verify', join(keys(), 'ota-public.pem'), '-signature', sig, image()]);
    expect(checked.stdout.trim()).toBe('Verified OK');
    const digest = new Uint8Array(createHash('sha256').update(readFileSync(image())).digest());
    const publicPem = readFileSync(join(keys(), 'ota-public.pem'), 'utf8');
    const signature = new Uint8Array(readFileSync(sig));
    const crypto = createNodeCrypto();
    expect(crypto.verifySignature(signatureAlgorithmFor(publicPem), publicPem, digest, signature)).toBe(true);
    digest[0] ^= 1;
    expect(crypto.verifySignature(signatureAlgorithmFor(publicPem), publicPem, digest, signature)).toBe(false);
  });
});

describe('sign tool errors', () => {
  it.each([
    ['no image', [], /usage: npm run sign/, 2],
    ['a missing key', ['package.json', '--key', '/nonexistent/key.pem'], /cannot read the private key/, 2],
    ['a missing image', ['/nonexistent/image.bin', '--key', 'certs/ota-public.pem'], /cannot read the image/, 2],
    ['an unknown option', ['x', '--force'], /unknown option --force/, 2],
  ])('exits with %s and says why', (_what, args, message, status) => {
    const result = run('npx', ['tsx', 'scripts/sign.ts', ...(args as string[])]);
    expect(result.status).toBe(status);
    expect(result.stderr).toMatch(message as RegExp);
    expect(existsSync('/nonexistent/image.bin.sig')).toBe(false);
  });
});
