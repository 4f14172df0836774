/** scripts/moddable.ts: what it runs with the SDK, and what it says without it (CI never has the SDK). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOARD_DIR, REPO_ROOT, SetupError, planBuild } from '../../../scripts/moddable';

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
    const build = planBuild('esp32', ['ssid=Home'], env);
    expect(build.command).toBe('mcconfig');
    expect(build.args.slice(0, 5)).toEqual(['-m', '-t', 'build', '-p', `esp32:${BOARD_DIR}`]);
    expect(build.args).toContain('ssid=Home');
    expect(build.args.at(-1)).toBe(join(REPO_ROOT, 'manifest.json'));
    expect(build.env.PATH.startsWith(join(REPO_ROOT, 'node_modules', '.bin'))).toBe(true);
    const flash = planBuild('esp32', ['--flash', '--debug', '--port=/dev/ttyACM0'], env);
    expect(flash.args.slice(0, 4)).toEqual(['-d', '-m', '-p', `esp32:${BOARD_DIR}`]);
    expect(flash.env.UPLOAD_PORT).toBe('/dev/ttyACM0');
  });

  it('runs the simulator for the desktop platform, debug unless --release', () => {
    expect(planBuild('sim', [], { MODDABLE: sdk }, 'linux').args.slice(0, 4)).toEqual(['-d', '-m', '-p', 'lin']);
    expect(planBuild('sim', ['--release'], { MODDABLE: sdk }, 'darwin').args.slice(0, 3)).toEqual(['-m', '-p', 'mac']);
    expect(planBuild('sim', [], { MODDABLE: sdk }, 'win32').args).toContain('win');
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
