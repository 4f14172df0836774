/**
 * `tinybms-gw reset-password [--data-dir DIR] [--password NEW]`: the recovery path for a
 * forgotten web login on the Node host. It rewrites the stored configuration (the same folder
 * `npm start` uses, DATA_DIR or .data) so the login is `admin` with the documented first-boot
 * password, or with NEW; nothing else changes. Stop the gateway first, or restart it after:
 * a running gateway keeps the login it loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigManager } from '../../../modules/config_manager/config_manager';
import { passwordProblem } from '../../../modules/config_manager/password';
import { DEFAULT_WEB_PASSWORD } from '../../../modules/config_manager/schema';
import { createNodeCrypto } from '../crypto';
import { FileKeyValueStore } from '../kv_store';
import { EXIT_OK, InputError, parseOptions, type Subcommand } from './command';

export const resetPassword: Subcommand = {
  path: ['reset-password'],
  usage: '[--data-dir DIR] [--password NEW]',
  summary: 'recovery: set the web login back to admin / the first-boot password (or NEW) in the data folder (DATA_DIR, default .data); restart the gateway after',
  run(args, io) {
    const { options } = parseOptions(args, ['--data-dir', '--password'], []);
    const dataDir = path.resolve(options.get('--data-dir') ?? process.env.DATA_DIR ?? '.data');
    const storeDir = path.join(dataDir, 'store');
    if (!fs.existsSync(storeDir)) throw new InputError(`no gateway data in ${dataDir} (expected a store/ folder; pass --data-dir)`);
    const manager = new ConfigManager({ store: new FileKeyValueStore(storeDir), crypto: createNodeCrypto() });
    manager.start();
    if (manager.loadStatus !== 'loaded' && manager.loadStatus !== 'defaults') {
      throw new InputError(`the stored configuration cannot be read (${manager.loadStatus}); not touching it`);
    }
    const password = options.get('--password');
    const weak = password === undefined ? undefined : passwordProblem(password);
    if (weak) throw new InputError(weak);
    const reset = manager.resetWebCredentials();
    if (!reset.ok) throw new InputError(reset.errors.map((e) => e.message).join('; '));
    if (password !== undefined) {
      const changed = manager.setWebPassword(password);
      if (!changed.ok) throw new InputError(changed.errors.map((e) => e.message).join('; '));
    }
    const shown = password === undefined ? `the first-boot password "${DEFAULT_WEB_PASSWORD}"` : 'the password given';
    io.stdout(`web login reset in ${dataDir}: user "admin", ${shown}. Restart the gateway, then change the password.\n`);
    return EXIT_OK;
  },
};
