/**
 * ECDSA P-256 signature check over a given SHA-256 digest. node:crypto's verify always hashes
 * its input, and the OTA writer only has the digest of the streamed image, so the curve
 * arithmetic is done here with BigInt (affine coordinates: slow-ish, a few ms, run once per image).
 * Curve constants: SEC 2 / FIPS 186-4 secp256r1.
 */
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const A = P - 3n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

type Point = { x: bigint; y: bigint } | null;

const mod = (value: bigint, m: bigint) => ((value % m) + m) % m;

function inverse(value: bigint, m: bigint): bigint {
  let [low, high] = [mod(value, m), m];
  let [lowCoefficient, highCoefficient] = [1n, 0n];
  while (low > 1n) {
    const quotient = high / low;
    [low, high] = [high - quotient * low, low];
    [lowCoefficient, highCoefficient] = [highCoefficient - quotient * lowCoefficient, lowCoefficient];
  }
  return mod(lowCoefficient, m);
}

function add(p: Point, q: Point): Point {
  if (!p) return q;
  if (!q) return p;
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return null;
  const slope =
    p.x === q.x ? mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P) : mod((q.y - p.y) * inverse(q.x - p.x, P), P);
  const x = mod(slope * slope - p.x - q.x, P);
  return { x, y: mod(slope * (p.x - x) - p.y, P) };
}

function multiply(point: Point, scalar: bigint): Point {
  let result: Point = null;
  let addend = point;
  for (let k = scalar; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function isOnCurve(x: bigint, y: bigint): boolean {
  return x >= 0n && x < P && y >= 0n && y < P && mod(y * y - (x * x * x + A * x + B), P) === 0n;
}

/** r and s from a 64-byte IEEE P1363 signature or a DER SEQUENCE { INTEGER r, INTEGER s }. */
export function parseEcdsaSignature(signature: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (signature.length === 64) return { r: bytesToBigInt(signature.subarray(0, 32)), s: bytesToBigInt(signature.subarray(32)) };
  if (signature.length < 8 || signature[0] !== 0x30 || signature[1] !== signature.length - 2) return undefined;
  const integers: bigint[] = [];
  let at = 2;
  while (at < signature.length && integers.length < 2) {
    const length = signature[at + 1];
    if (signature[at] !== 0x02 || length === undefined || length === 0 || length > 33 || at + 2 + length > signature.length) return undefined;
    integers.push(bytesToBigInt(signature.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return integers.length === 2 && at === signature.length ? { r: integers[0], s: integers[1] } : undefined;
}

/** True when (r, s) is a valid signature of `digest` by the public point (x, y). */
export function verifyP256(x: bigint, y: bigint, digest: Uint8Array, signature: Uint8Array): boolean {
  const parsed = parseEcdsaSignature(signature);
  if (!parsed || !isOnCurve(x, y) || digest.length !== 32) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const w = inverse(s, N);
  const e = bytesToBigInt(digest);
  const point = add(multiply(G, mod(e * w, N)), multiply({ x, y }, mod(r * w, N)));
  return point !== null && mod(point.x, N) === r;
}
