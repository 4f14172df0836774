/**
 * Whole-config validation against the schema and the cross-field rules. Never stops at the
 * first problem: the web UI marks every bad field at once.
 */
import type { GatewayConfig } from './config_types';
import type { AnyField, LeafField, SectionField } from './fields';
import { checkFormat } from './formats';
import { CROSS_FIELD_RULES } from './rules';
import { CONFIG_SCHEMA } from './schema';

export type ConfigErrorCode =
  | 'required'
  | 'unknown_field'
  | 'type'
  | 'not_integer'
  | 'below_min'
  | 'above_max'
  | 'not_allowed'
  | 'too_short'
  | 'too_long'
  | 'format'
  | 'read_only'
  | 'conflict'
  | 'parse_error'
  | 'unsupported_version'
  | 'persist_failed'
  | 'crypto_unavailable'
  | 'weak_password';

export interface ConfigError {
  /** Dotted path ("mqtt.keepalive_s"); "" for the document as a whole. */
  field: string;
  code: ConfigErrorCode;
  message: string;
  /** Bounds or allowed values, for the UI to show. */
  params?: { min?: number; max?: number; allowed?: readonly (string | number)[] };
  /** Other fields a cross-field rule compared this one with. */
  related?: string[];
}

export type ValidationResult = { ok: true; config: GatewayConfig } | { ok: false; errors: ConfigError[] };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

function checkLeaf(path: string, field: LeafField, value: unknown, errors: ConfigError[]): void {
  switch (field.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') errors.push({ field: path, code: 'type', message: `expected true or false, got ${describe(value)}` });
      return;
    case 'choice':
      if (!field.values.includes(value as string | number)) {
        errors.push({ field: path, code: 'not_allowed', message: `must be one of ${field.values.join(', ')}`, params: { allowed: field.values } });
      }
      return;
    case 'number': {
      if (typeof value !== 'number') {
        errors.push({ field: path, code: 'type', message: `expected a number, got ${describe(value)}` });
        return;
      }
      if (!Number.isFinite(value)) {
        errors.push({ field: path, code: 'type', message: 'expected a finite number' });
        return;
      }
      const params = { min: field.min, max: field.max };
      const unit = field.unit ? ` ${field.unit}` : '';
      if (field.integer && !Number.isInteger(value)) errors.push({ field: path, code: 'not_integer', message: 'must be a whole number', params });
      else if (value < field.min) errors.push({ field: path, code: 'below_min', message: `must be at least ${field.min}${unit}`, params });
      else if (value > field.max) errors.push({ field: path, code: 'above_max', message: `must be at most ${field.max}${unit}`, params });
      return;
    }
    case 'text': {
      if (typeof value !== 'string') {
        errors.push({ field: path, code: 'type', message: `expected text, got ${describe(value)}` });
        return;
      }
      const params = { min: field.minLength, max: field.maxLength };
      if (value.length > field.maxLength) errors.push({ field: path, code: 'too_long', message: `at most ${field.maxLength} characters`, params });
      else if (value.length < field.minLength && !(field.optional && value === '')) {
        errors.push({ field: path, code: 'too_short', message: `at least ${field.minLength} characters`, params });
      } else if (field.format && !(field.optional && value === '')) {
        const problem = checkFormat(field.format, value);
        if (problem) errors.push({ field: path, code: 'format', message: problem });
      }
      return;
    }
  }
}

function checkSection(path: string, section: SectionField<object>, value: unknown, errors: ConfigError[]): void {
  if (!isPlainObject(value)) {
    errors.push({ field: path, code: 'type', message: `expected an object, got ${describe(value)}` });
    return;
  }
  const fields = section.fields as Record<string, AnyField>;
  for (const key of Object.keys(fields)) {
    const childPath = path ? `${path}.${key}` : key;
    const field = fields[key];
    if (!Object.prototype.hasOwnProperty.call(value, key)) errors.push({ field: childPath, code: 'required', message: 'missing' });
    else if (field.kind === 'section') checkSection(childPath, field, value[key], errors);
    else checkLeaf(childPath, field, value[key], errors);
  }
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) {
      errors.push({ field: path ? `${path}.${key}` : key, code: 'unknown_field', message: 'not a configuration field' });
    }
  }
}

/** Every problem with `candidate` as a complete configuration; none means it is a GatewayConfig. */
export function validate(candidate: unknown): ValidationResult {
  const errors: ConfigError[] = [];
  checkSection('', CONFIG_SCHEMA, candidate, errors);
  const badFields = new Set(errors.map((e) => e.field));
  const involvesBadField = (path: string) => [...badFields].some((bad) => bad === '' || bad === path || path.startsWith(`${bad}.`));
  for (const rule of CROSS_FIELD_RULES) {
    // A rule over a field that is already wrong would only repeat (or garble) that error.
    if (involvesBadField(rule.field) || rule.related.some(involvesBadField)) continue;
    if (!rule.holds(candidate as GatewayConfig)) {
      errors.push({ field: rule.field, code: 'conflict', message: rule.message, related: rule.related });
    }
  }
  return errors.length === 0 ? { ok: true, config: candidate as GatewayConfig } : { ok: false, errors };
}
