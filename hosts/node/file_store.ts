/**
 * FileStore on a folder (history files on Node). Every path is checked by the shared rule
 * (relative, no '..', no NUL) and must resolve inside the root, also through symbolic links.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileInfo, FileStore } from '../ports/files';
import { checkByteRange, checkRelativePath, FilePathError } from '../mocks/memory_files';

export class FileStoreError extends Error {
  override name = 'FileStoreError';
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

export class FolderFileStore implements FileStore {
  readonly root: string;

  constructor(root: string) {
    fs.mkdirSync(root, { recursive: true });
    this.root = fs.realpathSync(root);
  }

  append(file: string, text: string): void {
    const full = this.#resolve(file);
    try {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      this.#confine(path.dirname(full), file);
      // Durable when append returns (the history flush policy counts on it): write, fsync, close.
      const fd = fs.openSync(full, 'a');
      try {
        fs.writeFileSync(fd, text, 'utf8');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      if (error instanceof FilePathError) throw error;
      throw new FileStoreError(`appending to "${file}" failed: ${(error as Error).message}`, codeOf(error));
    }
  }

  read(file: string): string | undefined {
    const full = this.#resolve(file);
    try {
      this.#confine(full, file);
      return fs.readFileSync(full, 'utf8');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      if (error instanceof FilePathError) throw error;
      throw new FileStoreError(`reading "${file}" failed: ${(error as Error).message}`, codeOf(error));
    }
  }

  readRange(file: string, offset: number, length: number): Uint8Array | undefined {
    const full = this.#resolve(file);
    checkByteRange(offset, length);
    let fd: number | undefined;
    try {
      this.#confine(full, file);
      fd = fs.openSync(full, 'r');
      const size = fs.fstatSync(fd).size;
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let filled = 0;
      // readSync may return less than asked: read on until the range is filled or the file ends.
      while (filled < out.length) {
        const got = fs.readSync(fd, out, filled, out.length - filled, offset + filled);
        if (got === 0) break;
        filled += got;
      }
      return filled === out.length ? out : out.slice(0, filled);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      if (error instanceof FilePathError) throw error;
      throw new FileStoreError(`reading ${length} bytes at ${offset} of "${file}" failed: ${(error as Error).message}`, codeOf(error));
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  size(file: string): number | undefined {
    const full = this.#resolve(file);
    try {
      this.#confine(full, file);
      const stats = fs.statSync(full);
      if (!stats.isFile()) throw new FileStoreError(`"${file}" is not a file`, 'EISDIR');
      return stats.size;
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      if (error instanceof FilePathError || error instanceof FileStoreError) throw error;
      throw new FileStoreError(`reading the size of "${file}" failed: ${(error as Error).message}`, codeOf(error));
    }
  }

  list(dir: string): FileInfo[] {
    const full = path.join(this.root, ...checkRelativePath(dir, true));
    let entries: fs.Dirent[];
    try {
      this.#confine(full, dir);
      entries = fs.readdirSync(full, { withFileTypes: true });
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return [];
      if (error instanceof FilePathError) throw error;
      throw new FileStoreError(`listing "${dir}" failed: ${(error as Error).message}`, codeOf(error));
    }
    return entries.filter((entry) => entry.isFile()).map((entry) => ({ name: entry.name, size: fs.statSync(path.join(full, entry.name)).size }));
  }

  delete(file: string): void {
    const full = this.#resolve(file);
    try {
      fs.unlinkSync(full);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw new FileStoreError(`deleting "${file}" failed: ${(error as Error).message}`, codeOf(error));
    }
  }

  freeBytes(): number | undefined {
    try {
      const stats = fs.statfsSync(this.root);
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  }

  #resolve(file: string): string {
    const full = path.join(this.root, ...checkRelativePath(file));
    if (!full.startsWith(this.root + path.sep)) throw new FilePathError(`path leaves the store: ${file}`);
    return full;
  }

  /** Refuses a path whose real location (after links) is outside the root. Missing paths pass. */
  #confine(full: string, original: string): void {
    let real: string;
    try {
      real = fs.realpathSync(full);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return;
      throw error;
    }
    if (real !== this.root && !real.startsWith(this.root + path.sep)) throw new FilePathError(`path leads outside the store through a link: ${original}`);
  }
}
