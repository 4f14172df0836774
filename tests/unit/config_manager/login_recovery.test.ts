/** The device recovery path: a 10 s BOOT-button hold within 2 min of start resets the web login. */
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import { ConfigManager } from '../../../modules/config_manager/config_manager';
import { LoginRecoveryWindow } from '../../../modules/config_manager/login_recovery';

const logs: string[] = [];
const logger = { debug() {}, info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };

function setup() {
  const clock = new VirtualClock();
  const config = new ConfigManager({ store: new MemoryStore(), crypto: createNodeCrypto() });
  config.start();
  config.setWebPassword('forgotten-one');
  const recovery = new LoginRecoveryWindow(clock, () => config.resetWebCredentials().ok, logger);
  recovery.start();
  return { clock, config, recovery };
}

describe('LoginRecoveryWindow', () => {
  it('resets the login after a 10 s hold inside the window', () => {
    const { clock, config, recovery } = setup();
    clock.advance(30_000);
    recovery.pressed();
    clock.advance(9_999);
    expect(config.verifyWebPassword('admin', 'forgotten-one')).toBe(true);
    clock.advance(1);
    expect(config.verifyWebPassword('admin', 'tinybms-gw')).toBe(true);
    expect(recovery.resets).toBe(1);
  });

  it('ignores a short press and any press after the window', () => {
    const { clock, config, recovery } = setup();
    recovery.pressed();
    clock.advance(5_000);
    recovery.released();
    clock.advance(20_000);
    clock.advance(100_000); // window closed
    recovery.pressed();
    clock.advance(20_000);
    expect(config.verifyWebPassword('admin', 'forgotten-one')).toBe(true);
    expect(recovery.resets).toBe(0);
  });
});
