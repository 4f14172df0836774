/**
 * The one owner of the gateway configuration: loads it from the store at start, answers reads,
 * validates every change as a whole, persists it with one atomic put and announces it on the bus.
 * A bad or unreadable stored config never stops the gateway: it runs on defaults and says so.
 */
import type { CryptoPort } from '../../hosts/ports/crypto';
import type { KeyValueStore } from '../../hosts/ports/store';
import type { GatewayBus } from '../event_bus/events';
import type { GatewayModule, ModuleMetrics } from '../gateway/context';
import type { Logger } from '../util/logger';
import { utf8Encode } from '../util/utf8';
import type { GatewayConfig } from './config_types';
import { defaultsOf } from './fields';
import { changedPaths, copyPlain, deepFreeze, deepMerge, readPath } from './merge';
import { migrate } from './migrate';
import { constantTimeEqual, createCredential, credentialMatches, passwordProblem } from './password';
import { CONFIG_SCHEMA, DEFAULT_WEB_PASSWORD_HASH, DEFAULT_WEB_PASSWORD_ITERATIONS } from './schema';
import { maskSecrets, READ_ONLY_PATHS, restoreMaskedSecrets } from './secrets';
import { type ConfigError, isPlainObject, validate } from './validate';

/** Short enough for an ESP32 NVS key (15 characters). */
export const CONFIG_STORE_KEY = 'config';

export type ConfigLoadStatus = 'not_loaded' | 'defaults' | 'loaded' | 'corrupt' | 'invalid' | 'unsupported_version' | 'read_failed';

export type ConfigResult = { ok: true; config: GatewayConfig; changed: string[] } | { ok: false; errors: ConfigError[] };

export interface ConfigManagerOptions {
  store: KeyValueStore;
  bus?: GatewayBus;
  /** Needed for web password changes and checks. */
  crypto?: CryptoPort;
  logger?: Logger;
  storeKey?: string;
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function defaultConfig(): GatewayConfig {
  return defaultsOf(CONFIG_SCHEMA);
}

export class ConfigManager implements GatewayModule {
  readonly name = 'config_manager';
  #options: ConfigManagerOptions;
  #log: Logger;
  #key: string;
  #config: GatewayConfig = deepFreeze(defaultConfig());
  #loadStatus: ConfigLoadStatus = 'not_loaded';
  #loadProblem = '';
  #counters = { updates: 0, rejected: 0, persistFailures: 0 };

  constructor(options: ConfigManagerOptions) {
    this.#options = options;
    this.#log = options.logger ?? SILENT;
    this.#key = options.storeKey ?? CONFIG_STORE_KEY;
  }

  start(): void {
    this.load();
  }

  stop(): void {}

  /** Read the stored config; on any problem keep the defaults and record why. */
  load(): ConfigLoadStatus {
    const { status, config, problem } = this.#readStored();
    this.#loadStatus = status;
    this.#loadProblem = problem;
    if (problem) this.#log.error(`stored configuration not used (${status}): ${problem}; running on defaults`);
    this.#install(config ?? defaultConfig());
    return status;
  }

  get loadStatus(): ConfigLoadStatus {
    return this.#loadStatus;
  }

  /** The current configuration, frozen: safe to hand out, never changes under a reader. */
  get(): GatewayConfig {
    return this.#config;
  }

