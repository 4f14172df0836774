/// <reference path="../../../typings/sdk/file.d.ts" />
/**
 * The ranged read and size of every FileStore the history reads through: the memory mock, the
 * Node folder store (real files in a temp dir) and the Moddable store (SdkFileStore) over a
 * stand-in for the SDK's `file` module that follows its API on real files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FilePathError, MemoryFiles } from '../../../hosts/mocks/memory_files';
import { FolderFileStore } from '../../../hosts/node/file_store';
import type { FileStore } from '../../../hosts/ports/files';

jest.mock(
  'file',
  () => {
    const nodeFs = jest.requireActual<typeof import('node:fs')>('node:fs');
    // The SDK's File: opened by path, `position` moves with reads, read(ArrayBuffer, n) reads n bytes there.
    class File {
      position = 0;
      #fd: number;
      constructor(filePath: string, write = false) {
        this.#fd = nodeFs.openSync(filePath, write ? 'a+' : 'r');
      }
      get length(): number {
        return nodeFs.fstatSync(this.#fd).size;
      }
      read(type: unknown, bytes?: number): ArrayBuffer | string {
        const count = bytes ?? this.length - this.position;
        if (this.position + count > this.length) throw new Error('read past end of file');
        const out = Buffer.alloc(count);
        nodeFs.readSync(this.#fd, out, 0, count, this.position);
        this.position += count;
        return type === String ? out.toString('utf8') : out.buffer.slice(out.byteOffset, out.byteOffset + count);
      }
      write(value: string): void {
        nodeFs.writeSync(this.#fd, value);
      }
      close(): void {
        nodeFs.closeSync(this.#fd);
      }
      static exists(filePath: string): boolean {
        return nodeFs.existsSync(filePath);
      }
      static delete(filePath: string): boolean {
        nodeFs.unlinkSync(filePath);
        return true;
      }
    }
    class Directory {
      static create(folder: string): void {
        nodeFs.mkdirSync(folder);
      }
    }
    return { File, Directory, Iterator: class {}, System: { info: () => ({ used: 0, total: 1 << 20 }) } };
  },
  { virtual: true },
);

// After the mock: files.ts imports 'file'.
import { FileAccessError, SdkFileStore } from '../../../hosts/esp32/moddable/files';

const TEXT = 'timestamp,voltage\n2026-03-01T00:00:05.000Z,53.100\nnote: 3 °C\n';
const BYTES = new Uint8Array(Buffer.from(TEXT, 'utf8'));

const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-ranges-'));
  temporaryDirs.push(dir);
  return dir;
}

const stores: [string, () => FileStore][] = [
  ['MemoryFiles', () => new MemoryFiles()],
  ['FolderFileStore', () => new FolderFileStore(tempDir())],
  ['SdkFileStore', () => new SdkFileStore({ root: `${tempDir()}/` })],
];

describe.each(stores)('%s ranged reads', (_name, create) => {
  let files: FileStore;
  beforeEach(() => {
    files = create();
    files.append('history/day.csv', TEXT);
  });

  it('reads any byte range, shorter at the end and empty past it', () => {
    expect(files.size('history/day.csv')).toBe(BYTES.length);
    expect(files.readRange('history/day.csv', 0, 9)).toEqual(BYTES.subarray(0, 9));
    expect(files.readRange('history/day.csv', 18, 4096)).toEqual(BYTES.subarray(18));
    expect(files.readRange('history/day.csv', BYTES.length, 10)).toEqual(new Uint8Array(0));
    expect(files.readRange('history/day.csv', BYTES.length + 5, 10)).toEqual(new Uint8Array(0));
    expect(files.readRange('history/day.csv', 3, 0)).toEqual(new Uint8Array(0));
  });

  it('splits a multi-byte character where the range says: bytes, not text', () => {
    const degree = BYTES.indexOf(0xc2);
    expect(files.readRange('history/day.csv', degree, 1)).toEqual(new Uint8Array([0xc2]));
    expect(files.readRange('history/day.csv', degree + 1, 1)).toEqual(new Uint8Array([0xb0]));
  });

  it('every piece read in turn gives the file back', () => {
    for (const step of [1, 7, 64]) {
      const pieces: number[] = [];
      for (let at = 0; at < BYTES.length; at += step) pieces.push(...files.readRange('history/day.csv', at, step)!);
      expect(new Uint8Array(pieces)).toEqual(BYTES);
    }
  });

  it('says undefined for a missing file and refuses bad ranges and paths', () => {
    expect(files.size('history/none.csv')).toBeUndefined();
    expect(files.readRange('history/none.csv', 0, 10)).toBeUndefined();
    for (const [offset, length] of [[-1, 10], [0, -1], [1.5, 10], [0, Number.NaN]]) {
      expect(() => files.readRange('history/day.csv', offset, length)).toThrow(RangeError);
    }
    expect(() => files.readRange('../day.csv', 0, 10)).toThrow(FilePathError);
    expect(() => files.size('/etc/passwd')).toThrow(FilePathError);
  });

  it('sees appends in size and ranges', () => {
    files.append('history/day.csv', 'more\n');
    expect(files.size('history/day.csv')).toBe(BYTES.length + 5);
    expect(Buffer.from(files.readRange('history/day.csv', BYTES.length, 100)!).toString()).toBe('more\n');
  });
});

describe('SdkFileStore limits', () => {
  it('refuses a ranged read larger than its cap with a clear error, reads within it', () => {
    const files = new SdkFileStore({ root: `${tempDir()}/`, maxReadBytes: 16 });
    files.append('big.csv', 'x'.repeat(100));
    expect(() => files.readRange('big.csv', 0, 17)).toThrow(FileAccessError);
    expect(() => files.readRange('big.csv', 0, 17)).toThrow(/17 bytes .* more than the 16/);
    expect(files.readRange('big.csv', 90, 16)).toEqual(new Uint8Array(10).fill(0x78));
    expect(() => files.read('big.csv')).toThrow(/100 bytes, more than the 16/);
  });
});

describe('FolderFileStore errors', () => {
  it('names the file and the range when a read fails', () => {
    const dir = tempDir();
    const files = new FolderFileStore(dir);
    fs.mkdirSync(path.join(dir, 'history', 'folder.csv'), { recursive: true });
    expect(() => files.readRange('history/folder.csv', 0, 10)).toThrow(/reading 10 bytes at 0 of "history\/folder.csv" failed/);
    expect(() => files.size('history/folder.csv')).toThrow(/not a file/);
  });
});
