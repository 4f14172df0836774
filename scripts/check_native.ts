/**
 * `scripts/moddable.ts check-native`: does every `#include` of hosts/esp32/**\/*.c resolve with the
 * include list mcconfig compiles native code with? The list is the one make computes from the
 * SDK's tools/mcconfig/make.esp32.mk (C_INCLUDES, plus the board's C_FLAGS_SUBPLATFORM and the
 * folders of the project's C files, as mcconfig's generated makefile adds them); each source is
 * then run through `gcc -M -MG`, which lists a header it cannot find by its bare name.
 *
 * Headers the build generates (sdkconfig.h, mc.xs.h, mc.defines.h) are stand-ins written to a
 * temporary folder. Without the ESP toolchain on PATH the host gcc is used; the toolchain's own
 * C library headers (newlib: sys/reent.h …) are then missing for every ESP32 source, so misses
 * that the SDK's own reference source has too are reported as "toolchain", not as failures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';

export interface NativeCheckOptions {
  root: string;
  idfPath: string;
  moddable: string;
  /** Board build settings (ESP32_SUBCLASS, C_FLAGS_SUBPLATFORM) from hosts/esp32/board/manifest.json. */
  board: { subclass: string; cFlags: string };
  /** sdkconfig.defaults texts, SDK's first, merged into the sdkconfig.h stand-in. */
  sdkconfigDefaults: string[];
  /** Compiler; the ESP toolchain's when on PATH, else the host gcc. */
  compiler?: string;
  /** SDK source whose misses count as toolchain headers when the compiler is not the ESP one. */
  referenceSource?: string;
}

export interface SourceCheck {
  source: string;
  missing: string[];
  /** Misses the reference SDK source shares (C library of the ESP toolchain). */
  toolchain: string[];
}

export interface NativeCheckResult {
  compiler: string;
  includeDirs: string[];
  sources: SourceCheck[];
  ok: boolean;
}

export const REFERENCE_SOURCE = 'modules/io/update/esp32/update-esp32.c';

/** Every .c file under `dir`, sorted. */
export function findCSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findCSources(path));
    else if (entry.name.endsWith('.c')) out.push(path);
  }
  return out.sort();
}

/**
 * An sdkconfig.h stand-in from sdkconfig.defaults lines (later files win), plus the few Kconfig
 * defaults FreeRTOS's headers insist on (#error without them) and the target's name.
 */
export function sdkconfigStandIn(defaults: string[], subclass: string): string {
  const values = new Map<string, string>([
    [`CONFIG_IDF_TARGET_${subclass.toUpperCase()}`, '1'],
    ['CONFIG_IDF_TARGET', JSON.stringify(subclass)],
    ['CONFIG_FREERTOS_NUMBER_OF_CORES', '2'],
    ['CONFIG_FREERTOS_MAX_TASK_NAME_LEN', '16'],
    ['CONFIG_FREERTOS_TASK_NOTIFICATION_ARRAY_ENTRIES', '1'],
  ]);
  for (const text of defaults) {
    for (const line of text.split('\n')) {
      const match = /^\s*(CONFIG_\w+)=(.*)$/.exec(line);
      if (!match) continue;
      const [, key, raw] = match;
      if (raw === 'n' || raw === '') values.delete(key);
      else values.set(key, raw === 'y' ? '1' : raw);
    }
  }
  return ['/* check-native stand-in: sdkconfig.defaults only, not the Kconfig-resolved file */', ...[...values].map(([k, v]) => `#define ${k} ${v}`), ''].join('\n');
}

/** Headers gcc -M -MG could not find: the dependencies it lists by a bare, relative name. */
export function missingFromDeps(depOutput: string, source: string): string[] {
  const body = depOutput.replace(/\\\n/g, ' ');
  const colon = body.indexOf(': ');
  const names = (colon >= 0 ? body.slice(colon + 2) : body).split(/\s+/).filter(Boolean);
  return [...new Set(names.filter((name) => name !== source && !isAbsolute(name)))].sort();
}

/** The -I list make computes from the SDK's make.esp32.mk for this board. */
export function mcconfigIncludeDirs(options: NativeCheckOptions, tmp: string): string[] {
  const wrapper = join(tmp, 'print-includes.mk');
  writeFileSync(wrapper, 'print-includes:\n\t@echo $(C_INCLUDES) $(C_FLAGS_SUBPLATFORM)\ninclude $(MODDABLE)/tools/mcconfig/make.esp32.mk\n');
  const make = spawnSync(
    'make',
    [
      '-s',
      '-f',
      wrapper,
      'print-includes',
      `MODDABLE=${options.moddable}`,
      `IDF_PATH=${options.idfPath}`,
      // make.esp32.mk asks git for the IDF version; the value does not change the include list.
      'IDF_VERSION=check-native',
      `ESP32_SUBCLASS=${options.board.subclass}`,
      `TMP_DIR=${tmp}`,
      `XS_DIR=${join(options.moddable, 'xs')}`,
      `BUILD_DIR=${join(tmp, 'build')}`,
      `C_FLAGS_SUBPLATFORM=${options.board.cFlags}`,
    ],
    { encoding: 'utf8' },
  );
  if (make.status !== 0) throw new Error(`make could not evaluate make.esp32.mk: ${make.stderr || make.error?.message}`);
  return make.stdout
    .split(/\s+/)
    .filter((flag) => flag.startsWith('-I'))
    .map((flag) => flag.slice(2));
}

