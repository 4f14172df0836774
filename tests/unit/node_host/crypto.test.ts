import * as nodeCrypto from 'node:crypto';
import { createNodeCrypto, SignatureKeyError } from '../../../hosts/node/crypto';
import { fromHex, toHex } from '../../../modules/util/hex';
import { utf8Encode } from '../../../modules/util/utf8';

const port = createNodeCrypto();
const hex = (bytes: Uint8Array) => toHex(bytes).toLowerCase();
const text = (s: string) => utf8Encode(s);

describe('Node crypto port: hashes and key derivation', () => {
  it('computes SHA-256 (FIPS 180-2 examples), also streamed in pieces', () => {
    expect(hex(port.sha256(text('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(port.sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const stream = port.createSha256();
    stream.update(text('a'));
    stream.update(text('bc'));
    expect(hex(stream.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('computes HMAC-SHA256 (RFC 4231 cases 1 and 2)', () => {
    expect(hex(port.hmacSha256(new Uint8Array(20).fill(0x0b), text('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hex(port.hmacSha256(text('Jefe'), text('what do ya want for nothing?')))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('derives PBKDF2-HMAC-SHA256 keys (RFC 7914 §11 and the RFC 6070 inputs with SHA-256)', () => {
    expect(hex(port.pbkdf2Sha256(text('passwd'), text('salt'), 1, 64))).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    );
    expect(hex(port.pbkdf2Sha256(text('password'), text('salt'), 1, 32))).toBe('120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b');
    expect(hex(port.pbkdf2Sha256(text('password'), text('salt'), 2, 32))).toBe('ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43');
    expect(hex(port.pbkdf2Sha256(text('password'), text('salt'), 4096, 32))).toBe('c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a');
  });

  it('returns fresh random bytes of the asked length', () => {
    const a = port.randomBytes(32);
    const b = port.randomBytes(32);
    expect(a).toHaveLength(32);
    expect(hex(a)).not.toBe(hex(b));
  });
});

describe('Node crypto port: signatures over a digest', () => {
  const rsa = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherRsa = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const otherEc = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (key: nodeCrypto.KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  const image = utf8Encode('firmware image bytes '.repeat(100));
  const digest = port.sha256(image);
  const flipped = (bytes: Uint8Array, at = 0) => {
    const copy = bytes.slice();
    copy[at] ^= 0x01;
    return copy;
  };

  it('verifies RSA PKCS#1 v1.5 SHA-256 signatures made by node:crypto', () => {
    const signature = new Uint8Array(nodeCrypto.sign('sha256', image, rsa.privateKey));
    expect(port.verifySignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, signature)).toBe(true);
    expect(port.verifySignature('rsa-pkcs1-sha256', pem(rsa.publicKey), flipped(digest), signature)).toBe(false);
    expect(port.verifySignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, flipped(signature, 100))).toBe(false);
    expect(port.verifySignature('rsa-pkcs1-sha256', pem(otherRsa.publicKey), digest, signature)).toBe(false);
    expect(port.verifySignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, signature.subarray(1))).toBe(false);
  });

  it('refuses an RSA signature over a different hash algorithm', () => {
    const sha1Signature = new Uint8Array(nodeCrypto.sign('sha1', image, rsa.privateKey));
    expect(port.verifySignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, sha1Signature)).toBe(false);
  });

  it('verifies ECDSA P-256 signatures in DER and in raw r‖s form', () => {
    for (let i = 0; i < 8; i++) {
      const data = utf8Encode(`image ${i}`);
      const d = port.sha256(data);
      const der = new Uint8Array(nodeCrypto.sign('sha256', data, ec.privateKey));
      const raw = new Uint8Array(nodeCrypto.sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));
      expect(port.verifySignature('ecdsa-p256-sha256', pem(ec.publicKey), d, der)).toBe(true);
      expect(port.verifySignature('ecdsa-p256-sha256', pem(ec.publicKey), d, raw)).toBe(true);
      expect(port.verifySignature('ecdsa-p256-sha256', pem(ec.publicKey), flipped(d, 31), der)).toBe(false);
      expect(port.verifySignature('ecdsa-p256-sha256', pem(ec.publicKey), d, flipped(raw, 40))).toBe(false);
      expect(port.verifySignature('ecdsa-p256-sha256', pem(otherEc.publicKey), d, raw)).toBe(false);
    }
  });

  it('refuses malformed ECDSA signatures without throwing', () => {
    const key = pem(ec.publicKey);
    expect(port.verifySignature('ecdsa-p256-sha256', key, digest, new Uint8Array(64))).toBe(false);
    expect(port.verifySignature('ecdsa-p256-sha256', key, digest, fromHex('3006020100020100'))).toBe(false);
    expect(port.verifySignature('ecdsa-p256-sha256', key, digest, new Uint8Array(10))).toBe(false);
  });

  it('throws a clear error for a bad key, a key of the wrong type or a wrong-size digest', () => {
    const signature = new Uint8Array(nodeCrypto.sign('sha256', image, ec.privateKey));
    expect(() => port.verifySignature('ecdsa-p256-sha256', 'not a key', digest, signature)).toThrow(SignatureKeyError);
    expect(() => port.verifySignature('rsa-pkcs1-sha256', pem(ec.publicKey), digest, signature)).toThrow(/needs an RSA key/);
    expect(() => port.verifySignature('ecdsa-p256-sha256', pem(rsa.publicKey), digest, signature)).toThrow(/needs a P-256 key/);
    const p384 = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => port.verifySignature('ecdsa-p256-sha256', pem(p384.publicKey), digest, signature)).toThrow(/P-256/);
    expect(() => port.verifySignature('ecdsa-p256-sha256', pem(ec.publicKey), digest.subarray(1), signature)).toThrow(/32 bytes/);
  });
});
