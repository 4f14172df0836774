/**
 * A small schema for request bodies and query values: a check is a value, the type it yields is
 * inferred, and validation lists every problem with its field path instead of stopping at one.
 */
import { type FieldError, validationError } from './responses';

export interface Check<T> {
  (value: unknown, field: string, errors: FieldError[]): T | undefined;
  optional?: boolean;
}

export type Infer<C> = C extends Check<infer T> ? T : never;

type Shape = Record<string, Check<unknown>>;
type Required<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: Infer<S[K]> };
type Optional<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? K : never]?: Infer<S[K]> };
export type ObjectOf<S extends Shape> = Required<S> & Optional<S>;

function fail(errors: FieldError[], field: string, code: string, message: string): undefined {
  errors.push({ field, code, message });
  return undefined;
}

export function numberIn(options: { min: number; max: number; integer?: boolean }): Check<number> {
  return (value, field, errors) => {
    if (typeof value !== 'number') return fail(errors, field, 'invalid_type', 'must be a number');
    if (!Number.isFinite(value)) return fail(errors, field, 'not_finite', 'must be a finite number');
    if (options.integer && !Number.isInteger(value)) return fail(errors, field, 'not_integer', 'must be a whole number');
    if (value < options.min || value > options.max) return fail(errors, field, 'out_of_range', `must be between ${options.min} and ${options.max}`);
    return value;
  };
}

export function integerIn(min: number, max: number): Check<number> {
  return numberIn({ min, max, integer: true });
}

export function textOf(options: { minLength?: number; maxLength: number; pattern?: RegExp; patternHint?: string }): Check<string> {
  return (value, field, errors) => {
    if (typeof value !== 'string') return fail(errors, field, 'invalid_type', 'must be text');
    if (value.length < (options.minLength ?? 0)) return fail(errors, field, 'too_short', `needs at least ${options.minLength} characters`);
    if (value.length > options.maxLength) return fail(errors, field, 'too_long', `has at most ${options.maxLength} characters`);
    if (options.pattern && !options.pattern.test(value)) return fail(errors, field, 'format', options.patternHint ?? 'has the wrong format');
    return value;
  };
}

export function oneOf<T extends string | number | boolean>(allowed: readonly T[]): Check<T> {
  return (value, field, errors) =>
    allowed.includes(value as T) ? (value as T) : fail(errors, field, 'not_allowed', `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
}

export const boolean: Check<boolean> = (value, field, errors) =>
  typeof value === 'boolean' ? value : fail(errors, field, 'invalid_type', 'must be true or false');

export function arrayOf<T>(item: Check<T>, options: { minItems?: number; maxItems: number }): Check<T[]> {
  return (value, field, errors) => {
    if (!Array.isArray(value)) return fail(errors, field, 'invalid_type', 'must be a list');
    if (value.length < (options.minItems ?? 0)) return fail(errors, field, 'too_short', `needs at least ${options.minItems} item(s)`);
    if (value.length > options.maxItems) return fail(errors, field, 'too_long', `has at most ${options.maxItems} items`);
    const before = errors.length;
    const out = value.map((entry, index) => item(entry, `${field}[${index}]`, errors) as T);
    return errors.length === before ? out : undefined;
  };
}

export function optional<T>(check: Check<T>): Check<T> & { optional: true } {
  const wrapped = ((value: unknown, field: string, errors: FieldError[]) => check(value, field, errors)) as Check<T> & { optional: true };
  wrapped.optional = true;
  return wrapped;
}

/** A JSON object with exactly these fields (unknown fields are refused, so typos do not pass silently). */
export function objectOf<S extends Shape>(shape: S): Check<ObjectOf<S>> {
  return (value, field, errors) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(errors, field, 'invalid_type', 'must be a JSON object');
    const source = value as Record<string, unknown>;
    const before = errors.length;
    const out: Record<string, unknown> = {};
    const path = (key: string) => (field ? `${field}.${key}` : key);
    for (const key of Object.keys(source)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) fail(errors, path(key), 'unknown_field', 'is not a known field');
    }
    for (const key of Object.keys(shape)) {
      const check = shape[key];
      if (source[key] === undefined) {
        if (!check.optional) fail(errors, path(key), 'required', 'is required');
        continue;
      }
      out[key] = check(source[key], path(key), errors);
    }
    return errors.length === before ? (out as ObjectOf<S>) : undefined;
  };
}

/** The value checked, or a 400 listing every problem. */
export function validateBody<T>(check: Check<T>, value: unknown, field = ''): T {
  const errors: FieldError[] = [];
  const out = check(value, field, errors);
  if (errors.length > 0 || out === undefined) throw validationError(errors.length > 0 ? errors : [{ field, code: 'invalid_request', message: 'invalid value' }]);
  return out;
}

/** An integer query parameter: the default when absent, a 400 naming the parameter when bad. */
export function queryInteger(query: ReadonlyMap<string, string>, name: string, options: { min: number; max: number; default: number }): number {
  const raw = query.get(name);
  if (raw === undefined || raw === '') return options.default;
  const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  return validateBody(integerIn(options.min, options.max), value, name);
}
