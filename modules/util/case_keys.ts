/**
 * Key case conversion for plain JSON values: the API speaks snake_case (gateway-api.md), some
 * internal objects use camelCase. Only keys change; values are copied as they are.
 */

export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const name = rename(key);
    // "__proto__" stays an own key (and is then refused by whoever validates).
    Object.defineProperty(out, name, { value: mapKeys(child, rename), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export const snakeKeys = (value: unknown): unknown => mapKeys(value, snakeCase);
export const camelKeys = (value: unknown): unknown => mapKeys(value, camelCase);
