/**
 * Builds the web UI (web/) into build/web/: index.html, app.js, app.css, favicon.svg, each also
 * gzipped, plus manifest.json (file → size, gzip size, ETag, content type) that the HTTP binding
 * loads. Fails when everything the first page loads exceeds the 100 KB gzip budget.
 *
 *   npx tsx scripts/build-web.ts            build
 *   npx tsx scripts/build-web.ts --if-stale build only when an input changed since the last build
 *
 * Other scripts call ensureWebBuilt() (npm start, browser tests).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The repository root: the nearest folder above the working directory holding this project's package.json. */
function findRoot(): string {
  let dir = process.cwd();
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tinybms-gw') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('build-web: run from inside the tinybms-gw repository');
    dir = parent;
  }
}

// Found from the working directory, not import.meta, so jest (CommonJS) can import this file too.
const ROOT = findRoot();
const WEB = join(ROOT, 'web');
export const WEB_BUILD_DIR = join(ROOT, 'build', 'web');
export const MANIFEST_NAME = 'manifest.json';
/** Everything the first page loads, gzipped. */
export const GZIP_BUDGET_BYTES = 100 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  json: 'application/json',
};

export interface WebAsset {
  size: number;
  gzip: number;
  /** Strong ETag, quoted, from the content hash. */
  etag: string;
  content_type: string;
  /** Name of the gzipped copy beside it. */
  gzip_file: string;
}

export interface WebManifest {
  built_at: string;
  /** Sum of the gzipped sizes of every asset (all are loaded by the first page). */
  total_gzip: number;
  budget_gzip: number;
  files: Record<string, WebAsset>;
  /** Source file (relative to the repository) → sha256, to decide whether a rebuild is needed. */
  inputs: Record<string, string>;
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function contentType(name: string): string {
  return CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

function hashInputs(paths: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of [...paths].sort()) out[path] = sha256(readFileSync(join(ROOT, path)));
  return out;
}

/** Files copied as they are (no bundling). */
const STATIC_FILES = ['index.html', 'favicon.svg'];

export interface BuildOptions {
  quiet?: boolean;
  /** Where the build goes (build/web unless told otherwise, e.g. by a test). */
  outDir?: string;
}

/**
 * Bundles, gzips and writes the UI and its manifest. The files are written to a fresh folder
 * beside `outDir` and moved into place only when the build is complete and within budget, so a
 * reader never sees half a build and an over-budget build is never served.
 */
export async function buildWeb(options: BuildOptions = {}): Promise<WebManifest> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const outDir = options.outDir ?? WEB_BUILD_DIR;
  mkdirSync(dirname(outDir), { recursive: true });
  const staging = mkdtempSync(`${outDir}.building-`);
  try {
    const manifest = await buildInto(staging, log);
    log(`web UI: ${(manifest.total_gzip / 1024).toFixed(1)} KB gzipped of ${GZIP_BUDGET_BYTES / 1024} KB budget → ${relative(ROOT, outDir)}/`);
    if (manifest.total_gzip > GZIP_BUDGET_BYTES) {
      throw new Error(`web UI is ${manifest.total_gzip} bytes gzipped, over the ${GZIP_BUDGET_BYTES} byte budget`);
    }
    rmSync(outDir, { recursive: true, force: true });
    try {
      renameSync(staging, outDir);
    } catch (error) {
      // Another process (a parallel test worker) put a build there first: a current one will do.
      if (webBuildStaleness(outDir) !== null) throw error;
    }
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(dir: string, log: (line: string) => void): Promise<WebManifest> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: join(WEB, 'src', 'main.tsx') },
    outdir: dir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });

  const outputs = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) outputs.set(relative(dir, file.path), file.contents);
  for (const name of STATIC_FILES) outputs.set(name, readFileSync(join(WEB, name)));

  const files: Record<string, WebAsset> = {};
  let total = 0;
  for (const [name, contents] of [...outputs].sort(([a], [b]) => a.localeCompare(b))) {
    const gz = gzipSync(contents, { level: 9 });
    writeFileSync(join(dir, name), contents);
    writeFileSync(join(dir, `${name}.gz`), gz);
    files[name] = {
      size: contents.length,
      gzip: gz.length,
      etag: `"${sha256(contents).slice(0, 20)}"`,
      content_type: contentType(name),
      gzip_file: `${name}.gz`,
    };
    total += gz.length;
    log(`  ${name.padEnd(14)} ${String(contents.length).padStart(8)} B  gzip ${String(gz.length).padStart(7)} B`);
  }

  const inputPaths = [...Object.keys(result.metafile.inputs), ...STATIC_FILES.map((name) => relative(ROOT, join(WEB, name))), 'scripts/build-web.ts'];
  const manifest: WebManifest = {
    built_at: new Date().toISOString(),
    total_gzip: total,
    budget_gzip: GZIP_BUDGET_BYTES,
    files,
    inputs: hashInputs(inputPaths),
  };
  writeFileSync(join(dir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Why the build in `dir` is missing or out of date, or null when it is current. */
export function webBuildStaleness(dir = WEB_BUILD_DIR): string | null {
  const manifestPath = join(dir, MANIFEST_NAME);
  if (!existsSync(manifestPath)) return `no ${MANIFEST_NAME}`;
  let manifest: WebManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WebManifest;
  } catch {
    return 'unreadable manifest';
  }
  for (const name of Object.keys(manifest.files ?? {})) {
    if (!existsSync(join(dir, name)) || !existsSync(join(dir, `${name}.gz`))) return `${name} missing`;
  }
  const inputs = manifest.inputs ?? {};
  if (Object.keys(inputs).length === 0) return 'manifest lists no inputs';
  for (const [path, hash] of Object.entries(inputs)) {
    const full = join(ROOT, path);
    if (!existsSync(full) || sha256(readFileSync(full)) !== hash) return `${path} changed`;
  }
  // A new file under web/ that nothing imports yet does not change the bundle; a new import changes an input.
  return null;
}

/** Builds when the build is missing or any of its inputs changed; returns the manifest. */
export async function ensureWebBuilt(options: BuildOptions = {}): Promise<WebManifest> {
  const dir = options.outDir ?? WEB_BUILD_DIR;
  const reason = webBuildStaleness(dir);
  if (reason === null) return JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')) as WebManifest;
  if (!options.quiet) console.log(`building web UI (${reason})`);
  return buildWeb(options);
}

const invokedDirectly = /build-web\.ts$/.test(process.argv[1] ?? '');
if (invokedDirectly) {
  const task = process.argv.includes('--if-stale') ? ensureWebBuilt() : buildWeb();
  task.catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
