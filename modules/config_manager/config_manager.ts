/**
 * The one owner of the gateway configuration: loads it from the store at start, answers reads,
 * validates every change as a whole, persists it with one atomic put and announces it on the bus.
 *
 * Last-known-good generations: before a save replaces the stored config, the config it replaces
 * (known good: it was loaded or saved by this firmware) is kept under CONFIG_PREVIOUS_KEY. A
 * stored config that cannot be used (damaged, invalid, from a newer firmware, unreadable) is
 * kept byte for byte under CONFIG_DAMAGED_KEY and the previous generation is loaded
 * ('recovered'). Only when no generation is usable does the gateway run on safe defaults
 * ('reset'): the factory web password and AP passphrase are NOT re-opened then — both are
 * replaced by random recovery secrets written to the host log (serial console, process output),
 * so only someone at the device can log in. The gateway never stops for its config.
 */
import type { CryptoPort } from '../../hosts/ports/crypto';
import type { KeyValueStore } from '../../hosts/ports/store';
import type { GatewayBus } from '../event_bus/events';
import type { GatewayModule, ModuleMetrics } from '../gateway/context';
import type { Logger } from '../util/logger';
import { parseGuardedJson } from '../util/json_guard';
import { toHex } from '../util/hex';
import { utf8Encode } from '../util/utf8';
import type { GatewayConfig } from './config_types';
import { defaultsOf } from './fields';
import { changedPaths, copyPlain, deepFreeze, deepMerge, readPath, writePath } from './merge';
import { migrate } from './migrate';
import { constantTimeEqual, createCredential, credentialMatches, passwordProblem } from './password';
import { CONFIG_SCHEMA, SECRET_MASK, DEFAULT_WEB_PASSWORD, DEFAULT_WEB_PASSWORD_HASH, DEFAULT_WEB_PASSWORD_ITERATIONS } from './schema';
import { maskSecrets, READ_ONLY_PATHS, restoreMaskedSecrets } from './secrets';
import { type ConfigError, isPlainObject, validate } from './validate';
import { errorMessage } from '../util/error_message';

/** Short enough for an ESP32 NVS key (15 characters). */
export const CONFIG_STORE_KEY = 'config';
/** The generation before the current one (last known good). */
export const CONFIG_PREVIOUS_KEY = 'config_prev';
/** The bytes of the last stored config that could not be used, kept for inspection. */
export const CONFIG_DAMAGED_KEY = 'config_bad';

/** What the last load had to do: nothing, load the previous generation, or fall back to safe defaults. */
export type ConfigRecovery = 'none' | 'recovered' | 'reset';

export type ConfigLoadStatus = 'not_loaded' | 'defaults' | 'loaded' | 'corrupt' | 'invalid' | 'unsupported_version' | 'read_failed';

/** `ignored`: fields of an import that were left as they are (the login credential). */
export type ConfigResult = { ok: true; config: GatewayConfig; changed: string[]; ignored?: string[] } | { ok: false; errors: ConfigError[] };

