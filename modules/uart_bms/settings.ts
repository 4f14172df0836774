/**
 * Checks a settings write against the register map before anything goes on the wire: only the
 * writable settings 300–343 (not the reserved ones), each value inside its RevD range or option
 * list, 32-bit settings written whole. Values are given in the register's own type (INT16
 * settings may be negative); the result carries the 16-bit words to send.
 */
import { settingCovering, type ByteField, type RegisterDef } from './registers';
import { toWord, wordsToUint32 } from './words';

export interface SettingsError {
  address: number;
  key?: string;
  message: string;
}

export type SettingsCheck = { ok: true; words: number[] } | { ok: false; errors: SettingsError[] };

export const MAX_SETTINGS_WRITE = 100;

function checkByte(field: ByteField, value: number): string | undefined {
  if (field.options && !(value in field.options)) return `${field.label} ${value} is not one of ${Object.keys(field.options).join(', ')}`;
  if (field.range && (value < field.range.min || value > field.range.max)) return `${field.label} ${value} is outside ${field.range.min}..${field.range.max}`;
  return undefined;
}

/** Why `value` (the whole value: both words for UINT32) is not allowed in `def`, or undefined. */
function violation(def: RegisterDef, value: number): string | undefined {
  const signed = def.type === 'int16';
  const [min, max] = def.type === 'uint32' ? [0, 0xffffffff] : signed ? [-0x8000, 0x7fff] : [0, 0xffff];
  if (!Number.isInteger(value) || value < min || value > max) return `${value} is not a ${def.type} value`;
  if (def.options && !(value in def.options)) return `${value} is not one of ${Object.keys(def.options).join(', ')}`;
  if (def.range && (value < def.range.min || value > def.range.max)) return `${value} is outside ${def.range.min}..${def.range.max}${def.unit ? ' ' + def.unit : ''}`;
  if (def.type === 'byte_pair') return (def.lowByte && checkByte(def.lowByte, value & 0xff)) ?? (def.highByte && checkByte(def.highByte, value >>> 8));
  return undefined;
}

export function checkSettingsWrite(address: number, values: readonly number[]): SettingsCheck {
  const errors: SettingsError[] = [];
  if (!Number.isInteger(address)) return { ok: false, errors: [{ address, message: 'address must be an integer' }] };
  if (values.length === 0 || values.length > MAX_SETTINGS_WRITE) {
    return { ok: false, errors: [{ address, message: `${values.length} values given, 1..${MAX_SETTINGS_WRITE} allowed` }] };
  }
  const end = address + values.length;
  const words: number[] = [];
  for (let a = address; a < end; a++) {
    const def = settingCovering(a);
    const value = values[a - address];
    if (!def || !def.writable) {
      errors.push({ address: a, message: `register ${a} is not a writable setting (300–343 except the reserved 302, 309, 324–327)` });
      continue;
    }
    if (def.words === 2) {
      // A 32-bit setting is two words, low word first; check it once, at its low word.
      if (def.address < address || def.address + 1 >= end) {
        errors.push({ address: a, key: def.key, message: `${def.key} spans registers ${def.address}–${def.address + 1}: write both words` });
        continue;
      }
      if (a === def.address) {
        const high = values[a + 1 - address];
        const bad = [value, high].some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff) ? 'each word must be 0..65535' : violation(def, wordsToUint32(value, high));
        if (bad) errors.push({ address: a, key: def.key, message: `${def.key}: ${bad}` });
      }
      words.push(value & 0xffff);
      continue;
    }
    const bad = violation(def, value);
    if (bad) errors.push({ address: a, key: def.key, message: `${def.key}: ${bad}` });
    else words.push(toWord(value));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, words };
}
