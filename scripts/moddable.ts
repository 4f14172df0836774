/**
 * Builds the firmware with the Moddable SDK's mcconfig, or says what to install when the SDK is
 * not there (CI never has it; nothing in `npm test` depends on it).
 *
 *   npm run build:esp32 [-- --debug] [-- --flash] [-- --port=/dev/ttyACM0] [-- key=value …]
 *   npm run sim:mcsim   [-- --release]
 *   npx tsx scripts/moddable.ts check     resolve the ESP32 manifest only (no ESP-IDF needed)
 *
 * ESP32: `mcconfig -p esp32:<repo>/hosts/esp32/board`, built without flashing unless --flash.
 * Simulator: `mcconfig -d -m -p <lin|mac|win>` builds and opens mcsim (a debug build also
 * looks for xsbug; --release skips that). The web UI is built
 * first (build/web, embedded as data), and node_modules/.bin goes first on PATH so mcconfig's
 * per-module tsc step uses this project's TypeScript.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { WEB_BUILD_DIR } from './build-web';

export type Target = 'esp32' | 'sim' | 'check';

export interface Plan {
  command: string;
  args: string[];
  env: Record<string, string>;
}

// From build-web's root search (working directory based), so jest's CommonJS can import this file.
export const REPO_ROOT = resolve(WEB_BUILD_DIR, '..', '..');
export const BOARD_DIR = join(REPO_ROOT, 'hosts', 'esp32', 'board');

const SDK_MISSING = `The Moddable SDK is not installed here: the MODDABLE environment variable is not set.
To build the firmware or run it in mcsim:
  1. Install the Moddable SDK 8.2.x (https://github.com/Moddable-OpenSource/moddable,
     documentation/Moddable SDK - Getting Started.md) and set MODDABLE to its folder,
     with $MODDABLE/build/bin/<lin|mac|win>/release on PATH.
  2. For the ESP32-S3 also install ESP-IDF v6.0 and source its export script (IDF_PATH).
See docs/moddable.md ("Flash an ESP32-S3", "Run in mcsim").`;

const IDF_MISSING = `ESP-IDF is not set up: IDF_PATH is not set. Install ESP-IDF v6.0 (the version Moddable SDK 8.2
expects) and run its export script, or use \`npx tsx scripts/moddable.ts check\` to resolve the
manifest without building. See docs/moddable.md.`;

export class SetupError extends Error {
  override name = 'SetupError';
}

function simulatorPlatform(platform: NodeJS.Platform): 'lin' | 'mac' | 'win' {
  if (platform === 'darwin') return 'mac';
  if (platform === 'win32') return 'win';
  return 'lin';
}

/** What to run for `target` with the given options and environment; throws SetupError with the fix when something is missing. */
export function planBuild(target: Target, options: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Plan {
  const moddable = env.MODDABLE;
  if (!moddable) throw new SetupError(SDK_MISSING);
  if (!existsSync(moddable)) throw new SetupError(`MODDABLE points to ${moddable}, which does not exist.\n${SDK_MISSING}`);
  const flags = options.filter((o) => o.startsWith('--'));
  const passThrough = options.filter((o) => !o.startsWith('--'));
  const unknown = flags.filter((f) => !['--debug', '--release', '--flash'].includes(f) && !f.startsWith('--port='));
  if (unknown.length > 0) throw new SetupError(`unknown option ${unknown.join(', ')} (known: --debug, --release, --flash, --port=<serial port>)`);
  const port = flags.find((f) => f.startsWith('--port='))?.slice('--port='.length);
  const extraEnv: Record<string, string> = {
    PATH: [join(REPO_ROOT, 'node_modules', '.bin'), env.PATH ?? ''].join(delimiter),
  };
  const args: string[] = [];
  if (target === 'sim') {
    if (!flags.includes('--release')) args.push('-d');
    args.push('-m', '-p', simulatorPlatform(platform));
  } else {
    if (target === 'esp32' && !env.IDF_PATH) throw new SetupError(IDF_MISSING);
    if (flags.includes('--debug')) args.push('-d');
    // check: mcconfig only resolves the manifests and writes the makefile (no make, no ESP-IDF).
    if (target === 'esp32') args.push('-m', ...(flags.includes('--flash') ? [] : ['-t', 'build']));
    args.push('-p', `esp32:${BOARD_DIR}`);
    if (port) extraEnv.UPLOAD_PORT = port;
  }
  args.push('-o', join(REPO_ROOT, 'build', 'moddable'), ...passThrough, join(REPO_ROOT, 'manifest.json'));
  return { command: 'mcconfig', args, env: extraEnv };
}

async function main(): Promise<number> {
  const [target, ...options] = process.argv.slice(2);
  if (target !== 'esp32' && target !== 'sim' && target !== 'check') {
    console.error('usage: tsx scripts/moddable.ts <esp32|sim|check> [--debug|--release] [--flash] [--port=<serial port>] [key=value …]');
    return 2;
  }
  let plan: Plan;
  try {
    plan = planBuild(target, options, process.env);
  } catch (error) {
    if (error instanceof SetupError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const { ensureWebBuilt } = await import('./build-web');
  if (target !== 'check') await ensureWebBuilt();
  console.log(`> ${plan.command} ${plan.args.join(' ')}`);
  const result = spawnSync(plan.command, plan.args, { stdio: 'inherit', env: { ...process.env, ...plan.env } });
  if (result.error) {
    console.error(`could not run mcconfig (${result.error.message}); is $MODDABLE/build/bin/<platform>/release on PATH?`);
    return 1;
  }
  if (target === 'check' && result.status === 0) {
    console.log('manifest resolved: see build/moddable/tmp/esp32/**/manifest_flat.json');
  }
  return result.status ?? 1;
}

const invokedDirectly = /moddable\.ts$/.test(process.argv[1] ?? '');
if (invokedDirectly) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
