/**
 * FileStore on the SDK's `file` module: LittleFS on the ESP32 (the `storage` partition), the
 * host's file system on the simulator. Paths are checked with the same rule every FileStore
 * uses; folders are created on first append. Whole-file and ranged reads are capped, because a
 * read larger than the XS chunk heap would abort the firmware instead of failing one request;
 * large files (history days) are read with `readRange` a few KB at a time.
 */
import { Directory, File, Iterator, System } from 'file';
import { checkByteRange, checkRelativePath } from '../../mocks/memory_files';
import type { FileInfo, FileStore } from '../../ports/files';

export class FileAccessError extends Error {
  override name = 'FileAccessError';
}

export interface SdkFileStoreOptions {
  /** Absolute folder ending in '/', e.g. config.file.root + "gw/". */
  root: string;
  /** Largest file `read` returns whole, and largest `readRange` (default 48 KB). */
  maxReadBytes?: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class SdkFileStore implements FileStore {
  readonly root: string;
  #maxReadBytes: number;
  #knownFolders = new Set<string>();

  constructor(options: SdkFileStoreOptions) {
    if (!options.root.endsWith('/')) throw new RangeError(`file store root must end with "/": ${options.root}`);
    this.root = options.root;
    this.#maxReadBytes = options.maxReadBytes ?? 48 * 1024;
    this.#ensureFolder(this.root.slice(0, -1));
  }

  append(path: string, text: string): void {
    const segments = checkRelativePath(path);
    for (let i = 1; i < segments.length; i++) this.#ensureFolder(this.root + segments.slice(0, i).join('/'));
    let file: File | undefined;
    try {
      file = new File(this.root + path, true);
      file.position = file.length;
      file.write(text);
    } catch (error) {
      throw new FileAccessError(`appending to "${path}" failed: ${message(error)}`);
    } finally {
      file?.close();
    }
  }

  read(path: string): string | undefined {
    return this.#withFile(path, 'reading', (file) => {
      if (file.length > this.#maxReadBytes) {
        throw new FileAccessError(`"${path}" has ${file.length} bytes, more than the ${this.#maxReadBytes} this device reads at once`);
      }
      return file.length === 0 ? '' : file.read(String);
    });
  }

  readRange(path: string, offset: number, length: number): Uint8Array | undefined {
    checkByteRange(offset, length);
    if (length > this.#maxReadBytes) throw new FileAccessError(`a read of ${length} bytes from "${path}" is more than the ${this.#maxReadBytes} this device reads at once`);
    return this.#withFile(path, `reading ${length} bytes at ${offset} of`, (file) => {
      const count = Math.max(0, Math.min(length, file.length - offset));
      if (count === 0) return new Uint8Array(0);
      file.position = offset;
      return new Uint8Array(file.read(ArrayBuffer, count));
    });
  }

  size(path: string): number | undefined {
    return this.#withFile(path, 'reading the size of', (file) => file.length);
  }

  list(dir: string): FileInfo[] {
    const segments = checkRelativePath(dir, true);
    const folder = this.root + segments.map((s) => `${s}/`).join('');
    let iterator: Iterator;
    try {
      iterator = new Iterator(folder);
    } catch {
      return []; // a folder nobody has written to yet
    }
    const out: FileInfo[] = [];
    for (let entry = iterator.next(); entry; entry = iterator.next()) {
      if (entry.length !== undefined) out.push({ name: entry.name, size: entry.length });
    }
    return out;
  }

  delete(path: string): void {
    checkRelativePath(path);
    const full = this.root + path;
    if (File.exists(full) && !File.delete(full)) throw new FileAccessError(`deleting "${path}" failed`);
  }

  freeBytes(): number | undefined {
    try {
      const info = System.info();
      return info.total - info.used;
    } catch {
      return undefined;
    }
  }

  /** Opens an existing file for reading, hands it to `use` and closes it; undefined when there is no such file. */
  #withFile<T>(path: string, doing: string, use: (file: File) => T): T | undefined {
    checkRelativePath(path);
    const full = this.root + path;
    if (!File.exists(full)) return undefined;
    let file: File | undefined;
    try {
      file = new File(full);
      return use(file);
    } catch (error) {
      if (error instanceof FileAccessError) throw error;
      throw new FileAccessError(`${doing} "${path}" failed: ${message(error)}`);
    } finally {
      file?.close();
    }
  }

  #ensureFolder(folder: string): void {
    if (folder === '' || this.#knownFolders.has(folder)) return;
    try {
      Directory.create(folder);
    } catch {
      // Already there (the SDK throws for an existing folder); a real failure shows on the write.
    }
    this.#knownFolders.add(folder);
  }
}
