/**
 * Plain-data helpers for configuration objects: deep merge of partial updates, the list of
 * changed leaf paths, copies and freezing. JSON-shaped values only (no arrays in the schema).
 */
import { isPlainObject } from './validate';

/** `patch` laid over `base`: sections merge key by key, anything else replaces. Inputs are not touched. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return copyPlain(patch);
  const out: Record<string, unknown> = copyPlain(base) as Record<string, unknown>;
  for (const key of Object.keys(patch)) {
    setOwn(out, key, Object.prototype.hasOwnProperty.call(base, key) ? deepMerge(base[key], patch[key]) : copyPlain(patch[key]));
  }
  return out;
}

export function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => copyPlain(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, copyPlain(value[key]));
  // Returned as a literal copy: V8 turns an object built key by key past a few dozen keys (the
  // charge section) into a hash table, so every read of it each CAN cycle was a hash lookup.
  return { ...out } as T;
}

/**
 * An own data property even for "__proto__": JSON.parse makes it an own key, and a plain
 * assignment would set the prototype instead, so validation would never see (and refuse) it.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Dotted paths of the leaves that differ between two configs of the same shape. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const out: string[] = [];
    for (const key of keys) out.push(...changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
    return out;
  }
  return before === after ? [] : [prefix];
}

export function readPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets a leaf on a mutable plain object; does nothing when a section on the way is missing. */
export function writePath(root: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: unknown = root;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node)) return;
    node = node[key];
  }
  if (isPlainObject(node)) node[keys[keys.length - 1]] = value;
}