  /** The current configuration with every secret replaced by SECRET_MASK (for API answers). */
  getMasked(): GatewayConfig {
    return maskSecrets(this.#config);
  }

  /** Deep-merge `partial` over the current config, validate the result whole, persist, announce. */
  update(partial: unknown): ConfigResult {
    const merged = this.#merge(partial);
    return 'candidate' in merged ? this.#commit(merged.candidate, merged.errors) : this.#reject(merged.errors);
  }

  /**
   * What `update(partial)` would make of the config, checked the same way, without storing or
   * announcing anything (the UI's "test connection" tries unsaved settings with it).
   */
  preview(partial: unknown): ConfigResult {
    const merged = this.#merge(partial);
    if (!('candidate' in merged)) return { ok: false, errors: merged.errors };
    const checked = checkCandidate(merged.candidate, merged.errors);
    if (!checked.ok) return checked;
    return { ok: true, config: deepFreeze(copyPlain(checked.config)), changed: changedPaths(this.#config, checked.config) };
  }

  /** Factory defaults, including the documented default web password. */
  reset(): ConfigResult {
    return this.#commit(defaultConfig(), [], true);
  }

  /** The config as a JSON document; secrets masked unless asked for (an import keeps masked ones). */
  export(options: { includeSecrets?: boolean } = {}): string {
    return JSON.stringify(options.includeSecrets ? this.#config : maskSecrets(this.#config), null, 2);
  }

  /** Replace the config from an export: migrated, missing fields defaulted, validated before anything changes. */
  import(json: string): ConfigResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      return this.#reject([{ field: '', code: 'parse_error', message: `not valid JSON: ${describeError(error)}` }]);
    }
    if (!isPlainObject(parsed)) return this.#reject([{ field: '', code: 'type', message: 'a configuration file holds a JSON object' }]);
    const migrated = migrate(parsed);
    if (!migrated.ok) return this.#reject([migrated.error]);
    const candidate = deepMerge(defaultConfig(), migrated.document);
    return this.#commit(candidate, restoreMaskedSecrets(candidate, this.#config));
  }

  /** Store a new salted PBKDF2 hash of `password`; the password itself is kept nowhere. */
  setWebPassword(password: string): ConfigResult {
    const problem = passwordProblem(password);
    if (problem) return this.#reject([{ field: 'web.password', code: 'weak_password', message: problem }]);
    const crypto = this.#options.crypto;
    if (!crypto) return this.#reject([{ field: 'web.password', code: 'crypto_unavailable', message: 'this host has no crypto port' }]);
    const candidate = copyPlain(this.#config);
    candidate.web = { ...candidate.web, ...createCredential(crypto, password, DEFAULT_WEB_PASSWORD_ITERATIONS) };
    const result = this.#commit(candidate, []);
    if (result.ok) this.#log.info('web password changed');
    return result;
  }

  /** True when `user` and `password` match the web credential. Work does not depend on where a mismatch is. */
  verifyWebPassword(user: string, password: string): boolean {
    const crypto = this.#options.crypto;
    if (!crypto) {
      this.#log.error('web login refused: this host has no crypto port');
      return false;
    }
    if (typeof user !== 'string' || typeof password !== 'string') return false;
    const web = this.#config.web;
    const userMatches = constantTimeEqual(utf8Encode(user), utf8Encode(web.username));
    const passwordMatches = credentialMatches(crypto, web, password);
    return userMatches && passwordMatches;
  }

  metrics(): ModuleMetrics {
    return {
      config_load_status: this.#loadStatus,
      config_load_problem: this.#loadProblem,
      config_version: this.#config.version,
      config_updates_total: this.#counters.updates,
      config_rejected_total: this.#counters.rejected,
      config_persist_failures_total: this.#counters.persistFailures,
      web_default_password: this.#config.web.password_hash === DEFAULT_WEB_PASSWORD_HASH,
    };
  }

  #readStored(): { status: ConfigLoadStatus; config?: GatewayConfig; problem: string } {
    let text: string | undefined;
    try {
      text = this.#options.store.get(this.#key);
    } catch (error) {
      return { status: 'read_failed', problem: describeError(error) };
    }
    if (text === undefined) return { status: 'defaults', problem: '' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { status: 'corrupt', problem: `not valid JSON: ${describeError(error)}` };
    }
    const migrated = migrate(parsed);
    if (!migrated.ok) return { status: 'unsupported_version', problem: migrated.error.message };
    const result = validate(migrated.document);
    if (!result.ok) {
      const fields = result.errors.slice(0, 5).map((e) => `${e.field || '(document)'}: ${e.message}`);
      return { status: 'invalid', problem: `${result.errors.length} invalid field(s): ${fields.join('; ')}` };
    }
    return { status: 'loaded', config: result.config, problem: '' };
  }

  /** The current config with `partial` merged in and masked secrets restored; errors for what an update may not do. */
  #merge(partial: unknown): { candidate: unknown; errors: ConfigError[] } | { errors: ConfigError[] } {
    if (!isPlainObject(partial)) return { errors: [{ field: '', code: 'type', message: 'an update is a JSON object' }] };
    const candidate = deepMerge(this.#config, partial);
    const errors = restoreMaskedSecrets(candidate, this.#config);
    for (const path of READ_ONLY_PATHS) {
      if (readPath(candidate, path) !== readPath(this.#config, path)) {
        errors.push({ field: path, code: 'read_only', message: 'cannot be changed by an update (use the password change)' });
      }
    }
    return { candidate, errors };
  }

  #commit(candidate: unknown, earlierErrors: ConfigError[], forceWrite = false): ConfigResult {
    const checked = checkCandidate(candidate, earlierErrors);
    if (!checked.ok) return this.#reject(checked.errors);
    const next = checked.config;
    const changed = changedPaths(this.#config, next);
    if (changed.length === 0 && !forceWrite) return { ok: true, config: this.#config, changed };
    try {
      // One put of the whole document: the store's atomicity is the config's atomicity.
      this.#options.store.put(this.#key, JSON.stringify(next));
    } catch (error) {
      this.#counters.persistFailures++;
      this.#log.error(`configuration not saved, previous one kept: ${describeError(error)}`);
      return this.#reject([{ field: '', code: 'persist_failed', message: `could not save the configuration: ${describeError(error)}` }]);
    }
    this.#counters.updates++;
    this.#install(next);
    if (changed.length > 0) this.#log.info(`configuration updated: ${changed.join(', ')}`);
    return { ok: true, config: this.#config, changed };
  }

  #install(next: GatewayConfig): void {
    const changed = changedPaths(this.#config, next);
    this.#config = deepFreeze(copyPlain(next));
    if (changed.length > 0 && this.#options.bus && !this.#options.bus.publish('config.updated', { config: this.#config, changed })) {
      this.#log.warn('event queue full: config.updated not announced; modules read config() on their next cycle');
    }
  }

  #reject(errors: ConfigError[]): ConfigResult {
    this.#counters.rejected++;
    return { ok: false, errors };
  }
}

/** The candidate validated whole; refused when it or anything found earlier is wrong. */
function checkCandidate(candidate: unknown, earlierErrors: ConfigError[]): { ok: true; config: GatewayConfig } | { ok: false; errors: ConfigError[] } {
  const result = validate(candidate);
  const errors = result.ok ? earlierErrors : [...earlierErrors, ...result.errors];
  return result.ok && errors.length === 0 ? { ok: true, config: result.config } : { ok: false, errors };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
