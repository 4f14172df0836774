/** scripts/moddable.ts: what it runs with the SDK, and what it says without it (CI never has the SDK). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOARD_DIR, REPO_ROOT, SetupError, isDevelopmentOtaKey, planBuild, reachableBoardDir } from '../../../scripts/moddable';

describe('scripts/moddable.ts', () => {
  let sdk: string;
  beforeAll(() => {
    sdk = mkdtempSync(join(tmpdir(), 'moddable-sdk-'));
  });
  afterAll(() => rmSync(sdk, { recursive: true, force: true }));

  it('without MODDABLE stops with what to install and where to read', () => {
    expect(() => planBuild('esp32', [], {})).toThrow(SetupError);
    expect(() => planBuild('sim', [], {})).toThrow(/Moddable SDK 8\.2.*\n[\s\S]*ESP-IDF v6\.0[\s\S]*docs\/moddable\.md/);
  });

  it('says so when MODDABLE points nowhere', () => {
    expect(() => planBuild('sim', [], { MODDABLE: join(sdk, 'missing') })).toThrow(/which does not exist/);
  });

  it('needs ESP-IDF for an ESP32 build but not for the manifest check', () => {
    expect(() => planBuild('esp32', [], { MODDABLE: sdk })).toThrow(/ESP-IDF v6\.0/);
    const check = planBuild('check', [], { MODDABLE: sdk });
    expect(check.args).toEqual(['-p', `esp32:${BOARD_DIR}`, '-o', join(REPO_ROOT, 'build', 'moddable'), join(REPO_ROOT, 'manifest.json')]);
  });

  it('builds the ESP32 board without flashing unless asked, and passes the serial port and config through', () => {
    const env = { MODDABLE: sdk, IDF_PATH: '/opt/esp-idf', PATH: '/usr/bin' };
    const build = planBuild('esp32', ['ssid=Home', '--allow-dev-ota-key'], env);
    expect(build.command).toBe('mcconfig');
    expect(build.args.slice(0, 5)).toEqual(['-m', '-t', 'build', '-p', `esp32:${BOARD_DIR}`]);
    expect(build.args).toContain('ssid=Home');
    expect(build.args.at(-1)).toBe(join(REPO_ROOT, 'manifest.json'));
    expect(build.env.PATH.startsWith(join(REPO_ROOT, 'node_modules', '.bin'))).toBe(true);
    const flash = planBuild('esp32', ['--flash', '--debug', '--port=/dev/ttyACM0'], env);
    expect(flash.args.slice(0, 4)).toEqual(['-d', '-m', '-p', `esp32:${BOARD_DIR}`]);
    expect(flash.env.UPLOAD_PORT).toBe('/dev/ttyACM0');
  });

  it('builds the simulator for the desktop platform with -t build (no SDK pkill/launch step), debug unless --release, then opens mcsim itself', () => {
    const debug = planBuild('sim', [], { MODDABLE: sdk }, 'linux');
    expect(debug.args.slice(0, 6)).toEqual(['-d', '-m', '-t', 'build', '-p', 'lin']);
    expect(debug.outputDir).toBe(join(REPO_ROOT, 'build', 'moddable'));
    expect(debug.launch).toEqual({ command: 'mcsim', args: [join(REPO_ROOT, 'build/moddable/bin/lin/mc/debug/tinybms-gw/mc.so')] });
    const release = planBuild('sim', ['--release'], { MODDABLE: sdk }, 'darwin');
    expect(release.args.slice(0, 5)).toEqual(['-m', '-t', 'build', '-p', 'mac']);
    expect(release.launch?.args[0]).toBe(join(REPO_ROOT, 'build/moddable/bin/mac/mc/release/tinybms-gw/mc.so'));
    expect(planBuild('sim', [], { MODDABLE: sdk }, 'win32').args).toContain('win');
    expect(planBuild('sim', ['--no-launch'], { MODDABLE: sdk }, 'linux').launch).toBeUndefined();
  });

  it('runs a debug build under the SDK\'s xsbug-log on request (headless logs), and only a debug build', () => {
    const sim = planBuild('sim', ['--xsbug-log'], { MODDABLE: sdk }, 'linux');
    expect(sim.args.slice(0, 2)).toEqual(['-dl', '-m']);
    expect(sim.launch).toEqual({
      command: process.execPath,
      args: [join(sdk, 'tools/xsbug-log/xsbug-log.js'), 'mcsim', join(REPO_ROOT, 'build/moddable/bin/lin/mc/debug/tinybms-gw/mc.so')],
      cwd: join(sdk, 'tools/xsbug-log'),
    });
    const esp32 = planBuild('esp32', ['--debug', '--flash', '--xsbug-log'], { MODDABLE: sdk, IDF_PATH: '/opt/esp-idf' });
    expect(esp32.args.slice(0, 2)).toEqual(['-dl', '-m']);
    expect(() => planBuild('sim', ['--release', '--xsbug-log'], { MODDABLE: sdk })).toThrow(/needs a debug build/);
    expect(() => planBuild('esp32', ['--xsbug-log'], { MODDABLE: sdk, IDF_PATH: '/opt/esp-idf' })).toThrow(/needs a debug build/);
  });

  it('refuses a release ESP32 build that still embeds the development OTA public key', () => {
    const env = { MODDABLE: sdk, IDF_PATH: '/opt/esp-idf' };
    expect(isDevelopmentOtaKey(readFileSync(join(REPO_ROOT, 'certs/ota-public.pem'), 'utf8'))).toBe(true);
    expect(isDevelopmentOtaKey(readFileSync(join(REPO_ROOT, 'certs/ota-public.pem'), 'utf8').replace(/\n/g, '\r\n') + '\n')).toBe(true);
    expect(isDevelopmentOtaKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toBe(false);
    expect(() => planBuild('esp32', [], env)).toThrow(/development OTA public key[\s\S]*make-ota-keys\.sh/);
    expect(planBuild('esp32', ['--debug'], env).args).toContain('-d');
    expect(planBuild('esp32', ['--allow-dev-ota-key'], env).command).toBe('mcconfig');
  });

  it('reaches a board folder with capital letters through a lower-case link (mcconfig lower-cases -p esp32:<path>)', () => {
    expect(reachableBoardDir('/home/alice/gw/hosts/esp32/board', '/tmp')).toEqual({ path: '/home/alice/gw/hosts/esp32/board' });
    const upper = reachableBoardDir('/home/Alice/gw/hosts/esp32/board', '/tmp');
    expect(upper.path).toMatch(/^\/tmp\/tinybms-gw-board-[0-9a-f]{12}$/);
    expect(upper.path).toBe(upper.path.toLowerCase());
    expect(upper.link).toEqual([upper.path, '/home/Alice/gw/hosts/esp32/board']);
    expect(reachableBoardDir('/home/Bob/board', '/tmp').path).not.toBe(upper.path);
  });

  it('refuses unknown options', () => {
    expect(() => planBuild('sim', ['--fast'], { MODDABLE: sdk })).toThrow('unknown option --fast');
  });

  it('as a command: exits 1 with the message when the SDK is missing', () => {
    const env = { ...process.env };
    delete env.MODDABLE;
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/moddable.ts', 'esp32'], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('The Moddable SDK is not installed here');
    expect(result.stdout).not.toContain('mcconfig');
  });
});
