/** The Node recovery path: `tinybms-gw reset-password` rewrites the stored login and nothing else. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../hosts/node/cli/main';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import { FileKeyValueStore } from '../../../hosts/node/kv_store';
import { ConfigManager } from '../../../modules/config_manager/config_manager';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

const open = (dir: string) => {
  const manager = new ConfigManager({ store: new FileKeyValueStore(path.join(dir, 'store')), crypto: createNodeCrypto() });
  manager.start();
  return manager;
};

describe('tinybms-gw reset-password', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-reset-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sets the login back to admin / the first-boot password, keeping every other setting', async () => {
    const before = open(dir);
    before.update({ web: { username: 'owner' }, bms: { poll_interval_ms: 700 } });
    before.setWebPassword('lost-and-gone');
    const { out, io } = capture();
    await expect(runCli(['reset-password', '--data-dir', dir], io)).resolves.toBe(0);
    expect(out.stdout).toMatch(/user "admin", the first-boot password "tinybms-gw"/);
    const after = open(dir);
    expect(after.verifyWebPassword('admin', 'tinybms-gw')).toBe(true);
    expect(after.verifyWebPassword('owner', 'lost-and-gone')).toBe(false);
    expect(after.get().bms.poll_interval_ms).toBe(700);
    expect(after.metrics().web_default_password).toBe(true);
  });

  it('takes a new password instead, and refuses a weak one', async () => {
    open(dir).setWebPassword('lost-and-gone');
    await expect(runCli(['reset-password', '--data-dir', dir, '--password', 'fresh-start-1'], capture().io)).resolves.toBe(0);
    expect(open(dir).verifyWebPassword('admin', 'fresh-start-1')).toBe(true);
    const { out, io } = capture();
    await expect(runCli(['reset-password', '--data-dir', dir, '--password', 'short'], io)).resolves.toBe(2);
    expect(out.stderr).toMatch(/at least 8/);
    expect(open(dir).verifyWebPassword('admin', 'fresh-start-1')).toBe(true); // refused before anything changed
  });

  it('exits 2 without touching anything when the folder holds no gateway data', async () => {
    const { out, io } = capture();
    await expect(runCli(['reset-password', '--data-dir', path.join(dir, 'nowhere')], io)).resolves.toBe(2);
    expect(out.stderr).toMatch(/no gateway data/);
  });
});
