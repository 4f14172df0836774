/// <reference path="../../../typings/sdk/crypt.d.ts" />
/**
 * The SDK-free parts of the Moddable hosts, on Node: HTTP body streams, PEM and signature
 * checks (against node:crypto), build settings. The crypto port runs over a
 * stand-in for the SDK's native `crypt` Digest built on node:crypto.
 */
import * as nodeCrypto from 'node:crypto';
import { BodyOverflowError, RequestBodyStream, ResponseBodySource } from '../../../hosts/esp32/moddable/http_body';
import { PemError, base64Encode, pemToDer } from '../../../hosts/esp32/moddable/pem';
import { SettingsError, readHostSettings } from '../../../hosts/esp32/moddable/settings';
import { PublicKeyError, parsePublicKey, verifyDigestSignature } from '../../../hosts/esp32/moddable/signature';

jest.mock(
  'crypt',
  () => {
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    // The SDK's Digest: write(string | ArrayBuffer), close() → ArrayBuffer, reset().
    class Digest {
      #hash = createHash('sha256');
      constructor(type: string) {
        if (type !== 'SHA256') throw new Error(`stand-in knows SHA256 only, got ${type}`);
      }
      write(message: string | ArrayBuffer) {
        if (!(message instanceof ArrayBuffer) && typeof message !== 'string') throw new TypeError('Digest takes a string or an ArrayBuffer');
        this.#hash.update(typeof message === 'string' ? message : new Uint8Array(message));
      }
      close(): ArrayBuffer {
        const out = this.#hash.digest();
        return out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
      }
      reset() {
        this.#hash = createHash('sha256');
      }
    }
    return { Digest };
  },
  { virtual: true },
);

// After the mock: crypto.ts imports 'crypt'.
import { createSdkCrypto } from '../../../hosts/esp32/moddable/crypto';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += Buffer.from(chunk).toString('utf8');
  return text;
}

describe('RequestBodyStream', () => {
  it('hands chunks to a waiting reader in order and ends', async () => {
    const body = new RequestBodyStream(1024);
    const reading = readAll(body);
    body.push(bytes('ab'));
    await Promise.resolve();
    body.push(bytes('cd'));
    body.end();
    await expect(reading).resolves.toBe('abcd');
    expect(body.receivedBytes).toBe(4);
  });

  it('queues chunks for a reader that comes later', async () => {
    const body = new RequestBodyStream(1024);
    body.push(bytes('x'));
    body.push(bytes('yz'));
    body.end();
    await expect(readAll(body)).resolves.toBe('xyz');
  });

  it('fails the reader, without keeping the bytes, when more than the limit waits', async () => {
    const body = new RequestBodyStream(4);
    body.push(bytes('1234'));
    body.push(bytes('5'));
    await expect(readAll(body)).rejects.toBeInstanceOf(BodyOverflowError);
  });

  it('drops the rest once discarded and can be read once only', async () => {
    const body = new RequestBodyStream(8);
    body.push(bytes('keep'));
    const iterator = body[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ value: bytes('keep'), done: false });
    body.discard();
    body.push(bytes('0123456789'));
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    expect(body.receivedBytes).toBe(14);
    expect(() => body[Symbol.asyncIterator]()).toThrow('read once');
  });

  it('tells a reader when the connection closed early', async () => {
    const body = new RequestBodyStream(8);
    const reading = readAll(body);
    body.fail(new Error('the connection closed before the request body ended'));
    await expect(reading).rejects.toThrow('closed before');
  });
});

