/**
 * Builds the firmware with the Moddable SDK's mcconfig, or says what to install when the SDK is
 * not there (CI never has it; nothing in `npm test` depends on it).
 *
 *   npm run build:esp32 [-- --debug] [-- --flash] [-- --port=/dev/ttyACM0] [-- key=value …]
 *   npm run sim:mcsim   [-- --release] [-- --no-launch] [-- --xsbug-log]
 *   npx tsx scripts/moddable.ts check          resolve the ESP32 manifest only (no ESP-IDF needed)
 *   npx tsx scripts/moddable.ts check-native   every #include of hosts/esp32/**\/*.c against
 *                                              mcconfig's include list (IDF_PATH and MODDABLE set)
 *
 * ESP32: `mcconfig -p esp32:<board>`, built without flashing unless --flash. mcconfig lower-cases
 * the board path, so a checkout path with capital letters reaches the board through a
 * lower-case symbolic link in the temporary folder.
 * Simulator: `mcconfig [-d] -m -t build -p <lin|mac|win>` builds only (the SDK's own debug launch
 * step runs `pkill mcsim` and `pkill serial2xsbug` for every user process of that name); this
 * script then starts mcsim on the built mc.so itself. The output folder is created first
 * (mcconfig refuses a missing -o folder). The web UI is built first (build/web, embedded as
 * data), and node_modules/.bin goes first on PATH so mcconfig's per-module tsc step uses this
 * project's TypeScript.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { WEB_BUILD_DIR } from './build-web';
import { boardCheckOptions, checkNative, formatNativeCheck } from './check_native';

export type Target = 'esp32' | 'sim' | 'check';

export interface Plan {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Folder mcconfig writes to; created before it runs. */
  outputDir: string;
  /** The simulator app to open in mcsim once built (sim without --no-launch). */
  launch?: { command: string; args: string[]; cwd?: string };
  /** A lower-case link to the board folder to create first: [link, target]. */
  boardLink?: [string, string];
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

const APP_NAME = 'tinybms-gw';

/** SHA-256 of the trimmed PEM text of the development OTA key committed as certs/ota-public.pem. */
export const DEVELOPMENT_OTA_KEY_SHA256 = '6b2ad046a2ee54d1ca0cab88eaf4696dd5ff6bf912d9bed25707b05dc389ef65';

export function isDevelopmentOtaKey(pem: string): boolean {
  const normalized = pem.replace(/\r/g, '').trim();
  return createHash('sha256').update(normalized).digest('hex') === DEVELOPMENT_OTA_KEY_SHA256;
}

/** A release firmware must not trust the development key: anyone with this repository's tooling could sign for it. */
function refuseDevelopmentOtaKey(keyFile = join(REPO_ROOT, 'certs', 'ota-public.pem')): void {
  if (existsSync(keyFile) && isDevelopmentOtaKey(readFileSync(keyFile, 'utf8'))) {
    throw new SetupError(
      `${keyFile} is still the development OTA public key: a release firmware built with it accepts images signed by a ` +
        'key that is not yours. Make your own pair (certs/make-ota-keys.sh <dir>), copy its ota-public.pem over ' +
        'certs/ota-public.pem and keep the private key safe; or build with --debug, or pass --allow-dev-ota-key for a bench build.',
    );
  }
}

/**
 * A path to `boardDir` that mcconfig's lower-casing of `-p esp32:<path>` leaves intact: the folder
 * itself when it has no capital letters, else a link named after a hash of it in a lower-case
 * temporary folder. Throws SetupError when no such folder exists.
 */
export function reachableBoardDir(boardDir: string, tmpRoot: string = tmpdir()): { path: string; link?: [string, string] } {
  if (boardDir === boardDir.toLowerCase()) return { path: boardDir };
  const roots = [tmpRoot, '/tmp'].filter((root) => root === root.toLowerCase());
  if (roots.length === 0) {
    throw new SetupError(
      `mcconfig lower-cases the ESP32 board path (-p esp32:<path>), and ${boardDir} has capital letters; ` +
        `no lower-case temporary folder was found for a link to it (${tmpRoot}). Move the checkout to a lower-case path.`,
    );
  }
  const link = join(roots[0], `tinybms-gw-board-${createHash('sha256').update(boardDir).digest('hex').slice(0, 12)}`);
  return { path: link, link: [link, boardDir] };
}

