/**
 * The gateway boots on any data folder, as a real process: damaged OTA state, a file where each
 * folder belongs, a full disk (a small tmpfs), a read-only folder (a read-only tmpfs: root ignores
 * permission bits, a read-only mount does not), a truncated, garbage or newer-version config.
 * Each time the BMS→CAN path runs (CAN frames keep going out) and the damage shows as an alert.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_WEB_PASSWORD } from '../../../modules/config_manager/schema';
import { bundleChild, eventually, GatewayChild, tempDataDir } from './support/child_process';

jest.setTimeout(60_000);

let bundle: string;
let dataDir: string;
let child: GatewayChild | undefined;
const mounts: string[] = [];

beforeAll(() => {
  bundle = bundleChild();
});
afterAll(() => fs.rmSync(bundle, { force: true }));
beforeEach(() => {
  dataDir = tempDataDir('tinybms-boot-');
});
afterEach(async () => {
  await child?.kill('SIGKILL');
  child = undefined;
  for (const mount of mounts.splice(0)) execFileSync('umount', [mount]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** tmpfs needs root and a kernel that lets this namespace mount; say so when it does not. */
function tryMount(target: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', target], { stdio: 'pipe' });
    mounts.push(target);
    return true;
  } catch {
    return false;
  }
}
const mountProbe = tempDataDir('tinybms-mount-probe-');
const CAN_MOUNT = tryMount(mountProbe, 'size=64k');
if (CAN_MOUNT) execFileSync('umount', [mountProbe]);
mounts.length = 0;
fs.rmSync(mountProbe, { recursive: true, force: true });
const withMount = CAN_MOUNT ? it : it.skip;
if (!CAN_MOUNT) console.warn('boot tests: tmpfs cannot be mounted here (not root, or no mount permission): full-disk and read-only boots skipped');

async function boot(options: { probeSave?: boolean } = {}): Promise<GatewayChild> {
  child = new GatewayChild(bundle, dataDir, options);
  await child.whenReady();
  const running = child;
  const before = running.canFrames;
  await eventually(() => running.canFrames > before + 5, 'CAN frames after boot');
  return running;
}

async function status(port: number): Promise<Record<string, any>> {
  return (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as Record<string, any>;
}

async function loginWorks(port: number, password: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/api/config`, { headers: { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
  return response.status === 200;
}

/** Runs the gateway once so every folder and file exists, with a user config (CCL 30 A). */
async function provision(): Promise<void> {
  const first = await boot({ probeSave: true });
  await eventually(() => first.save !== undefined, 'the first save');
  const config = JSON.parse(fs.readFileSync(path.join(dataDir, 'store', 'config.value'), 'utf8'));
  config.charge.max_charge_current_a = 30;
  fs.writeFileSync(path.join(dataDir, 'store', 'config.value'), JSON.stringify(config));
  await first.kill();
  child = undefined;
}

describe('OTA state', () => {
  it.each([
    ['a slot that does not exist', '{"running":"c"}'],
    ['torn JSON', '{"seq":3,"checks'],
    ['garbage', '\u0000\u0001garbage'],
  ])('boots on %s in ota-state.json, on the factory slot, and says so', async (_what, text) => {
    fs.mkdirSync(path.join(dataDir, 'ota'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'ota', 'ota-state.json'), text);
    const gw = await boot();
    const s = await status(gw.ready!.port);
    expect(s.ota).toMatchObject({ running_version: '0.0.0-dev', unavailable_reason: null });
    const events = (await (await fetch(`http://127.0.0.1:${gw.ready!.port}/api/events?limit=50`)).json()) as { events: { message: string }[] };
    const messages = events.events.map((e) => e.message).join('\n');
    expect(messages).toMatch(/ota-state\.json (holds an unusable state|is not valid JSON)/);
    expect(messages).toMatch(/no valid OTA state copy: booted the factory slot/);
  });
});

describe('a file where a folder belongs', () => {
  it.each(['store', 'files', 'ota'])('boots with a file in place of %s/, raises STORAGE_FAULT naming the path and the fix', async (folder) => {
    fs.writeFileSync(path.join(dataDir, folder), 'not a folder');
    const gw = await boot();
    expect(gw.ready!.alerts).toContain('STORAGE_FAULT');
    const s = await status(gw.ready!.port);
    expect(s.storage_faults.join('\n')).toContain(path.join(dataDir, folder));
    expect(s.storage_faults.join('\n')).toMatch(/make it a writable folder/);
  });

  it('boots when DATA_DIR itself is a file', async () => {
    fs.rmSync(dataDir, { recursive: true });
    fs.writeFileSync(dataDir, 'not a folder');
    try {
      const gw = await boot({ probeSave: true });
      expect(gw.ready!.alerts).toContain('STORAGE_FAULT');
      await eventually(() => gw.save !== undefined, 'the save probe');
      expect(gw.save).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/could not save the configuration/) }] });
      // Nothing could be read: safe defaults, and the factory password does not open the web UI.
      expect(gw.ready!.recovery.recovery).toBe('reset');
      expect(await loginWorks(gw.ready!.port, DEFAULT_WEB_PASSWORD)).toBe(false);
    } finally {
      await child?.kill();
      child = undefined;
      fs.rmSync(dataDir, { force: true });
      fs.mkdirSync(dataDir);
    }
  });
});