describe('ResponseBodySource', () => {
  it('sends a string as UTF-8 with its byte length, in pieces no larger than asked', () => {
    const source = new ResponseBodySource('héllo', () => undefined);
    expect(source.contentLength).toBe(6);
    const first = source.take(4);
    const second = source.take(4);
    expect(first.kind === 'data' && Buffer.from(first.bytes).toString('hex')).toBe('68c3a96c');
    expect(second.kind === 'data' && Buffer.from(second.bytes).toString()).toBe('lo');
    expect(source.take(4)).toEqual({ kind: 'end' });
  });

  it('has length 0 without a body', () => {
    const source = new ResponseBodySource(undefined, () => undefined);
    expect(source.contentLength).toBe(0);
    expect(source.take(10)).toEqual({ kind: 'end' });
  });

  it('streams an async body chunked: wait, then data when it comes, then end', async () => {
    let available = 0;
    async function* chunks() {
      yield bytes('first-');
      yield bytes('second');
    }
    const source = new ResponseBodySource(chunks(), () => available++);
    expect(source.contentLength).toBeUndefined();
    expect(source.take(100)).toEqual({ kind: 'wait' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(available).toBe(1);
    const piece = source.take(3);
    expect(piece.kind === 'data' && Buffer.from(piece.bytes).toString()).toBe('fir');
    const rest = source.take(100);
    expect(rest.kind === 'data' && Buffer.from(rest.bytes).toString()).toBe('st-');
    expect(source.take(100)).toEqual({ kind: 'wait' });
    await new Promise((resolve) => setImmediate(resolve));
    const second = source.take(100);
    expect(second.kind === 'data' && Buffer.from(second.bytes).toString()).toBe('second');
    source.take(100);
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.take(100)).toEqual({ kind: 'end' });
    expect(source.error).toBeUndefined();
  });

  it('ends a failing stream and keeps the reason', async () => {
    async function* broken() {
      yield bytes('a');
      throw new Error('disk gone');
    }
    const source = new ResponseBodySource(broken(), () => undefined);
    source.take(10);
    await new Promise((resolve) => setImmediate(resolve));
    source.take(10);
    source.take(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.take(10)).toEqual({ kind: 'end' });
    expect(String(source.error)).toContain('disk gone');
  });

  it('stops the producer when cancelled', async () => {
    let finished = false;
    async function* endless() {
      try {
        for (;;) yield bytes('x');
      } finally {
        finished = true;
      }
    }
    const source = new ResponseBodySource(endless(), () => undefined);
    source.take(1);
    await new Promise((resolve) => setImmediate(resolve));
    source.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(true);
    expect(source.take(1)).toEqual({ kind: 'end' });
  });
});

describe('PEM and signatures', () => {
  const rsa = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = (key: nodeCrypto.KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  const image = Buffer.from('firmware image bytes '.repeat(100));
  const digest = new Uint8Array(nodeCrypto.createHash('sha256').update(image).digest());

  it('decodes the DER of the named block', () => {
    const text = `junk\n${pem(ec.publicKey)}\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n`;
    expect(Buffer.from(pemToDer(text, 'PUBLIC KEY'))).toEqual(ec.publicKey.export({ type: 'spki', format: 'der' }));
    expect(Buffer.from(pemToDer(text, 'CERTIFICATE'))).toEqual(Buffer.from([0, 1, 2]));
    const key = ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(pemToDer(key, 'PRIVATE KEY').byteLength).toBeGreaterThan(100);
    expect(() => pemToDer(text, 'PRIVATE KEY')).toThrow(PemError);
    expect(() => pemToDer('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----', 'CERTIFICATE')).toThrow('not valid base64');
  });

  it('encodes Base64 with padding like Buffer', () => {
    for (const length of [0, 1, 2, 3, 4, 20, 31]) {
      const data = new Uint8Array(Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff));
      expect(base64Encode(data)).toBe(Buffer.from(data).toString('base64'));
    }
  });

  it('reads RSA and P-256 public keys', () => {
    const key = parsePublicKey(pem(rsa.publicKey));
    expect(key.kind === 'rsa' && [key.size, key.exponent]).toEqual([256, 65537n]);
    expect(parsePublicKey(pem(ec.publicKey)).kind).toBe('ec-p256');
    const p384 = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(() => parsePublicKey(pem(p384))).toThrow('only the P-256 curve');
    expect(() => parsePublicKey('not a key')).toThrow(PublicKeyError);
  });

  it('accepts RSA PKCS#1 v1.5 signatures by node:crypto and refuses altered ones', () => {
    const signature = new Uint8Array(nodeCrypto.sign('sha256', image, rsa.privateKey));
    expect(verifyDigestSignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, signature)).toBe(true);
    const altered = signature.slice();
    altered[100] ^= 1;
    expect(verifyDigestSignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, altered)).toBe(false);
    const otherDigest = digest.slice();
    otherDigest[0] ^= 0x80;
    expect(verifyDigestSignature('rsa-pkcs1-sha256', pem(rsa.publicKey), otherDigest, signature)).toBe(false);
    expect(verifyDigestSignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest, signature.subarray(1))).toBe(false);
  });

  it('accepts ECDSA P-256 signatures (DER and raw) and refuses others', () => {
    const der = new Uint8Array(nodeCrypto.sign('sha256', image, ec.privateKey));
    const raw = new Uint8Array(nodeCrypto.sign('sha256', image, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(verifyDigestSignature('ecdsa-p256-sha256', pem(ec.publicKey), digest, der)).toBe(true);
    expect(verifyDigestSignature('ecdsa-p256-sha256', pem(ec.publicKey), digest, raw)).toBe(true);
    const altered = raw.slice();
    altered[10] ^= 1;
    expect(verifyDigestSignature('ecdsa-p256-sha256', pem(ec.publicKey), digest, altered)).toBe(false);
  });

  it('insists on a key that matches the algorithm and on a SHA-256 digest', () => {
    const signature = new Uint8Array(nodeCrypto.sign('sha256', image, rsa.privateKey));
    expect(() => verifyDigestSignature('ecdsa-p256-sha256', pem(rsa.publicKey), digest, signature)).toThrow('needs a P-256 key');
    expect(() => verifyDigestSignature('rsa-pkcs1-sha256', pem(ec.publicKey), digest, signature)).toThrow('needs an RSA key');
    expect(() => verifyDigestSignature('rsa-pkcs1-sha256', pem(rsa.publicKey), digest.subarray(1), signature)).toThrow(RangeError);
  });
});

