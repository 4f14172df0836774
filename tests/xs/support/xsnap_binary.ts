/**
 * The plain `xsnap` command (Moddable's XS engine with metering) built from the sources that the
 * npm package @agoric/xsnap carries. Built once into build/ and reused. The metering variant adds
 * a global `xsMemory(out)` (support/meter/xs_memory.c) that reads the machine's slot and chunk
 * counters, for the bench and the budget test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// npm scripts, jest and the bench all run from the project root.
const ROOT = resolve(process.cwd());
const PACKAGE = join(ROOT, 'node_modules/@agoric/xsnap');
export const XSNAP_BINARY = join(ROOT, 'build/xsnap/bin/lin/release/xsnap');
export const XSNAP_METER_BINARY = join(ROOT, 'build/xsnap-meter/bin/lin/release/xsnap');
const METER_SOURCES = join(ROOT, 'tests/xs/support/meter');

function build(buildDir: string, binary: string, extra: string[]): string {
  if (existsSync(binary)) return binary;
  if (!existsSync(PACKAGE)) throw new Error('@agoric/xsnap is not installed: run npm ci');
  mkdirSync(buildDir, { recursive: true });
  execFileSync('make', ['GOAL=release', `MODDABLE=${join(PACKAGE, 'moddable')}`, `BUILD_DIR=${buildDir}`, ...extra], {
    cwd: join(PACKAGE, 'xsnap-native/xsnap/makefiles/lin'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!existsSync(binary)) throw new Error(`xsnap build finished but ${binary} is missing`);
  return binary;
}

export function ensureXsnapBinary(): string {
  return build(join(ROOT, 'build/xsnap'), XSNAP_BINARY, ['-f', 'xsnap.mk']);
}

/** xsnap + xsMemory(): slots in use, chunk bytes in use, and their peaks. */
export function ensureMeterBinary(): string {
  return build(join(ROOT, 'build/xsnap-meter'), XSNAP_METER_BINARY, ['-f', join(METER_SOURCES, 'meter.mk'), `METER_DIR=${METER_SOURCES}`]);
}
