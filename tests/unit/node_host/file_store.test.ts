import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileStore } from '../../../hosts/ports/files';
import { FilePathError, MemoryFiles, FileFaultError } from '../../../hosts/mocks/memory_files';
import { FolderFileStore } from '../../../hosts/node/file_store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const BAD_PATHS = ['../outside.csv', 'history/../../outside.csv', '/etc/passwd', 'C:/x.csv', 'history\\x.csv', 'a\u0000b', '', 'history//x.csv', './x.csv', 'history/..'];

const implementations: [string, () => FileStore][] = [
  ['FolderFileStore', () => new FolderFileStore(path.join(dir, 'root'))],
  ['MemoryFiles', () => new MemoryFiles()],
];

describe.each(implementations)('%s (FileStore contract)', (_name, make) => {
  it('appends, reads, lists direct children and deletes', () => {
    const files = make();
    expect(files.read('history/2026-01-01.csv')).toBeUndefined();
    expect(files.list('history')).toEqual([]);
    files.append('history/2026-01-01.csv', 'timestamp,voltage\n');
    files.append('history/2026-01-01.csv', '1,53.1\n');
    files.append('history/2026-01-02.csv', 'é\n');
    files.append('history/deeper/x.csv', 'x');
    files.append('top.txt', 'top');
    expect(files.read('history/2026-01-01.csv')).toBe('timestamp,voltage\n1,53.1\n');
    const listed = files.list('history').sort((a, b) => a.name.localeCompare(b.name));
    expect(listed).toEqual([
      { name: '2026-01-01.csv', size: 25 },
      { name: '2026-01-02.csv', size: 3 },
    ]);
    expect(files.list('').map((f) => f.name)).toEqual(['top.txt']);
    files.delete('history/2026-01-01.csv');
    files.delete('history/2026-01-01.csv');
    expect(files.read('history/2026-01-01.csv')).toBeUndefined();
  });

  it.each(BAD_PATHS)('refuses the path %j with a FilePathError', (bad) => {
    const files = make();
    expect(() => files.append(bad, 'x')).toThrow(FilePathError);
    expect(() => files.read(bad)).toThrow(FilePathError);
    expect(() => files.delete(bad)).toThrow(FilePathError);
    if (bad !== '') expect(() => files.list(bad)).toThrow(FilePathError);
    expect(fs.existsSync(path.join(dir, 'outside.csv'))).toBe(false);
  });
});

describe('FolderFileStore specifics', () => {
  it('refuses to follow a link out of its root', () => {
    const root = path.join(dir, 'root');
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    const files = new FolderFileStore(root);
    fs.symlinkSync(outside, path.join(root, 'link'));
    expect(() => files.read('link/secret.txt')).toThrow(/outside the store/);
    expect(() => files.append('link/new.txt', 'x')).toThrow(/outside the store/);
    expect(() => files.list('link')).toThrow(/outside the store/);
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('reports free space and wraps I/O errors with the path', () => {
    const files = new FolderFileStore(path.join(dir, 'root'));
    expect(files.freeBytes()).toBeGreaterThan(0);
    files.append('history/a.csv', 'x');
    expect(() => files.read('history')).toThrow(/reading "history" failed/);
  });
});

describe('MemoryFiles fault hooks', () => {
  it('tears the next append: part of the text lands, then it throws', () => {
    const files = new MemoryFiles();
    files.append('h.csv', 'line1\n');
    files.failNextAppend('power cut', 3);
    expect(() => files.append('h.csv', 'line2\n')).toThrow(FileFaultError);
    expect(files.read('h.csv')).toBe('line1\nlin');
    files.append('h.csv', 'x');
    expect(files.read('h.csv')).toBe('line1\nlinx');
  });

  it('acts as a full disk past its byte capacity', () => {
    const files = new MemoryFiles({ capacityBytes: 10 });
    files.append('a', '12345678');
    expect(files.freeBytes()).toBe(2);
    expect(() => files.append('a', '€')).toThrow(/no space left/);
    expect(files.read('a')).toBe('12345678');
  });
});
