/**
 * Numeric fields of CAN frames: little-endian integers with a scale and an offset
 * (victron-can.md §2, §8 "Encoder pitfalls"). Values are rounded half away from zero, never
 * truncated, then clamped to the physical range the spec allows and to the integer's width.
 */
export class CanEncodeError extends Error {
  override name = 'CanEncodeError';
}

export interface FieldSpec {
  /** Gateway field name (gateway-api.md §Field names) the value is published under. */
  readonly name: string;
  readonly start: number;
  readonly bytes: 1 | 2 | 4;
  readonly signed: boolean;
  /** Raw units per physical unit: raw = round((value + offset) × scale). */
  readonly scale: number;
  readonly offset: number;
  /** Physical range the protocol allows (e.g. SOC 0–100 %, limits sent as positive). */
  readonly min?: number;
  readonly max?: number;
  /** Counters roll over instead of clamping (0x378 energy). */
  readonly overflow?: 'clamp' | 'wrap';
}

/** Half away from zero, so −0.05 A and +0.05 A scale symmetrically. */
export function roundHalfAway(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

/** 2 ** (8 × bytes), by width in bytes. */
const SPANS = [1, 0x100, 0x10000, 0x1000000, 0x100000000];

export function rawRange(spec: FieldSpec): [number, number] {
  const bits = spec.bytes * 8;
  return spec.signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

/** The integer written on the bus for `value`; throws CanEncodeError for NaN or ±Infinity. */
export function toRaw(spec: FieldSpec, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CanEncodeError(`${spec.name}: ${String(value)} is not a finite number`);
  }
  let physical = value;
  if (spec.min !== undefined && physical < spec.min) physical = spec.min;
  if (spec.max !== undefined && physical > spec.max) physical = spec.max;
  const raw = roundHalfAway((physical + spec.offset) * spec.scale);
  // rawRange without its array or `**`: this runs for every field of every frame, every second.
  const span = SPANS[spec.bytes];
  const low = spec.signed ? -span / 2 : 0;
  const high = low + span - 1;
  if (spec.overflow === 'wrap') {
    return ((((raw - low) % span) + span) % span) + low;
  }
  return Math.min(high, Math.max(low, raw));
}

/** Physical value of a raw integer, without binary noise (19.85, not 19.850000000000023). */
export function fromRaw(spec: FieldSpec, raw: number): number {
  return Math.round((raw / spec.scale - spec.offset) * 1e6) / 1e6;
}

/**
 * Writes the field little-endian into `data` with shifts: a Uint8Array element keeps the low 8 bits
 * of the number stored (two's complement for negatives, and `>>` keeps the sign), so this is the
 * DataView's setInt/Uint(…, true) without a DataView per frame (on V8 one over an on-heap array
 * moves its bytes off-heap).
 */
export function writeField(data: Uint8Array, spec: FieldSpec, value: number): void {
  const raw = toRaw(spec, value);
  const at = spec.start;
  data[at] = raw;
  if (spec.bytes === 1) return;
  data[at + 1] = raw >> 8;
  if (spec.bytes === 2) return;
  data[at + 2] = raw >> 16;
  data[at + 3] = raw >> 24;
}

/** The raw integer, or undefined when the frame is too short to hold the field (short DLC). */
export function readRaw(view: DataView, spec: FieldSpec): number | undefined {
  if (spec.start + spec.bytes > view.byteLength) return undefined;
  if (spec.bytes === 1) return spec.signed ? view.getInt8(spec.start) : view.getUint8(spec.start);
  if (spec.bytes === 2) return spec.signed ? view.getInt16(spec.start, true) : view.getUint16(spec.start, true);
  return spec.signed ? view.getInt32(spec.start, true) : view.getUint32(spec.start, true);
}

export function viewOf(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}