/** The login: an import never changes it (only a password change with the current password, or a recovery reset). */
export const WEB_CREDENTIAL_PATHS: readonly string[] = Object.freeze(['web.username', 'web.password_hash', 'web.password_salt', 'web.password_iterations']);

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
  #recovery: ConfigRecovery = 'none';
  #damagedKept = false;
  /** The stored text of the current config (what a save keeps as the previous generation). */
  #storedText: string | undefined;
  #previousText: string | undefined;
  #saveFailing = false;
  #counters = { updates: 0, rejected: 0, persistFailures: 0 };
  #defaultPasswordSet = true;
  #defaultPasswordCheckedFor = DEFAULT_WEB_PASSWORD_HASH;

  constructor(options: ConfigManagerOptions) {
    this.#options = options;
    this.#log = options.logger ?? SILENT;
    this.#key = options.storeKey ?? CONFIG_STORE_KEY;
  }

  start(): void {
    this.load();
  }

  stop(): void {}

  /**
   * Read the stored config. A damaged one is kept aside and the previous generation loaded;
   * without a usable generation, safe defaults with recovery secrets. Returns the current
   * generation's status (why recovery was needed, when it was).
   */
  load(): ConfigLoadStatus {
    const current = this.#readStored(this.#key);
    this.#loadStatus = current.status;
    this.#loadProblem = current.problem;
    this.#recovery = 'none';
    this.#damagedKept = false;
    const previous = this.#readStored(CONFIG_PREVIOUS_KEY);
    this.#previousText = previous.status === 'loaded' ? previous.text : undefined;
    if (current.status === 'loaded' || (current.status === 'defaults' && previous.status === 'defaults')) {
      this.#storedText = current.text;
      this.#install(current.config ?? defaultConfig());
      return current.status;
    }
    // The current generation is missing or unusable: keep its bytes, then fall back.
    if (current.text !== undefined) this.#damagedKept = this.#tryPut(CONFIG_DAMAGED_KEY, current.text, 'keeping the damaged configuration');
    const kept = this.#damagedKept ? ` (its bytes are kept under "${CONFIG_DAMAGED_KEY}")` : '';
    if (previous.status === 'loaded' && previous.config) {
      this.#recovery = 'recovered';
      let config = previous.config;
      let secrets = '';
      // The lost generation may have had its own password: a generation with the factory one must not re-open it.
      if (config.web.password_hash === DEFAULT_WEB_PASSWORD_HASH) {
        const safe = this.#safeDefaults();
        config = { ...config, web: safe.config.web };
        secrets = `; it had the factory web password, replaced by the recovery login ${safe.username} / ${safe.webPassword} (shown only here)`;
      }
      this.#log.error(`stored configuration not used (${current.status}): ${current.problem || 'missing'}${kept}; loaded the previous good generation${secrets}`);
      const text = JSON.stringify(config);
      // Written back so the next start does not recover again (only once the damage is kept aside).
      if (current.status === 'defaults' || this.#damagedKept) this.#tryPut(this.#key, text, 'restoring the previous generation');
      this.#storedText = text;
      this.#install(config);
      return current.status;
    }
    this.#recovery = 'reset';
    const safe = this.#safeDefaults();
    this.#log.error(
      `stored configuration not used (${current.status}): ${current.problem}${kept}; no earlier generation is usable (${previous.status}); ` +
        `running on safe defaults. Recovery login: ${safe.username} / ${safe.webPassword} ; access point passphrase: ${safe.apPassword} (shown only here)`,
    );
    const text = JSON.stringify(safe.config);
    // Persisted so the recovery secrets stay the same across restarts (not when the damage could not be kept).
    if (current.status === 'defaults' || this.#damagedKept) this.#tryPut(this.#key, text, 'saving the safe defaults');
    this.#storedText = text;
    this.#install(safe.config);
    return current.status;
  }

  get loadStatus(): ConfigLoadStatus {
    return this.#loadStatus;
  }

  /** What the last load did about an unusable stored config, and why; for /api/status and alerts. */
  recoveryStatus(): { recovery: ConfigRecovery; cause: ConfigLoadStatus; problem: string; damaged_kept: boolean } {
    return { recovery: this.#recovery, cause: this.#loadStatus, problem: this.#loadProblem, damaged_kept: this.#damagedKept };
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

  /** Factory defaults, including the documented default web password (an explicit, authenticated request). */
  reset(): ConfigResult {
    return this.#commit(defaultConfig(), [], true);
  }

  /** The config as a JSON document; secrets masked unless asked for (an import keeps masked ones). */
  export(options: { includeSecrets?: boolean } = {}): string {
    return JSON.stringify(options.includeSecrets ? this.#config : maskSecrets(this.#config), null, 2);
  }

  /**
   * Replace the config from an export: migrated, missing fields defaulted, validated before
   * anything changes. The login credential is never taken from the file (a foreign or hand-made
   * hash would lock the owner out); the fields it tried to change are listed as `ignored`.
   */
  import(json: string): ConfigResult {
    const parsed = parseGuardedJson(json);
    if (!parsed.ok) {
      const message = parsed.code === 'too_deep' ? parsed.message : `not valid JSON: ${parsed.message}`;
      return this.#reject([{ field: '', code: 'parse_error', message }]);
    }
    if (!isPlainObject(parsed.value)) return this.#reject([{ field: '', code: 'type', message: 'a configuration file holds a JSON object' }]);
    const migrated = migrate(parsed.value);
    if (!migrated.ok) return this.#reject([migrated.error]);
    const candidate = deepMerge(defaultConfig(), migrated.document);
    const errors = restoreMaskedSecrets(candidate, this.#config);
    const ignored: string[] = [];
    for (const path of WEB_CREDENTIAL_PATHS) {
      const current = readPath(this.#config, path);
      const given = readPath(migrated.document, path);
      if (given !== undefined && given !== SECRET_MASK && given !== current) ignored.push(path);
      writePath(candidate, path, current);
    }
    // A credential conflict only concerns fields that are kept anyway.
    const result = this.#commit(candidate, errors.filter((e) => !WEB_CREDENTIAL_PATHS.includes(e.field)));
    if (result.ok && ignored.length > 0) {
      this.#log.warn(`configuration import: login credential in the file ignored (${ignored.join(', ')})`);
      return { ...result, ignored };
    }
    return result;
  }

  /**
   * The recovery path for a forgotten password (Node: `tinybms-gw reset-password`; device: the
   * BOOT-button window or the serial console): the documented first-boot login, nothing else changed.
   */
  resetWebCredentials(): ConfigResult {
    const defaults = defaultConfig();
    const candidate = copyPlain(this.#config);
    candidate.web = { ...candidate.web, username: defaults.web.username, password_hash: DEFAULT_WEB_PASSWORD_HASH, password_salt: defaults.web.password_salt, password_iterations: DEFAULT_WEB_PASSWORD_ITERATIONS };
    const result = this.#commit(candidate, [], true);
    if (result.ok) {
      this.#defaultPasswordSet = true;
      this.#log.warn('web login reset to the first-boot default (admin / the documented password)');
    }
    return result;
  }

  /** True while the web login accepts the documented first-boot password (the UI shows a banner). */
  usesDefaultPassword(): boolean {
    const web = this.#config.web;
    if (web.password_hash === DEFAULT_WEB_PASSWORD_HASH) return true;
    // A different hash may still be the default password under a new salt (set back by a change):
    // checked once per credential, PBKDF2 being slow on the device.
    if (this.#defaultPasswordCheckedFor !== web.password_hash) {
      this.#defaultPasswordCheckedFor = web.password_hash;
      this.#defaultPasswordSet = this.#options.crypto ? credentialMatches(this.#options.crypto, web, DEFAULT_WEB_PASSWORD) : false;
    }
    return this.#defaultPasswordSet;
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
    if (result.ok) {
      // Known without PBKDF2: the password is at hand.
      this.#defaultPasswordCheckedFor = this.#config.web.password_hash;
      this.#defaultPasswordSet = password === DEFAULT_WEB_PASSWORD;
      this.#log.info('web password changed');
    }
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
      config_recovery: this.#recovery,
      config_version: this.#config.version,
      config_updates_total: this.#counters.updates,
      config_rejected_total: this.#counters.rejected,
      config_persist_failures_total: this.#counters.persistFailures,
      web_default_password: this.usesDefaultPassword(),
    };
  }

  #readStored(key: string): { status: ConfigLoadStatus; config?: GatewayConfig; problem: string; text?: string } {
    let text: string | undefined;
    try {
      text = this.#options.store.get(key);
    } catch (error) {
      return { status: 'read_failed', problem: errorMessage(error) };
    }
    if (text === undefined) return { status: 'defaults', problem: '' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { status: 'corrupt', problem: `not valid JSON: ${errorMessage(error)}`, text };
    }
    const migrated = migrate(parsed);
    if (!migrated.ok) return { status: 'unsupported_version', problem: migrated.error.message, text };
    const result = validate(migrated.document);
    if (!result.ok) {
      const fields = result.errors.slice(0, 5).map((e) => `${e.field || '(document)'}: ${e.message}`);
      return { status: 'invalid', problem: `${result.errors.length} invalid field(s): ${fields.join('; ')}`, text };
    }
    return { status: 'loaded', config: result.config, problem: '', text };
  }

  /** Defaults whose web password and AP passphrase are random (never the documented factory ones). */
  #safeDefaults(): { config: GatewayConfig; username: string; webPassword: string; apPassword: string } {
    const config = defaultConfig();
    const crypto = this.#options.crypto;
    const secret = () => (crypto ? toHex(crypto.randomBytes(8)).toLowerCase() : '');
    const webPassword = secret();
    const apPassword = secret();
    if (crypto) {
      config.web = { ...config.web, ...createCredential(crypto, webPassword, DEFAULT_WEB_PASSWORD_ITERATIONS) };
      config.wifi = { ...config.wifi, ap_password: apPassword };
    } else {
      // No randomness on this host: a credential no password matches (login stays closed).
      config.web = { ...config.web, password_hash: '0'.repeat(64), password_salt: '0'.repeat(32) };
    }
    return { config, username: config.web.username, webPassword: webPassword || '(login disabled: no crypto port)', apPassword: apPassword || config.wifi.ap_password };
  }

  /** A best-effort put during load: a failing store is logged, never thrown (the gateway must start). */
  #tryPut(key: string, text: string, what: string): boolean {
    try {
      this.#options.store.put(key, text);
      return true;
    } catch (error) {
      this.#counters.persistFailures++;
      this.#log.error(`${what} failed: ${errorMessage(error)}`);
      return false;
    }
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
    const text = JSON.stringify(next);
    try {
      // The generation being replaced becomes the last known good one, then one put of the whole
      // document (the store's atomicity is the config's): a cut between the two leaves both keys on the old one.
      if (this.#storedText !== undefined && this.#storedText !== this.#previousText) {
        this.#options.store.put(CONFIG_PREVIOUS_KEY, this.#storedText);
        this.#previousText = this.#storedText;
      }
      this.#options.store.put(this.#key, text);
      this.#storedText = text;
    } catch (error) {
      this.#counters.persistFailures++;
      this.#saveFailing = true;
      this.#options.bus?.publish('storage.fault', { area: 'settings', ok: false, message: `configuration saves fail: ${errorMessage(error)}` });
      this.#log.error(`configuration not saved, previous one kept: ${errorMessage(error)}`);
      return this.#reject([{ field: '', code: 'persist_failed', message: `could not save the configuration: ${errorMessage(error)}` }]);
    }
    this.#counters.updates++;
    if (this.#saveFailing) this.#options.bus?.publish('storage.fault', { area: 'settings', ok: true, message: '' });
    this.#saveFailing = false;
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