function ensureBoardLink([link, target]: [string, string]): void {
  if (existsSync(link) || isDanglingLink(link)) {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
    throw new SetupError(`${link} exists and is not a link to ${target}; remove it and build again`);
  }
  symlinkSync(target, link, 'dir');
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
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
  const unknown = flags.filter((f) => !['--debug', '--release', '--flash', '--no-launch', '--allow-dev-ota-key', '--xsbug-log'].includes(f) && !f.startsWith('--port='));
  if (unknown.length > 0) throw new SetupError(`unknown option ${unknown.join(', ')} (known: --debug, --release, --flash, --port=<serial port>, --no-launch, --allow-dev-ota-key, --xsbug-log)`);
  // Debug builds talk to a debugger on port 5002; xsbug-log (the SDK's tools/xsbug-log) prints what they trace without the xsbug app.
  const xsbugLog = flags.includes('--xsbug-log');
  if (xsbugLog && (flags.includes('--release') || (target === 'esp32' && !flags.includes('--debug')))) throw new SetupError('--xsbug-log needs a debug build (sim: the default; esp32: add --debug)');
  const debugFlag = xsbugLog ? '-dl' : '-d';
  const port = flags.find((f) => f.startsWith('--port='))?.slice('--port='.length);
  const extraEnv: Record<string, string> = {
    PATH: [join(REPO_ROOT, 'node_modules', '.bin'), env.PATH ?? ''].join(delimiter),
  };
  const args: string[] = [];
  const outputDir = join(REPO_ROOT, 'build', 'moddable');
  let launch: Plan['launch'];
  let boardLink: Plan['boardLink'];
  if (target === 'sim') {
    const debug = !flags.includes('--release');
    const simPlatform = simulatorPlatform(platform);
    if (debug) args.push(debugFlag);
    args.push('-m', '-t', 'build', '-p', simPlatform);
    if (!flags.includes('--no-launch')) {
      const library = simPlatform === 'win' ? 'mc.dll' : 'mc.so';
      const app = join(outputDir, 'bin', simPlatform, 'mc', debug ? 'debug' : 'release', APP_NAME, library);
      launch = xsbugLog
        ? { command: process.execPath, args: [join(moddable, 'tools', 'xsbug-log', 'xsbug-log.js'), 'mcsim', app], cwd: join(moddable, 'tools', 'xsbug-log') }
        : { command: 'mcsim', args: [app] };
    }
  } else {
    if (target === 'esp32' && !env.IDF_PATH) throw new SetupError(IDF_MISSING);
    if (target === 'esp32' && !flags.includes('--debug') && !flags.includes('--allow-dev-ota-key')) refuseDevelopmentOtaKey();
    if (flags.includes('--debug')) args.push(debugFlag);
    // check: mcconfig only resolves the manifests and writes the makefile (no make, no ESP-IDF).
    if (target === 'esp32') args.push('-m', ...(flags.includes('--flash') ? [] : ['-t', 'build']));
    const board = reachableBoardDir(BOARD_DIR);
    boardLink = board.link;
    args.push('-p', `esp32:${board.path}`);
    if (port) extraEnv.UPLOAD_PORT = port;
  }
  args.push('-o', outputDir, ...passThrough, join(REPO_ROOT, 'manifest.json'));
  return { command: 'mcconfig', args, env: extraEnv, outputDir, launch, boardLink };
}

function runCheckNative(env: NodeJS.ProcessEnv): number {
  if (!env.IDF_PATH) throw new SetupError(`check-native needs IDF_PATH: the ESP-IDF tree at the SDK's pinned commit (docs/moddable.md, "ESP-IDF tree").`);
  if (!env.MODDABLE) throw new SetupError(SDK_MISSING);
  const result = checkNative(boardCheckOptions(REPO_ROOT, env.IDF_PATH, env.MODDABLE));
  console.log(formatNativeCheck(result));
  return result.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const [target, ...options] = process.argv.slice(2);
  if (target !== 'esp32' && target !== 'sim' && target !== 'check' && target !== 'check-native') {
    console.error('usage: tsx scripts/moddable.ts <esp32|sim|check|check-native> [--debug|--release] [--flash] [--port=<serial port>] [--no-launch] [key=value …]');
    return 2;
  }
  let plan: Plan;
  try {
    if (target === 'check-native') return runCheckNative(process.env);
    plan = planBuild(target, options, process.env);
    if (plan.boardLink) ensureBoardLink(plan.boardLink);
  } catch (error) {
    if (error instanceof SetupError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const { ensureWebBuilt } = await import('./build-web');
  if (target !== 'check') await ensureWebBuilt();
  mkdirSync(plan.outputDir, { recursive: true });
  console.log(`> ${plan.command} ${plan.args.join(' ')}`);
  const result = spawnSync(plan.command, plan.args, { stdio: 'inherit', env: { ...process.env, ...plan.env } });
  if (result.error) {
    console.error(`could not run mcconfig (${result.error.message}); is $MODDABLE/build/bin/<platform>/release on PATH?`);
    return 1;
  }
  if (target === 'check' && result.status === 0) {
    console.log('manifest resolved: see build/moddable/tmp/esp32/**/manifest_flat.json');
  }
  if (result.status !== 0 || !plan.launch) return result.status ?? 1;
  // mcsim copies the app library into this folder and fails when it is missing.
  mkdirSync(join(homedir(), '.config', 'tech.moddable.mcsim'), { recursive: true });
  console.log(`> ${plan.launch.command} ${plan.launch.args.join(' ')}   (trace output below; a debug build also talks to xsbug or xsbug-log on port 5002)`);
  const sim = spawn(plan.launch.command, plan.launch.args, { stdio: 'inherit', cwd: plan.launch.cwd, env: { ...process.env, ...plan.env } });
  return new Promise((done) => {
    sim.on('error', (error) => {
      console.error(`could not start mcsim (${error.message}); is $MODDABLE/build/bin/<platform>/release on PATH?`);
      done(1);
    });
    sim.on('exit', (code) => done(code ?? 1));
  });
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
