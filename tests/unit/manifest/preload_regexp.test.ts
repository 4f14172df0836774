/**
 * Every core module is preloaded on Moddable, so anything built at module load lives in the
 * read-only preload image. A RegExp built there broke at run time in mcsim (a segfault in
 * RegExp.prototype.exec, docs/moddable.md), and a global one cannot even reset its lastIndex:
 * core modules make their RegExps per call, never at top level.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

function coreFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return coreFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level (unindented) statements that build a RegExp: a literal or `new RegExp`. */
export function moduleLevelRegExps(source: string): string[] {
  return source.split('\n').filter((line) => /^(export )?(const|let|var) [\w$]+(: \w+)? = (\/[^/*]|new RegExp\()/.test(line));
}

describe('preload: no RegExp built at module load in the core', () => {
  it('finds a module-level RegExp literal or constructor (negative control)', () => {
    expect(moduleLevelRegExps("const A = /^x$/;\nexport const B = new RegExp('y');\nconst c = (): RegExp => /z/;\n  const d = /w/;")).toEqual([
      'const A = /^x$/;',
      "export const B = new RegExp('y');",
    ]);
  });

  it('no module under modules/ builds one', () => {
    const offenders = coreFiles(join(ROOT, 'modules')).flatMap((file) => moduleLevelRegExps(readFileSync(file, 'utf8')).map((line) => `${file.slice(ROOT.length + 1)}: ${line}`));
    expect(offenders).toEqual([]);
  });
});