describe('crypto port over the SDK Digest', () => {
  const crypto = createSdkCrypto((count) => new Uint8Array(count).fill(7));
  const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

  it('hashes like node:crypto, whole and streamed, from views into larger buffers', () => {
    const data = new Uint8Array(Buffer.from('0123456789abcdef'.repeat(10))).subarray(3, 150);
    expect(hex(crypto.sha256(data))).toBe(nodeCrypto.createHash('sha256').update(data).digest('hex'));
    const stream = crypto.createSha256();
    stream.update(data.subarray(0, 50));
    stream.update(data.subarray(50));
    expect(hex(stream.digest())).toBe(nodeCrypto.createHash('sha256').update(data).digest('hex'));
  });

  it('computes HMAC-SHA256 with short and long keys', () => {
    for (const key of [bytes('key'), new Uint8Array(100).fill(0xaa)]) {
      const data = bytes('The quick brown fox jumps over the lazy dog');
      expect(hex(crypto.hmacSha256(key, data))).toBe(nodeCrypto.createHmac('sha256', key).update(data).digest('hex'));
    }
  });

  it('derives PBKDF2-HMAC-SHA256 like node:crypto, for lengths within and beyond one block', () => {
    for (const [iterations, length] of [
      [1, 32],
      [1000, 20],
      [3, 48],
    ]) {
      const expected = nodeCrypto.pbkdf2Sync('passwd', 'salt', iterations, length, 'sha256').toString('hex');
      expect(hex(crypto.pbkdf2Sha256(bytes('passwd'), bytes('salt'), iterations, length))).toBe(expected);
    }
    expect(() => crypto.pbkdf2Sha256(bytes('p'), bytes('s'), 0, 32)).toThrow(RangeError);
  });

  it('takes random bytes from the host source', () => {
    expect(crypto.randomBytes(3)).toEqual(Uint8Array.of(7, 7, 7));
  });
});

describe('host settings from mc/config', () => {
  it('defaults to the board wiring', () => {
    expect(readHostSettings({})).toMatchObject({
      httpPort: 80,
      uart: { port: 1, transmit: 37, receive: 36, baud: 115200 },
      can: { transmit: 5, receive: 4, bitrate: 500000 },
      storeDomain: 'gw',
    });
  });

  it('refuses values the drivers would choke on, naming the setting', () => {
    expect(() => readHostSettings({ gateway: { uart: { port: 3 } } })).toThrow('config.gateway.uart.port must be an integer 0–2');
    expect(() => readHostSettings({ gateway: { can: { transmit: 37 } } })).toThrow('must all differ');
    expect(() => readHostSettings({ gateway: { storeDomain: 'a-domain-name-too-long' } })).toThrow(SettingsError);
    expect(() => readHostSettings({ gateway: { logLevel: 'loud' } })).toThrow('logLevel');
    expect(() => readHostSettings({ gateway: 5 })).toThrow('config.gateway must be an object');
  });

  it('adds UART2 for a second pack only when enabled, on its own port and pins', () => {
    expect(readHostSettings({ gateway: { uart2: { enabled: false, port: 2 } } }).uart2).toBeUndefined();
    expect(readHostSettings({ gateway: { uart2: { enabled: true } } }).uart2).toEqual({ port: 2, transmit: 17, receive: 18, baud: 115200 });
    expect(() => readHostSettings({ gateway: { uart2: { enabled: true, port: 1 } } })).toThrow('uart2.port must differ');
    expect(() => readHostSettings({ gateway: { uart2: { enabled: true, transmit: 5 } } })).toThrow('must all differ');
  });
});
