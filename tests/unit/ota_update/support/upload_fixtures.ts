/**
 * Test material for OTA: key pairs made here (never the committed development key), images,
 * signatures from the project's signing tool, and multipart bodies built by hand.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signBytes } from '../../../../scripts/sign';

export interface TestKeys {
  privatePem: string;
  publicPem: string;
}

export function makeKeys(kind: 'rsa2048' | 'rsa4096' | 'p256'): TestKeys {
  const pair =
    kind === 'p256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: kind === 'rsa2048' ? 2048 : 4096 });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function randomImage(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

/** An ESP-IDF app image head carrying `version` and `securityVersion` in its app descriptor, padded with random bytes. */
export function espImage(version: string, size = 4096, securityVersion = 0): Uint8Array {
  const image = randomImage(size);
  image[0] = 0xe9;
  new DataView(image.buffer).setUint32(32, 0xabcd5432, true);
  new DataView(image.buffer).setUint32(36, securityVersion, true);
  image.fill(0, 48, 80);
  for (let i = 0; i < version.length; i++) image[48 + i] = version.charCodeAt(i);
  return image;
}

export function sign(image: Uint8Array, keys: TestKeys): Uint8Array {
  return signBytes(image, keys.privatePem).signature;
}

export interface Part {
  name: string;
  data: Uint8Array;
  filename?: string;
}

export const BOUNDARY = '----TinyBmsTestBoundary7MA4YWxkTrZu0gW';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

export function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** A multipart/form-data body as a browser would send it (optionally without the closing boundary). */
export function multipartBody(parts: Part[], options: { boundary?: string; close?: boolean; preamble?: string; epilogue?: string } = {}): Uint8Array {
  const boundary = options.boundary ?? BOUNDARY;
  const pieces: Uint8Array[] = [];
  if (options.preamble) pieces.push(ascii(`${options.preamble}\r\n`));
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    pieces.push(ascii(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\nContent-Type: application/octet-stream\r\n\r\n`));
    pieces.push(part.data);
    pieces.push(ascii('\r\n'));
  }
  if (options.close !== false) pieces.push(ascii(`--${boundary}--\r\n${options.epilogue ?? ''}`));
  return concat(pieces);
}

export const contentType = (boundary = BOUNDARY) => `multipart/form-data; boundary=${boundary}`;

/** The body in chunks of `size` bytes, as an async iterable (each chunk a fresh copy, like a socket's). */
export async function* chunked(body: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < body.length; at += size) yield body.slice(at, at + size);
}

export function firmwareUpload(image: Uint8Array, signature: Uint8Array, options: { signatureFirst?: boolean; chunkSize?: number } = {}) {
  const parts: Part[] = [
    { name: 'firmware', data: image, filename: 'gateway.bin' },
    { name: 'signature', data: signature, filename: 'gateway.bin.sig' },
  ];
  if (options.signatureFirst) parts.reverse();
  const body = multipartBody(parts);
  return { contentType: contentType(), contentLength: body.length, body: chunked(body, options.chunkSize ?? 16 * 1024), bytes: body };
}
