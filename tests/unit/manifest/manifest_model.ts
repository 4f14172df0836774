/**
 * Reads manifest.json and the project manifests it includes the way mcconfig resolves the parts
 * this project uses (tools/mcmanifest.js): one `platforms` entry per platform, paths relative to
 * the manifest that names them, `$(…)` paths belonging to the SDK, `dir/*` wildcards, `"~"` exclusions.
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

/** The `modules` key whose sources mcconfig leaves out of the build (tools/mcmanifest.js Rule.process). */
export const EXCLUDE_KEY = '~';

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

/** The module entries of `platform` that bring files in (every key but "~"). */
export function moduleEntries(platform: string): ModuleEntry[] {
  return allEntries(platform).filter((entry) => entry.key !== EXCLUDE_KEY);
}

/** The "~" entries of `platform`: sources left out even where a wildcard entry matches them. */
export function exclusionEntries(platform: string): ModuleEntry[] {
  return allEntries(platform).filter((entry) => entry.key === EXCLUDE_KEY);
}

function allEntries(platform: string): ModuleEntry[] {
  return manifestsFor(platform).flatMap(({ file, manifest }) => entriesOf(manifest, file));
}

/**
 * Project files `platform` builds (absolute paths): its entries' files less the "~" ones —
 * mcconfig applies the combined "~" list first, whichever manifest or platform names it.
 */
export function builtFiles(platform: string): Set<string> {
  const excluded = new Set(exclusionEntries(platform).flatMap(filesOf));
  return new Set(moduleEntries(platform).flatMap(filesOf).filter((file) => !excluded.has(file)));
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
  const built = builtFiles(platform);
  return moduleEntries(platform).flatMap((entry) =>
    filesOf(entry)
      .filter((file) => !file.endsWith('.c') && built.has(file))
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

/** What a walk of the import graph from main.ts found for one platform. */
export interface Reach {
  /** Every project source file main.ts reaches through runtime imports (absolute paths). */
  files: Set<string>;
  /** Reached files the platform does not list (XS would fail to load them). */
  unlisted: string[];
  /** Imports that name neither a project file, a listed module nor a declared SDK module. */
  unknown: string[];
}

/**
 * Walks the runtime imports (type-only ones are erased) from main.ts the way XS resolves them on
 * `platform`: relative specifiers by path arithmetic, bare ones through the platform's module list
 * (so "gateway/host" leads to that platform's host), SDK modules by their declared typings.
 */
export function reachFrom(platform: string, entry = join(ROOT, 'main.ts')): Reach {
  const listed = builtFiles(platform);
  const bySpecifier = new Map(listedModules(platform).map((m) => [m.specifier, m.file]));
  const declared = declaredModules();
  const unlisted = new Set<string>();
  const unknown = new Set<string>();
  const files = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    if (!listed.has(file)) unlisted.add(relative(ROOT, file));
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target) queue.push(target);
        else unknown.add(`${relative(ROOT, file)} → ${specifier} (no such module file; XS does not look for folder/index)`);
      } else if (bySpecifier.has(specifier)) queue.push(bySpecifier.get(specifier) as string);
      else if (!declared.has(specifier)) unknown.add(`${relative(ROOT, file)} → ${specifier}`);
    }
  }
  return { files, unlisted: [...unlisted], unknown: [...unknown] };
}
