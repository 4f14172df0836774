/**
 * Error answers of the API as one shape. The contract's 400 body is
 * `{ error: { code, message, field? } }`; a validation failure may carry several errors, as
 * `errors: [...]` beside or inside `error`. Every form is read so each message reaches its field.
 */
import type { ApiFieldError } from './types';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly errors: ApiFieldError[];
  /** Seconds to wait, from Retry-After (429 lockout). */
  readonly retryAfterS: number | null;

  constructor(status: number, errors: ApiFieldError[], retryAfterS: number | null = null) {
    super(errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ') || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.retryAfterS = retryAfterS;
  }

  /** Errors tied to one field, keyed by its dotted path. */
  byField(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.errors) if (e.field) (out[e.field] ??= []).push(e.message);
    return out;
  }

  /** Errors not tied to a field (shown above the form). */
  general(): ApiFieldError[] {
    return this.errors.filter((e) => !e.field);
  }
}

function asFieldError(value: unknown): ApiFieldError | null {
  if (typeof value === 'string') return { code: 'error', message: value };
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const message = typeof v.message === 'string' ? v.message : typeof v.error === 'string' ? v.error : null;
  if (message === null) return null;
  const out: ApiFieldError = { code: typeof v.code === 'string' ? v.code : 'error', message };
  if (typeof v.field === 'string' && v.field !== '') out.field = v.field;
  return out;
}

function collect(list: unknown, into: ApiFieldError[]): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    const e = asFieldError(item);
    if (e) into.push(e);
  }
}

/** Every error a response body carries, most specific first; never empty. */
export function parseErrorBody(status: number, body: unknown, fallbackText = ''): ApiFieldError[] {
  const out: ApiFieldError[] = [];
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    collect(b.errors, out);
    const error = b.error;
    if (typeof error === 'object' && error !== null) {
      const inner = error as Record<string, unknown>;
      collect(inner.errors, out);
      collect(inner.details, out);
      const top = asFieldError(error);
      // With a list, the summary restates its first entry ("… (and 2 more)"): keep it only if it adds a field.
      if (top && (out.length === 0 || (top.field && !out.some((e) => e.field === top.field)))) out.unshift(top);
    } else if (typeof error === 'string') {
      out.push({ code: typeof b.code === 'string' ? b.code : 'error', message: error });
    }
  }
  if (out.length === 0) out.push({ code: `http_${status}`, message: fallbackText.trim().slice(0, 200) || `HTTP ${status}` });
  return out;
}
