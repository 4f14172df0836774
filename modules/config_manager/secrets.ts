/**
 * Secret fields: masking for API answers and exports, and "a mask sent back keeps the current
 * value" for updates and imports. The web credential (hash, salt, iterations) moves as one.
 */
import type { GatewayConfig } from './config_types';
import { forEachLeaf } from './fields';
import { copyPlain, readPath, writePath } from './merge';
import { CONFIG_SCHEMA, SECRET_MASK } from './schema';
import type { ConfigError } from './validate';

function pathsWhere(test: (field: { secret?: boolean; readOnly?: boolean }) => boolean): readonly string[] {
  const out: string[] = [];
  forEachLeaf(CONFIG_SCHEMA, (path, field) => {
    if (test(field)) out.push(path);
  });
  return Object.freeze(out);
}

export const SECRET_PATHS = pathsWhere((field) => field.secret === true);
export const READ_ONLY_PATHS = pathsWhere((field) => field.readOnly === true);

const CREDENTIAL_PATHS = ['web.password_hash', 'web.password_salt', 'web.password_iterations'] as const;

/** A copy with every non-empty secret replaced by SECRET_MASK (empty stays empty: "not set"). */
export function maskSecrets(config: GatewayConfig): GatewayConfig {
  const out = copyPlain(config);
  for (const path of SECRET_PATHS) {
    if (readPath(out, path) !== '') writePath(out, path, SECRET_MASK);
  }
  return out;
}

/**
 * In a mutable candidate, put the current value back wherever a secret is the mask.
 * A masked password hash keeps the whole current credential; a new hash with a masked salt is refused.
 */
export function restoreMaskedSecrets(candidate: unknown, current: GatewayConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const hashMasked = readPath(candidate, 'web.password_hash') === SECRET_MASK;
  if (!hashMasked && readPath(candidate, 'web.password_salt') === SECRET_MASK) {
    errors.push({ field: 'web.password_salt', code: 'conflict', message: 'a new password hash needs its own salt', related: ['web.password_hash'] });
  }
  if (hashMasked) {
    for (const path of CREDENTIAL_PATHS) writePath(candidate, path, readPath(current, path));
  }
  // Restored even after a conflict, so validation does not also complain about the mask's length.
  for (const path of SECRET_PATHS) {
    if (readPath(candidate, path) === SECRET_MASK) writePath(candidate, path, readPath(current, path));
  }
  return errors;
}
