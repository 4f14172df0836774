/**
 * A KeyValueStore for stores with small values (ESP32 NVS through Preference: keys ≤ 15
 * characters, values ≤ 4000 bytes; ../shared/spec/moddable.md §9), keeping `put` atomic.
 *
 * Small values go straight through. A large value is written as chunks under the generation
 * ("a" or "b") the header does not point at, then the header is switched with one put: a crash
 * before the switch leaves the old value whole, after it the new one. The Node host does not
 * need this (one file per key, any size); the ESP32 host wraps its Preference store in it.
 */
import type { KeyValueStore } from '../../hosts/ports/store';
import { utf8Length } from '../util/utf8';

const HEADER_MARK = '\u0001chunked:';

export interface ChunkedStoreOptions {
  /** Largest value the inner store takes, in UTF-8 bytes. */
  maxValueBytes?: number;
  maxKeyLength?: number;
}

interface Header {
  generation: 'a' | 'b';
  count: number;
  length: number;
  checksum: number;
}

export class ChunkedValueError extends Error {
  override name = 'ChunkedValueError';
}

/** FNV-1a over UTF-16 units: cheap, enough to notice a chunk from the wrong write. */
function checksum(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function parseHeader(value: string): Header | undefined {
  const match = /^\u0001chunked:([ab]):(\d+):(\d+):(\d+)$/.exec(value);
  if (!match) return undefined;
  return { generation: match[1] as 'a' | 'b', count: Number(match[2]), length: Number(match[3]), checksum: Number(match[4]) };
}

export class ChunkedStore implements KeyValueStore {
  #inner: KeyValueStore;
  #maxBytes: number;
  #maxKey: number;

  constructor(inner: KeyValueStore, options: ChunkedStoreOptions = {}) {
    this.#inner = inner;
    this.#maxBytes = options.maxValueBytes ?? 3800;
    this.#maxKey = options.maxKeyLength ?? 15;
    if (this.#maxBytes < 16) throw new RangeError('maxValueBytes must be at least 16');
  }

  get(key: string): string | undefined {
    const stored = this.#inner.get(key);
    if (stored === undefined || !stored.startsWith(HEADER_MARK)) return stored;
    const header = parseHeader(stored);
    if (!header) throw new ChunkedValueError(`"${key}": unreadable chunk header`);
    let value = '';
    for (let i = 0; i < header.count; i++) {
      const chunk = this.#inner.get(this.#chunkKey(key, header.generation, i));
      if (chunk === undefined) throw new ChunkedValueError(`"${key}": chunk ${i + 1} of ${header.count} is missing`);
      value += chunk;
    }
    if (value.length !== header.length || checksum(value) !== header.checksum) {
      throw new ChunkedValueError(`"${key}": chunks do not match their header (damaged storage)`);
    }
    return value;
  }

  put(key: string, value: string): void {
    this.#checkKey(key, key);
    const previous = this.#header(key);
    // A small value that looks like a header must still be chunked, or it would be misread.
    if (utf8Length(value) <= this.#maxBytes && !value.startsWith(HEADER_MARK)) {
      this.#inner.put(key, value);
      if (previous) this.#deleteChunks(key, previous.generation, previous.count);
      return;
    }
    const generation = previous?.generation === 'a' ? 'b' : 'a';
    const chunks = this.#split(value);
    chunks.forEach((chunk, i) => this.#inner.put(this.#chunkKey(key, generation, i), chunk));
    this.#inner.put(key, `${HEADER_MARK}${generation}:${chunks.length}:${value.length}:${checksum(value)}`);
    if (previous) this.#deleteChunks(key, previous.generation, previous.count);
  }

  delete(key: string): void {
    const previous = this.#header(key);
    this.#inner.delete(key);
    if (previous) this.#deleteChunks(key, previous.generation, previous.count);
  }

  #header(key: string): Header | undefined {
    const stored = this.#inner.get(key);
    return stored === undefined ? undefined : parseHeader(stored);
  }

  #chunkKey(key: string, generation: 'a' | 'b', index: number): string {
    const chunkKey = `${key}~${generation}${index}`;
    this.#checkKey(chunkKey, key);
    return chunkKey;
  }

  #checkKey(candidate: string, key: string): void {
    if (candidate.length > this.#maxKey) {
      throw new RangeError(`store key "${key}" is too long: "${candidate}" exceeds ${this.#maxKey} characters`);
    }
  }

  /** Pieces of at most #maxBytes UTF-8 bytes, never splitting a surrogate pair. */
  #split(value: string): string[] {
    const chunks: string[] = [];
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      const isPair = unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
      const size = isPair ? 4 : unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
      if (bytes + size > this.#maxBytes) {
        chunks.push(value.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
      if (isPair) i++;
    }
    chunks.push(value.slice(start));
    return chunks;
  }

  /** Best effort: a leftover chunk wastes space but is never read (the header does not name it). */
  #deleteChunks(key: string, generation: 'a' | 'b', count: number): void {
    for (let i = 0; i < count; i++) {
      try {
        this.#inner.delete(this.#chunkKey(key, generation, i));
      } catch {
        // Ignored on purpose: see above.
      }
    }
  }
}