function dependencies(compiler: string, defines: string[], includeDirs: string[], source: string): { deps: string; errors: string } {
  const run = spawnSync(compiler, ['-M', '-MG', ...defines, ...includeDirs.map((d) => `-I${d}`), source], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.error) throw new Error(`cannot run ${compiler}: ${run.error.message}`);
  return { deps: run.stdout, errors: run.stderr };
}

export function checkNative(options: NativeCheckOptions): NativeCheckResult {
  const sources = findCSources(join(options.root, 'hosts', 'esp32'));
  const espCompiler = `xtensa-${options.board.subclass}-elf-gcc`;
  const compiler = options.compiler ?? (spawnSync(espCompiler, ['--version']).status === 0 ? espCompiler : 'gcc');
  const tmp = mkdtempSync(join(tmpdir(), 'check-native-'));
  try {
    const sdkconfigDir = join(tmp, `xsProj-${options.board.subclass}`, 'build', 'config');
    mkdirSync(sdkconfigDir, { recursive: true });
    writeFileSync(join(sdkconfigDir, 'sdkconfig.h'), sdkconfigStandIn(options.sdkconfigDefaults, options.board.subclass));
    for (const generated of ['mc.xs.h', 'mc.defines.h']) writeFileSync(join(tmp, generated), '');
    // mcconfig's makefile adds the folder of every C file in the build.
    const ownDirs = [...new Set(sources.map((s) => dirname(s)))];
    const includeDirs = [...mcconfigIncludeDirs(options, tmp), ...ownDirs];
    const native = compiler !== 'gcc';
    const defines = ['-D__ets__', '-DESP32=3', ...(native ? [] : ['-D__XTENSA__=1', '-D__xtensa__=1'])];
    let toolchain = new Set<string>();
    if (!native) {
      const reference = options.referenceSource ?? join(options.moddable, REFERENCE_SOURCE);
      toolchain = new Set(missingFromDeps(dependencies(compiler, defines, includeDirs, reference).deps, reference));
    }
    const checks = sources.map((source): SourceCheck => {
      const { deps } = dependencies(compiler, defines, includeDirs, source);
      const missing = missingFromDeps(deps, source);
      return { source: relative(options.root, source), missing: missing.filter((m) => !toolchain.has(m)), toolchain: missing.filter((m) => toolchain.has(m)) };
    });
    return { compiler, includeDirs, sources: checks, ok: sources.length > 0 && checks.every((c) => c.missing.length === 0) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Options for this repository's board, from its manifest and sdkconfig files. */
export function boardCheckOptions(root: string, idfPath: string, moddable: string): NativeCheckOptions {
  const boardDir = join(root, 'hosts', 'esp32', 'board');
  const manifest = JSON.parse(readFileSync(join(boardDir, 'manifest.json'), 'utf8')) as { build: Record<string, string> };
  const subclass = manifest.build.ESP32_SUBCLASS;
  const sdkDefaults = join(moddable, 'build', 'devices', 'esp32', `xsProj-${subclass}`, 'sdkconfig.defaults');
  return {
    root,
    idfPath,
    moddable,
    board: { subclass, cFlags: manifest.build.C_FLAGS_SUBPLATFORM ?? '' },
    sdkconfigDefaults: [sdkDefaults, join(boardDir, 'sdkconfig', 'sdkconfig.defaults')].filter(existsSync).map((f) => readFileSync(f, 'utf8')),
  };
}

export function formatNativeCheck(result: NativeCheckResult): string {
  const lines = [`check-native: ${result.sources.length} C file(s), ${result.includeDirs.length} include folders, compiler ${result.compiler}`];
  for (const source of result.sources) {
    lines.push(`  ${source.missing.length === 0 ? 'ok  ' : 'MISS'} ${source.source}${source.missing.length ? `: ${source.missing.join(', ')}` : ''}`);
    if (source.toolchain.length) lines.push(`       not checked (ESP toolchain C library, absent from ${result.compiler}): ${source.toolchain.join(', ')}`);
  }
  lines.push(result.ok ? 'every #include resolves' : 'some #include does not resolve with mcconfig\'s include list');
  return lines.join('\n');
}
