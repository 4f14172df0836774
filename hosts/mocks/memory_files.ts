/**
 * In-memory FileStore with fault hooks (full disk, failing or torn appends) and read
 * instrumentation (largest ranged read, whole-file reads) for tests and the XS scenario, plus
 * the rules every FileStore shares: paths relative, '/'-separated, confined; ranges whole bytes.
 */
import type { FileInfo, FileStore } from '../ports/files';
import { utf8Encode, utf8Length } from '../../modules/util/utf8';

export class FilePathError extends Error {
  override name = 'FilePathError';
}

export class FileFaultError extends Error {
  override name = 'FileFaultError';
}

/**
 * Throws FilePathError unless `path` is a plain relative path: no '..' or '.' segments, no
 * leading '/', no drive letters or backslashes, no NUL, no empty segments. '' is the root (dirs only).
 */
export function checkRelativePath(path: string, allowRoot = false): string[] {
  if (typeof path !== 'string') throw new FilePathError('a path is text');
  if (path === '') {
    if (allowRoot) return [];
    throw new FilePathError('empty file path');
  }
  if (path.includes('\u0000')) throw new FilePathError(`path contains a NUL character: ${JSON.stringify(path)}`);
  if (path.includes('\\')) throw new FilePathError(`path uses "\\"; use "/": ${path}`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw new FilePathError(`absolute paths are refused: ${path}`);
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.') throw new FilePathError(`path leaves or names its folder ("${segment}"): ${path}`);
    if (segment === '') throw new FilePathError(`path has an empty segment: ${path}`);
  }
  return segments;
}

/** RangeError unless `offset` and `length` are non-negative whole numbers (a ranged read's arguments). */
export function checkByteRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`read offset must be a whole number of bytes >= 0, got ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`read length must be a whole number of bytes >= 0, got ${length}`);
}

/** A file's content kept twice: as text for `read` and as UTF-8 bytes for ranged reads. */
class MemoryFile {
  text = '';
  #bytes = new Uint8Array(64);
  #length = 0;

  get size(): number {
    return this.#length;
  }

  /** Bytes this mock holds in RAM for the file: the text (UTF-8 inside XS) and the byte buffer with its spare room. */
  get heldBytes(): number {
    return this.#length + this.#bytes.length;
  }

  append(text: string): void {
    const added = utf8Encode(text);
    if (this.#length + added.length > this.#bytes.length) {
      // Doubling keeps a day of one-line appends linear, not quadratic.
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + added.length));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(added, this.#length);
    this.#length += added.length;
    this.text += text;
  }

  /** A copy, as a real file read gives: the caller may keep or change it. */
  range(offset: number, length: number): Uint8Array {
    const start = Math.min(offset, this.#length);
    return this.#bytes.slice(start, Math.min(this.#length, start + length));
  }
}

export interface MemoryFilesOptions {
  /** Total UTF-8 bytes of all files; an append beyond it throws "no space left". */
  capacityBytes?: number;
}

export class MemoryFiles implements FileStore {
  #files = new Map<string, MemoryFile>();
  #capacity: number;
  #failNext: { message: string; keepChars: number } | undefined;
  #largestRangeRead = 0;
  #rangeBytes = 0;
  #wholeReads = 0;

  constructor(options: MemoryFilesOptions = {}) {
    this.#capacity = options.capacityBytes ?? Infinity;
  }

  /**
   * RAM the mock spends on file contents (each file twice, plus buffer room): what a measurement
   * of the gateway's heap subtracts, since on a device these bytes are in flash.
   */
  get fileCount(): number {
    return this.#files.size;
  }

  heldBytes(): number {
    let held = 0;
    for (const file of this.#files.values()) held += file.heldBytes;
    return held;
  }

  append(path: string, text: string): void {
    checkRelativePath(path);
    const fault = this.#failNext;
    if (fault) {
      this.#failNext = undefined;
      // A torn write: part of the text reached the medium before the failure.
      if (fault.keepChars > 0) this.#fileAt(path).append(text.slice(0, fault.keepChars));
      throw new FileFaultError(fault.message);
    }
    const free = this.#capacity - this.usedBytes();
    if (utf8Length(text) > free) throw new FileFaultError(`no space left: ${utf8Length(text)} bytes for "${path}", ${free} free`);
    this.#fileAt(path).append(text);
  }

  read(path: string): string | undefined {
    checkRelativePath(path);
    const file = this.#files.get(path);
    if (file) this.#wholeReads++;
    return file?.text;
  }

  readRange(path: string, offset: number, length: number): Uint8Array | undefined {
    checkRelativePath(path);
    checkByteRange(offset, length);
    const bytes = this.#files.get(path)?.range(offset, length);
    if (bytes) {
      this.#largestRangeRead = Math.max(this.#largestRangeRead, bytes.length);
      this.#rangeBytes += bytes.length;
    }
    return bytes;
  }

  size(path: string): number | undefined {
    checkRelativePath(path);
    return this.#files.get(path)?.size;
  }

  list(dir: string): FileInfo[] {
    const prefix = checkRelativePath(dir, true).join('/');
    const out: FileInfo[] = [];
    for (const [path, file] of this.#files) {
      const rest = prefix === '' ? path : path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
      if (rest !== undefined && !rest.includes('/')) out.push({ name: rest, size: file.size });
    }
    return out;
  }

  delete(path: string): void {
    checkRelativePath(path);
    this.#files.delete(path);
  }

  freeBytes(): number | undefined {
    return this.#capacity === Infinity ? undefined : this.#capacity - this.usedBytes();
  }

  /** The next append throws; with `keepChars` > 0 that many characters are written first (torn write). */
  failNextAppend(message = 'simulated write failure', keepChars = 0): void {
    this.#failNext = { message, keepChars };
  }

  setCapacity(bytes: number): void {
    this.#capacity = bytes;
  }

  usedBytes(): number {
    let total = 0;
    for (const file of this.#files.values()) total += file.size;
    return total;
  }

  /** The most bytes one `readRange` has returned so far. */
  largestRangeRead(): number {
    return this.#largestRangeRead;
  }

  /** Bytes all `readRange`s have returned together. */
  rangeBytesRead(): number {
    return this.#rangeBytes;
  }

  /** How many whole-file `read`s found a file. */
  wholeFileReads(): number {
    return this.#wholeReads;
  }

  resetReadStats(): void {
    this.#largestRangeRead = 0;
    this.#rangeBytes = 0;
    this.#wholeReads = 0;
  }

  #fileAt(path: string): MemoryFile {
    let file = this.#files.get(path);
    if (!file) {
      file = new MemoryFile();
      this.#files.set(path, file);
    }
    return file;
  }

  /** Every path held, for assertions. */
  paths(): string[] {
    return [...this.#files.keys()];
  }
}