describe('stored configuration', () => {
  const damage: [string, (text: string) => string][] = [
    ['truncated', (text) => text.slice(0, Math.floor(text.length / 2))],
    ['garbage', () => '\u00ff\u00fe garbage \u0000'],
    ['from a newer firmware', (text) => JSON.stringify({ ...JSON.parse(text), version: 99 })],
  ];

  it.each(damage)('a %s config without an earlier generation: CONFIG_RESET, damage kept, no factory password', async (_what, spoil) => {
    await provision();
    const file = path.join(dataDir, 'store', 'config.value');
    const spoiled = spoil(fs.readFileSync(file, 'utf8'));
    fs.rmSync(path.join(dataDir, 'store', 'config_prev.value'), { force: true });
    fs.writeFileSync(file, spoiled);
    const gw = await boot();
    expect(gw.ready!.recovery.recovery).toBe('reset');
    expect(gw.ready!.alerts).toContain('CONFIG_RESET');
    expect((await status(gw.ready!.port)).config).toMatchObject({ recovery: 'reset', damaged_kept: true });
    expect(fs.readFileSync(path.join(dataDir, 'store', 'config_bad.value'), 'utf8')).toBe(spoiled);
    expect(await loginWorks(gw.ready!.port, DEFAULT_WEB_PASSWORD)).toBe(false);
    const recovery = /Recovery login: admin \/ ([0-9a-f]{16})/.exec(gw.stderr.join(''))?.[1];
    expect(recovery).toBeDefined();
    expect(await loginWorks(gw.ready!.port, recovery as string)).toBe(true);
  });

  it.each(damage)('a %s config with a good previous generation: CONFIG_RECOVERED with the user\'s 30 A', async (_what, spoil) => {
    await provision();
    const file = path.join(dataDir, 'store', 'config.value');
    fs.writeFileSync(path.join(dataDir, 'store', 'config_prev.value'), fs.readFileSync(file, 'utf8'));
    const spoiled = spoil(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, spoiled);
    const gw = await boot();
    expect(gw.ready!.recovery.recovery).toBe('recovered');
    expect(gw.ready!.max_charge_current_a).toBe(30);
    expect(gw.ready!.alerts).toContain('CONFIG_RECOVERED');
    expect(fs.readFileSync(path.join(dataDir, 'store', 'config_bad.value'), 'utf8')).toBe(spoiled);
    // The alert is latched in the journal: still listed after another restart.
    await gw.kill();
    const again = await boot();
    expect(again.ready!.recovery.recovery).toBe('none');
    expect(again.ready!.alerts).toContain('CONFIG_RECOVERED');
  });
});

describe('full and read-only disks', () => {
  withMount('boots on a full disk: history and saves fail with STORAGE_FAULT and a failing self-test, CAN runs', async () => {
    expect(tryMount(dataDir, 'size=256k')).toBe(true);
    await provision();
    // Fill what is left.
    try {
      fs.writeFileSync(path.join(dataDir, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC once the disk is full: that is the point.
    }
    const gw = await boot({ probeSave: true });
    await eventually(() => gw.save !== undefined, 'the save probe');
    expect(gw.save?.ok).toBe(false);
    expect(gw.ready!.recovery.recovery).toBe('none');
    expect(gw.ready!.max_charge_current_a).toBe(30);
    const port = gw.ready!.port;
    await eventually(async () => (await status(port)).storage_faults.length > 0, 'a storage fault');
    const diagnostics = (await (await fetch(`http://127.0.0.1:${port}/api/diagnostics`)).json()) as { self_test: { passed: boolean; checks: { name: string; status: string }[] } };
    expect(diagnostics.self_test.passed).toBe(false);
    expect(diagnostics.self_test.checks.find((c) => c.name === 'history_writable')?.status).toBe('fail');
  });

  withMount('boots on a read-only data folder with the stored config', async () => {
    expect(tryMount(dataDir, 'size=1m')).toBe(true);
    await provision();
    execFileSync('mount', ['-o', 'remount,ro', dataDir]);
    expect(() => fs.writeFileSync(path.join(dataDir, 'probe'), 'x')).toThrow(/EROFS|read-only/i);
    const gw = await boot({ probeSave: true });
    expect(gw.ready!.recovery.recovery).toBe('none');
    expect(gw.ready!.max_charge_current_a).toBe(30);
    await eventually(() => gw.save !== undefined, 'the save probe');
    expect(gw.save).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/read-only file system/i) }] });
    const s = await status(gw.ready!.port);
    expect(s.ota.unavailable_reason).toMatch(/cannot be written/);
    expect(s.storage_faults.length).toBeGreaterThan(0);
  });
});
