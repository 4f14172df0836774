/**
 * Stepwise upgrades of stored or imported configs to CONFIG_VERSION. Step N turns a version-N
 * document into version N+1; none exist yet, the table is where the next one goes.
 */
import { CONFIG_VERSION } from './schema';
import type { ConfigError } from './validate';
import { isPlainObject } from './validate';

type MigrationStep = (document: Record<string, unknown>) => Record<string, unknown>;

const MIGRATIONS: Readonly<Record<number, MigrationStep>> = Object.freeze({});

export type MigrationResult = { ok: true; document: unknown } | { ok: false; error: ConfigError };

export function migrate(document: unknown, steps: Readonly<Record<number, MigrationStep>> = MIGRATIONS, target = CONFIG_VERSION): MigrationResult {
  // Not an object, or no version: leave it to validation to say what is wrong.
  if (!isPlainObject(document) || typeof document.version !== 'number') return { ok: true, document };
  let current = document;
  let version = document.version;
  if (version > target) {
    return { ok: false, error: { field: 'version', code: 'unsupported_version', message: `config version ${version} is newer than this firmware's ${target}` } };
  }
  while (version < target) {
    const step = steps[version];
    if (!step) {
      return { ok: false, error: { field: 'version', code: 'unsupported_version', message: `no migration from config version ${version}` } };
    }
    current = { ...step(current), version: version + 1 };
    version++;
  }
  return { ok: true, document: current };
}
