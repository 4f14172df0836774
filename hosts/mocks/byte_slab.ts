/**
 * Fresh byte arrays carved out of large shared buffers, for V8: there a typed array over 64 bytes
 * gets its own off-heap store, about 1 µs to make and to collect, where a view into an existing
 * buffer costs a few tens of ns (the mock UART passes ten 117-byte answers a second). Memory is
 * never handed out twice (a full slab is replaced, not reused), so every array taken stays the
 * caller's alone; a slab lives as long as any view into it. With `slabBytes` 0 every array is
 * made on its own (what XS and mcsim want: no slab held in their heap).
 */
export class ByteSlab {
  readonly #slabBytes: number;
  #slab: ArrayBuffer | undefined;
  #used = 0;

  constructor(slabBytes = 0) {
    this.#slabBytes = slabBytes > 0 ? slabBytes : 0;
  }

  /** `length` zeroed bytes of their own. */
  take(length: number): Uint8Array {
    if (length > this.#slabBytes / 4) return new Uint8Array(length);
    if (!this.#slab || this.#used + length > this.#slabBytes) {
      this.#slab = new ArrayBuffer(this.#slabBytes);
      this.#used = 0;
    }
    const bytes = new Uint8Array(this.#slab, this.#used, length);
    this.#used += length;
    return bytes;
  }

  /** A copy of `bytes` of its own. */
  copy(bytes: Uint8Array): Uint8Array {
    if (bytes.length > this.#slabBytes / 4) return bytes.slice();
    const out = this.take(bytes.length);
    out.set(bytes);
    return out;
  }
}
