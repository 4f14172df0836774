/**
 * In-memory FileStore with fault hooks (full disk, failing or torn appends) for tests and the
 * XS scenario, plus the path rule every FileStore shares: relative, '/'-separated, confined.
 */
import type { FileInfo, FileStore } from '../ports/files';
import { utf8Length } from '../../modules/util/utf8';

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

export interface MemoryFilesOptions {
  /** Total UTF-8 bytes of all files; an append beyond it throws "no space left". */
  capacityBytes?: number;
}

export class MemoryFiles implements FileStore {
  #files = new Map<string, string>();
  #capacity: number;
  #failNext: { message: string; keepChars: number } | undefined;

  constructor(options: MemoryFilesOptions = {}) {
    this.#capacity = options.capacityBytes ?? Infinity;
  }

  append(path: string, text: string): void {
    checkRelativePath(path);
    const old = this.#files.get(path) ?? '';
    const fault = this.#failNext;
    if (fault) {
      this.#failNext = undefined;
      // A torn write: part of the text reached the medium before the failure.
      if (fault.keepChars > 0) this.#files.set(path, old + text.slice(0, fault.keepChars));
      throw new FileFaultError(fault.message);
    }
    const free = this.#capacity - this.usedBytes();
    if (utf8Length(text) > free) throw new FileFaultError(`no space left: ${utf8Length(text)} bytes for "${path}", ${free} free`);
    this.#files.set(path, old + text);
  }

  read(path: string): string | undefined {
    checkRelativePath(path);
    return this.#files.get(path);
  }

  list(dir: string): FileInfo[] {
    const prefix = checkRelativePath(dir, true).join('/');
    const out: FileInfo[] = [];
    for (const [path, text] of this.#files) {
      const rest = prefix === '' ? path : path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
      if (rest !== undefined && !rest.includes('/')) out.push({ name: rest, size: utf8Length(text) });
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
    for (const text of this.#files.values()) total += utf8Length(text);
    return total;
  }

  /** Every path held, for assertions. */
  paths(): string[] {
    return [...this.#files.keys()];
  }
}
