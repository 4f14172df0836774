import fc from 'fast-check';
import { float32FromBits, shortestFloat32 } from '../../../modules/uart_bms/words';

/** The definition: the fewest significant digits (toPrecision) that give back the same float32. */
function byToPrecision(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

describe('shortestFloat32 (integer rounding, no toPrecision loop)', () => {
  it('equals the toPrecision definition on every float32 bit pattern drawn', () => {
    const view = new DataView(new ArrayBuffer(4));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        view.setUint32(0, bits);
        const value = view.getFloat32(0);
        expect(Object.is(shortestFloat32(value), byToPrecision(value))).toBe(true);
      }),
      { numRuns: 200_000 },
    );
  });

  it('equals the definition at every power of two and its neighbours, and on short decimals and their neighbours (the search starts at 7 digits when 6 fail)', () => {
    const view = new DataView(new ArrayBuffer(4));
    const check = (bits: number) => {
      view.setUint32(0, bits >>> 0);
      const value = view.getFloat32(0);
      if (!Object.is(shortestFloat32(value), byToPrecision(value))) throw new Error(`0x${(bits >>> 0).toString(16)} (${value}): ${shortestFloat32(value)} ≠ ${byToPrecision(value)}`);
    };
    for (let exponent = 0; exponent < 255; exponent++) for (let m = 0; m < 4; m++) for (const sign of [0, 0x80000000]) {
      check(sign + (exponent << 23) + m);
      check(sign + (exponent << 23) + 0x7fffff - m);
    }
    for (let i = 1; i < 5000; i += 7) for (const scale of [1, 10, 100, 1000, 1e4, 1e5, 1e6]) {
      view.setFloat32(0, i / scale);
      const bits = view.getUint32(0);
      for (const d of [-1, 0, 1]) check(bits + d);
    }
  });

  it('gives the short decimals a BMS sends and keeps the float32 value', () => {
    for (const value of [55.78, 3.325, -12.5, 0.001, 1e-7, 100, 1000, 1e10, 3.4028234663852886e38, 1.401298464324817e-45, -0.1])
      expect(shortestFloat32(Math.fround(value))).toBe(byToPrecision(Math.fround(value)));
    expect(shortestFloat32(Math.fround(55.78))).toBe(55.78);
  });
});

describe('float32FromBits by arithmetic', () => {
  it('equals DataView.getFloat32 (then shortest) on every bit pattern drawn, NaN and -0 included', () => {
    const view = new DataView(new ArrayBuffer(4));
    const check = (bits: number) => {
      view.setUint32(0, bits >>> 0);
      expect(Object.is(float32FromBits(bits), shortestFloat32(view.getFloat32(0)))).toBe(true);
    };
    for (const bits of [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 1, 0x007fffff, 0x00800000, 0x425f1eb8]) check(bits);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => check(bits)), { numRuns: 100_000 });
  });
});
