/**
 * The plain `xsnap` command (Moddable's XS engine with metering) built from the sources that the
 * npm package @agoric/xsnap carries. Built once into build/xsnap/ and reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// npm scripts, jest and the bench all run from the project root.
const ROOT = resolve(process.cwd());
const PACKAGE = join(ROOT, 'node_modules/@agoric/xsnap');
const BUILD_DIR = join(ROOT, 'build/xsnap');
export const XSNAP_BINARY = join(BUILD_DIR, 'bin/lin/release/xsnap');

export function ensureXsnapBinary(): string {
  if (existsSync(XSNAP_BINARY)) return XSNAP_BINARY;
  if (!existsSync(PACKAGE)) throw new Error('@agoric/xsnap is not installed: run npm ci');
  mkdirSync(BUILD_DIR, { recursive: true });
  execFileSync('make', ['GOAL=release', `MODDABLE=${join(PACKAGE, 'moddable')}`, `BUILD_DIR=${BUILD_DIR}`, '-f', 'xsnap.mk'], {
    cwd: join(PACKAGE, 'xsnap-native/xsnap/makefiles/lin'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!existsSync(XSNAP_BINARY)) throw new Error(`xsnap build finished but ${XSNAP_BINARY} is missing`);
  return XSNAP_BINARY;
}
