/**
 * 16-bit register word helpers. TinyBMS keeps 32-bit values (UINT32, FLOAT) in two registers
 * with the low word at the lower address (spec tinybms-uart.md §1, CLARK capture).
 */

/** Word (0..65535) read as a signed 16-bit value. */
export function toInt16(word: number): number {
  return (word & 0x8000) !== 0 ? (word & 0xffff) - 0x10000 : word & 0xffff;
}

/** Signed or unsigned 16-bit value as the word that carries it. */
export function toWord(value: number): number {
  return value & 0xffff;
}

export function wordsToUint32(low: number, high: number): number {
  return ((high & 0xffff) * 0x10000) + (low & 0xffff);
}

export function uint32ToWords(value: number): [low: number, high: number] {
  return [value & 0xffff, Math.floor(value / 0x10000) & 0xffff];
}

/**
 * The shortest decimal that is the same float32 (0x425F1EB8 → 55.78, not 55.779998779…), so
 * decoded floats read as the BMS meant them and encode back to the same bits.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const single = Math.fround(value);
  const magnitude = single < 0 ? -single : single;
  // Decimal exponent of the leading digit, corrected where log10 lands a hair off a power of ten.
  let exponent = Math.floor(Math.log10(magnitude));
  if (magnitude >= 10 ** (exponent + 1)) exponent++;
  else if (magnitude < 10 ** exponent) exponent--;
  // Round to 1, 2, … significant digits with integer arithmetic (no toPrecision strings, which
  // cost XS an allocation and a parse per try) and keep the first that is the same float32.
  // A measured float (a pack voltage) mostly needs 7–8 digits, so 6 are tried first: when they do
  // not give it back, fewer cannot either. A shorter decimal that did would lie within half a
  // float32 step (< 6e-8 of the value) of it, far less than half the 6-digit spacing (≥ 5e-7),
  // so it would be the 6-digit rounding itself. The search then goes on from 7.
  let digits = 1;
  if (Math.fround(roundToDigits(magnitude, 6, exponent)) !== magnitude) digits = 7;
  for (; digits <= 9; digits++) {
    const candidate = roundToDigits(magnitude, digits, exponent);
    if (Math.fround(candidate) === magnitude) return single < 0 ? -candidate : candidate;
  }
  return single;
}

/** `magnitude` (> 0, leading digit at 10^exponent) rounded to `digits` significant digits. */
function roundToDigits(magnitude: number, digits: number, exponent: number): number {
  // Powers of ten from a table (exact literals): two exponentiations per try cost XS more.
  const places = digits - 1 - exponent;
  if (places >= 0 && places <= 22) {
    const scale = POWERS_OF_TEN[places];
    return Math.round(magnitude * scale) / scale;
  }
  if (places < 0 && places >= -22) {
    const scale = POWERS_OF_TEN[-places];
    return Math.round(magnitude / scale) * scale;
  }
  return Number(magnitude.toPrecision(digits));
}

/** 10^0 … 10^22: every one exact in a double. */
const POWERS_OF_TEN: readonly number[] = Object.freeze([1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]);

/** 2^(e − 127) for every float32 exponent field e, exact: a lookup where `**` is a pow() call on V8 (two floats a poll). */
const POWERS_OF_TWO = new Float64Array(256).map((_, e) => 2 ** (e - 127));

/** IEEE 754 single from its bits, by arithmetic (exact in a double; no shared scratch buffer, which preload would put in flash). */
export function float32FromBits(bits: number): number {
  const word = bits >>> 0;
  const sign = word >>> 31 ? -1 : 1;
  const exponent = (word >>> 23) & 0xff;
  const fraction = word & 0x7fffff;
  if (exponent === 0xff) return fraction ? NaN : sign * Infinity;
  const value = exponent === 0 ? sign * fraction * 2 ** -149 : sign * (1 + fraction / 0x800000) * POWERS_OF_TWO[exponent];
  return shortestFloat32(value);
}

/** Only on writes (settings), so a buffer per call is fine. */
export function float32ToBits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0);
}

export function wordsToFloat32(low: number, high: number): number {
  return float32FromBits(wordsToUint32(low, high));
}

export function float32ToWords(value: number): [low: number, high: number] {
  return uint32ToWords(float32ToBits(value));
}

/** Rounds to `decimals` places (display values such as power). */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
