/**
 * Reads manifest.json and the project manifests it includes the way mcconfig resolves the parts
 * this project uses (tools/mcmanifest.js): one `platforms` entry per platform, paths relative to
 * the manifest that names them, `$(…)` paths belonging to the SDK, `dir/*` wildcards.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');

export interface Manifest {
  include?: string | string[];
  modules?: Record<string, string | string[]>;
  preload?: string | string[];
  data?: Record<string, string | string[]>;
  config?: Record<string, unknown>;
  creation?: Record<string, unknown>;
  build?: Record<string, string>;
  ffi?: { sources?: string[]; functions?: Record<string, { arguments: string[]; returns: string }> };
  typescript?: { tsconfig?: { compilerOptions?: Record<string, unknown> } };
  platforms?: Record<string, Manifest & { error?: string; dependency?: unknown[] }>;
}

/** One module entry: its specifier (or wildcard prefix) and where the files come from. */
export interface ModuleEntry {
  key: string;
  source: string;
  /** The manifest that lists it, relative to the repository. */
  listedIn: string;
  /** Absolute path for project sources; undefined for SDK paths ($(MODDABLE), $(MODULES)…). */
  path: string | undefined;
  wildcard: boolean;
}

export const SOURCE_EXTENSIONS = ['.ts', '.js', '.c'];

export function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function isSdkPath(source: string): boolean {
  return source.startsWith('$(');
}

function entriesOf(manifest: Manifest, file: string): ModuleEntry[] {
  const out: ModuleEntry[] = [];
  for (const [key, value] of Object.entries(manifest.modules ?? {})) {
    for (const source of asList(value)) {
      const wildcard = source.endsWith('/*');
      out.push({
        key,
        source,
        listedIn: relative(ROOT, file),
        path: isSdkPath(source) ? undefined : resolve(dirname(file), wildcard ? source.slice(0, -2) : source),
        wildcard,
      });
    }
  }
  return out;
}

/** The project manifests (not the SDK's) merged for `platform`, with the entry of each that applies. */
export function manifestsFor(platform: string): { file: string; manifest: Manifest }[] {
  const out: { file: string; manifest: Manifest }[] = [];
  const visit = (file: string) => {
    const manifest = readManifest(file);
    const platformEntry = manifest.platforms?.[platform] ?? manifest.platforms?.['...'];
    for (const include of [...asList(manifest.include), ...asList(platformEntry?.include)]) {
      if (!isSdkPath(include)) visit(resolve(dirname(file), include));
    }
    out.push({ file, manifest });
    if (platformEntry) out.push({ file, manifest: platformEntry });
  };
  visit(join(ROOT, 'manifest.json'));
  return out;
}

export function moduleEntries(platform: string): ModuleEntry[] {
  return manifestsFor(platform).flatMap(({ file, manifest }) => entriesOf(manifest, file));
}

/** Project source files an entry brings into the build (absolute paths). */
export function filesOf(entry: ModuleEntry): string[] {
  if (!entry.path) return [];
  if (entry.wildcard) {
    if (!existsSync(entry.path) || !statSync(entry.path).isDirectory()) return [];
    return readdirSync(entry.path)
      .filter((name) => SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts'))
      .map((name) => join(entry.path as string, name));
  }
  return SOURCE_EXTENSIONS.map((ext) => entry.path + ext).filter((candidate) => existsSync(candidate));
}

/**
 * The script modules (.ts/.js) listed for `platform`, each with the specifier XS knows it by, in
 * listing order: a wildcard key "dir/*" names each file "dir/<file name>", as mcconfig does.
 */
export function listedModules(platform: string): { specifier: string; file: string; listedIn: string }[] {
  return moduleEntries(platform).flatMap((entry) =>
    filesOf(entry)
      .filter((file) => !file.endsWith('.c'))
      .map((file) => ({
        specifier: entry.wildcard ? entry.key.replace(/\*$/, file.slice(file.lastIndexOf('/') + 1).replace(/\.[jt]s$/, '')) : entry.key,
        file,
        listedIn: entry.listedIn,
      })),
  );
}

/** Specifiers of the imports that survive compilation (type-only imports and exports are erased). */
export function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[5]) out.push(match[5]);
    else if (!match[2]) out.push(match[4]);
  }
  return out;
}

/**
 * The .ts file a relative specifier names as XS resolves it (xs/platforms/mc/xsHosts.c
 * fxFindModule: path arithmetic on the module name, a trailing .js dropped, no folder/index
 * lookup), or undefined.
 */
export function resolveRelative(from: string, specifier: string): string | undefined {
  const candidate = `${resolve(dirname(from), specifier.replace(/\.m?js$/, ''))}.ts`;
  return existsSync(candidate) ? candidate : undefined;
}

/** Module specifiers declared by the project's typings (`declare module '…'`). */
export function declaredModules(): Set<string> {
  const names = new Set<string>();
  for (const folder of ['typings/sdk', 'typings/project']) {
    for (const name of readdirSync(join(ROOT, folder)).filter((n) => n.endsWith('.d.ts'))) {
      const text = readFileSync(join(ROOT, folder, name), 'utf8');
      for (const match of text.matchAll(/declare module ['"]([^'"]+)['"]/g)) names.add(match[1]);
    }
  }
  return names;
}
