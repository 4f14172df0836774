/**
 * KeyValueStore on a folder: one file per key. `put` writes a temp file, fsyncs it, renames it
 * over the old one and fsyncs the folder, so after a crash a key holds the old or the new value,
 * never a mix. Leftover temp files from a crash are never read and are swept at start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyValueStore } from '../ports/store';
import { utf8Encode } from '../../modules/util/utf8';

const VALUE_SUFFIX = '.value';
const TEMP_MARK = '.tmp-';
const MAX_KEY_LENGTH = 200;

export class StoreKeyError extends Error {
  override name = 'StoreKeyError';
}

export class StoreWriteError extends Error {
  override name = 'StoreWriteError';
}

/** Key → file name, injective: anything but [A-Za-z0-9_-] becomes %XX of its UTF-8 bytes. */
export function fileNameForKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new StoreKeyError('a store key is non-empty text');
  if (key.length > MAX_KEY_LENGTH) throw new StoreKeyError(`store key longer than ${MAX_KEY_LENGTH} characters`);
  let name = '';
  for (const byte of utf8Encode(key)) {
    const char = String.fromCharCode(byte);
    name += /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return name + VALUE_SUFFIX;
}

export interface FileKeyValueStoreOptions {
  /** Test hook: runs after the temp file is durable, before the rename; throwing here is a crash. */
  beforeRename?(tempPath: string): void;
}

export class FileKeyValueStore implements KeyValueStore {
  readonly directory: string;
  #options: FileKeyValueStoreOptions;
  #sequence = 0;

  constructor(directory: string, options: FileKeyValueStoreOptions = {}) {
    this.directory = path.resolve(directory);
    this.#options = options;
    fs.mkdirSync(this.directory, { recursive: true });
    this.#sweepTempFiles();
  }

  get(key: string): string | undefined {
    const file = path.join(this.directory, fileNameForKey(key));
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreWriteError(`reading store key "${key}" failed: ${(error as Error).message}`);
    }
  }

  put(key: string, value: string): void {
    if (typeof value !== 'string') throw new TypeError(`store values are strings, got ${typeof value}`);
    const file = path.join(this.directory, fileNameForKey(key));
    const temp = `${file}${TEMP_MARK}${process.pid}-${this.#sequence++}`;
    try {
      const fd = fs.openSync(temp, 'w', 0o600);
      try {
        fs.writeFileSync(fd, value, 'utf8');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      this.#options.beforeRename?.(temp);
      fs.renameSync(temp, file);
    } catch (error) {
      removeQuietly(temp);
      throw new StoreWriteError(`saving store key "${key}" failed, previous value kept: ${(error as Error).message}`);
    }
    this.#syncDirectory();
  }

  delete(key: string): void {
    try {
      fs.unlinkSync(path.join(this.directory, fileNameForKey(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreWriteError(`deleting store key "${key}" failed: ${(error as Error).message}`);
    }
    this.#syncDirectory();
  }

  /** Makes the rename itself durable; some filesystems refuse fsync on a folder, which is harmless. */
  #syncDirectory(): void {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.directory, 'r');
      fs.fsyncSync(fd);
    } catch {
      // Not supported here (e.g. some network filesystems): the rename is still atomic.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  #sweepTempFiles(): void {
    for (const name of fs.readdirSync(this.directory)) {
      if (name.includes(TEMP_MARK)) removeQuietly(path.join(this.directory, name));
    }
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone, or will be swept at the next start.
  }
}
