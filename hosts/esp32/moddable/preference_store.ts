/**
 * KeyValueStore on the SDK's Preference module (NVS on the ESP32: one entry is written whole or
 * not at all; a JSON file on the simulator). NVS limits keys to 15 characters and values to
 * 4000 bytes, so hosts wrap this in config_manager's ChunkedStore.
 */
import Preference from 'preference';
import type { KeyValueStore } from '../../ports/store';

export const PREFERENCE_MAX_KEY_LENGTH = 15;
export const PREFERENCE_MAX_VALUE_BYTES = 4000;

export class PreferenceStoreError extends Error {
  override name = 'PreferenceStoreError';
}

export class PreferenceStore implements KeyValueStore {
  readonly domain: string;

  constructor(domain: string) {
    if (domain.length === 0 || domain.length > PREFERENCE_MAX_KEY_LENGTH) {
      throw new RangeError(`preference domain must have 1–${PREFERENCE_MAX_KEY_LENGTH} characters: "${domain}"`);
    }
    this.domain = domain;
  }

  get(key: string): string | undefined {
    this.#checkKey(key);
    const value = Preference.get(this.domain, key);
    if (value === undefined || typeof value === 'string') return value;
    throw new PreferenceStoreError(`store key "${key}" holds a ${typeof value}, not text`);
  }

  put(key: string, value: string): void {
    this.#checkKey(key);
    if (typeof value !== 'string') throw new TypeError(`store values are strings, got ${typeof value}`);
    try {
      Preference.set(this.domain, key, value);
    } catch (error) {
      throw new PreferenceStoreError(`saving store key "${key}" failed, previous value kept: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  delete(key: string): void {
    this.#checkKey(key);
    try {
      Preference.delete(this.domain, key);
    } catch (error) {
      // Deleting what is not there is fine; anything else must surface.
      if (Preference.get(this.domain, key) !== undefined) {
        throw new PreferenceStoreError(`deleting store key "${key}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  #checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > PREFERENCE_MAX_KEY_LENGTH) {
      throw new RangeError(`store keys have 1–${PREFERENCE_MAX_KEY_LENGTH} characters (NVS limit): "${String(key)}"`);
    }
  }
}
